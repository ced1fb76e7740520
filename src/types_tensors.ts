/**
 * Public types of the tensor round (docs/tensors.md): argmax's and topK's options, nllLoss's options
 * and result. Re-exported by ./types.ts, where SoftmaxKernels declares the methods.
 */
import type { CrossEntropyOptions } from './ops/cross_entropy.js';
import type { FloatArray, Matrix } from './types_core.js';

/**
 * A row-major, contiguous N-d tensor: element (i0, …, ik) is `data[((i0·s1 + i1)·s2 + …)·sk + ik]`
 * (see tensor()). A `Matrix` is the 2-D case `{ data, shape: [rows, cols] }`.
 */
export interface Tensor<A extends FloatArray | Int32Array = Float32Array> {
  data: A;
  shape: readonly number[];
}

/** Options of {@link SoftmaxKernels.argmax}. */
export interface ArgmaxOptions {
  /** The last index on ties instead of the first (ONNX ArgMax `select_last_index`); with a NaN, its last NaN. Default false. */
  selectLastIndex?: boolean;
}

/** Options of {@link SoftmaxKernels.topK}. */
export interface TopKOptions {
  /** Default true: the k largest, descending. false: the k smallest, ascending (ONNX TopK `largest = 0`,
   * `torch.topk(largest=False)`); ties by lower index, NaN after +∞. */
  largest?: boolean;
}

/**
 * Options of {@link SoftmaxKernels.nllLoss} (PyTorch's `nll_loss`, ONNX NegativeLogLikelihoodLoss):
 * those of cross-entropy without label smoothing. `'mean'` divides by the summed weights of the
 * non-ignored targets (their count without `weights`); `ignoreIndex` defaults to −100.
 */
export type NllLossOptions<A extends FloatArray = FloatArray> = Omit<CrossEntropyOptions<A>, 'labelSmoothing' | 'gradOut'> & {
  /** The class axis of a tensor (default 1, as PyTorch; negative counts from the end). */
  axis?: number;
  /** Write the gradient here (the shape of `logProbs`, same float type) instead of a new array. May alias `logProbs`. */
  gradOut?: Matrix<A> | Tensor<A>;
};

/** Result of {@link SoftmaxKernels.nllLoss}. */
export interface NllLossResult<A extends FloatArray = FloatArray> {
  /** The reduced loss (for `'none'`, the sum of `losses`). */
  loss: number;
  /** With `reduction: 'none'`: one loss per target (N·d1…dk). */
  losses?: A;
  /** d loss / d logProbs, the shape and kind (matrix or tensor) of `logProbs` (unless `grad: false`). */
  grad?: Matrix<A> | Tensor<A>;
}
