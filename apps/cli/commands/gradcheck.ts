/**
 * `softmax-wasm gradcheck`: the analytic gradients of linearSoftmaxLoss and softmaxCrossEntropy
 * against numerical differences, in float64, on a seeded random problem.
 */
import {
  checkCrossEntropyGradients, checkLinearSoftmaxGradients, matrix, Rng, type GradCheckResult, type SoftmaxKernels,
} from 'softmax-wasm';
import { CommandFailed, choice, num, parse, type Io } from '../args.js';
import { ENGINES, loadEngine } from '../engine.js';

export const GRADCHECK_HELP = `Usage: softmax-wasm gradcheck [options]

Checks analytic gradients against numerical differences (CS231n's sparse gradient check) in
float64, on a seeded random problem: linearSoftmaxLoss (dW, db, dX) and softmaxCrossEntropy
(d loss / d logits: plain; label smoothing with class weights; ignoreIndex with reduction 'sum').
Prints the worst relative error |n − a| / (|n| + |a|) of each and exits with 1 if one is above --tol.

Options:
  --engine NAME    wasm (default) or reference
  --samples N      coordinates checked per parameter (default 20)
  --order 2|4      2: centered difference (f(x+h) − f(x−h)) / 2h, as in CS231n;
                   4: five-point stencil, error O(h⁴) (default)
  --h STEP         step (default 1e-5 for order 2, 1e-3 for order 4)
  --tol T          largest acceptable relative error (default 1e-7)
  --seed N         seed of the problem and of the coordinates (default 1)
  --n N, --d D, --c C, --reg R
                   problem size: X is N×D, C classes, L2 strength R (default 32, 20, 10, 0.01)
  -h, --help       this help
`;

export async function gradcheckCommand(argv: string[], io: Io): Promise<number> {
  const cmd = 'gradcheck';
  const { values: v } = parse(cmd, argv, {
    engine: { type: 'string' }, samples: { type: 'string' }, order: { type: 'string' }, h: { type: 'string' },
    tol: { type: 'string' }, seed: { type: 'string' }, n: { type: 'string' }, d: { type: 'string' },
    c: { type: 'string' }, reg: { type: 'string' },
  });
  if (v.help) { io.out.write(GRADCHECK_HELP); return 0; }
  const s = (k: string) => v[k] as string | undefined;
  const engineName = choice(cmd, 'engine', s('engine'), ENGINES, 'wasm');
  const samples = num(cmd, 'samples', s('samples'), 20, { lo: 1, hi: 1e6, int: true })!;
  const order = Number(choice(cmd, 'order', s('order'), ['2', '4'], '4')) as 2 | 4;
  const h = num(cmd, 'h', s('h'), order === 2 ? 1e-5 : 1e-3, { lo: 0, hi: 1, loOpen: true })!;
  const tol = num(cmd, 'tol', s('tol'), 1e-7, { lo: 0, loOpen: true })!;
  const seed = num(cmd, 'seed', s('seed'), 1, { lo: 0, hi: 2 ** 32 - 1, int: true })!;
  const N = num(cmd, 'n', s('n'), 32, { lo: 1, hi: 10000, int: true })!;
  const D = num(cmd, 'd', s('d'), 20, { lo: 1, hi: 10000, int: true })!;
  const C = num(cmd, 'c', s('c'), 10, { lo: 2, hi: 1000, int: true })!;
  const reg = num(cmd, 'reg', s('reg'), 0.01, { lo: 0 })!;

  const engine = await loadEngine(engineName);
  try {
    const rows = runChecks(engine.kernels, { N, D, C, reg, seed }, { samples, h, seed, order });
    const method = order === 2 ? `centered difference, h = ${h}` : `five-point stencil, h = ${h}`;
    io.out.write(`gradcheck: ${engine.name} kernels, float64, X ${N}×${D}, ${C} classes, reg ${reg}; ${method}; ${samples} coordinates per parameter\n`);
    let worst = 0;
    for (const [what, r] of rows) {
      for (const [param, e] of Object.entries(r.perParam)) {
        worst = Math.max(worst, e);
        io.out.write(`  ${what.padEnd(50)} ${param.padEnd(7)} worst relative error ${e.toExponential(2).padStart(9)}  ${e <= tol ? 'ok' : 'TOO LARGE'}\n`);
      }
    }
    if (!(worst <= tol)) throw new CommandFailed(`the worst relative error ${worst.toExponential(2)} is above --tol ${tol}`);
    io.out.write(`all below ${tol}: ok\n`);
    return 0;
  } finally {
    engine.dispose();
  }
}

/** The checks, on a seeded problem: X ~ N(0, 1), W ~ 0.1·N(0, 1), b ~ 0.1·N(0, 1), logits ~ 2·N(0, 1). */
export function runChecks(
  k: SoftmaxKernels, p: { N: number; D: number; C: number; reg: number; seed: number },
  options: { samples: number; h: number; seed: number; order: 2 | 4 },
): Array<[string, GradCheckResult]> {
  const r = new Rng(p.seed);
  const g = (n: number, scale: number) => Float64Array.from({ length: n }, () => scale * r.gauss());
  const X = matrix(g(p.N * p.D, 1), p.N, p.D);
  const W = matrix(g(p.D * p.C, 0.1), p.D, p.C);
  const b = g(p.C, 0.1);
  const y = Int32Array.from({ length: p.N }, () => r.int(p.C));
  const logits = matrix(g(p.N * p.C, 2), p.N, p.C);
  const weights = Float64Array.from({ length: p.C }, () => 0.5 + r.next());
  const yIgnore = Int32Array.from(y, (v, i) => (i % 4 === 3 ? -100 : v));
  return [
    [`linearSoftmaxLoss (bias, reg ${p.reg})`, checkLinearSoftmaxGradients(k, { X, y, W, b, reg: p.reg }, options)],
    ['softmaxCrossEntropy (mean)', checkCrossEntropyGradients(k, logits, y, {}, options)],
    ['softmaxCrossEntropy (labelSmoothing 0.1, weights)', checkCrossEntropyGradients(k, logits, y, { labelSmoothing: 0.1, weights }, options)],
    ["softmaxCrossEntropy (ignoreIndex -100, 'sum')", checkCrossEntropyGradients(k, logits, yIgnore, { ignoreIndex: -100, reduction: 'sum' }, options)],
  ];
}
