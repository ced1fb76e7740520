/**
 * Registry entries of the linear softmax classifier: linearSoftmaxLoss (kernels
 * assembly/linear_softmax/, reference src/reference/linear_softmax.ts) and its forward pass
 * linearScores (assembly/linear_scores.ts, src/reference/linear_scores.ts).
 */
import { newArray, newMatrix } from '../alloc.js';
import { linearScores as refScores } from '../reference/linear_scores.js';
import { linearSoftmaxLoss as refLoss, type LinearSoftmaxArgs } from '../reference/linear_softmax.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { checkBoolean, checkNumberInRange, dtypeOf, fail } from '../validate.js';
import { defineOp, type BenchShape, type Float, type InputName } from './op.js';

/** Options of {@link SoftmaxKernels.linearSoftmaxLoss}. */
export interface LinearSoftmaxOptions<A extends FloatArray = FloatArray> {
  /** Bias, length C: scores = X·W + b. */
  bias?: A;
  /** L2 strength ≥ 0: adds reg·ΣW² to the loss and 2·reg·W to dW (CS231n convention). Default 0. */
  reg?: number;
  /** Also return dX = d loss / d X (N×D). Default false. */
  inputGrad?: boolean;
  /** Write the results here instead of new arrays. `dW` may alias `W`, `dX` may alias `X`. */
  out?: { dW?: Matrix<A>; db?: A; dX?: Matrix<A> };
}

/** Result of {@link SoftmaxKernels.linearSoftmaxLoss}. */
export interface LinearSoftmaxResult<A extends FloatArray = FloatArray> {
  /** Mean cross-entropy over the N samples plus reg·ΣW². */
  loss: number;
  /** d loss / d W, D×C. */
  dW: Matrix<A>;
  /** d loss / d b, length C. */
  db: A;
  /** d loss / d X, N×D; only with `inputGrad: true`. */
  dX?: Matrix<A>;
}

/** Options of {@link SoftmaxKernels.linearScores}. */
export interface LinearScoresOptions<A extends FloatArray = FloatArray> {
  /** Bias, length C: scores = X·W + b. */
  bias?: A;
  /** Write the N×C scores here instead of a new matrix; it must not overlap X, W or the bias. */
  out?: Matrix<A>;
}

export interface LinearMethods {
  /**
   * The linear softmax classifier: scores = X·W + b, loss = mean cross-entropy over N + reg·ΣW²,
   * with dW, db and optionally dX (CS231n convention).
   * @param X inputs, N×D.
   * @param labels `Int32Array` of N class indices in [0, C).
   * @param W weights, D×C.
   * @returns `{ loss, dW, db, dX? }`; the type has `dX` with `inputGrad: true` (or `out.dX`).
   * @example
   * const X = matrix(new Float64Array([1, 2, 3]), 1, 3);          // the tutorial's example
   * const W = matrix(new Float64Array([-1, 1, 1, -1, 0, 0]), 3, 2);
   * reference.linearSoftmaxLoss(X, new Int32Array([1]), W).loss // → 2.1269280110429727
   */
  linearSoftmaxLoss<A extends FloatArray>(
    X: Matrix<A>,
    labels: Int32Array,
    W: Matrix<A>,
    options: LinearSoftmaxOptions<A> & ({ inputGrad: true } | { out: { dX: Matrix<A> } }),
  ): LinearSoftmaxResult<A> & { dX: Matrix<A> };
  linearSoftmaxLoss<A extends FloatArray>(
    X: Matrix<A>,
    labels: Int32Array,
    W: Matrix<A>,
    options?: LinearSoftmaxOptions<A> & { inputGrad?: false; out?: { dW?: Matrix<A>; db?: A; dX?: undefined } },
  ): LinearSoftmaxResult<A> & { dX?: undefined };
  linearSoftmaxLoss<A extends FloatArray>(
    X: Matrix<A>,
    labels: Int32Array,
    W: Matrix<A>,
    options?: LinearSoftmaxOptions<A>,
  ): LinearSoftmaxResult<A>;

  /**
   * The linear classifier's forward pass, scores = X·W + b (what `predict` and `evaluate` need).
   * @param X inputs, N×D.
   * @param W weights, D×C.
   * @param options `{ bias?, out? }` (see {@link LinearScoresOptions}).
   * @returns `out`, or a new N×C matrix.
   * @example
   * reference.linearScores(matrix(new Float64Array([1, 2, 3]), 1, 3),
   *   matrix(new Float64Array([-1, 1, 1, -1, 0, 0]), 3, 2)).data // → Float64Array [1, -1]
   */
  linearScores<A extends FloatArray>(X: Matrix<A>, W: Matrix<A>, options?: LinearScoresOptions<A>): Matrix<A>;
}

export type { LinearSoftmaxArgs };
/** The Backend arguments of linearScores: out (N×C) overlaps none of X, W, bias. */
export interface LinearScoresArgs { X: Matrix<FloatArray>; W: Matrix<FloatArray>; bias: FloatArray | null; out: Matrix<FloatArray> }

