/**
 * Public types of softmax-wasm. Matrices are row-major: element (i, j) of an R×C matrix is
 * `data[i * cols + j]`. The options of loadWasm (./types_load.ts) and the option and result types of
 * the logits toolkit (./types_logits.ts) live beside this file and are re-exported from it.
 */
import type { LoadWasmOptions } from './types_load.js';
import type { SampleOptions, SampleResult, SoftmaxOptions, TopKResult } from './types_logits.js';

export type { LoadWasmOptions, WasmBytes, WasmModuleLike, WasmResponseLike, WasmUrlLike } from './types_load.js';
export type { SampleOptions, SampleResult, SoftmaxOptions, TopKResult } from './types_logits.js';
import type { ArgmaxOptions, NllLossOptions, NllLossResult, Tensor, TopKOptions } from './types_tensors.js';
export type { ArgmaxOptions, NllLossOptions, NllLossResult, Tensor, TopKOptions } from './types_tensors.js';

/** The float element types every kernel supports: f32 (the SIMD fast path) and f64. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major `rows × cols` matrix over a typed array of exactly `rows · cols` elements (float data;
 * `Int32Array` for labels from `alloc('i32', …)` and index results). */
export interface Matrix<A extends FloatArray | Int32Array = Float32Array> {
  data: A;
  rows: number;
  cols: number;
}

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

/**
 * The kernel API. {@link reference} (plain TypeScript, float64 math) and the WASM kernels from
 * {@link loadWasm} both implement it, so code and tests can run either one and diff them.
 * Every method validates its arguments first and throws {@link SoftmaxInputError} before computing
 * or allocating anything; inputs are never modified (unless passed again as an `out`).
 */
// The tensor round (docs/tensors.md), merged into SoftmaxKernels (declared before the matrix forms:
// ReturnType<typeof k.softmax> keeps meaning the matrix form).
export interface SoftmaxKernels {
  /**
   * Softmax of an N-d tensor along `options.axis` (default −1), with `options.temperature`; the
   * result has x's shape (`out` may alias x). A non-last axis is computed in place of a transpose
   * (docs/tensors.md).
   * @example
   * reference.softmax(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]), undefined, { axis: 0 }).data
   * // ≈ [0.11920292202211755, 0.11920292202211755, 0.8807970779778823, 0.8807970779778823]
   */
  softmax<A extends FloatArray>(x: Tensor<A>, out?: Tensor<A>, options?: SoftmaxOptions): Tensor<A>;
  /** Log-softmax of an N-d tensor along `options.axis` (default −1), with `options.temperature`. */
  logSoftmax<A extends FloatArray>(x: Tensor<A>, out?: Tensor<A>, options?: SoftmaxOptions): Tensor<A>;
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
    options?: Omit<CrossEntropyOptions<A>, 'gradOut'> & { axis?: number; gradOut?: Tensor<A> },
  ): { loss: number; losses?: A; grad?: Tensor<A> };
}

export interface SoftmaxKernels {
  /**
   * Row-wise numerically stable softmax: `out[i, j] = exp(x[i, j] − max_i) / Σ_k exp(x[i, k] − max_i)`.
   * A row that is all `-Infinity` gives 0 everywhere; `+Infinity` or `NaN` in a row gives NaN in that row.
   * @param x logits, row-major N×C.
   * @param out optional N×C result of the same float type; may alias `x`.
   * @returns `out`, or a new matrix.
   * @example
   * reference.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3)).data
   * // ≈ [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]
   */
  softmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A>;

  /**
   * Row-wise log-softmax, `x[i, j] − max_i − log Σ_k exp(x[i, k] − max_i)`, stable and precise at the
   * dominant class. A row that is all `-Infinity` gives `-Infinity` everywhere.
   * @param x logits, row-major N×C.
   * @param out optional N×C result of the same float type; may alias `x`.
   * @returns `out`, or a new matrix.
   */
  logSoftmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A>;

  /**
   * Softmax backward (a Jacobian-vector product per row): `dx = y ⊙ (dy − Σ_j dy_j·y_j)`.
   * @param y softmax outputs, N×C.
   * @param dy upstream gradient d loss / d y, N×C.
   * @param out optional N×C result; may alias `y` or `dy`.
   * @returns `out` (d loss / d x), or a new matrix.
   */
  softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A>;

  /**
   * The full softmax Jacobian `diag(y) − y yᵀ` of one probability vector (meant for small vectors:
   * the result is n×n).
   * @param y a softmax output vector, length n.
   * @returns a new n×n matrix of the same float type.
   */
  softmaxJacobian<A extends FloatArray>(y: A): Matrix<A>;

