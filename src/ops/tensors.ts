/**
 * The tensor round (docs/tensors.md): the N-d forms of softmax / logSoftmax and softmaxCrossEntropy
 * (their registry entries, ./softmax.ts and ./cross_entropy.ts, hand a call here when its input is
 * a Tensor or its options name an axis; 2-D calls never reach this file), and the registry entry of
 * nllLoss (kernel assembly/nll_loss.ts, reference src/reference/nll_loss.ts).
 */
import { newArray } from '../alloc.js';
import { REDUCTION_NONE } from '../codes.js';
import type { CrossEntropyArgs } from '../reference/cross_entropy.js';
import { nllLoss as refNllLoss, type NllLossArgs } from '../reference/nll_loss.js';
import type { CallSnapshot, HeldTensor } from '../snapshot.js';
import type { Held } from '../snapshot_seal.js';
import { resolveAxis, splitAt } from '../tensor.js';
import type { FloatArray, Matrix } from '../types_core.js';
import type { NllLossOptions, NllLossResult, Tensor } from '../types_tensors.js';
import {
  checkBoolean, checkInt32, checkNumberInRange, checkTemperature, describe, dtypeOf, fail, isInt32Array, reductionCode, type DType,
} from '../validate.js';
import { defineOp, type ApiContext, type Float } from './op.js';

/** The label value ignored when the caller gives none: PyTorch's `ignore_index` default (torch/nn/functional.py cross_entropy, nll_loss). */
export const DEFAULT_IGNORE_INDEX = -100;

/**
 * Whether a call takes the tensor path: x has a `shape` (a Tensor) or the options an `axis`.
 * Anything else, and anything that throws here (a revoked Proxy), goes to the 2-D code, unchanged.
 */
export function isTensorCall(x: unknown, options: unknown): boolean {
  try {
    return (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && 'shape' in x)
      || (typeof options === 'object' && options !== null && 'axis' in options);
  } catch {
    return false;
  }
}

function rankOf(fn: string, arg: string, t: HeldTensor<FloatArray>): number {
  if (t.shape.length === 0) fail(fn, arg, 'has shape []: a 0-d tensor has no axis to compute along');
  return t.shape.length;
}

/** A new result of the kind (matrix or tensor) and shape of `like`. */
function newLike(fn: string, like: HeldTensor<FloatArray>, dtype: DType): Matrix<FloatArray> | Tensor<FloatArray> {
  const data = newArray(fn, dtype, like.shape.reduce((p, d) => p * d, 1));
  return like.matrix ? { data, rows: like.matrix.rows, cols: like.matrix.cols } : { data, shape: like.shape.slice() };
}

/** The normalized arguments of softmax / logSoftmax (./softmax.ts SoftmaxArgs). */
interface SoftmaxLikeArgs { x: Matrix<FloatArray>; out: Matrix<FloatArray>; temperature: number; inner?: number }

const SOFTMAX_AXIS_OPTIONS = ['axis', 'temperature'] as const;

/** softmax / logSoftmax of a tensor (or a matrix with an axis) along options.axis (default −1). */
export function softmaxTensor(name: 'softmax' | 'logSoftmax', ctx: ApiContext<SoftmaxLikeArgs>, s: CallSnapshot, x: unknown, out: unknown, options: unknown): unknown {
  // Read order: x; out; options (axis, temperature).
  const sx = s.tensor<FloatArray>('x', x);
  const dt = dtypeOf(sx.data)!;
  const so = out === undefined ? null : s.tensor<FloatArray>('out', out, { dtype: dt, shape: sx.shape, out: true, mayAlias: ['x'] });
  const opt = s.options('options', options, SOFTMAX_AXIS_OPTIONS);
  const axis = resolveAxis(name, opt.axis, rankOf(name, 'x', sx), -1);
  const temperature = checkTemperature(name, opt.temperature, dt, false);
  s.seal();
  const result = so ? null : newLike(name, sx, dt);
  const o = so ? so.data : result!.data;
  const { outer, size, inner } = splitAt(sx.shape, axis);
  // the last axis is the 2-D kernel with rows = everything before it; another axis: the axis kernels
  if (outer * size * inner > 0) ctx.run({ x: { data: sx.data, rows: outer, cols: size }, out: { data: o, rows: outer, cols: size }, temperature, inner });
  return so ? out : result;
}

/**
 * What both losses over a class axis (softmaxCrossEntropy of a tensor, nllLoss) read first, in this
 * order: the input, the options, then the class axis, reduction, weights and ignoreIndex checked.
 */
function lossHead(fn: string, s: CallSnapshot, name: string, input: unknown, options: unknown, known: readonly string[]) {
  const x = s.tensor<FloatArray>(name, input);
  const dt = dtypeOf(x.data)!;
  const opt = s.options('options', options, known);
  const rank = rankOf(fn, name, x);
  const axis = resolveAxis(fn, opt.axis, rank, rank === 1 ? 0 : 1);
  const { outer, size: C, inner } = splitAt(x.shape, axis);
  const reduction = reductionCode(fn, opt.reduction);
  const weights = opt.weights === undefined ? null : s.array<FloatArray>('options.weights', opt.weights, { dtype: dt, length: C });
  const given = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);
  return { x, dt, opt, axis, outer, C, inner, reduction, weights, given, ignoreIndex: given ?? DEFAULT_IGNORE_INDEX };
}

