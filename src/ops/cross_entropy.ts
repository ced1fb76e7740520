/**
 * Registry entry of softmaxCrossEntropy (PyTorch cross_entropy semantics): kernel
 * assembly/cross_entropy.ts (+ cross_entropy/), reference src/reference/cross_entropy.ts.
 */
import { newArray, newMatrix } from '../alloc.js';
import { REDUCTION_MEAN, REDUCTION_NONE } from '../codes.js';
import { softmaxCrossEntropy as refCrossEntropy, type CrossEntropyArgs } from '../reference/cross_entropy.js';
import type { Held } from '../snapshot_seal.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { checkBoolean, checkInt32, checkNumberInRange, describe, dtypeOf, fail, isInt32Array, reductionCode } from '../validate.js';
import { defineOp, type Float, type WasmContext } from './op.js';
import { crossEntropyTensor, DEFAULT_IGNORE_INDEX, isTensorCall, positionsDenominator } from './tensors.js';
import { crossEntropyAxis } from '../reference/axis.js';
import type { Tensor } from '../types_tensors.js';

/** How `softmaxCrossEntropy` reduces per-sample losses (PyTorch's `reduction`). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of {@link SoftmaxKernels.softmaxCrossEntropy}, with PyTorch's `cross_entropy` semantics. */
export interface CrossEntropyOptions<A extends FloatArray = FloatArray> {
  /** `'mean'` (default): divide by the number of non-ignored samples, or by the sum of their class
   * weights when `weights` is given (probability-row labels divide by N); `'sum'`: add;
   * `'none'`: per-sample `losses`, `loss` is their sum and `grad` the gradient of that sum. */
  reduction?: Reduction;
  /** Per-class weights, length C (PyTorch's `weight`). */
  weights?: A;
  /** An integer label value that contributes nothing to the loss or the gradient. Integer labels only.
   * Default −100, PyTorch's `ignore_index` (what Hugging Face's data collators pad labels with). */
  ignoreIndex?: number;
  /** The class axis of a tensor (or of a matrix: 0 or 1), default 1 as PyTorch; negative counts from the end. */
  axis?: number;
  /** In [0, 1]: mixes the target with the uniform distribution, as PyTorch does. Default 0. */
  labelSmoothing?: number;
  /** Default true: also return d loss / d logits. */
  grad?: boolean;
  /** Write the gradient here (N×C, same float type) instead of a new matrix. May alias `logits`. */
  gradOut?: Matrix<A>;
}

/** Result of {@link SoftmaxKernels.softmaxCrossEntropy}. */
export interface CrossEntropyResult<A extends FloatArray = FloatArray> {
  /** The reduced loss (for `'none'`, the sum of `losses`). */
  loss: number;
  /** Per-sample losses, length N; only with `reduction: 'none'`. */
  losses?: A;
  /** d loss / d logits, N×C; absent when `grad: false`. */
  grad?: Matrix<A>;
}

export interface CrossEntropyMethods {
  /**
   * Softmax cross-entropy of (N, C, d1…dk) logits, PyTorch's layout: class axis `options.axis`
   * (default 1), integer labels of N·d1…dk entries (an Int32Array or a tensor of shape (N, d1…dk))
   * or probabilities of the logits' shape; every option of the 2-D form; 'mean' over all non-ignored
   * positions (by their summed class weights with `weights`); `losses` per position with 'none';
   * `grad` of the logits' shape. A class axis that is not the last is computed in place (docs/tensors.md).
   * @example
   * reference.softmaxCrossEntropy(tensor(new Float64Array([0, 0, 0, 0]), [1, 2, 2]), Int32Array.from([0, 1])).loss // ≈ 0.6931471805599453
   */
  softmaxCrossEntropy<A extends FloatArray>(
    logits: Tensor<A>,
    labels: Int32Array | Tensor<Int32Array> | Tensor<A>,
    options?: Omit<CrossEntropyOptions<A>, 'gradOut'> & { gradOut?: Tensor<A> },
  ): { loss: number; losses?: A; grad?: Tensor<A> };
  /**
   * Softmax cross-entropy of logits against integer labels (`Int32Array`, N entries in [0, C) or
   * `ignoreIndex`) or probability rows (an N×C matrix), with its gradient w.r.t. the logits, in one
   * fused sweep per row. Semantics of PyTorch's `cross_entropy`; see {@link CrossEntropyOptions}.
   * @param logits N×C.
   * @param labels `Int32Array` of length N, or an N×C matrix of target probabilities.
   * @returns `{ loss, losses?, grad? }`; the type narrows from the options: `grad` is present
   *   unless `grad: false`, `losses` with `reduction: 'none'` ({@link CrossEntropyResultFor}).
   *   (One generic signature rather than overloads, so that editors offer every `reduction`.)
   * @example
   * const logits = matrix(new Float64Array([1, 2, 3, 1, 1, 1]), 2, 3);
   * const r = reference.softmaxCrossEntropy(logits, new Int32Array([2, 0]), { reduction: 'none' });
   * r.losses // → Float64Array [0.4076, 1.0986]
   * r.grad.data // → Float64Array [0.0900, 0.2447, -0.3348, -0.6667, 0.3333, 0.3333] (of the sum, with 'none')
   */
  softmaxCrossEntropy<A extends FloatArray, O extends CrossEntropyOptions<A> = {}>(
    logits: Matrix<A>,
    labels: Int32Array | Matrix<A>,
    options?: O,
  ): CrossEntropyResultFor<A, O>;
}

