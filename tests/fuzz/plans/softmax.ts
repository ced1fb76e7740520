/** The fuzz plan of softmax and logSoftmax: out modes (separate, aliased, views of one buffer), storages, wrappers, bad arguments. */
import fc from 'fast-check';
import { matrix, reference, type FloatArray, type Matrix } from '../../../src/index.js';
import { arr, ctorOf } from '../../support/index.js';
import { MATRIX_BADS, SECONDARY_BADS, WASM_ONLY_BADS, badMatrix, strayWasmView, type MatrixBad } from '../bad_args.js';
import type { FuzzContext } from '../context.js';
import { badArb, callStyleArb, dim, dtArb, logitsArb, materialize, prefixed, seedArb, type ArbValue } from '../generators.js';
import { checkMatrixResult, engines, execute, invoke, kernels, type CallInfo } from '../oracle.js';
import { Builder, storageArb, wrapperArb, type Handle } from '../storage.js';

const OUT_MODES = ['none', 'undefined', 'separate', 'separate', 'aliasSame', 'aliasData', 'aliasView', 'sameBuffer'] as const;
const ROWWISE_BADS = [...prefixed('x', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('out', MATRIX_BADS.filter((k) => k !== 'undefined')),
  ...prefixed('out', SECONDARY_BADS), 'out:partial', 'x:wasmStatic', 'x:freedView', 'out:freedView'];

export const rowwiseArb = fc.record({
  fn: fc.constantFrom('softmax' as const, 'logSoftmax' as const),
  dt: dtArb, rows: dim, cols: dim, x: logitsArb, xs: storageArb, xw: wrapperArb,
  out: fc.constantFrom(...OUT_MODES), os: storageArb, ow: wrapperArb, shared: fc.boolean(),
  style: callStyleArb, seed: seedArb, bad: badArb(ROWWISE_BADS),
});
export type RowwisePlan = ArbValue<typeof rowwiseArb>;

export function runRowwise(ctx: FuzzContext, p: RowwisePlan): void {
  const { fn, dt, rows, cols, bad } = p;
  const xv = materialize(dt, rows, cols, p.x);
  const want = reference[fn](matrix(arr(dt, xv), rows, cols));
  for (const engine of engines(bad, WASM_ONLY_BADS)) {
    const b = new Builder(ctx, dt, p.seed);
    try {
      const garbage = new Float64Array(rows * cols).fill(777);
      let hx: Handle, ho: Handle | null = null;
      if (p.out === 'sameBuffer') [hx, ho] = b.pair(xv, garbage, p.shared);
      else {
        hx = b.float(xv, p.xs, [rows, cols]);
        if (p.out === 'separate') ho = b.float(garbage, p.os, [rows, cols]);
      }
      // assemble (every alloc() happened above)
      const x = b.matrix(hx, rows, cols, p.xw);
      let out: unknown;
      if (ho) out = b.matrix(ho, rows, cols, p.ow);
      else if (p.out === 'aliasSame') out = x;
      else if (p.out === 'aliasData') out = hx.live ? { get data() { return x.data; }, rows, cols } : { data: x.data, rows, cols };
      else if (p.out === 'aliasView') {
        const view = () => { const d = x.data; return new (ctorOf(dt))(d.buffer as ArrayBuffer, d.byteOffset, d.length); };
        out = hx.live ? { get data() { return view(); }, rows, cols } : { data: view(), rows, cols };
      }
      const alias = p.out.startsWith('alias');
      let args: unknown[] = p.out === 'none' ? [x] : [x, out];
      if (bad) {
        const [arg, kind] = bad.split(':');
        if (kind === 'partial') {
          if (rows * cols < 2) args = [x, badMatrix(b, 'shapeRows', rows, cols, dt)];
          else { const [a, o] = b.overlapping(xv, rows * cols, 1); args = [{ data: a, rows, cols }, { data: o, rows, cols }]; }
        } else if (kind === 'freedView' || kind === 'wasmStatic') {
          if (rows * cols === 0) args = [x, badMatrix(b, 'shapeRows', rows, cols, dt)]; // a 0-byte view is no memory at all
          else {
            const m = { data: strayWasmView(b, kind, rows * cols, dt), rows, cols };
            args = arg === 'x' ? (p.out === 'none' ? [m] : [m, out]) : [x, m];
          }
        } else {
          const r = badMatrix(b, kind as MatrixBad, rows, cols, dt);
          args = arg === 'x' ? [r] : [x, r];
        }
      }
      b.track('x', alias && !bad ? 'inout' : 'in', () => (args[0] as Matrix<FloatArray>).data);
      if (args[1] && typeof args[1] === 'object' && !bad) b.track('out', alias ? 'inout' : 'out', () => (args[1] as Matrix<FloatArray>).data);
      else if (args[1] && typeof args[1] === 'object') b.track('out', 'out', () => (args[1] as Matrix<FloatArray>).data);
      const c: CallInfo = { fn, engine, dt, bad, strict: true };
      execute(ctx, c, b, () => invoke(kernels(ctx, engine), fn, args, p.style), bad !== null, (res) => {
        checkMatrixResult(ctx, c, 'result', res, want, p.out !== 'none' && p.out !== 'undefined' ? args[1] : undefined);
      });
    } finally { b.dispose(); }
  }
}
