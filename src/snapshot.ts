/**
 * The one place where a public call reads the caller's arguments (src/api.ts uses it for every
 * function; new functions get the same guarantees by using it).
 *
 * A call has two phases:
 *
 * 1. **Read** (`matrix`, `array`, `labels`, `options`, `read`): every property of every argument is
 *    read exactly once, in the order the op's public body asks for them (its registry entry in
 *    src/ops/ says the order in a `// Read order:` comment). User code (getters, Proxy traps) can
 *    run only here. Shapes and types are
 *    checked as they are read; arrays are remembered as (buffer, byteOffset, length), not trusted as
 *    views. Anything a read throws (a throwing getter, a revoked Proxy) becomes a SoftmaxInputError
 *    naming the argument (the original error is its `cause`).
 * 2. **Seal** (`seal()`, the checks in ./snapshot_seal.ts), after the last read and before the
 *    engine runs; no user code runs from here until the call returns:
 *    - the instance is checked again (a getter may have called dispose());
 *    - every array view is rebuilt from what was read: an array in the engine's own memory (an
 *      alloc() matrix) on the memory's current buffer (a getter may have grown memory) after
 *      checking that its block is still allocated; any other array on its own buffer after checking
 *      that the buffer is not detached and still holds the whole array (resizable buffers);
 *    - overlaps between outputs and other arrays are decided on the rebuilt views (see below);
 *    - integer labels are copied into a private array and range-checked on that copy, which is what
 *      the engine reads (so neither a getter nor another thread can change a checked label);
 *    - SharedArrayBuffer-backed inputs that may share memory with an output are copied when the
 *      engine does not stage inputs itself (the reference engine).
 *
 * Overlap and SharedArrayBuffer: two distinct SharedArrayBuffer objects can be views of one memory
 * (a structured clone, or `WebAssembly.Memory.buffer` before and after a grow), always with the same
 * base, and nothing observable without a write tells them apart. So views of two distinct SABs are
 * treated as possibly the same memory at the same offsets: an input is then staged (copied before
 * any output is written; the WASM engine stages every such input anyway), and two outputs whose
 * byte ranges would overlap are probed: one byte of the first output is flipped, the second output
 * is read back, and the byte is restored at once (outputs only, never inputs); if the flip shows
 * through, the outputs share memory and the call fails with SoftmaxInputError, nothing changed.
 */
import { SoftmaxInputError } from './errors.js';
import type { FloatArray, Matrix } from './types_core.js';
import { sealEntries, type EngineMemory, type Entry, type Held, type NumArray } from './snapshot_seal.js';
import {
  bufferOf, byteLengthOf, byteOffsetOf, checkFloatFacts, checkInt32Facts, checkMatrixShape, checkSize, describe, fail,
  failNotMatrix, isDetached, isSize, lengthOf, typedArrayName, type ArrayFacts, type DType,
} from './validate.js';

export type { EngineMemory, Held, MemoryHost } from './snapshot_seal.js';

function errorName(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return String(e);
  } catch {
    return 'an exception';
  }
}

/** What tensor() checks: float type, the shape it must have, whether the call writes it. */
export interface TensorSpec {
  dtype?: DType;
  shape?: readonly number[] | null;
  out?: boolean;
  mayAlias?: readonly string[];
}

/** A tensor (or a matrix read as one) as the call computes on it; `data` follows seal()'s rebuilt view. */
export interface HeldTensor<A extends FloatArray> {
  readonly data: A;
  shape: number[];
  /** The matrix when the argument was one. */
  matrix: Matrix<A> | null;
}

export interface MatrixSpec {
  dtype?: DType;
  rows?: number | null;
  cols?: number | null;
  /** This matrix is written by the call. */
  out?: boolean;
  /** For an output: the inputs it may be exactly. */
  mayAlias?: readonly string[];
}

/** What a typed array was when it was read: later user code may detach, shrink or grow its buffer. */
interface Facts { name: string; buffer: ArrayBufferLike; byteOffset: number; length: number; detached: boolean; block: number }

export class CallSnapshot {
  private readonly entries: Entry[] = [];
  private readonly facts = new Map<object, Facts>();
  private sealed = false;

  /** `positional`: the call's arguments; typed arrays among them are captured at once, before any getter runs. */
  constructor(
    readonly fn: string,
    private readonly backend: EngineMemory,
    private readonly guard: (fn: string) => void,
    positional: readonly unknown[] = [],
  ) {
    guard(fn); // first of all: the instance may have been disposed
    for (const v of positional) this.capture(v);
  }

