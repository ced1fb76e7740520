/**
 * The internal interface between the validating API layer (src/api.ts) and the two engines
 * (src/reference, src/wasm). Everything a Backend receives is already validated: shapes agree,
 * every matrix of a call has one float type, labels are in range, options are normalized, and every
 * output array exists (the API allocated the ones the caller did not give). A Backend only computes.
 *
 * Aliasing: an output may be the very same array region as an input (e.g. `out === x`); partial
 * overlaps are rejected by the API before a Backend sees them.
 */
import type { MemoryHost } from './snapshot.js';
import type { FloatArray, Matrix } from './types.js';

/** Reduction codes shared with the WASM ABI (assembly/abi_codes.ts; tests/abi_codes.test.ts compares them). */
export const REDUCTION_MEAN = 0;
export const REDUCTION_SUM = 1;
export const REDUCTION_NONE = 2;
export type ReductionCode = 0 | 1 | 2;

export interface CrossEntropyArgs<A extends FloatArray> {
  logits: Matrix<A>;
  /** Integer labels (length N) or null when `targets` is given. */
  labels: Int32Array | null;
  /** Probability-row targets (N×C) or null when `labels` is given. */
  targets: Matrix<A> | null;
  /** Per-class weights (length C) or null. */
  weights: A | null;
  /** Label value to skip. When the caller gave none this is -1, which no valid label equals. */
  ignoreIndex: number;
  /** Label smoothing ε in [0, 1]. */
  smoothing: number;
  reduction: ReductionCode;
  /** Per-sample losses (length N) to fill, or null (given exactly when reduction is 'none'). */
  losses: A | null;
  /** Gradient d loss / d logits (N×C) to fill, or null. May alias `logits`. */
  grad: Matrix<A> | null;
}

/** nllLoss (PyTorch nll_loss): log-probabilities laid out (outer, classes, inner), see src/reference/nll_loss.ts. */
export interface NllLossArgs<A extends FloatArray> {
  x: A;
  outer: number;
  classes: number;
  inner: number;
  /** outer·inner targets, each in [0, classes) or ignoreIndex. */
  labels: Int32Array;
  weights: A | null;
  ignoreIndex: number;
  reduction: ReductionCode;
  /** outer·inner per-target losses (given exactly for 'none'), or null. */
  losses: A | null;
  /** The gradient, the layout of x (may alias x), or null. */
  grad: A | null;
}

export interface LinearSoftmaxArgs<A extends FloatArray> {
  X: Matrix<A>; // N×D
  labels: Int32Array; // N entries in [0, C)
  W: Matrix<A>; // D×C
  bias: A | null; // C
  reg: number; // ≥ 0
  dW: Matrix<A>; // D×C, may alias W
  db: A; // C
  dX: Matrix<A> | null; // N×D, may alias X
}

export interface Backend {
  softmax<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>): void;
  logSoftmax<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>): void;
  softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out: Matrix<A>): void;
  /** `out` is n×n and never aliases `y`. */
  softmaxJacobian<A extends FloatArray>(y: A, out: Matrix<A>): void;
  /** Returns the reduced loss (for 'none', the sum of the per-sample losses). */
  softmaxCrossEntropy<A extends FloatArray>(args: CrossEntropyArgs<A>): number;
  /** Returns mean cross-entropy + reg·ΣW². */
  linearSoftmaxLoss<A extends FloatArray>(args: LinearSoftmaxArgs<A>): number;
  /** out (N×C) = X (N×D) · W (D×C) + bias (C, or null); `out` overlaps none of them. */
  linearScores<A extends FloatArray>(X: Matrix<A>, W: Matrix<A>, bias: A | null, out: Matrix<A>): void;
  /**
   * True when the engine copies every input that is not in its own memory before it writes any
   * output (the WASM engine). Otherwise the API stages SharedArrayBuffer inputs that may share
   * memory with an output (see src/snapshot.ts).
   */
  readonly stagesInputs?: boolean;
  /** The engine's own memory (the WASM engine), so arrays in it are re-derived after growth. */
  readonly ownMemory?: MemoryHost;
}

/** Normalized arguments of sample (src/api_logits.ts validates and fills them). */
export interface SampleArgs<A extends FloatArray> {
  logits: Matrix<A>;
  /** ≥ 0; 0 = argmax. */
  temperature: number;
  /** 0 = off, else ≥ 1 (values ≥ cols keep every token). */
  topK: number;
  /** In (0, 1]; 1 = off. */
  topP: number;
  /** ln(minP); −∞ = off. */
  logMinP: number;
  /** One uniform in [0, 1) per row. */
  uniforms: Float64Array;
  indices: Int32Array;
  logProbs: A | null;
  filteredLogProbs: A | null;
}

// The logits toolkit (src/api_logits.ts), merged into Backend.
export interface Backend {
  /** softmax of x / T, invT = 1/T (never 1: the API sends T = 1 to softmax). */
  softmaxTemperature<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>, invT: number): void;
  logSoftmaxTemperature<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>, invT: number): void;
  logSumExp<A extends FloatArray>(x: Matrix<A>, out: A): void;
  /** selectLast: the last index on ties (default the first). */
  argmax<A extends FloatArray>(x: Matrix<A>, out: Int32Array, selectLast: boolean): void;
  /** 1 ≤ k ≤ cols; values rows×k, indices rows·k; largest false: the k smallest, ascending. */
  topK<A extends FloatArray>(x: Matrix<A>, k: number, values: Matrix<A>, indices: Int32Array, largest: boolean): void;
  sample<A extends FloatArray>(args: SampleArgs<A>): void;
  /** out may alias y or dy. */
  logSoftmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out: Matrix<A>): void;
}

/** An op over the middle axis of a row-major (outer, size, inner) block, inner > 1 (docs/tensors.md). */
export interface AxisArgs<A extends FloatArray> {
  x: A;
  /** The result, the layout of x; may alias x. */
  out: A;
  outer: number;
  size: number;
  inner: number;
  /** 1/T (1: no temperature). */
  invT: number;
  /** log-softmax instead of softmax. */
  log: boolean;
}

// The tensor round (docs/tensors.md), merged into Backend.
export interface Backend {
  /**
   * softmaxCrossEntropy over the class axis of an (outer, C, inner) block, inner > 1: logits (and
   * targets, grad) are `{ data, rows: outer, cols: C }` with data of outer·C·inner elements; labels
   * and losses have outer·inner entries (position o·inner + s). Same options and result as the 2-D form.
   */
  crossEntropyAxis<A extends FloatArray>(args: CrossEntropyArgs<A>, inner: number): number;
  /** softmax / logSoftmax over the middle axis (AxisArgs). */
  softmaxAxis<A extends FloatArray>(args: AxisArgs<A>): void;
  /** Returns the reduced loss (for 'none', the sum of the per-target losses). */
  nllLoss<A extends FloatArray>(args: NllLossArgs<A>): number;
}
