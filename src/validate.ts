/**
 * Input validation for every public function. Each check throws SoftmaxInputError with the
 * function, the argument, what was expected and the value seen. Nothing here allocates WASM memory
 * or touches an output, so a failed call changes nothing.
 */
import { REDUCTION_MEAN, REDUCTION_NONE, REDUCTION_SUM, type ReductionCode } from './codes.js';
import { SoftmaxInputError } from './errors.js';
import type { FloatArray, Matrix } from './types_core.js';

export type DType = 'f32' | 'f64';

/** The most elements a dimension product may have (typed arrays and the 4 GiB WASM space are smaller anyway). */
const MAX_DIM = 2 ** 31 - 1;

/** Short description of any value for error messages: `Float32Array(6)`, `Array(3)`, `"abc"`, `1.5`. */
export function describe(v: unknown): string {
  try {
    return describeUnsafe(v);
  } catch {
    return 'an object that throws when inspected (a revoked Proxy?)';
  }
}

function describeUnsafe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `Array(${v.length})`;
  const name = typedArrayName(v);
  if (name !== undefined) {
    return isDetached(BUFFER.call(v) as ArrayBufferLike) ? `${name} (detached buffer)` : `${name}(${LENGTH.call(v) as number})`;
  }
  if (v instanceof DataView) return `DataView(${v.byteLength} bytes)`;
  if (typeof v === 'object') {
    const o = v as { rows?: unknown; cols?: unknown; data?: unknown };
    if ('data' in o || 'rows' in o) return `{ data: ${describe(o.data)}, rows: ${describe(o.rows)}, cols: ${describe(o.cols)} }`;
    const ctor = (v as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
  }
  return typeof v;
}

/** True when the buffer was transferred/detached (reading a detached buffer's view throws or sees 0 bytes). */
export function isDetached(buf: ArrayBufferLike): boolean {
  const flag = (buf as { detached?: boolean }).detached;
  if (typeof flag === 'boolean') return flag;
  if (buf.byteLength !== 0) return false;
  try {
    new Uint8Array(buf);
    return false;
  } catch {
    return true;
  }
}

// The %TypedArray%.prototype getters, read once at load: they work on typed arrays of any realm and
// cannot be overridden by a subclass or faked by a plain object, unlike `v.length` or `v instanceof`.
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter(key: PropertyKey): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, key)!.get! as (this: unknown) => unknown;
}
const TAG = intrinsicGetter(Symbol.toStringTag);
const BUFFER = intrinsicGetter('buffer');
const BYTE_OFFSET = intrinsicGetter('byteOffset');
const LENGTH = intrinsicGetter('length');
const BYTE_LENGTH = intrinsicGetter('byteLength');

/** The buffer, byteOffset and length of a typed array, from its internal slots (no user code runs). */
export function bufferOf(v: ArrayBufferView): ArrayBufferLike { return BUFFER.call(v) as ArrayBufferLike; }
export function byteOffsetOf(v: ArrayBufferView): number { return BYTE_OFFSET.call(v) as number; }
export function lengthOf(v: ArrayBufferView): number { return LENGTH.call(v) as number; }
export function byteLengthOf(v: ArrayBufferView): number { return BYTE_LENGTH.call(v) as number; }

const OBJECT_TO_STRING = Object.prototype.toString;

/**
 * True for a SharedArrayBuffer of any realm. `buf` comes from a typed array's internal slot, so it is
 * a real ArrayBuffer or SharedArrayBuffer; its class is read from the built-in prototype's tag (no
 * exception, unlike calling a SharedArrayBuffer getter on it: this runs on every call).
 */
export function isShared(buf: ArrayBufferLike): boolean {
  return OBJECT_TO_STRING.call(buf) === '[object SharedArrayBuffer]';
}

/** The typed array's kind ('Float32Array', ...) from its internal slot, or undefined for anything else. */
export function typedArrayName(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null ? (TAG.call(v) as string | undefined) : undefined;
}

/** 'f32' / 'f64' for Float32Array / Float64Array (also from another realm), else null. */
export function dtypeOf(v: unknown): DType | null {
  const name = typedArrayName(v);
  if (name === 'Float32Array') return 'f32';
  if (name === 'Float64Array') return 'f64';
  return null;
}