  /** Records buffer, offset and length of a typed array the moment it is read (no user code runs). */
  private capture(v: unknown): void {
    if (v === null || typeof v !== 'object' || this.facts.has(v)) return;
    const name = typedArrayName(v);
    if (name === undefined) return;
    const buffer = bufferOf(v as ArrayBufferView);
    const detached = isDetached(buffer);
    const byteOffset = detached ? 0 : byteOffsetOf(v as ArrayBufferView), length = detached ? 0 : lengthOf(v as ArrayBufferView);
    // A view of the engine's memory: which alloc() block it is in now (a later free + alloc reuses the place).
    const host = this.backend.ownMemory;
    const block = !detached && length > 0 && host && host.isMemory(buffer)
      ? host.blockId(byteOffset, byteLengthOf(v as ArrayBufferView)) : 0;
    this.facts.set(v, { name, buffer, detached, byteOffset, length, block });
  }

  /** The facts of `v` as captured, in the checks' terms (src/validate.ts ArrayFacts). */
  private checked(v: unknown): { f: Facts | undefined; a: ArrayFacts } {
    this.capture(v);
    const f = typeof v === 'object' && v !== null ? this.facts.get(v) : undefined;
    const kind = f?.name === 'Float32Array' ? 'f32' : f?.name === 'Float64Array' ? 'f64' : f?.name === 'Int32Array' ? 'i32' : null;
    return { f, a: { kind, detached: f?.detached ?? false, length: f?.length ?? 0 } };
  }

  /** A Float32Array/Float64Array (as captured) of the expected dtype and length: validate's checks on the captured facts. */
  private floatFacts(arg: string, v: unknown, dtype?: DType, length?: number): Facts {
    const { f, a } = this.checked(v);
    if (f !== undefined && (a.kind === 'f32' || a.kind === 'f64') && !f.detached && (dtype === undefined || a.kind === dtype) && (length === undefined || f.length === length)) return f;
    checkFloatFacts(this.fn, arg, v, a, dtype, length);
    return f!;
  }

