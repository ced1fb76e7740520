/**
 * Public types of the tensor round (docs/tensors.md): argmax's and topK's options, nllLoss's options
 * and result. Re-exported by ./types.ts, where SoftmaxKernels declares the methods.
 */
import type { FloatArray, Matrix } from './types_core.js';

/**
 * A row-major, contiguous N-d tensor: element (i0, …, ik) is `data[((i0·s1 + i1)·s2 + …)·sk + ik]`
 * (see tensor()). A `Matrix` is the 2-D case `{ data, shape: [rows, cols] }`.
 */
export interface Tensor<A extends FloatArray | Int32Array = Float32Array> {
  /** The elements, row-major: exactly the product of `shape` of them (not copied by tensor()). */
  data: A;
  /** The size of each axis, outermost first: non-negative integers, at most 32 of them. */
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
 * those of cross-entropy without label smoothing.
 */
export interface NllLossOptions<A extends FloatArray = FloatArray> {
  /** `'mean'` (default): divide by the summed weights of the non-ignored targets (their count
   * without `weights`); `'sum'`: add; `'none'`: per-target `losses`, `loss` their sum. */
  reduction?: 'mean' | 'sum' | 'none';
  /** Per-class weights, length C (PyTorch's `weight`). */
  weights?: A;
  /** A label value that contributes nothing. Default −100, PyTorch's `ignore_index`. */
  ignoreIndex?: number;
  /** The class axis of a tensor (default 1, as PyTorch; negative counts from the end). */
  axis?: number;
  /** Default true: also return d loss / d logProbs. */
  grad?: boolean;
  /** Write the gradient here (the shape of `logProbs`, same float type) instead of a new array. May alias `logProbs`. */
  gradOut?: Matrix<A> | Tensor<A>;
}

/** Result of {@link SoftmaxKernels.nllLoss}. */
export interface NllLossResult<A extends FloatArray = FloatArray> {
  /** The reduced loss (for `'none'`, the sum of `losses`). */
  loss: number;
  /** With `reduction: 'none'`: one loss per target (N·d1…dk). */
  losses?: A;
  /** d loss / d logProbs, the shape and kind (matrix or tensor) of `logProbs` (unless `grad: false`). */
  grad?: Matrix<A> | Tensor<A>;
}