export function isInt32Array(v: unknown): v is Int32Array {
  return typedArrayName(v) === 'Int32Array';
}

/**
 * A fresh view of this realm's Float32Array/Float64Array/Int32Array over exactly the memory of `v`
 * (same buffer, offset and length, read through the intrinsic getters). Writing to it writes to `v`.
 * The library computes on these views, so an array from another realm, a subclass with overridden
 * accessors or a length-tracking view cannot change what was validated. `v` must not be detached.
 */
export function canonicalView<A extends FloatArray | Int32Array>(v: A): A {
  const C = typedArrayCtor(v);
  return new C(BUFFER.call(v) as ArrayBuffer, BYTE_OFFSET.call(v) as number, LENGTH.call(v) as number) as A;
}

/** This realm's constructor for a Float32Array, Float64Array or Int32Array of any realm. */
export function typedArrayCtor(v: FloatArray | Int32Array): Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor {
  const name = typedArrayName(v);
  if (name === 'Float32Array') return Float32Array;
  if (name === 'Float64Array') return Float64Array;
  if (name === 'Int32Array') return Int32Array;
  throw new TypeError(`softmax-wasm internal error: ${String(name)} is not a Float32/Float64/Int32 array`);
}

export function fail(fn: string, arg: string, message: string): never {
  throw new SoftmaxInputError(`${fn}: ${arg} ${message}`, arg);
}

/** A matrix dimension: a non-negative integer ≤ MAX_DIM (the test without the message). */
export const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_DIM;

export function checkSize(fn: string, arg: string, v: unknown): number {
  if (!isSize(v)) fail(fn, arg, `must be a non-negative integer, got ${describe(v)}`);
  return v;
}

/**
 * What the checks need to know of an argument, read once from its internal slots (here, or by a
 * CallSnapshot when the argument is read): its kind ('f32', 'f64', 'i32', or null for anything
 * else), whether its buffer is detached, its length.
 */
export interface ArrayFacts { kind: DType | 'i32' | null; detached: boolean; length: number }

/** The facts of any value (see ArrayFacts). */
export function factsOf(v: unknown): ArrayFacts {
  const name = typedArrayName(v);
  const kind = name === 'Float32Array' ? 'f32' : name === 'Float64Array' ? 'f64' : name === 'Int32Array' ? 'i32' : null;
  if (kind === null) return { kind, detached: false, length: 0 };
  const detached = isDetached(BUFFER.call(v) as ArrayBufferLike);
  return { kind, detached, length: detached ? 0 : LENGTH.call(v) as number };
}

const DETACHED = 'is backed by a detached ArrayBuffer (it was transferred); pass a live array';

/** A Float32Array/Float64Array (optionally of one dtype and length), from its facts; returns its dtype. */
export function checkFloatFacts(fn: string, arg: string, v: unknown, f: ArrayFacts, dtype?: DType, length?: number): DType {
  if (f.kind !== 'f32' && f.kind !== 'f64') {
    const want = dtype === 'f64' ? 'a Float64Array' : dtype === 'f32' ? 'a Float32Array' : 'a Float32Array or Float64Array';
    fail(fn, arg, `must be ${want}${length !== undefined ? ` of length ${length}` : ''}, got ${describe(v)}`);
  }
  if (f.detached) fail(fn, arg, DETACHED);
  if (dtype !== undefined && f.kind !== dtype) {
    fail(fn, arg, `must be a ${dtype === 'f32' ? 'Float32Array' : 'Float64Array'} like the other inputs of this call (all share one float type), got ${describe(v)}`);
  }
  if (length !== undefined && f.length !== length) fail(fn, arg, `must have length ${length}, got length ${f.length}`);
  return f.kind;
}

/**
 * An Int32Array (optionally of one length), from its facts. `labels`: it is the label vector of
 * `length` rows (the messages say so).
 */
export function checkInt32Facts(fn: string, arg: string, v: unknown, f: ArrayFacts, length?: number, labels = false): void {
  if (f.kind !== 'i32') {
    fail(fn, arg, labels ? `must be an Int32Array of ${length} class indices, got ${describe(v)}`
      : `must be an Int32Array${length !== undefined ? ` of length ${length}` : ''}, got ${describe(v)}`);
  }
  if (f.detached) fail(fn, arg, DETACHED);
  if (length !== undefined && f.length !== length) {
    fail(fn, arg, `must have length ${length}${labels ? ' (one label per row)' : ''}, got length ${f.length}`);
  }
}