const LINEAR_OPTIONS = ['bias', 'reg', 'inputGrad', 'out'] as const;
const LINEAR_OUT = ['dW', 'db', 'dX'] as const;
const SCORES_OPTIONS = ['bias', 'out'] as const;

/** W must be D×C with D = X.cols. */
function checkW(fn: string, W: Matrix<FloatArray>, d: number): void {
  if (W.rows !== d) fail(fn, 'W', `must be D×C with D = X.cols = ${d}, got ${W.rows}×${W.cols}`);
}

const linearInputs = (s: BenchShape): Partial<Record<InputName, [number, number]>> => ({
  x: [s.rows, s.d], W: [s.d, s.cols], ...(s.options.bias ? { bias: [1, s.cols] as [number, number] } : {}),
});
const gemmFlops = (products: number, s: BenchShape): number => 2 * products * s.rows * s.d * s.cols;
const ptr = (slot: { ptr: number } | null): number => (slot ? slot.ptr : 0);

type Linear = { loss: number; dW: Matrix<Float>; db: Float };

export const linearSoftmaxLoss = defineOp({
  name: 'linearSoftmaxLoss',
  summary: 'Linear softmax classifier: mean cross-entropy of X·W + b plus reg·ΣW², with dW, db and optionally dX.',
  signature: 'linearSoftmaxLoss(X, labels, W, { bias?, reg?, inputGrad?, out?: { dW?, db?, dX? } })',
  api(ctx, s, X: unknown, labels: unknown, W: unknown, options: unknown): LinearSoftmaxResult {
    const fn = 'linearSoftmaxLoss';
    // Read order: X; labels; W; options (own keys, then bias, reg, inputGrad, out); out (own keys,
    // then dW, db, dX).
    const sX = s.matrix('X', X);
    const dt = dtypeOf(sX.data)!;
    const { rows: n, cols: d } = sX;
    let c = 0;
    const sLabels = s.labels('labels', labels, n, () => c);
    const sW = s.matrix('W', W, { dtype: dt });
    checkW(fn, sW, d);
    c = sW.cols;
    const opt = s.options('options', options, LINEAR_OPTIONS);
    const bias = opt.bias === undefined ? null : s.array('options.bias', opt.bias, { dtype: dt, length: c });
    const reg = checkNumberInRange(fn, 'options.reg', opt.reg, 0, Infinity, 0);
    const inputGrad = opt.inputGrad === undefined ? undefined : checkBoolean(fn, 'options.inputGrad', opt.inputGrad, false);
    const out = s.options('options.out', opt.out, LINEAR_OUT);
    const oW = out.dW === undefined ? null
      : s.matrix('options.out.dW', out.dW, { dtype: dt, rows: d, cols: c, out: true, mayAlias: ['W'] });
    const ob = out.db === undefined ? null : s.array('options.out.db', out.db, { dtype: dt, length: c, out: true });
    let oX: Matrix<FloatArray> | null = null;
    if (out.dX !== undefined) {
      if (inputGrad === false) fail(fn, 'options.out.dX', 'was given together with inputGrad: false; drop one of them');
      oX = s.matrix('options.out.dX', out.dX, { dtype: dt, rows: n, cols: d, out: true, mayAlias: ['X'] });
    }
    s.seal();
    const dW = oW ?? newMatrix(fn, dt, d, c);
    const db = ob?.data ?? newArray(fn, dt, c);
    const dX = inputGrad || oX ? oX ?? newMatrix(fn, dt, n, d) : null;
    const loss = ctx.run({ X: sX, labels: sLabels.data, W: sW, bias: bias?.data ?? null, reg, dW, db, dX });
    // The caller's own objects come back where the caller gave them.
    const result: LinearSoftmaxResult = {
      loss, dW: oW ? out.dW as Matrix<FloatArray> : dW, db: ob ? out.db as FloatArray : db,
    };
    if (dX) result.dX = oX ? out.dX as Matrix<FloatArray> : dX;
    return result;
  },
  reference: (a: LinearSoftmaxArgs) => refLoss(a),
  wasm(w, a) {
    const { rows: n, cols: d } = a.X;
    const c = a.W.cols;
    const call = w.call();
    const sX = call.in(a.X.data), slab = call.in(a.labels), sW = call.in(a.W.data), sb = call.opt(a.bias);
    const sdW = call.out(a.dW.data), sdb = call.out(a.db), sdX = call.opt(a.dX?.data ?? null, false);
    // A double, so a workspace beyond 4 GiB is reported as such (run() refuses it) rather than wrapped.
    const work = call.workspace(w.kernel('linear_softmax_scratch_bytes', a.X.data)(n, d, c));
    const k = w.kernel('linear_softmax_loss', a.X.data);
    return call.run(() => k(sX.ptr, slab.ptr, sW.ptr, ptr(sb), n, d, c, a.reg, sdW.ptr, sdb.ptr, ptr(sdX), work.ptr));
  },
  kernels: { linear_softmax_loss: { params: 'X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch', by: 'phases' } },
  bench: {
    inputs: (s) => ({ ...linearInputs(s), labels: [1, s.rows] }),
    outputs: (s) => ({ dW: [s.d, s.cols], db: [1, s.cols], ...(s.options.inputGrad ? { dX: [s.rows, s.d] as [number, number] } : {}) }),
    flops: (s) => gemmFlops(s.options.inputGrad ? 3 : 2, s),
    call: (k: LinearMethods, a, out, s): Linear => {
      const o: LinearSoftmaxOptions<Float> = {};
      if (s.options.reg !== undefined) o.reg = s.options.reg;
      if (a.bias) o.bias = a.bias.data;
      if (s.options.inputGrad !== undefined) o.inputGrad = s.options.inputGrad;
      if (out) {
        o.out = { dW: out.dW as Matrix<Float>, db: out.db.data as Float };
        if (out.dX) o.out.dX = out.dX as Matrix<Float>;
      }
      return k.linearSoftmaxLoss(a.x, a.labels!.data, a.W!, Object.keys(o).length ? o : undefined);
    },
    sink: (r) => r.loss,
    result: (r) => ({ out: r.dW.data, loss: r.loss }),
    standard: [
      { rows: 500, d: 3073, cols: 10, options: { reg: 5e-6 }, note: 'CIFAR-10 / CS231n', f64: true },
      { rows: 256, d: 784, cols: 10, options: { reg: 5e-6 }, note: 'MNIST minibatch', f64: true },
      { rows: 64, d: 512, cols: 10000, options: { reg: 5e-6 }, note: 'large class count', f64: true },
      { rows: 256, d: 784, cols: 10, options: { reg: 5e-6, bias: true, inputGrad: true }, note: 'MNIST, a layer below' },
    ],
    tiny: [
      { rows: 6, d: 13, cols: 5, options: { reg: 5e-6 } },
      { rows: 6, d: 13, cols: 5, options: { reg: 5e-6, bias: true, inputGrad: true } },
    ],
  },
  digest: {
    linear: (k: LinearMethods, { n, d, c, X, W, b, y }) => [
      [`linear ${n}x${d}x${c}`, () => k.linearSoftmaxLoss(X, y, W)],
      [`linear bias reg dX ${n}x${d}x${c}`, () => k.linearSoftmaxLoss(X, y, W, { bias: b, reg: 1e-3, inputGrad: true })],
    ],
  },
});

