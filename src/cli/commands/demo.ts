/** `softmax-wasm demo`: the tutorial's worked example, computed right, beside what it printed. */
import { solveTutorial, tutorialPrinted, tutorialWhyWrong } from '../../demo/tutorial.js';
import type { SoftmaxKernels } from '../../index.js';
import { choice, parse, type Io } from '../args.js';
import { ENGINES, loadEngine } from '../engine.js';

export const DEMO_HELP = `Usage: softmax-wasm demo [--engine wasm|reference]

The worked example of the tutorial this project grew from ("NumPy: how to compute the gradient of
the softmax loss"), computed right: x = [1, 2, 3] (1×3), W = [[-1, 1], [1, -1], [0, 0]] (3×2),
label 1, no bias, no reg; with the numbers the tutorial printed instead, and why they are wrong.

Options:
  --engine NAME   wasm (WASM SIMD kernels, default) or reference (plain TypeScript, float64)
  -h, --help      this help
`;

const fmt = (a: ArrayLike<number>): string => `[${Array.from(a, (v) => Number(v.toPrecision(16))).join(', ')}]`;
const rowsOf = (m: { data: ArrayLike<number>; rows: number; cols: number }): string =>
  `[${Array.from({ length: m.rows }, (_, i) => fmt(Array.from(m.data).slice(i * m.cols, (i + 1) * m.cols))).join(', ')}]`;

/** Prints the tutorial's example solved with `k` (float64). */
export function printTutorial(k: SoftmaxKernels, write: (line: string) => void): void {
  const t = solveTutorial(k);
  write(`scores        ${fmt(t.scores.data)}`);
  write(`probabilities ${fmt(t.probs.data)}`);
  write(`loss          ${t.loss}    (the tutorial prints ${tutorialPrinted.loss})`);
  write(`dW            ${rowsOf(t.dW)}`);
  write(`              (the tutorial prints ±${tutorialPrinted.dW[0]} / ±${tutorialPrinted.dW[1]})`);
  write(`db            ${fmt(t.db)}`);
  write(`dX            ${rowsOf(t.dX)}`);
  write(`Why the tutorial is wrong: ${tutorialWhyWrong}`);
}

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse('demo', argv, { engine: { type: 'string' } });
  if (values.help) { io.out.write(DEMO_HELP); return 0; }
  const engine = await loadEngine(choice('demo', 'engine', values.engine as string | undefined, ENGINES, 'wasm'));
  try {
    io.out.write(`The tutorial's example, done right (${engine.name} kernels, float64): x = [1, 2, 3], W = [[-1, 1], [1, -1], [0, 0]], label 1\n`);
    printTutorial(engine.kernels, (line) => io.out.write(`${line}\n`));
  } finally {
    engine.dispose();
  }
  return 0;
}
