import type { FloatArray } from './types_core.js';
import type { Tensor } from './types_tensors.js';
import { checkSize, describe, fail, lengthOf, typedArrayName } from './validate.js';

/**
 * Wraps a typed array as a row-major, contiguous N-d tensor `{ data, shape }` (the last axis varies
 * fastest, as in NumPy's C order and PyTorch's contiguous tensors), checking that `data` is a
 * Float32Array, Float64Array or Int32Array (labels) and that the sizes are non-negative integers
 * whose product is `data.length`. The data is not copied; `shape` is copied.
 * @param data row-major elements.
 * @param shape the sizes, outermost first (at most 32 of them; [] is a scalar of one element).
 * @returns `{ data, shape }`.
 * @throws SoftmaxInputError on a wrong type, size or length.
 * @example
 * const x = tensor(new Float32Array(24), [2, 3, 4]); // x.shape: [2, 3, 4]
 */
export function tensor<A extends FloatArray | Int32Array>(data: A, shape: readonly number[]): Tensor<A> {
  const name = typedArrayName(data);
  if (name !== 'Float32Array' && name !== 'Float64Array' && name !== 'Int32Array') {
    fail('tensor', 'data', `must be a Float32Array, Float64Array or Int32Array, got ${describe(data)}`);
  }
  if (!Array.isArray(shape)) fail('tensor', 'shape', `must be an array of sizes, got ${describe(shape)}`);
  if (shape.length > 32) fail('tensor', 'shape', `must have at most 32 dimensions, got ${shape.length}`);
  const s = shape.map((d, i) => checkSize('tensor', `shape[${i}]`, d));
  const n = s.reduce((p, d) => p * d, 1);
  if (lengthOf(data) !== n) fail('tensor', 'data', `must have length ∏shape = ${s.join('·') || '1'} = ${n}, got length ${lengthOf(data)}`);
  return { data, shape: s };
}

/** options.axis → an axis in [0, rank): undefined → `def`; negative counts from the end (PyTorch `dim`, ONNX `axis`). */
export function resolveAxis(fn: string, v: unknown, rank: number, def: number): number {
  if (v === undefined) return def < 0 ? def + rank : def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -rank || v >= rank) {
    fail(fn, 'options.axis', `must be an integer in [${-rank}, ${rank - 1}] for a ${rank}-d input, got ${describe(v)}`);
  }
  return v < 0 ? v + rank : v;
}

/** (outer, size, inner) of `shape` around `axis`: the products of the sizes before and after it. */
export function splitAt(shape: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, size: shape[axis], inner };
}
