/** The fuzz plan of softmaxBackward: probability or hostile y, out separate or aliased to y / dy, partial overlaps; a floor for its cancelling sums. */
import fc from 'fast-check';
import { matrix, reference, type FloatArray, type Matrix } from '../../../src/index.js';
import { FLT_MAX, TINY_NORMAL, arr, type DT } from '../../support/index.js';
import { MATRIX_BADS, SECONDARY_BADS, WASM_ONLY_BADS, badMatrix, strayWasmView, type MatrixBad } from '../bad_args.js';
import type { FuzzContext } from '../context.js';
import { badArb, callStyleArb, dim, dtArb, materialize, prefixed, seedArb, valuesArb, type ArbValue } from '../generators.js';
import { checkMatrixResult, engines, execute, invoke, kernels, type CallInfo } from '../oracle.js';
import { Builder, storageArb, wrapperArb } from '../storage.js';

const BACKWARD_OUT = ['none', 'separate', 'separate', 'aliasY', 'aliasDy'] as const;
const BACKWARD_BADS = [...prefixed('y', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('dy', MATRIX_BADS),
  ...prefixed('dy', SECONDARY_BADS), ...prefixed('out', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('out', SECONDARY_BADS),
  'out:partialY', 'out:partialDy', 'y:freedView'];
export const backwardArb = fc.record({
  dt: dtArb, rows: dim, cols: dim,
  yKind: fc.constantFrom('probs', 'probs', 'probs', 'hostile'),
  y: valuesArb(['probs'], [1, 3, 30]), yh: valuesArb(['gauss', 'unit'], [1, 1e3, 1e30]),
  dy: valuesArb(['gauss'], [1, 1e-3, 1e4, 1e30]), ys: storageArb, dys: storageArb, os: storageArb, w: wrapperArb,
  out: fc.constantFrom(...BACKWARD_OUT), style: callStyleArb, seed: seedArb, bad: badArb(BACKWARD_BADS),
});
export type BackwardPlan = ArbValue<typeof backwardArb>;

/**
 * dx_j = y_j·(dy_j − Σ_k dy_k·y_k) cancels, so it is compared relative to the largest term
 * |y_j|·max(|dy_j| + Σ_k |dy_k·y_k|, smallest normal) (the floor). Strict unless these terms come
 * within a factor 4 of the type's largest number (f32: unless a product y·dy or a term does, since
 * the f32 kernel sums in f64 and finishes a row in f64 when dy − dot would overflow f32): partial
 * sums in another order may then overflow, and only the robustness checks apply.
 */
function backwardScale(dt: DT, rows: number, cols: number, y: Float64Array, dy: Float64Array): { why: string | null; floor: number } {
  let floor = 0, why: string | null = null;
  for (let i = 0; i < rows; i++) {
    let sumAbs = 0;
    for (let j = 0; j < cols; j++) {
      const t = Math.abs(y[i * cols + j] * dy[i * cols + j]);
      if (Number.isFinite(t)) sumAbs += t;
    }
    for (let j = 0; j < cols; j++) {
      const a = Math.abs(y[i * cols + j]), d = Math.abs(dy[i * cols + j]);
      if (!Number.isFinite(a) || !Number.isFinite(d)) continue;
      // dy − dot counts as at least the smallest normal number: a subnormal difference has few bits
      const term = a * Math.max(d + sumAbs, TINY_NORMAL[dt]);
      const max = dt === 'f32' ? FLT_MAX : Number.MAX_VALUE;
      // f32: the products y·dy are f32, their sum and (when dy − dot would leave the f32 range) the
      // row's second pass are f64, so only a product or the result itself near FLT_MAX is exempt
      const exceeded = dt === 'f32' ? term > max / 4 || a * d > max / 4 : term > max / 4 || d + sumAbs > max / 4;
      if (exceeded) why = `${dt} range exceeded by the |y·(dy − dot)| terms (a partial sum may overflow)`;
      if (Number.isFinite(term)) floor = Math.max(floor, term);
    }
  }
  return { why, floor };
}

export function runBackward(ctx: FuzzContext, p: BackwardPlan): void {
  const { dt, rows, cols, bad } = p;
  const n = rows * cols;
  const yv = materialize(dt, rows, cols, p.yKind === 'probs' ? p.y : p.yh);
  const dyv = materialize(dt, rows, cols, p.dy);
  const want = reference.softmaxBackward(matrix(arr(dt, yv), rows, cols), matrix(arr(dt, dyv), rows, cols));
  const { why, floor } = backwardScale(dt, rows, cols, yv, dyv);
  for (const engine of engines(bad, WASM_ONLY_BADS)) {
    const b = new Builder(ctx, dt, p.seed);
    try {
      const hy = b.float(yv, p.ys, [rows, cols]), hdy = b.float(dyv, p.dys, [rows, cols]);
      const ho = p.out === 'separate' ? b.float(new Float64Array(n).fill(-5), p.os, [rows, cols]) : null;
      const y = b.matrix(hy, rows, cols, p.w), dy = b.matrix(hdy, rows, cols, p.w);
      let out: unknown = ho ? b.matrix(ho, rows, cols, p.w) : p.out === 'aliasY' ? y : p.out === 'aliasDy' ? dy : undefined;
      let yArg: unknown = y, dyArg: unknown = dy;
      if (bad) {
        const [arg, kind] = bad.split(':');
        if (kind === 'partialY' || kind === 'partialDy') {
          if (n < 2) out = badMatrix(b, 'shapeCols', rows, cols, dt);
          else {
            const [a, o] = b.overlapping(kind === 'partialY' ? yv : dyv, n, 1);
            if (kind === 'partialY') yArg = { data: a, rows, cols }; else dyArg = { data: a, rows, cols };
            out = { data: o, rows, cols };
          }
        } else if (kind === 'freedView') {
          if (n === 0) out = badMatrix(b, 'shapeRows', rows, cols, dt);
          else yArg = { data: strayWasmView(b, 'freedView', n, dt), rows, cols };
        } else {
          const r = badMatrix(b, kind as MatrixBad, rows, cols, dt);
          if (arg === 'y') yArg = r; else if (arg === 'dy') dyArg = r; else out = r;
        }
      }
      const args = out === undefined ? [yArg, dyArg] : [yArg, dyArg, out];
      const inout = !bad && (p.out === 'aliasY' || p.out === 'aliasDy');
      b.track('y', inout && p.out === 'aliasY' ? 'inout' : 'in', () => (yArg as Matrix<FloatArray>).data);
      b.track('dy', inout && p.out === 'aliasDy' ? 'inout' : 'in', () => (dyArg as Matrix<FloatArray>).data);
      if (ho || (bad && out && typeof out === 'object')) b.track('out', 'out', () => (out as Matrix<FloatArray>).data);
      const c: CallInfo = { fn: 'softmaxBackward', engine, dt, bad, strict: why === null, why: why ?? undefined };
      execute(ctx, c, b, () => invoke(kernels(ctx, engine), 'softmaxBackward', args, p.style), bad !== null, (res) => {
        checkMatrixResult(ctx, c, 'dx', res, want, out, floor);
      });
    } finally { b.dispose(); }
  }
}
