/**
 * The validating layer of the tensor round (docs/tensors.md): nllLoss, hooked into createKernels
 * (src/api.ts) by withTensors(). Same contract as the rest of the API: every argument is read once
 * through a CallSnapshot and checked before the backend computes or allocates anything.
 */
import { DEFAULT_IGNORE_INDEX, reductionCode } from './api.js';
import { REDUCTION_NONE, type Backend } from './backend.js';
import { CallSnapshot, type Held, type HeldTensor } from './snapshot.js';
import { resolveAxis, splitAt } from './tensor.js';
import type { FloatArray, Matrix, NllLossOptions, NllLossResult, SoftmaxKernels, Tensor } from './types.js';
import { checkBoolean, checkInt32, checkNumberInRange, describe, dtypeOf, fail, isInt32Array, type DType } from './validate.js';
import { checkTemperature } from './api_logits.js';

const NLL_OPTIONS = ['axis', 'reduction', 'weights', 'ignoreIndex', 'grad', 'gradOut'] as const;
const SOFTMAX_AXIS_OPTIONS = ['axis', 'temperature'] as const;
const CE_AXIS_OPTIONS = ['axis', 'reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'] as const;

/**
 * Whether a call takes the tensor path: x has a `shape` (a Tensor) or the options an `axis`. Anything
 * else, and anything that throws here (a revoked Proxy), goes to the 2-D code, unchanged, which
 * reads and reports it as before.
 */
function isTensorCall(x: unknown, options: unknown): boolean {
  try {
    return (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && 'shape' in x)
      || (typeof options === 'object' && options !== null && 'axis' in options);
  } catch {
    return false;
  }
}

/** The rank of a tensor argument, which must have at least one axis. */
function rankOf(fn: string, arg: string, t: HeldTensor<FloatArray>): number {
  if (t.shape.length === 0) fail(fn, arg, 'has shape []: a 0-d tensor has no axis to compute along');
  return t.shape.length;
}

function newArray<A extends FloatArray>(dtype: DType, n: number): A {
  return (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n)) as A;
}

/** A new result of the kind (matrix or tensor) and shape of `like`. */
function newLike<A extends FloatArray>(like: HeldTensor<A>, dtype: DType): Matrix<A> | Tensor<A> {
  const n = like.shape.reduce((p, d) => p * d, 1);
  const data = newArray<A>(dtype, n);
  return like.matrix ? { data, rows: like.matrix.rows, cols: like.matrix.cols } : { data, shape: like.shape.slice() };
}