export const linearScores = defineOp({
  name: 'linearScores',
  summary: 'The linear classifier\'s forward pass: scores = X·W + b.',
  signature: 'linearScores(X, W, { bias?, out? })',
  api(ctx, s, X: unknown, W: unknown, options: unknown) {
    const fn = 'linearScores';
    // Read order: X; W; options (own keys, then bias, out).
    const sX = s.matrix('X', X);
    const dt = dtypeOf(sX.data)!;
    const sW = s.matrix('W', W, { dtype: dt });
    checkW(fn, sW, sX.cols);
    const c = sW.cols;
    const opt = s.options('options', options, SCORES_OPTIONS);
    const bias = opt.bias === undefined ? null : s.array('options.bias', opt.bias, { dtype: dt, length: c });
    const so = opt.out === undefined ? null
      : s.matrix('options.out', opt.out, { dtype: dt, rows: sX.rows, cols: c, out: true });
    s.seal();
    const o = so ?? newMatrix(fn, dt, sX.rows, c);
    if (sX.rows * c > 0) ctx.run({ X: sX, W: sW, bias: bias?.data ?? null, out: o });
    return so ? opt.out : o;
  },
  reference: (a: LinearScoresArgs) => { refScores(a.X, a.W, a.bias, a.out); },
  wasm(w, a) {
    const call = w.call();
    const sX = call.in(a.X.data), sW = call.in(a.W.data), sb = call.opt(a.bias), so = call.out(a.out.data);
    const k = w.kernel('linear_scores', a.X.data);
    call.run(() => k(sX.ptr, sW.ptr, ptr(sb), a.X.rows, a.X.cols, a.W.cols, so.ptr));
  },
  kernels: { linear_scores: { params: 'X, W, bias, n, d, c, out', by: 'phases' } },
  bench: {
    inputs: linearInputs, outputs: (s) => ({ out: [s.rows, s.cols] }), flops: (s) => gemmFlops(1, s),
    call: (k: LinearMethods, a, out) => {
      const o: LinearScoresOptions<Float> = {};
      if (a.bias) o.bias = a.bias.data;
      if (out?.out) o.out = out.out as Matrix<Float>;
      return k.linearScores(a.x, a.W!, Object.keys(o).length ? o : undefined);
    },
    sink: (r) => r.data[0], result: (r) => ({ out: r.data }),
    standard: [{ rows: 500, d: 3073, cols: 10, options: { bias: true }, note: 'predict on CIFAR-10' }],
    tiny: [{ rows: 6, d: 13, cols: 5, options: { bias: true } }],
  },
  digest: {
    linear: (k: LinearMethods, { n, d, c, X, W, b }) => [[`linearScores ${n}x${d}x${c}`, () => k.linearScores(X, W, { bias: b })]],
  },
});

/** This family's entries, in registry order. */
export const LINEAR_OPS = [linearSoftmaxLoss, linearScores] as const;