  /** Runs one read of a caller's object; whatever it throws becomes a SoftmaxInputError naming `arg`. */
  read<T>(arg: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      return this.rethrow(arg, e);
    }
  }

  private rethrow(arg: string, e: unknown): never {
    if (e instanceof SoftmaxInputError) throw e;
    const err = new SoftmaxInputError(`${this.fn}: reading ${arg} threw (${errorName(e)}); pass plain objects and arrays`, arg);
    Object.defineProperty(err, 'cause', { value: e, configurable: true, writable: true });
    throw err;
  }

  /** `v` is a non-null object that is neither a typed array nor an Array (a revoked Proxy fails here). */
  isPlainObject(arg: string, v: unknown): v is object {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return false;
    try {
      return !Array.isArray(v);
    } catch (e) {
      return this.rethrow(arg, e);
    }
  }

  private track(arg: string, holder: Held<NumArray>, f: Facts, out: boolean, mayAlias: readonly string[], labels?: Entry['labels']): void {
    const ctor = f.name === 'Float32Array' ? Float32Array : f.name === 'Float64Array' ? Float64Array : Int32Array;
    this.entries.push({
      arg, holder, buffer: f.buffer, byteOffset: f.byteOffset, length: f.length, bpe: ctor.BYTES_PER_ELEMENT,
      ctor, block: f.block, out, mayAlias, labels,
    });
  }

  /** A matrix `{ data, rows, cols }` (read in that order), checked; returns the snapshot to compute on. */
  matrix<A extends FloatArray>(arg: string, m: unknown, spec: MatrixSpec = {}): Matrix<A> {
    if (!this.isPlainObject(arg, m)) failNotMatrix(this.fn, arg, m);
    const mm = m as { data: unknown; rows: unknown; cols: unknown };
    let data: unknown, r0: unknown, c0: unknown;
    let step = 'data';
    try {
      data = mm.data;
      this.capture(data);
      step = 'rows';
      r0 = mm.rows;
      step = 'cols';
      c0 = mm.cols;
    } catch (e) {
      this.rethrow(`${arg}.${step}`, e);
    }
    // (argument names are built only for a message: this runs on every call)
    const r = isSize(r0) ? r0 : checkSize(this.fn, `${arg}.rows`, r0);
    const c = isSize(c0) ? c0 : checkSize(this.fn, `${arg}.cols`, c0);
    const f = this.floatFacts(`${arg}.data`, data, spec.dtype);
    const rows = spec.rows ?? null, cols = spec.cols ?? null;
    if (f.length !== r * c || (rows !== null && r !== rows) || (cols !== null && c !== cols)) checkMatrixShape(this.fn, arg, f.length, r, c, rows, cols);
    const holder: Matrix<A> = { data: data as A, rows: r, cols: c };
    this.track(arg, holder, f, spec.out ?? false, spec.mayAlias ?? []);
    return holder;
  }

  /** A Float32Array/Float64Array (optionally of one dtype and length). */
  array<A extends FloatArray>(arg: string, v: unknown, spec: { dtype?: DType; length?: number; out?: boolean } = {}): Held<A> {
    const f = this.floatFacts(arg, v, spec.dtype, spec.length);
    const holder: Held<A> = { data: v as A };
    this.track(arg, holder, f, spec.out ?? false, []);
    return holder;
  }

  /**
   * An Int32Array that is not a label vector (e.g. argmax's `out`, topK's indices): checked like
   * array() (length, live buffer); an output takes part in the overlap checks of seal().
   */
  int32<A extends Int32Array>(arg: string, v: unknown, spec: { length?: number; out?: boolean } = {}): Held<A> {
    const { f, a } = this.checked(v);
    checkInt32Facts(this.fn, arg, v, a, spec.length);
    const holder: Held<A> = { data: v as A };
    this.track(arg, holder, f!, spec.out ?? false, []);
    return holder;
  }

  /**
   * Integer labels: an Int32Array of length n. The values are checked at seal(), on the private copy
   * the engine reads: each in [0, classes()) or equal to ignoreIndex().
   */
  labels(arg: string, v: unknown, n: number, classes: () => number, ignoreIndex: () => number | undefined = () => undefined): Held<Int32Array> {
    const { f, a } = this.checked(v);
    checkInt32Facts(this.fn, arg, v, a, n, true);
    const holder: Held<Int32Array> = { data: v as Int32Array };
    this.track(arg, holder, f!, false, [], { n, classes, ignoreIndex });
    return holder;
  }

  /**
   * An options object: undefined or a plain object. Its own enumerable keys are read once
   * (Object.keys), a key not in `known` is rejected (a typo must not be silently ignored), a known
   * option that is only inherited (prototype chain) or not enumerable is rejected, and each present
   * known option is read once, in the order of `known`.
   */
  options(arg: string, options: unknown, known: readonly string[]): Record<string, unknown> {
    if (options === undefined) return {};
    if (!this.isPlainObject(arg, options)) fail(this.fn, arg, `must be an object or undefined, got ${describe(options)}`);
    const o = options as Record<string, unknown>;
    const keys = this.read(arg, () => Object.keys(o));
    for (const key of keys) {
      if (!known.includes(key)) fail(this.fn, `${arg}.${key}`, `is not a known option (known: ${known.join(', ')})`);
    }
    const snapshot: Record<string, unknown> = {};
    for (const key of known) {
      if (keys.includes(key)) {
        snapshot[key] = this.read(`${arg}.${key}`, () => o[key]);
        this.capture(snapshot[key]);
      } else if (this.read(`${arg}.${key}`, () => key in o)) {
        fail(this.fn, `${arg}.${key}`, 'is inherited (from the prototype chain) or not enumerable; options are read only from the object\'s own enumerable properties, so pass it as one');
      }
    }
    return snapshot;
  }

  /**
   * A float tensor `{ data, shape }` (data, then shape: its length once, then each size once), or a
   * matrix `{ data, rows, cols }` as matrix() reads it (shape [rows, cols]) when the object has no
   * `shape`. `spec.shape`: the shape it must have (an output, a second input). The tensor round,
   * docs/tensors.md.
   */
  tensor<A extends FloatArray>(arg: string, v: unknown, spec: TensorSpec = {}): HeldTensor<A> {
    if (!this.isPlainObject(arg, v)) {
      fail(this.fn, arg, `must be a tensor { data, shape } (see tensor()) or a matrix { data, rows, cols } (see matrix()), got ${describe(v)}`);
    }
    const o = v as { data: unknown; shape: unknown };
    if (!this.read(arg, () => 'shape' in o)) {
      const want = spec.shape;
      const m = this.matrix<A>(arg, v, {
        dtype: spec.dtype, out: spec.out, mayAlias: spec.mayAlias,
        ...(want && want.length === 2 ? { rows: want[0], cols: want[1] } : {}),
      });
      const held: HeldTensor<A> = { data: m.data, shape: [m.rows, m.cols], matrix: m };
      if (want && want.length !== 2) fail(this.fn, arg, `must have shape [${want.join(', ')}], got a ${m.rows}×${m.cols} matrix`);
      // seal() rebuilds the matrix's view: read the data through it
      Object.defineProperty(held, 'data', { get: () => m.data, enumerable: true });
      return held;
    }
    return this.floatTensor<A>(arg, this.tensorParts(arg, o), spec);
  }

  /** Reads `data` then `shape` of a tensor-like object once (data captured as it is read). */
  tensorParts(arg: string, o: { data?: unknown; shape?: unknown }): { data: unknown; shape: number[] } {
    const data = this.read(`${arg}.data`, () => o.data);
    this.capture(data);
    return { data, shape: this.shape(`${arg}.shape`, this.read(`${arg}.shape`, () => o.shape)) };
  }

  /** A float tensor from parts read by tensorParts(), checked against spec (see tensor()). */
  floatTensor<A extends FloatArray>(arg: string, parts: { data: unknown; shape: number[] }, spec: TensorSpec = {}): HeldTensor<A> {
    const { data, shape } = parts;
    const n = shape.reduce((p, d) => p * d, 1);
    const f = this.floatFacts(`${arg}.data`, data, spec.dtype);
    if (f.length !== n) fail(this.fn, arg, `has data.length ${f.length} but its shape [${shape.join(', ')}] holds ${n} elements`);
    const want = spec.shape;
    if (want && (want.length !== shape.length || want.some((d, i) => d !== shape[i]))) {
      fail(this.fn, arg, `must have shape [${want.join(', ')}], got [${shape.join(', ')}]`);
    }
    const holder: Held<A> = { data: data as A };
    this.track(arg, holder as Held<NumArray>, f, spec.out ?? false, spec.mayAlias ?? []);
    const held: HeldTensor<A> = { data: data as A, shape, matrix: null };
    Object.defineProperty(held, 'data', { get: () => holder.data, enumerable: true });
    return held;
  }

  /** A shape: an Array (or array-like) of sizes, read once each. */
  private shape(arg: string, v: unknown): number[] {
    if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && typedArrayName(v) !== undefined)) {
      fail(this.fn, arg, `must be an array of sizes (non-negative integers), got ${describe(v)}`);
    }
    const a = v as ArrayLike<unknown>;
    const len = this.read(arg, () => a.length);
    if (typeof len !== 'number' || len > 32) fail(this.fn, arg, `must have at most 32 dimensions, got ${describe(len)}`);
    const shape: number[] = [];
    let n = 1;
    for (let i = 0; i < len; i++) {
      const d = this.read(`${arg}[${i}]`, () => a[i]);
      shape.push(isSize(d) ? d : checkSize(this.fn, `${arg}[${i}]`, d));
      n *= shape[i];
    }
    if (n > 2 ** 31 - 1) fail(this.fn, arg, `= [${shape.join(', ')}] holds ${n} elements, more than 2^31 − 1`);
    return shape;
  }

  /**
   * Integer labels given as an Int32Array of n entries or a tensor `{ data: Int32Array, shape }` of
   * shape `shape` (then n = ∏shape); checked at seal() like labels().
   */
  labelTensor(arg: string, v: unknown, shape: readonly number[], classes: () => number, ignoreIndex: () => number | undefined): Held<Int32Array> {
    if (!this.isPlainObject(arg, v)) return this.labels(arg, v, shape.reduce((p, d) => p * d, 1), classes, ignoreIndex);
    return this.labelParts(arg, this.tensorParts(arg, v as { data: unknown; shape: unknown }), shape, classes, ignoreIndex);
  }

  /** Integer labels from parts read by tensorParts(): its shape must be `shape`. */
  labelParts(arg: string, parts: { data: unknown; shape: number[] }, shape: readonly number[], classes: () => number, ignoreIndex: () => number | undefined): Held<Int32Array> {
    const got = parts.shape;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      fail(this.fn, arg, `must have shape [${shape.join(', ')}], got [${got.join(', ')}]`);
    }
    return this.labels(`${arg}.data`, parts.data, shape.reduce((p, d) => p * d, 1), classes, ignoreIndex);
  }

  /**
   * Ends the read phase: re-checks the instance, rebuilds every view, checks overlaps and labels (see
   * the file comment). After this, the snapshot's `data` fields are what the engine reads and writes.
   */
  seal(): void {
    if (this.sealed) throw new Error(`softmax-wasm internal error: ${this.fn} sealed twice`);
    this.sealed = true;
    this.guard(this.fn);
    sealEntries(this.fn, this.entries, this.backend);
  }
}
