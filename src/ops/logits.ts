/**
 * Registry entries of the logits reductions: logSumExp, argmax and topK (kernels
 * assembly/logits/logsumexp.ts, argmax.ts, topk.ts; reference src/reference/logits.ts).
 */
import { newArray, newInt32 } from '../alloc.js';
import { argmax as refArgmax, logSumExp as refLogSumExp, topK as refTopK } from '../reference/logits.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { checkBoolean, describe, dtypeOf, fail } from '../validate.js';
import type { ArgmaxOptions, TopKOptions } from '../types_tensors.js';
import { defineOp, type BenchShape, type Float } from './op.js';

/** Result of {@link SoftmaxKernels.topK}: rows×k, each row descending. */
export interface TopKResult<A extends FloatArray = FloatArray> {
  /** The k largest entries of each row, descending: rows×k, the input's float type. */
  values: Matrix<A>;
  /** Their column indices in the input (ties: the lower index first): rows×k. */
  indices: Matrix<Int32Array>;
}

export interface LogitsMethods {
  /**
   * log Σ_j exp(x[i, j]) per row, stable (the max and the exp sum of softmax). All −∞ → −∞; a NaN
   * or +∞ in the row → NaN.
   * @param x N×C. @param out optional length-N array of the same float type.
   * @returns `out`, or a new array.
   * @example
   * reference.logSumExp(matrix(new Float64Array([1, 2, 3]), 1, 3))[0] // ≈ 3.4076059644443806
   */
  logSumExp<A extends FloatArray>(x: Matrix<A>, out?: A): A;

  /**
   * Index of the largest entry per row: first index on ties (−0 = +0); the first NaN if the row has
   * one (NaN counts as largest, as in torch.argmax / numpy.argmax); 0 for an all −∞ row; −1 when C = 0.
   * `selectLastIndex: true`: the last index instead (ONNX ArgMax `select_last_index`).
   * @param out optional Int32Array of length N. @returns `out`, or a new Int32Array.
   * @example
   * reference.argmax(matrix(new Float32Array([1, 3, 3, 2]), 1, 4))[0] // → 1
   * reference.argmax(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), undefined, { selectLastIndex: true })[0] // → 2
   */
  argmax<A extends FloatArray>(x: Matrix<A>, out?: Int32Array, options?: ArgmaxOptions): Int32Array;

  /**
   * The k largest entries per row (1 ≤ k ≤ C), by selection: values and indices (rows×k),
   * descending, ties by lower index, NaN largest. `largest: false`: the k smallest, ascending, ties by
   * lower index, NaN after +∞ (ONNX TopK `largest = 0`).
   * @example
   * reference.topK(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), 2).indices.data // → Int32Array [1, 2]
   * reference.topK(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), 2, { largest: false }).indices.data // → Int32Array [0, 3]
   */
  topK<A extends FloatArray>(x: Matrix<A>, k: number, options?: TopKOptions): TopKResult<A>;
}

/** The Backend arguments of logSumExp (out: length N). */
export interface LogSumExpArgs { x: Matrix<FloatArray>; out: FloatArray }
/** The Backend arguments of argmax (out: length N). */
export interface ArgmaxArgs { x: Matrix<FloatArray>; out: Int32Array; /** the last index on ties */ last?: boolean }
/** The Backend arguments of topK: 1 ≤ k ≤ cols; values rows×k, indices rows·k. */
export interface TopKArgs { x: Matrix<FloatArray>; k: number; values: Matrix<FloatArray>; indices: Int32Array; /** false: the k smallest, ascending */ largest?: boolean }

const rowsByCols = (s: BenchShape): { x: [number, number] } => ({ x: [s.rows, s.cols] });
const LLM = 'LLM-vocabulary logits';

export const logSumExp = defineOp({
  name: 'logSumExp',
  summary: 'log Σ exp of each row, stable.',
  signature: 'logSumExp(x, out?)',
  api(ctx, s, x: unknown, out: unknown) {
    const fn = 'logSumExp';
    const sx = s.matrix('x', x);
    const dt = dtypeOf(sx.data)!;
    const so = out === undefined ? null : s.array('out', out, { dtype: dt, length: sx.rows, out: true });
    s.seal();
    const o = so?.data ?? newArray(fn, dt, sx.rows);
    if (sx.rows > 0) ctx.run({ x: sx, out: o });
    return so ? out : o;
  },
  reference: (a: LogSumExpArgs) => refLogSumExp(a.x, a.out),
  wasm(w, a) {
    const call = w.call();
    const sx = call.in(a.x.data), so = call.out(a.out);
    const k = w.kernel('log_sum_exp', a.x.data);
    call.run(() => k(sx.ptr, a.x.rows, a.x.cols, so.ptr));
  },
  kernels: { log_sum_exp: { params: 'x, rows, cols, out', by: 'rows', args: ['in', 'rows', 'cols', 'outElem'] } },
  bench: {
    inputs: rowsByCols, outputs: (s) => ({ out: [1, s.rows] }),
    call: (k: LogitsMethods, a, out) => k.logSumExp(a.x, out?.out.data as Float | undefined),
    sink: (r) => r[0], result: (r) => ({ out: r }),
    standard: [{ rows: 64, cols: 32000, note: LLM }],
    tiny: [{ rows: 3, cols: 37 }],
  },
  digest: { rows: (k: LogitsMethods, { r, c, x }) => [[`logSumExp ${r}x${c}`, () => k.logSumExp(x)]] },
});

