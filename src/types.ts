/**
 * Public types of softmax-wasm. Matrices are row-major: element (i, j) of an R×C matrix is
 * `data[i * cols + j]`. Each op's signature, JSDoc and option / result types are declared beside
 * its registry entry (src/ops/<family>.ts, `…Methods`); SoftmaxKernels joins them. The options of
 * loadWasm are in ./types_load.ts. Everything is re-exported from here.
 */
import type { BackwardMethods } from './ops/backward.js';
import type { CrossEntropyMethods } from './ops/cross_entropy.js';
import type { LinearMethods } from './ops/linear.js';
import type { LogitsMethods } from './ops/logits.js';
import type { SampleMethods } from './ops/sample.js';
import type { SoftmaxMethods } from './ops/softmax.js';
import type { TensorMethods } from './ops/tensors.js';
import type { FloatArray, Matrix } from './types_core.js';

export type { FloatArray, Matrix } from './types_core.js';
export type { LoadWasmOptions, WasmBytes, WasmModuleLike, WasmResponseLike, WasmUrlLike } from './types_load.js';
export type { SoftmaxOptions } from './ops/softmax.js';
export type { CrossEntropyOptions, CrossEntropyResult, CrossEntropyResultFor, Reduction } from './ops/cross_entropy.js';
export type { LinearScoresOptions, LinearSoftmaxOptions, LinearSoftmaxResult } from './ops/linear.js';
export type { TopKResult } from './ops/logits.js';
export type { FilterOptions, SampleOptions, SampleResult } from './ops/sample.js';
export type { ArgmaxOptions, NllLossOptions, NllLossResult, Tensor, TopKOptions } from './types_tensors.js';

/**
 * The kernel API. {@link reference} (plain TypeScript, float64 math) and the WASM kernels from
 * {@link loadWasm} both implement it, so code and tests can run either one and diff them.
 * Every method validates its arguments first and throws {@link SoftmaxInputError} before computing
 * or allocating anything; inputs are never modified (unless passed again as an `out`).
 * docs/ops.md lists the methods (generated from the op registry).
 */
export interface SoftmaxKernels extends SoftmaxMethods, BackwardMethods, CrossEntropyMethods, LinearMethods, LogitsMethods, SampleMethods, TensorMethods {}

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
   * @param dtype `'f32'` or `'f64'` (`'i32'` for labels). @param rows N. @param cols C.
   * @returns the matrix, with `free()` to return its memory to the arena.
   * @example
   * const x = k.alloc('f32', 1, 3);
   * x.data.set([1, 2, 3]);
   * k.softmax(x, x).data // → Float32Array [0.0900, 0.2447, 0.6652]
   * x.free();
   */
  alloc(dtype: 'f32', rows: number, cols: number): WasmMatrix<Float32Array>;
  alloc(dtype: 'f64', rows: number, cols: number): WasmMatrix<Float64Array>;
  /** Labels in WASM memory: `alloc('i32', 1, n).data` is an `Int32Array` to pass as `labels` without a copy. */
  alloc(dtype: 'i32', rows: number, cols: number): WasmMatrix<Int32Array>;
  alloc(dtype: 'f32' | 'f64', rows: number, cols: number): WasmMatrix<Float32Array> | WasmMatrix<Float64Array>;
  /**
   * Drops the instance and its memory (and terminates its workers). Every later call throws an
   * error that says so.
   * @example
   * const k2 = await loadWasm();
   * k2.dispose();
   * (() => { try { return k2.memoryBytes(); } catch (e) { return (e as Error).message; } })() // → 'memoryBytes: this WasmKernels instance was disposed; call loadWasm() again'
   */
  dispose(): void;
  /**
   * Current size of the instance's linear memory in bytes; repeated calls with the same shapes keep
   * it flat.
   * @example
   * k.memoryBytes() % 65536 // → 0 (whole 64 KiB pages)
   */
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