/** A loss's options.gradOut (read last): the input's shape and float type, may alias the input; refused with grad: false. */
function lossGradOut(fn: string, s: CallSnapshot, v: unknown, wantGrad: boolean, dt: DType, shape: readonly number[], input: string): HeldTensor<FloatArray> | null {
  if (v === undefined) return null;
  if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
  return s.tensor<FloatArray>('options.gradOut', v, { dtype: dt, shape, out: true, mayAlias: [input] });
}

const CE_AXIS_OPTIONS = ['axis', 'reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'] as const;

/** softmaxCrossEntropy of (N, C, d1…dk) logits (or a matrix with an axis): class axis options.axis (default 1). */
export function crossEntropyTensor(ctx: ApiContext<CrossEntropyArgs>, s: CallSnapshot, logits: unknown, labels: unknown, options: unknown): unknown {
  const fn = 'softmaxCrossEntropy';
  // Read order: logits; options (own keys, then each in CE_AXIS_OPTIONS order); labels; gradOut.
  const { x, dt, opt, axis, outer, C, inner, reduction, weights, given, ignoreIndex } = lossHead(fn, s, 'logits', logits, options, CE_AXIS_OPTIONS);
  const smoothing = checkNumberInRange(fn, 'options.labelSmoothing', opt.labelSmoothing, 0, 1, 0);
  const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
  const targetShape = x.shape.filter((_, i) => i !== axis);
  let intLabels: Held<Int32Array> | null = null;
  let targets: HeldTensor<FloatArray> | null = null;
  if (isInt32Array(labels)) {
    intLabels = s.labels('labels', labels, outer * inner, () => C, () => ignoreIndex);
  } else if (s.isPlainObject('labels', labels) && s.read('labels', () => 'shape' in (labels as object))) {
    const parts = s.tensorParts('labels', labels as { data: unknown; shape: unknown });
    if (isInt32Array(parts.data)) intLabels = s.labelParts('labels', parts, targetShape, () => C, () => ignoreIndex);
    else targets = s.floatTensor<FloatArray>('labels', parts, { dtype: dt, shape: x.shape });
  } else if (s.isPlainObject('labels', labels)) {
    targets = s.tensor<FloatArray>('labels', labels, { dtype: dt, shape: x.shape });
  } else {
    fail(fn, 'labels', `must be an Int32Array of ${outer * inner} class indices, a tensor of shape [${targetShape.join(', ')}] of them, or probabilities of the logits' shape [${x.shape.join(', ')}], got ${describe(labels)}`);
  }
  if (targets && given !== undefined) fail(fn, 'options.ignoreIndex', 'applies only to integer labels (Int32Array); labels here are probabilities');
  const gradOut = lossGradOut(fn, s, opt.gradOut, wantGrad, dt, x.shape, 'logits');
  s.seal();
  const result = wantGrad && !gradOut ? newLike(fn, x, dt) : null;
  const grad = gradOut ? gradOut.data : result ? result.data : null;
  const losses = reduction === REDUCTION_NONE ? newArray(fn, dt, outer * inner) : null;
  const view = (d: FloatArray): Matrix<FloatArray> => ({ data: d, rows: outer, cols: C });
  // no class with probability rows: every loss is an empty sum (0), as in the 2-D form
  const loss = targets && C === 0 ? 0 : ctx.run({
    logits: view(x.data), labels: intLabels?.data ?? null, targets: targets ? view(targets.data) : null,
    weights: weights?.data ?? null, ignoreIndex, smoothing, reduction, losses, grad: grad ? view(grad) : null, inner,
  });
  const r: { loss: number; losses?: FloatArray; grad?: unknown } = { loss };
  if (losses) r.losses = losses;
  if (wantGrad) r.grad = gradOut ? opt.gradOut : result;
  return r;
}

/**
 * The 'mean' denominator of cross-entropy over (N, C, d…) in position order, as the kernels'
 * ce_denominator: Σ w_y (or the count) over the non-ignored labels, N·inner for probabilities.
 */
export function positionsDenominator(a: CrossEntropyArgs): number {
  const n = a.logits.rows * (a.inner ?? 1);
  if (!a.labels) return n;
  let D = 0;
  for (let t = 0; t < n; t++) { const y = a.labels[t]; if (y !== a.ignoreIndex) D += a.weights ? a.weights[y] : 1; }
  return D;
}

// ---- nllLoss ----