export const argmax = defineOp({
  name: 'argmax',
  summary: 'Index of the largest entry of each row (first on ties, NaN largest).',
  signature: 'argmax(x, out?, { selectLastIndex? })',
  api(ctx, s, x: unknown, out: unknown, options: unknown) {
    // Read order: x; out; options (selectLastIndex).
    const sx = s.matrix('x', x);
    const so = out === undefined ? null : s.int32('out', out, { length: sx.rows, out: true });
    const opt = s.options('options', options, ['selectLastIndex']);
    const last = checkBoolean('argmax', 'options.selectLastIndex', opt.selectLastIndex, false);
    s.seal();
    const o = so?.data ?? newInt32('argmax', sx.rows);
    if (sx.rows > 0) ctx.run({ x: sx, out: o, last });
    return so ? out : o;
  },
  reference: (a: ArgmaxArgs) => refArgmax(a.x, a.out, a.last ?? false),
  wasm(w, a) {
    const call = w.call();
    const sx = call.in(a.x.data), so = call.out(a.out);
    const k = w.kernel(a.last ? 'argmax_last' : 'argmax', a.x.data);
    call.run(() => k(sx.ptr, a.x.rows, a.x.cols, so.ptr));
  },
  kernels: {
    argmax: { params: 'x, rows, cols, out', by: 'rows', args: ['in', 'rows', 'cols', 'outI32'] },
    argmax_last: { params: 'x, rows, cols, out', by: 'rows', args: ['in', 'rows', 'cols', 'outI32'] },
  },
  bench: {
    inputs: rowsByCols, outputs: (s) => ({ out: [1, s.rows, 'i32'] }),
    call: (k: LogitsMethods, a, out) => k.argmax(a.x, out?.out.data as Int32Array | undefined),
    sink: (r) => r[0], result: (r) => ({ out: r }),
    standard: [{ rows: 64, cols: 32000, note: LLM }],
    tiny: [{ rows: 3, cols: 37 }],
  },
  digest: { rows: (k: LogitsMethods, { r, c, x }) => [[`argmax ${r}x${c}`, () => k.argmax(x)]] },
});

export const topK = defineOp({
  name: 'topK',
  summary: 'The k largest entries of each row, descending, with their indices.',
  signature: 'topK(x, k, { largest? })',
  api(ctx, s, x: unknown, k: unknown, options: unknown): TopKResult {
    const fn = 'topK';
    const sx = s.matrix('x', x);
    const dt = dtypeOf(sx.data)!;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > sx.cols) {
      fail(fn, 'k', `must be an integer in [1, ${sx.cols}] (1 ≤ k ≤ x.cols), got ${describe(k)}`);
    }
    // Read order: x; k; options (largest).
    const opt = s.options('options', options, ['largest']);
    const largest = checkBoolean(fn, 'options.largest', opt.largest, true);
    s.seal();
    const values: Matrix<FloatArray> = { data: newArray(fn, dt, sx.rows * k), rows: sx.rows, cols: k };
    const indices: Matrix<Int32Array> = { data: newInt32(fn, sx.rows * k), rows: sx.rows, cols: k };
    if (sx.rows > 0) ctx.run({ x: sx, k, values, indices: indices.data, largest });
    return { values, indices };
  },
  reference: (a: TopKArgs) => refTopK(a.x, a.k, a.values, a.indices, a.largest ?? true),
  wasm(w, a) {
    const call = w.call();
    const sx = call.in(a.x.data), sv = call.out(a.values.data), si = call.out(a.indices);
    const work = call.workspace(w.raw('topk_scratch_bytes')(a.x.cols));
    const k = w.kernel(a.largest === false ? 'topk_smallest' : 'topk', a.x.data);
    call.run(() => k(sx.ptr, a.x.rows, a.x.cols, a.k, sv.ptr, si.ptr, work.ptr));
  },
  kernels: {
    topk: { params: 'x, rows, cols, k, values, indices, work', by: 'caller', why: 'its workspace is one per call' },
    topk_smallest: { params: 'x, rows, cols, k, values, indices, work', by: 'caller', why: 'its workspace is one per call' },
  },
  bench: {
    inputs: rowsByCols, outputs: () => ({}),
    call: (k: LogitsMethods, a, _out, s) => k.topK(a.x, s.options.k!),
    sink: (r) => r.indices.data[0], result: (r) => ({ out: r.indices.data }),
    standard: [{ rows: 1, cols: 32000, options: { k: 50 }, note: LLM }],
    tiny: [{ rows: 3, cols: 37, options: { k: 5 } }],
  },
  digest: { rows: (k: LogitsMethods, { r, c, x }) => [[`topK ${r}x${c}`, () => k.topK(x, Math.min(5, c))]] },
});

/** This family's entries, in registry order. */
export const LOGITS_OPS = [logSumExp, argmax, topK] as const;
