/**
 * The two types every other file builds on (re-exported by ./types.ts, the public types): the float
 * arrays the kernels take and the row-major matrix. Kept apart so that the op registry (src/ops/)
 * and the public types can both import them without a circle.
 */

/** The float element types every kernel supports: f32 (the SIMD fast path) and f64. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major `rows × cols` matrix over a typed array of exactly `rows · cols` elements (float data;
 * `Int32Array` for labels from `alloc('i32', …)` and index results). */
export interface Matrix<A extends FloatArray | Int32Array = Float32Array> {
  /** The entries, row after row: entry (i, j) is `data[i·cols + j]`; length rows·cols. */
  data: A;
  /** Number of rows (N: samples, or tokens of a batch). */
  rows: number;
  /** Number of columns (C: classes, the vocabulary, or features). */
  cols: number;
}
