/**
 * The one place results are allocated on the JavaScript side (the public API's outputs, the
 * trainer's buffers): a float array of the call's type, with an allocation failure reported as a
 * SoftmaxInputError naming the function, like every other problem with a call's size.
 */
import type { FloatArray, Matrix } from './types_core.js';
import { fail, type DType } from './validate.js';

/** A zeroed Float32Array / Float64Array of n elements for `fn`'s result. */
export function newArray<A extends FloatArray>(fn: string, dtype: DType, n: number): A {
  try {
    return (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n)) as A;
  } catch (e) {
    return fail(fn, 'size', `needs a result of ${n} ${dtype} elements, which this JavaScript engine cannot allocate (${(e as Error).message})`);
  }
}

/** A zeroed rows×cols matrix for `fn`'s result. */
export function newMatrix<A extends FloatArray>(fn: string, dtype: DType, rows: number, cols: number): Matrix<A> {
  return { data: newArray<A>(fn, dtype, rows * cols), rows, cols };
}

/** A zeroed Int32Array of n elements for `fn`'s result (indices). */
export function newInt32(fn: string, n: number): Int32Array {
  try {
    return new Int32Array(n);
  } catch (e) {
    return fail(fn, 'size', `needs a result of ${n} i32 elements, which this JavaScript engine cannot allocate (${(e as Error).message})`);
  }
}