/**
 * What softmaxCrossEntropy returns for options of type `O`: `grad` present unless `grad: false`,
 * `losses` present with `reduction: 'none'` (absent with 'mean' / 'sum'); options of the general
 * type give {@link CrossEntropyResult}'s optional members.
 */
export type CrossEntropyResultFor<A extends FloatArray, O> = [O] extends [never] ? CrossEntropyResult<A> : Simplify<{ loss: number }
  // (keys tested with `in keyof` first: `{ reduction: 'none' } extends { grad?: true }` is false, a weak-type mismatch)
  & (O extends { grad: false } ? { grad?: undefined } : 'grad' extends keyof O ? (O extends { grad?: true } ? { grad: Matrix<A> } : { grad?: Matrix<A> }) : { grad: Matrix<A> })
  & (O extends { reduction: 'none' } ? { losses: A } : 'reduction' extends keyof O
    ? (O extends { reduction?: 'mean' | 'sum' } ? { losses?: undefined } : { losses?: A }) : { losses?: undefined })>;

/** One object type from an intersection (for readable hovers). */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type { CrossEntropyArgs };

const CE_OPTIONS = ['reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'] as const;


type CE = { loss: number; grad?: Matrix<Float> };

/** The WASM plan of cross-entropy over the class axis of (N, C, d1…dk) (assembly/axis/cross_entropy.ts). */
function crossEntropyAxisWasm(w: WasmContext, a: CrossEntropyArgs): number {
  const { rows: outer, cols: C } = a.logits;
  const inner = a.inner!;
  const mean = a.reduction === REDUCTION_MEAN;
  const D = mean ? positionsDenominator(a) : 1;
  if (mean && D === 0) { a.grad?.data.fill(0); return NaN; } // nothing to average: loss NaN, gradient 0
  const call = w.call();
  const sl = call.in(a.logits.data);
  const slab = call.opt(a.labels), stg = call.opt(a.targets?.data ?? null), sw = call.opt(a.weights);
  const sloss = call.opt(a.losses, false), sg = call.opt(a.grad?.data ?? null, false);
  const l64 = call.workspace(outer * inner * 8);
  const p = (slot: { ptr: number } | null): number => (slot ? slot.ptr : 0);
  const k = w.kernel('cross_entropy_axis', a.logits.data);
  const total = call.run(() => k(sl.ptr, outer, C, inner, inner, p(slab), p(stg), p(sw), a.ignoreIndex,
    a.smoothing, 1 / D, p(sloss), p(sg), l64.ptr));
  return mean ? total / D : total;
}

