/**
 * The two float types of the API as the tests name them ('f32' | 'f64'), their array constructors
 * and range constants. One home for what every suite used to redefine.
 */
import { matrix, type FloatArray, type Matrix } from '../../src/index.js';

export type DT = 'f32' | 'f64';
export const DTYPES: DT[] = ['f32', 'f64'];

/** The largest finite f32, 3.4028234663852886e38 (2¹²⁸ − 2¹⁰⁴). */
export const FLT_MAX = 3.4028234663852886e38;
/** The smallest normal number of each type: below it a value carries fewer bits (subnormal). */
export const TINY_NORMAL: Record<DT, number> = { f32: 1.1754943508222875e-38, f64: 2.2250738585072014e-308 };

export const ctorOf = (dt: DT): Float32ArrayConstructor | Float64ArrayConstructor => (dt === 'f32' ? Float32Array : Float64Array);
/** Bytes per element of dt (ctorOf(dt).BYTES_PER_ELEMENT). */
export const BYTES: Record<DT, number> = { f32: Float32Array.BYTES_PER_ELEMENT, f64: Float64Array.BYTES_PER_ELEMENT };
export const otherDt = (dt: DT): DT => (dt === 'f32' ? 'f64' : 'f32');

/** A float array of dt: `values` copied (rounded to f32 for 'f32'), or a zero-filled one of that length. */
export function arr(dt: DT, values: ArrayLike<number> | number): FloatArray {
  return dt === 'f32' ? new Float32Array(values as ArrayLike<number>) : new Float64Array(values as ArrayLike<number>);
}
export const f32 = (values: ArrayLike<number> | number): Float32Array => new Float32Array(values as ArrayLike<number>);
export const f64 = (values: ArrayLike<number> | number): Float64Array => new Float64Array(values as ArrayLike<number>);

/** A rows×cols float64 matrix of the given values. */
export const m64 = (values: ArrayLike<number>, rows: number, cols: number): Matrix<Float64Array> => matrix(f64(values), rows, cols);

/** A copy of a float array in float64 (for the reference at full precision). */
export function toF64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}
