/**
 * Public types of the logits toolkit (src/api_logits.ts): the options and results of temperature
 * softmax, sample and topK. Re-exported by ./types.ts, where SoftmaxKernels declares the methods.
 */
import type { FloatArray, Matrix } from './types.js';

/** Options of softmax / logSoftmax. */
export interface SoftmaxOptions {
  /** T > 0 (finite): softmax of x / T, 1/T folded into the exp pass. Default 1 (the plain kernel, bit for bit). */
  temperature?: number;
}

/**
 * The processors and warpers of {@link SoftmaxKernels.sample} and {@link SoftmaxKernels.filter}, applied in this order
 * (docs/decoding.md): logit bias → repetition penalty → presence / frequency penalties → allowed mask →
 * temperature → top-nσ → top-k → top-p → min-p → typical-p.
 */
export interface FilterOptions {
  /** ≥ 0 (finite). 0 = greedy (argmax of the processed logits, first index on ties). Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens (integer ≥ 1; k ≥ C keeps all). Ties: lower index first. */
  topK?: number;
  /** In (0, 1]: keep the smallest set of most likely tokens whose mass ≥ topP (of the top-k set). 1 = off. */
  topP?: number;
  /** In [0, 1]: keep tokens with p ≥ minP · p_max. 0 = off. */
  minP?: number;
  /**
   * The tokens so far (each in [0, C)): one Int32Array for every row, or one per row. The
   * penalties count them (Hugging Face counts the prompt too: pass it to match; OpenAI / vLLM count
   * only the generated tokens for presence / frequency).
   */
  history?: Int32Array | readonly Int32Array[];
  /** Integer ≥ 0: only the last n tokens of each history count (llama.cpp's penalty_last_n). Default: all. */
  penaltyWindow?: number;
  /** > 0 (finite); 1 = off. Hugging Face: over the distinct tokens seen, a logit < 0 is multiplied by it, else divided. */
  repetitionPenalty?: number;
  /** Finite; OpenAI: logit − (count > 0)·presencePenalty. 0 = off. */
  presencePenalty?: number;
  /** Finite; OpenAI: logit − count·frequencyPenalty. 0 = off. */
  frequencyPenalty?: number;
  /**
   * Additive biases by token id (OpenAI's logit_bias; finite or −∞ to ban): a Map, or distinct
   * `indices` with `values` of the same length. Applied first, to every row.
   */
  logitBias?: ReadonlyMap<number, number> | { indices: Int32Array; values: Float32Array | Float64Array };
  /** Grammar mask, token t allowed ⇔ bit t & 31 of word t >> 5: ceil(C/32) words for every row, or rows·ceil(C/32) (one mask per row). A row with nothing allowed gives −1. */
  allowed?: Uint32Array;
  /** In (0, 1]: typical sampling (Hugging Face TypicalLogitsWarper). 1 = off. */
  typicalP?: number;
  /** > 0: top-nσ (llama.cpp): keep logits ≥ max − n·σ (σ over the processed logits that are not −∞). */
  topNSigma?: number;
}

/** Options of {@link SoftmaxKernels.sample}: the filters of {@link FilterOptions}, the randomness, and what to return. */
export interface SampleOptions<A extends FloatArray = FloatArray> extends FilterOptions {
  /** Integer seed: a fresh Rng(seed) gives the uniforms (row by row, n per row). */
  seed?: number;
  /** The library's Rng: rows·n uniforms are drawn from it (it advances). */
  rng?: import('./train/rng.js').Rng;
  /** rows·n uniforms in [0, 1) given by the caller (row i's draws at i·n … i·n + n − 1). */
  uniforms?: A | Float64Array;
  /** Also return logProbs and filteredLogProbs. Default false. */
  logProbs?: boolean;
  /**
   * Integer in [1, C]: also return the N most likely tokens per row (by processed logit, lower index
   * first on ties) with their log-probabilities under softmax(processed logits / T), the
   * distribution `logProbs` reports (the processors applied, the truncating warpers not; T = 0:
   * 0 for the argmax, −∞ after). OpenAI's top_logprobs.
   */
  topLogProbs?: number;
  /** Integer ≥ 1: draws per row from one computation of the row; results hold rows·n entries. Default 1. */
  n?: number;
}

/** Result of {@link SoftmaxKernels.sample}; the optional fields are there exactly when their option asks (the type narrows). */
export type SampleResult<A extends FloatArray = FloatArray, O = SampleOptions<A>> = {
  /** The sampled tokens, rows·n (row-major); −1 for a row with no finite maximum (all −∞ or masked, a NaN or +∞). */
  indices: Int32Array;
} & (O extends { logProbs: true } ? {
  /** log p of each token under softmax(processed logits / T) (0 at T = 0). */
  logProbs: A;
  /** log p of each token under the filtered, renormalized distribution it was drawn from. */
  filteredLogProbs: A;
} : { logProbs?: A; filteredLogProbs?: A }) & (O extends { topLogProbs: number } ? {
  /** rows×N: the N most likely tokens per row (−1 for an invalid row). */
  topIndices: Matrix<Int32Array>;
  /** rows×N: their log-probabilities (NaN for an invalid row). */
  topLogProbs: Matrix<A>;
} : { topIndices?: Matrix<Int32Array>; topLogProbs?: Matrix<A> });

/** Result of {@link SoftmaxKernels.topK}: rows×k, each row descending. */
export interface TopKResult<A extends FloatArray = FloatArray> {
  values: Matrix<A>;
  indices: Matrix<Int32Array>;
}