/** Label values: each in [0, classes) or equal to ignoreIndex; `arg[i]` names the first that is not. */
export function checkLabelValues(fn: string, arg: string, a: Int32Array, classes: number, ignoreIndex?: number): void {
  for (let i = 0; i < a.length; i++) {
    const y = a[i];
    if ((y < 0 || y >= classes) && y !== ignoreIndex) {
      const extra = ignoreIndex !== undefined ? ` and is not ignoreIndex (${ignoreIndex})` : '';
      fail(fn, `${arg}[${i}]`, `= ${y} is outside [0, ${classes})${extra}`);
    }
  }
}

/** Not a matrix-shaped object. */
export function failNotMatrix(fn: string, arg: string, m: unknown): never {
  return fail(fn, arg, `must be a matrix { data: Float32Array | Float64Array, rows, cols } (see matrix()), got ${describe(m)}`);
}

/** A matrix's data length n must be r·c, and its shape rows×cols where given (null = any). */
export function checkMatrixShape(fn: string, arg: string, n: number, r: number, c: number, rows: number | null, cols: number | null): void {
  if (n !== r * c) fail(fn, arg, `has data.length ${n} but rows·cols = ${r}·${c} = ${r * c}`);
  if ((rows !== null && r !== rows) || (cols !== null && c !== cols)) fail(fn, arg, `must be ${rows ?? r}×${cols ?? c}, got ${r}×${c}`);
}

/** A Float32Array/Float64Array of any view kind; returns its dtype. */
export function checkFloatArray(fn: string, arg: string, v: unknown, dtype?: DType, length?: number): DType {
  return checkFloatFacts(fn, arg, v, factsOf(v), dtype, length);
}

/** checkFloatArray, returning the array as a canonical view (see canonicalView) to compute on. */
export function floatArg<A extends FloatArray>(fn: string, arg: string, v: unknown, dtype?: DType, length?: number): A {
  checkFloatArray(fn, arg, v, dtype, length);
  return canonicalView(v as A);
}

/**
 * A Matrix-shaped object: `{ data: Float32Array | Float64Array, rows, cols }` with
 * data.length === rows·cols. Optional expected dtype and shape (null = any). Returns a snapshot
 * `{ data, rows, cols }`: each property of `m` is read once, and `data` is a canonical view, so what
 * was checked is what the kernels see even if `m` has getters that change their answer.
 */
export function matrixArg<A extends FloatArray>(
  fn: string, arg: string, m: unknown, dtype?: DType, rows: number | null = null, cols: number | null = null,
): Matrix<A> {
  if (m === null || typeof m !== 'object' || ArrayBuffer.isView(m) || Array.isArray(m)) failNotMatrix(fn, arg, m);
  const mm = m as { data: unknown; rows: unknown; cols: unknown };
  const data = mm.data, r0 = mm.rows, c0 = mm.cols;
  const r = checkSize(fn, `${arg}.rows`, r0);
  const c = checkSize(fn, `${arg}.cols`, c0);
  checkFloatArray(fn, `${arg}.data`, data, dtype);
  const view = canonicalView(data as A);
  checkMatrixShape(fn, arg, view.length, r, c, rows, cols);
  return { data: view, rows: r, cols: c };
}

/** matrixArg, returning only the float type (for callers that keep using `m` itself). */
export function checkMatrix(
  fn: string, arg: string, m: unknown, dtype?: DType, rows: number | null = null, cols: number | null = null,
): DType {
  return dtypeOf(matrixArg(fn, arg, m, dtype, rows, cols).data)!;
}

/**
 * Integer labels: an Int32Array of length n with every entry in [0, classes) or equal to ignoreIndex.
 * Returns a canonical view (see canonicalView).
 */
export function checkLabels(fn: string, arg: string, v: unknown, n: number, classes: number, ignoreIndex?: number): Int32Array {
  checkInt32Facts(fn, arg, v, factsOf(v), n, true);
  const a = canonicalView(v as Int32Array);
  checkLabelValues(fn, arg, a, classes, ignoreIndex);
  return a;
}