  /**
   * Softmax cross-entropy of logits against integer labels (`Int32Array`, N entries in [0, C) or
   * `ignoreIndex`) or probability rows (an N×C matrix), with its gradient w.r.t. the logits, in one
   * fused sweep per row. Semantics of PyTorch's `cross_entropy`; see {@link CrossEntropyOptions}.
   * @param logits N×C.
   * @param labels `Int32Array` of length N, or an N×C matrix of target probabilities.
   * @returns `{ loss, losses?, grad? }`; the type narrows from the options: `grad` is present
   *   unless `grad: false`, `losses` with `reduction: 'none'`.
   */
  softmaxCrossEntropy<A extends FloatArray>(
    logits: Matrix<A>,
    labels: Int32Array | Matrix<A>,
    options?: CrossEntropyOptions<A> & { reduction?: 'mean' | 'sum'; grad?: true },
  ): { loss: number; losses?: undefined; grad: Matrix<A> };
  softmaxCrossEntropy<A extends FloatArray>(
    logits: Matrix<A>,
    labels: Int32Array | Matrix<A>,
    options: CrossEntropyOptions<A> & { reduction: 'none'; grad: false },
  ): { loss: number; losses: A; grad?: undefined };
  softmaxCrossEntropy<A extends FloatArray>(
    logits: Matrix<A>,
    labels: Int32Array | Matrix<A>,
    options: CrossEntropyOptions<A> & { reduction: 'none'; grad?: true },
  ): { loss: number; losses: A; grad: Matrix<A> };
  softmaxCrossEntropy<A extends FloatArray>(
    logits: Matrix<A>,
    labels: Int32Array | Matrix<A>,
    options: CrossEntropyOptions<A> & { reduction?: 'mean' | 'sum'; grad: false },
  ): { loss: number; losses?: undefined; grad?: undefined };
  softmaxCrossEntropy<A extends FloatArray>(
    logits: Matrix<A>,
    labels: Int32Array | Matrix<A>,
    options?: CrossEntropyOptions<A>,
  ): CrossEntropyResult<A>;

  /**
   * The linear softmax classifier: scores = X·W + b, loss = mean cross-entropy over N + reg·ΣW²,
   * with dW, db and optionally dX (CS231n convention).
   * @param X inputs, N×D.
   * @param labels `Int32Array` of N class indices in [0, C).
   * @param W weights, D×C.
   * @returns `{ loss, dW, db, dX? }`; the type has `dX` with `inputGrad: true` (or `out.dX`).
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
   *   matrix(new Float64Array([-1, 1, 1, -1, 0, 0]), 3, 2)).data // Float64Array [1, -1]
   */
  linearScores<A extends FloatArray>(X: Matrix<A>, W: Matrix<A>, options?: LinearScoresOptions<A>): Matrix<A>;
}

/** A matrix that lives in WASM linear memory (from {@link WasmKernels.alloc}). */
export type WasmMatrix<A extends FloatArray | Int32Array = FloatArray> = Matrix<A> & {
  /** Returns the memory to the arena; `data` throws afterwards. Idempotent. */
  free(): void;
};

/** The WASM SIMD kernels, from {@link loadWasm}. */
export interface WasmKernels extends SoftmaxKernels {
  /**
   * A zero-filled matrix that lives in WASM memory: passing it as an input or an `out` skips the
   * copies. Its `data` stays valid after memory growth (it is re-derived on access).
   */
  alloc(dtype: 'f32', rows: number, cols: number): WasmMatrix<Float32Array>;
  alloc(dtype: 'f64', rows: number, cols: number): WasmMatrix<Float64Array>;
  /** Labels in WASM memory: `alloc('i32', 1, n).data` is an `Int32Array` to pass as `labels` without a copy. */
  alloc(dtype: 'i32', rows: number, cols: number): WasmMatrix<Int32Array>;
  alloc(dtype: 'f32' | 'f64', rows: number, cols: number): WasmMatrix<Float32Array> | WasmMatrix<Float64Array>;
  /** Drops the instance and its memory. Every later call throws an error that says so. */
  dispose(): void;
  /** Current size of the instance's linear memory in bytes. */
  memoryBytes(): number;
  /**
   * Which module is running: `'baseline'` (build/softmax.wasm, WASM SIMD-128) or `'relaxed'`
   * (build/softmax.relaxed.wasm, the same kernels with `f32x4/f64x2.relaxed_madd`, chosen by
   * {@link LoadWasmOptions.simd}). Read from the module itself, so it is right for `{ wasm }` too.
   */
  readonly build: 'baseline' | 'relaxed';
  /** How many threads this instance really uses (the calling thread included): 1 unless
   * {@link LoadWasmOptions.threads} asked for more and they could start; fewer after a worker died. */
  readonly threads: number;
  /** Why `threads` is lower than asked (no SharedArrayBuffer, not cross-origin isolated, workers that
   * cannot start, a worker that died), or undefined. */
  readonly threadsUnavailable?: string;
  /** Why `build` runs: the `simd` option, or the per-engine 'auto' table (src/wasm/select_build.ts). */
  readonly buildReason: string;
}

