/**
 * The validating layer of the tensor round (docs/tensors.md): nllLoss, hooked into createKernels
 * (src/api.ts) by withTensors(). Same contract as the rest of the API: every argument is read once
 * through a CallSnapshot and checked before the backend computes or allocates anything.
 */
import { DEFAULT_IGNORE_INDEX, reductionCode } from './api.js';
import { REDUCTION_NONE, type Backend } from './backend.js';
import { CallSnapshot, type HeldTensor } from './snapshot.js';
import { resolveAxis, splitAt } from './tensor.js';
import type { FloatArray, Matrix, NllLossOptions, NllLossResult, SoftmaxKernels, Tensor } from './types.js';
import { checkBoolean, checkInt32, dtypeOf, fail, type DType } from './validate.js';

const NLL_OPTIONS = ['axis', 'reduction', 'weights', 'ignoreIndex', 'grad', 'gradOut'] as const;

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
  return {
    ...k,

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
