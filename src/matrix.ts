import type { FloatArray, Matrix } from './types_core.js';
import { checkFloatArray, checkSize, fail, lengthOf } from './validate.js';

/**
 * Wraps a typed array as a row-major `rows × cols` matrix, checking that `data` is a
 * Float32Array or Float64Array (any view: `byteOffset`, `subarray`, `SharedArrayBuffer`) of length
 * `rows · cols` and that the sizes are non-negative integers. The data is not copied.
 * @param data row-major elements.
 * @param rows number of rows.
 * @param cols number of columns.
 * @returns `{ data, rows, cols }`.
 * @throws SoftmaxInputError on a wrong type, size or length.
 * @example
 * const x = matrix(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3);
 * x.data[1 * x.cols + 2]; // → 6 (row 1, column 2)
 */
export function matrix<A extends FloatArray>(data: A, rows: number, cols: number): Matrix<A> {
  checkFloatArray('matrix', 'data', data);
  const r = checkSize('matrix', 'rows', rows);
  const c = checkSize('matrix', 'cols', cols);
  // the intrinsic length, as every call checks it (a subclass's `length` getter cannot lie here)
  const n = lengthOf(data);
  if (n !== r * c) fail('matrix', 'data', `must have length rows·cols = ${r}·${c} = ${r * c}, got length ${n}`);
  return { data, rows, cols };
}