export interface TensorMethods {
  /**
   * Negative log-likelihood of log-probabilities (PyTorch `nll_loss`, ONNX
   * NegativeLogLikelihoodLoss): loss = −w[y]·logProbs[n, y, …] per target, ignored targets
   * (`ignoreIndex`, default −100) 0; `'mean'` divides by the summed weights of the non-ignored
   * targets. With its gradient w.r.t. the log-probabilities (−w[y]/D at each target, 0 elsewhere).
   * @param logProbs N×C, or a tensor (N, C, d1…dk) with the class axis `options.axis` (default 1).
   * @param labels `Int32Array` of N·d1…dk targets, or a tensor of shape (N, d1…dk).
   * @returns `{ loss, losses?, grad? }` (`grad` the kind and shape of `logProbs`).
   * @example
   * reference.nllLoss(matrix(new Float64Array([-1, -2, -3, -4]), 2, 2), Int32Array.from([1, 0])).loss // → 2.5
   */
  nllLoss<A extends FloatArray>(logProbs: Matrix<A> | Tensor<A>, labels: Int32Array | Tensor<Int32Array>, options?: NllLossOptions<A>): NllLossResult<A>;
}

const NLL_OPTIONS = ['axis', 'reduction', 'weights', 'ignoreIndex', 'grad', 'gradOut'] as const;

export const nllLoss = defineOp({
  name: 'nllLoss',
  summary: 'Negative log-likelihood of log-probabilities and its gradient, (N, C) or (N, C, d1…dk) (PyTorch nll_loss).',
  signature: 'nllLoss(logProbs, labels, { axis?, reduction?, weights?, ignoreIndex?, grad?, gradOut? })',
  api(ctx, s, logProbs: unknown, labels: unknown, options: unknown): NllLossResult {
    const fn = 'nllLoss';
    // Read order: logProbs; options (own keys, then each option in NLL_OPTIONS order); labels; gradOut.
    const { x, dt, opt, axis, outer, C, inner, reduction, weights, ignoreIndex } = lossHead(fn, s, 'logProbs', logProbs, options, NLL_OPTIONS);
    const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
    const held = s.labelTensor('labels', labels, x.shape.filter((_, i) => i !== axis), () => C, () => ignoreIndex);
    const gradOut = lossGradOut(fn, s, opt.gradOut, wantGrad, dt, x.shape, 'logProbs');
    s.seal();
    const result = wantGrad && !gradOut ? newLike(fn, x, dt) : null;
    const losses = reduction === REDUCTION_NONE ? newArray(fn, dt, outer * inner) : null;
    const loss = ctx.run({
      x: x.data, outer, classes: C, inner, labels: held.data, weights: weights?.data ?? null,
      ignoreIndex, reduction, losses, grad: gradOut ? gradOut.data : result ? result.data : null,
    });
    const r: NllLossResult = { loss };
    if (losses) r.losses = losses;
    if (wantGrad) r.grad = (gradOut ? opt.gradOut : result) as Matrix<FloatArray> | Tensor<FloatArray>;
    return r;
  },
  reference: (a: NllLossArgs) => refNllLoss(a),
  wasm(w, a) {
    const call = w.call();
    const sx = call.in(a.x), slab = call.in(a.labels), sw = call.opt(a.weights);
    const sloss = call.opt(a.losses, false), sg = call.opt(a.grad, false);
    const p = (slot: { ptr: number } | null): number => (slot ? slot.ptr : 0);
    const k = w.kernel('nll_loss', a.x);
    return call.run(() => k(sx.ptr, a.outer, a.classes, a.inner, slab.ptr, p(sw), a.ignoreIndex, a.reduction, p(sloss), p(sg)));
  },
  kernels: { nll_loss: { params: 'x, outer, C, inner, labels, weights, ignore_index, reduction, losses, grad', by: 'caller', why: 'a gather bound by the zero fill of its gradient; one pass' } },
  bench: {
    inputs: (s) => ({ x: [s.rows, s.cols], labels: [1, s.rows] }),
    outputs: () => ({}),
    shapeX(x: Float, rows: number, cols: number) {
      // log-probabilities: each row minus its log-sum-exp
      for (let i = 0; i < rows; i++) {
        let m = -Infinity;
        for (let j = 0; j < cols; j++) m = Math.max(m, x[i * cols + j]);
        let z = 0;
        for (let j = 0; j < cols; j++) z += Math.exp(x[i * cols + j] - m);
        const l = m + Math.log(z);
        for (let j = 0; j < cols; j++) x[i * cols + j] -= l;
      }
    },
    call: (k: TensorMethods, a) => k.nllLoss(a.x, a.labels!.data),
    sink: (r) => r.loss, result: (r) => ({ out: r.grad!.data, loss: r.loss }),
    standard: [{ rows: 4096, cols: 1000 }],
    tiny: [{ rows: 3, cols: 37 }],
  },
  digest: {
    rows: (k: TensorMethods, { r, c, x, labels }) => [[`nllLoss ${r}x${c}`, () => { const o = k.nllLoss(x, labels); return [o.loss, o.grad!.data]; }]],
  },
});

/** This family's entries, in registry order. */
export const TENSOR_OPS = [nllLoss] as const;

