/**
 * Public types of the logits toolkit (src/api_logits.ts): the options and results of temperature
 * softmax, sample and topK. Re-exported by ./types.ts, where SoftmaxKernels declares the methods.
 */
import type { FloatArray, Matrix } from './types.js';

/** Options of softmax / logSoftmax. */
export interface SoftmaxOptions {
  /** The axis to normalize along (default −1, the last; negative counts from the end, as PyTorch's `dim`).
   * A matrix is the tensor [rows, cols]. See docs/tensors.md. */
  axis?: number;
  /** T > 0 (finite): softmax of x / T, 1/T folded into the exp pass. Default 1 (the plain kernel, bit for bit). */
  temperature?: number;
}

/** Options of {@link SoftmaxKernels.sample}. Filters apply in Hugging Face transformers' order: temperature → top-k → top-p → min-p. */
export interface SampleOptions<A extends FloatArray = FloatArray> {
  /** ≥ 0 (finite). 0 = greedy (argmax, first index on ties). Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens (integer ≥ 1; k ≥ C keeps all). Ties: lower index first. */
  topK?: number;
  /** In (0, 1]: keep the smallest set of most likely tokens whose mass ≥ topP (of the top-k set). 1 = off. */
  topP?: number;
  /** In [0, 1]: keep tokens with p ≥ minP · p_max. 0 = off. */
  minP?: number;
  /** Integer seed: a fresh Rng(seed) gives one uniform per row. */
  seed?: number;
  /** The library's Rng: one uniform per row is drawn from it (it advances). */
  rng?: import('./train/rng.js').Rng;
  /** One uniform in [0, 1) per row, given by the caller (Float32Array or Float64Array). */
  uniforms?: A | Float64Array;
  /** Also return logProbs and filteredLogProbs. Default false. */
  logProbs?: boolean;
}

/** Result of {@link SoftmaxKernels.sample}. */
export interface SampleResult<A extends FloatArray = FloatArray> {
  /** The sampled token per row; −1 for a row with no finite maximum (all −∞, a NaN or +∞). */
  indices: Int32Array;
  /** log p of the token under softmax(logits / T) (0 at T = 0). With `logProbs: true`. */
  logProbs?: A;
  /** log p of the token under the filtered, renormalized distribution it was drawn from. */
  filteredLogProbs?: A;
}

/** Result of {@link SoftmaxKernels.topK}: rows×k, each row descending. */
export interface TopKResult<A extends FloatArray = FloatArray> {
  values: Matrix<A>;
  indices: Matrix<Int32Array>;
}