/** Adds nllLoss to the kernels. */
export function withTensors(backend: Backend, guard: (fn: string) => void, k: SoftmaxKernels): SoftmaxKernels {
  const snapshot = (fn: string, ...positional: unknown[]): CallSnapshot => new CallSnapshot(fn, backend, guard, positional);

  /** softmax / logSoftmax of a tensor (or a matrix with an axis) along `options.axis` (default −1). */
  function alongAxis(fn: 'softmax' | 'logSoftmax') {
    const plain = k[fn] as (x: unknown, out?: unknown, options?: unknown) => unknown;
    return (x: unknown, out?: unknown, options?: unknown): unknown => {
      if (!isTensorCall(x, options)) return plain(x, out, options);
      guard(fn);
      const s = snapshot(fn, x, out, options);
      // Read order: x; out; options (axis, temperature).
      const sx = s.tensor<FloatArray>('x', x);
      const dt = dtypeOf(sx.data)!;
      const so = out === undefined ? null : s.tensor<FloatArray>('out', out, { dtype: dt, shape: sx.shape, out: true, mayAlias: ['x'] });
      const opt = s.options('options', options, SOFTMAX_AXIS_OPTIONS);
      const axis = resolveAxis(fn, opt.axis, rankOf(fn, 'x', sx), -1);
      const T = checkTemperature(fn, opt.temperature, dt, false);
      s.seal();
      const result = so ? null : newLike(sx, dt);
      const o = so ? so.data : result!.data;
      const { outer, size, inner } = splitAt(sx.shape, axis);
      if (outer * size * inner > 0) {
        if (inner === 1) {
          // the last axis: the 2-D kernels, rows = everything before it
          const xm = { data: sx.data, rows: outer, cols: size }, om = { data: o, rows: outer, cols: size };
          if (T === 1) backend[fn](xm, om);
          else if (fn === 'softmax') backend.softmaxTemperature(xm, om, 1 / T);
          else backend.logSoftmaxTemperature(xm, om, 1 / T);
        } else {
          backend.softmaxAxis({ x: sx.data, out: o, outer, size, inner, invT: 1 / T, log: fn === 'logSoftmax' });
        }
      }
      return so ? out : result;
    };
  }

  /** softmaxCrossEntropy of (N, C, d1…dk) logits (or a matrix with an axis): class axis `options.axis` (default 1). */
  const plainCE = k.softmaxCrossEntropy as (logits: unknown, labels: unknown, options?: unknown) => unknown;
  function crossEntropy(logits: unknown, labels: unknown, options?: unknown): unknown {
    if (!isTensorCall(logits, options)) return plainCE(logits, labels, options);
    const fn = 'softmaxCrossEntropy';
    guard(fn);
    const s = snapshot(fn, logits, labels, options);
    // Read order: logits; options (own keys, then each in CE_AXIS_OPTIONS order); labels; gradOut.
    const x = s.tensor<FloatArray>('logits', logits);
    const dt = dtypeOf(x.data)!;
    const opt = s.options('options', options, CE_AXIS_OPTIONS);
    const rank = rankOf(fn, 'logits', x);
    const axis = resolveAxis(fn, opt.axis, rank, rank === 1 ? 0 : 1);
    const { outer, size: C, inner } = splitAt(x.shape, axis);
    const reduction = reductionCode(fn, opt.reduction);
    const weights = opt.weights === undefined ? null : s.array<FloatArray>('options.weights', opt.weights, { dtype: dt, length: C });
    const given = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);
    const ignoreIndex = given ?? DEFAULT_IGNORE_INDEX;
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
    let gradOut: HeldTensor<FloatArray> | null = null;
    if (opt.gradOut !== undefined) {
      if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
      gradOut = s.tensor<FloatArray>('options.gradOut', opt.gradOut, { dtype: dt, shape: x.shape, out: true, mayAlias: ['logits'] });
    }
    s.seal();
    const result = wantGrad && !gradOut ? newLike(x, dt) : null;
    const grad = gradOut ? gradOut.data : result ? result.data : null;
    const losses = reduction === REDUCTION_NONE ? newArray<FloatArray>(dt, outer * inner) : null;
    const view = (d: FloatArray): Matrix<FloatArray> => ({ data: d, rows: outer, cols: C });
    const args = {
      logits: view(x.data), labels: intLabels?.data ?? null, targets: targets ? view(targets.data) : null,
      weights: weights?.data ?? null, ignoreIndex, smoothing, reduction, losses, grad: grad ? view(grad) : null,
    };
    // no class with probability rows: every loss is an empty sum (0), as in the 2-D form
    const loss = targets && C === 0 ? 0 : inner === 1 ? backend.softmaxCrossEntropy(args) : backend.crossEntropyAxis(args, inner);
    const out: { loss: number; losses?: FloatArray; grad?: unknown } = { loss };
    if (losses) out.losses = losses;
    if (wantGrad) out.grad = gradOut ? opt.gradOut : result;
    return out;
  }

  return {
    ...k,
    softmaxCrossEntropy: crossEntropy as SoftmaxKernels['softmaxCrossEntropy'],
    softmax: alongAxis('softmax') as SoftmaxKernels['softmax'],
    logSoftmax: alongAxis('logSoftmax') as SoftmaxKernels['logSoftmax'],

    nllLoss<A extends FloatArray>(logProbs: Matrix<A> | Tensor<A>, labels: Int32Array | Tensor<Int32Array>, options?: NllLossOptions<A>): NllLossResult<A> {
      const fn = 'nllLoss';
      guard(fn);
      const s = snapshot(fn, logProbs, labels, options);
      // Read order: logProbs; options (own keys, then each option in NLL_OPTIONS order); labels; gradOut.
      const x = s.tensor<A>('logProbs', logProbs);
      const dt = dtypeOf(x.data)!;
      const opt = s.options('options', options, NLL_OPTIONS);
      const rank = x.shape.length;
      if (rank < 1) fail(fn, 'logProbs', 'has shape []: a 0-d tensor has no class axis');
      const axis = resolveAxis(fn, opt.axis, rank, rank === 1 ? 0 : 1);
      const { outer, size: C, inner } = splitAt(x.shape, axis);
      const reduction = reductionCode(fn, opt.reduction);
      const weights = opt.weights === undefined ? null : s.array<A>('options.weights', opt.weights, { dtype: dt, length: C });
      const given = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);
      const ignoreIndex = given ?? DEFAULT_IGNORE_INDEX;
      const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
      const targetShape = x.shape.filter((_, i) => i !== axis);
      const held = s.labelTensor('labels', labels, targetShape, () => C, () => ignoreIndex);
      let gradOut: HeldTensor<A> | null = null;
      if (opt.gradOut !== undefined) {
        if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
        gradOut = s.tensor<A>('options.gradOut', opt.gradOut, { dtype: dt, shape: x.shape, out: true, mayAlias: ['logProbs'] });
      }
      s.seal();
      const grad = wantGrad ? gradOut === null ? newLike(x, dt) : null : null;
      const gradData = gradOut ? gradOut.data : grad ? grad.data : null;
      const losses = reduction === REDUCTION_NONE ? newArray<A>(dt, outer * inner) : null;
      const loss = backend.nllLoss({
        x: x.data, outer, classes: C, inner, labels: held.data, weights: weights?.data ?? null,
        ignoreIndex, reduction, losses, grad: gradData,
      });
      const result: NllLossResult<A> = { loss };
      if (losses) result.losses = losses;
      if (wantGrad) result.grad = gradOut ? opt.gradOut as Matrix<A> | Tensor<A> : grad!;
      return result;
    },
  };
}
