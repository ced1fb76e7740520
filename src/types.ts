/**
 * Public types of softmax-wasm. Matrices are row-major: element (i, j) of an R×C matrix is
 * `data[i * cols + j]`.
 */

/** The float element types every kernel supports: f32 (the SIMD fast path) and f64. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major `rows × cols` matrix over a typed array of exactly `rows · cols` elements. */
export interface Matrix<A extends FloatArray = Float32Array> {
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
  /** An integer label value that contributes nothing to the loss or the gradient. Integer labels only. */
  ignoreIndex?: number;
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

/**
 * The kernel API. {@link reference} (plain TypeScript, float64 math) and the WASM kernels from
 * {@link loadWasm} both implement it, so code and tests can run either one and diff them.
 * Every method validates its arguments first and throws {@link SoftmaxInputError} before computing
 * or allocating anything; inputs are never modified (unless passed again as an `out`).
 */
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
   * @returns `{ loss, losses?, grad? }`.
   */
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
   * @returns `{ loss, dW, db, dX? }`.
   */
  linearSoftmaxLoss<A extends FloatArray>(
    X: Matrix<A>,
    labels: Int32Array,
    W: Matrix<A>,
    options?: LinearSoftmaxOptions<A>,
  ): LinearSoftmaxResult<A>;
}

/** A matrix that lives in WASM linear memory (from {@link WasmKernels.alloc}). */
export type WasmMatrix<A extends FloatArray = FloatArray> = Matrix<A> & {
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
  /** Why `build` runs: the `simd` option, or the per-engine 'auto' table (src/wasm/select_build.ts). */
  readonly buildReason: string;
}

/** Options of {@link loadWasm}. */
export interface LoadWasmOptions {
  /** The module: its bytes, a URL to fetch (or read, for `file:` URLs), or a fetch `Response`.
   * Default: `build/softmax.wasm` or `build/softmax.relaxed.wasm` (see `simd`) next to the package,
   * found relative to this module. */
  wasm?: BufferSource | URL | Response | WebAssembly.Module;
  /**
   * Which of the two shipped modules to load when `wasm` is not given (ignored with `wasm`: that
   * module is used as given):
   * - `'auto'` (default): `build/softmax.relaxed.wasm` if the engine supports relaxed SIMD
   *   (`WebAssembly.validate` of a tiny `f32x4.relaxed_madd` probe; e.g. Chromium ≥ 114, Node ≥ 22,
   *   Node 20 only with `node --experimental-wasm-relaxed-simd`), else `build/softmax.wasm`.
   * - `'baseline'`: always `build/softmax.wasm` (plain SIMD-128; bit-for-bit reproducible everywhere).
   * - `'relaxed'`: `build/softmax.relaxed.wasm`; throws an Error where relaxed SIMD is unsupported.
   *
   * relaxed_madd may run fused (one rounding) or not, as the engine and CPU choose, so results can
   * differ from the baseline build in the last bits; both stay within the documented tolerances.
   */
  simd?: 'baseline' | 'relaxed' | 'auto';
}