export const softmaxCrossEntropy = defineOp({
  name: 'softmaxCrossEntropy',
  summary: 'Fused softmax cross-entropy and its gradient (integer labels or probability rows; weights, ignoreIndex, label smoothing, reduction).',
  signature: 'softmaxCrossEntropy(logits, labels, { reduction?, weights?, ignoreIndex?, labelSmoothing?, grad?, gradOut? })',
  api(ctx, s, logits: unknown, labels: unknown, options: unknown): CrossEntropyResult {
    // a Tensor, or options naming an axis: (N, C, d1…dk) logits (./tensors.ts)
    if (isTensorCall(logits, options)) return crossEntropyTensor(ctx, s, logits, labels, options) as CrossEntropyResult;
    const fn = 'softmaxCrossEntropy';
    // Read order: logits; labels; options (own keys, then each option in CE_OPTIONS order); gradOut.
    const sl = s.matrix('logits', logits);
    const dt = dtypeOf(sl.data)!;
    const { rows: n, cols: c } = sl;
    let ignoreIndex: number | undefined;
    let intLabels: Held<Int32Array> | null = null;
    let targets: Matrix<FloatArray> | null = null;
    if (isInt32Array(labels)) {
      intLabels = s.labels('labels', labels, n, () => c, () => ignoreIndex ?? (targets ? undefined : DEFAULT_IGNORE_INDEX));
    } else if (s.isPlainObject('labels', labels) && s.read('labels', () => 'data' in labels)) {
      targets = s.matrix('labels', labels, { dtype: dt, rows: n, cols: c });
    } else {
      fail(fn, 'labels', `must be an Int32Array of ${n} class indices or a ${n}×${c} matrix of target probabilities, got ${describe(labels)}`);
    }
    const opt = s.options('options', options, CE_OPTIONS);
    const reduction = reductionCode(fn, opt.reduction);
    const weights = opt.weights === undefined ? null : s.array('options.weights', opt.weights, { dtype: dt, length: c });
    ignoreIndex = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);
    if (targets && ignoreIndex !== undefined) fail(fn, 'options.ignoreIndex', `applies only to integer labels (Int32Array); labels here are ${n}×${c} probability rows`);
    const smoothing = checkNumberInRange(fn, 'options.labelSmoothing', opt.labelSmoothing, 0, 1, 0);
    const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
    let gradOut: Matrix<FloatArray> | null = null;
    if (opt.gradOut !== undefined) {
      if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
      gradOut = s.matrix('options.gradOut', opt.gradOut, { dtype: dt, rows: n, cols: c, out: true, mayAlias: ['logits'] });
    }
    s.seal();
    const grad = wantGrad ? gradOut ?? newMatrix(fn, dt, n, c) : null;
    const losses = reduction === REDUCTION_NONE ? newArray(fn, dt, n) : null;
    // N×0 probability rows: every per-sample loss is an empty sum (0); no need to walk N empty rows.
    const loss = targets && c === 0 ? 0 : ctx.run({
      logits: sl, labels: intLabels?.data ?? null, targets, weights: weights?.data ?? null,
      // PyTorch's default ignore_index (torch/nn/functional.py cross_entropy: ignore_index=-100)
      ignoreIndex: ignoreIndex ?? DEFAULT_IGNORE_INDEX,
      smoothing, reduction, losses, grad,
    });
    const result: CrossEntropyResult = { loss };
    if (losses) result.losses = losses;
    if (grad) result.grad = gradOut ? opt.gradOut as Matrix<FloatArray> : grad;
    return result;
  },
  reference: (a: CrossEntropyArgs) => ((a.inner ?? 1) > 1 ? crossEntropyAxis(a) : refCrossEntropy(a)),
  wasm(w, a) {
    if ((a.inner ?? 1) > 1) return crossEntropyAxisWasm(w, a);
    const call = w.call();
    const sl = call.in(a.logits.data);
    const slab = call.opt(a.labels), stg = call.opt(a.targets?.data ?? null), sw = call.opt(a.weights);
    const sloss = call.opt(a.losses, false), sg = call.opt(a.grad?.data ?? null, false);
    const k = w.kernel('cross_entropy', a.logits.data);
    const p = (slot: { ptr: number } | null): number => (slot ? slot.ptr : 0);
    return call.run(() => k(sl.ptr, a.logits.rows, a.logits.cols, p(slab), p(stg), p(sw),
      a.ignoreIndex, a.smoothing, a.reduction, p(sloss), p(sg)));
  },
  kernels: {
    cross_entropy: {
      params: 'logits, rows, cols, labels, targets, weights, ignore_index, smoothing, reduction, losses, grad', by: 'rowLosses',
    },
    cross_entropy_axis: {
      params: 'logits, outer, C, inner, count, labels, targets, weights, ignore_index, eps, rD, losses, grad, l64', by: 'positionLosses',
    },
  },
  bench: {
    inputs: (s) => ({ x: [s.rows, s.cols], labels: [1, s.rows], ...(s.options.weights ? { weights: [1, s.cols] as [number, number] } : {}) }),
    outputs: (s) => ({ grad: [s.rows, s.cols] }),
    call: (k: CrossEntropyMethods, a, out, s): CE => {
      const o: CrossEntropyOptions<Float> = {};
      if (a.weights) o.weights = a.weights.data;
      if (s.options.labelSmoothing !== undefined) o.labelSmoothing = s.options.labelSmoothing;
      if (out?.grad) o.gradOut = out.grad as Matrix<Float>;
      return k.softmaxCrossEntropy(a.x, a.labels!.data, Object.keys(o).length ? o : undefined);
    },
    sink: (r) => r.loss,
    result: (r) => ({ out: r.grad!.data, loss: r.loss }),
    standard: [
      { rows: 4096, cols: 1000 },
      { rows: 256, cols: 10 },
      { rows: 4096, cols: 1000, options: { weights: true, labelSmoothing: 0.1 } },
    ],
    tiny: [{ rows: 5, cols: 7 }, { rows: 5, cols: 7, options: { weights: true, labelSmoothing: 0.1 } }],
  },
  digest: {
    rows: (k: CrossEntropyMethods, { r, c, x, labels, probs, w }) => (['mean', 'sum', 'none'] as const).flatMap((reduction) => [
      [`CE ${reduction} ${r}x${c}`, () => k.softmaxCrossEntropy(x, labels, { reduction })],
      [`CE ${reduction} weights ignore smooth ${r}x${c}`, () => k.softmaxCrossEntropy(x, labels, { reduction, weights: w, ignoreIndex: labels[0], labelSmoothing: 0.1 })],
      [`CE ${reduction} probs ${r}x${c}`, () => k.softmaxCrossEntropy(x, probs, { reduction, labelSmoothing: 0.05 })],
    ] as Array<[string, () => unknown]>),
  },
});

/** This family's entries, in registry order. */
export const CROSS_ENTROPY_OPS = [softmaxCrossEntropy] as const;