// The logits toolkit, merged into SoftmaxKernels.
export interface SoftmaxKernels {
  /**
   * Row-wise softmax of x / T with `options.temperature` (T > 0); see the two-argument form.
   * @example
   * reference.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3), undefined, { temperature: 2 }).data
   * // ≈ [0.1863237232258476, 0.30719588571849843, 0.506480391055654]
   */
  softmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>, options?: SoftmaxOptions): Matrix<A>;
  /** Row-wise log-softmax of x / T with `options.temperature` (T > 0). */
  logSoftmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>, options?: SoftmaxOptions): Matrix<A>;

  /**
   * log Σ_j exp(x[i, j]) per row, stable (the max and the exp sum of softmax). All −∞ → −∞; a NaN
   * or +∞ in the row → NaN.
   * @param x N×C. @param out optional length-N array of the same float type.
   * @returns `out`, or a new array.
   * @example
   * reference.logSumExp(matrix(new Float64Array([1, 2, 3]), 1, 3))[0] // ≈ 3.4076059644443806
   */
  logSumExp<A extends FloatArray>(x: Matrix<A>, out?: A): A;

  /**
   * Index of the largest entry per row: first index on ties (−0 = +0); the first NaN if the row has
   * one (NaN counts as largest, as in torch.argmax / numpy.argmax); 0 for an all −∞ row; −1 when C = 0.
   * `selectLastIndex: true` takes the last index instead (ONNX ArgMax `select_last_index`).
   * @param out optional Int32Array of length N. @returns `out`, or a new Int32Array.
   * @example
   * reference.argmax(matrix(new Float32Array([1, 3, 3, 2]), 1, 4))[0] // 1
   * reference.argmax(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), undefined, { selectLastIndex: true })[0] // 2
   */
  argmax<A extends FloatArray>(x: Matrix<A>, out?: Int32Array, options?: ArgmaxOptions): Int32Array;

  /**
   * The k largest entries per row (1 ≤ k ≤ C), by selection: values and indices (rows×k),
   * descending, ties by lower index, NaN largest. `largest: false`: the k smallest, ascending, ties
   * by lower index, NaN after +∞ (ONNX TopK `largest = 0`).
   * @example
   * reference.topK(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), 2).indices.data // Int32Array [1, 2]
   * reference.topK(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), 2, { largest: false }).indices.data // Int32Array [0, 3]
   */
  topK<A extends FloatArray>(x: Matrix<A>, k: number, options?: TopKOptions): TopKResult<A>;

  /**
   * One token per row from softmax(logits / T) filtered by top-k → top-p → min-p (Hugging Face's
   * order), exactly and reproducibly: the same seed / uniforms give the same tokens on every engine,
   * build and instance. Randomness: `seed`, `rng` or `uniforms` (one of them; with none, the kernels object's own Rng, seeded 0 when the object was made: no state is shared between instances).
   * @example
   * reference.sample(matrix(new Float32Array([0, 5, 1]), 1, 3), { topK: 1, seed: 1 }).indices // Int32Array [1]
   */
  sample<A extends FloatArray>(logits: Matrix<A>, options?: SampleOptions<A>): SampleResult<A>;

  /**
   * Log-softmax backward: dx = dy − exp(y)·Σ_j dy_j per row (y = logSoftmax output).
   * @param out optional N×C; may alias `y` or `dy`. @returns `out`, or a new matrix.
   */
  logSoftmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A>;

  /**
   * Negative log-likelihood of log-probabilities (PyTorch `nll_loss`, ONNX
   * NegativeLogLikelihoodLoss): loss = −w[y]·logProbs[n, y, …] per target, ignored targets
   * (`ignoreIndex`, default −100) 0; `'mean'` divides by the summed weights of the non-ignored
   * targets. With its gradient w.r.t. the log-probabilities (−w[y]/D at each target, 0 elsewhere).
   * @param logProbs N×C, or a tensor (N, C, d1…dk) with the class axis `options.axis` (default 1).
   * @param labels `Int32Array` of N·d1…dk targets, or a tensor of shape (N, d1…dk).
   * @returns `{ loss, losses?, grad? }` (`grad` the kind and shape of `logProbs`).
   * @example
   * reference.nllLoss(matrix(new Float64Array([-1, -2, -3, -4]), 2, 2), Int32Array.from([1, 0])).loss // 2.5
   */
  nllLoss<A extends FloatArray>(logProbs: Matrix<A> | Tensor<A>, labels: Int32Array | Tensor<Int32Array>, options?: NllLossOptions<A>): NllLossResult<A>;
}