/** Options must be undefined or a plain object with only known keys (a typo must not be silently ignored). */
export function checkOptions(fn: string, options: unknown, known: readonly string[], arg = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    fail(fn, arg, `must be an object or undefined, got ${describe(options)}`);
  }
  // A snapshot: each option is read once, so a getter cannot answer differently after validation.
  const snapshot: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(fn, `${arg}.${key}`, `is not a known option (known: ${known.join(', ')})`);
    snapshot[key] = (options as Record<string, unknown>)[key];
  }
  return snapshot;
}

export function checkBoolean(fn: string, arg: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(fn, arg, `must be true or false, got ${describe(v)}`);
  return v;
}

export function checkNumberInRange(fn: string, arg: string, v: unknown, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    const range = hi === Infinity ? `≥ ${lo}` : `in [${lo}, ${hi}]`;
    fail(fn, arg, `must be a finite number ${range}, got ${describe(v)}`);
  }
  if (!Number.isFinite(v)) fail(fn, arg, `must be finite, got ${describe(v)}`);
  return v;
}

/**
 * A temperature: undefined → 1; a finite number > 0 (≥ 0 when zeroOk: 0 = argmax) whose 1/T is
 * finite and non-zero in the float type.
 */
export function checkTemperature(fn: string, v: unknown, dt: DType, zeroOk: boolean): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isFinite(v) || !(zeroOk ? v >= 0 : v > 0)) {
    fail(fn, 'options.temperature', `must be a finite number ${zeroOk ? '≥ 0 (0 = argmax)' : '> 0'}, got ${describe(v)}`);
  }
  if (v > 0) {
    const inv = dt === 'f32' ? Math.fround(1 / v) : 1 / v;
    if (!Number.isFinite(inv) || inv === 0) {
      fail(fn, 'options.temperature', `= ${v} makes 1/T leave the ${dt} range; use a temperature in [${dt === 'f32' ? '3e-38, 3e38' : '6e-308, 1e308'}]`);
    }
  }
  return v;
}

export function checkInt32(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) {
    fail(fn, arg, `must be an integer in the 32-bit range, got ${describe(v)}`);
  }
  return v;
}

/** Whether byte ranges [a, a + na) and [b, b + nb) overlap (empty ranges never do). */
export function overlaps(a: number, na: number, b: number, nb: number): boolean {
  return na > 0 && nb > 0 && a < b + nb && b < a + na;
}

/** Bounds for {@link checkNumber}: [min, max] by default; `minOpen`/`maxOpen` exclude an end; `int` asks for an integer. */
export interface NumberBounds { min: number; max: number; int?: boolean; minOpen?: boolean; maxOpen?: boolean }

/** A finite number within `bounds` (the default when undefined), e.g. a learning rate in (0, ∞) or a count in [1, 1e9]. */
export function checkNumber(fn: string, arg: string, v: unknown, dflt: number, bounds: NumberBounds): number {
  if (v === undefined) return dflt;
  const { min, max, int = false, minOpen = false, maxOpen = false } = bounds;
  const ok = typeof v === 'number' && Number.isFinite(v) && (minOpen ? v > min : v >= min) &&
    (maxOpen ? v < max : v <= max) && (!int || Number.isInteger(v));
  if (!ok) {
    const range = `${minOpen ? '(' : '['}${min}, ${max === Infinity ? '∞' : max}${maxOpen || max === Infinity ? ')' : ']'}`;
    fail(fn, arg, `must be ${int ? 'an integer' : 'a finite number'} in ${range}, got ${describe(v)}`);
  }
  return v as number;
}

/** A function, or null when undefined. */
export function checkFunction<F>(fn: string, arg: string, v: unknown): F | null {
  if (v === undefined) return null;
  if (typeof v !== 'function') fail(fn, arg, `must be a function, got ${describe(v)}`);
  return v as F;
}

/** The reduction option of the losses (PyTorch's names) as its ABI code; undefined = 'mean'. */
export function reductionCode(fn: string, v: unknown): ReductionCode {
  if (v === undefined || v === 'mean') return REDUCTION_MEAN;
  if (v === 'sum') return REDUCTION_SUM;
  if (v === 'none') return REDUCTION_NONE;
  return fail(fn, 'options.reduction', `must be 'mean', 'sum' or 'none', got ${describe(v)}`);
}
