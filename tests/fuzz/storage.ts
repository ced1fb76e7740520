/**
 * Where the arrays of a fuzzed call live (plain, offset, shared, resizable, another realm, WASM
 * memory of this or another instance, ...) and how a matrix object is made (literal, class, getters,
 * Proxy, ...): the Builder makes them and remembers what the call must not change (the bytes of every
 * input, guard bytes around views, alloc() matrices not passed).
 */
import vm from 'node:vm';
import fc from 'fast-check';
import { matrix, type FloatArray, type Matrix, type WasmMatrix } from '../../src/index.js';
import { bytesOf, ctorOf, growableShared, resizable, rng, type DT } from '../support/index.js';
import type { FuzzContext } from './context.js';
import { KNOWN_BUGS } from './known_bugs.js';

/** Where an array lives. alloc*: WASM memory of the instance under test; foreignAlloc: of another. */
export type Storage = 'plain' | 'offset' | 'subarray' | 'shared' | 'sharedOffset' | 'subclass' | 'crossRealm'
  | 'resizable' | 'growableShared' | 'outOfBounds' | 'alloc' | 'allocView' | 'foreignAlloc';
/** How a matrix object is made. */
export type Wrapper = 'literal' | 'matrixFn' | 'class' | 'getters' | 'nullProto' | 'frozen' | 'extra' | 'proxy';

export const storageArb: fc.Arbitrary<Storage> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Storage>('plain') },
  { weight: 6, arbitrary: fc.constantFrom<Storage>('offset', 'subarray', 'shared', 'sharedOffset', 'subclass', 'crossRealm') },
  { weight: 2, arbitrary: fc.constantFrom<Storage>('resizable', 'growableShared', 'outOfBounds') },
  { weight: 5, arbitrary: fc.constantFrom<Storage>('alloc', 'allocView', 'foreignAlloc') },
);
export const wrapperArb: fc.Arbitrary<Wrapper> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Wrapper>('literal') },
  { weight: 4, arbitrary: fc.constantFrom<Wrapper>('matrixFn', 'class', 'getters', 'nullProto', 'frozen', 'extra', 'proxy') },
);

export class SubF32 extends Float32Array {}
class SubF64 extends Float64Array {}
class MatrixClass { constructor(public data: FloatArray, public rows: number, public cols: number) {} }
export class OptionsClass { constructor(o: object) { Object.assign(this, o); } }
const realm = vm.createContext({});
export const foreignCtor = { f32: vm.runInContext('Float32Array', realm), f64: vm.runInContext('Float64Array', realm) } as
  Record<DT, Float32ArrayConstructor | Float64ArrayConstructor>;

interface Guard { what: string; read: () => Uint8Array; bytes: Uint8Array }
interface Tracked { name: string; role: 'in' | 'out' | 'inout'; view: () => unknown; before: Uint8Array }

const GUARD_BYTE = 0xa5;


/** A handle to an array that will exist when the call is assembled (alloc() views are taken late). */
export interface Handle<T extends ArrayBufferView = FloatArray> {
  get(): T;
  /** The alloc() matrix itself (alloc storage). */
  alloc?: WasmMatrix;
  /** A view of WASM memory: it detaches when memory grows (also during a call), so re-derive it. */
  live?: boolean;
}

/** Builds the arrays of one call and remembers what must not change. */
export class Builder {
  readonly tracked: Tracked[] = [];
  readonly guards: Guard[] = [];
  readonly allocs: Array<{ free(): void }> = [];
  private readonly r: () => number;

  constructor(readonly ctx: FuzzContext, readonly dt: DT, seed: number) { this.r = rng(seed ^ 0x5bd1e995); }

  private pad(): number { return 1 + Math.floor(this.r() * 3); }

  /** A backing buffer of `total` elements filled with the guard byte; the ranges not in `used` are guards. */
  private buffer(dt: DT, total: number, shared: boolean, used: Array<[number, number]>): ArrayBufferLike {
    const bpe = ctorOf(dt).BYTES_PER_ELEMENT;
    const buf = shared ? new SharedArrayBuffer(total * bpe) : new ArrayBuffer(total * bpe);
    new Uint8Array(buf).fill(GUARD_BYTE);
    let at = 0;
    for (const [s, e] of [...used, [total, total]].sort((a, b) => a[0] - b[0])) {
      const from = at * bpe, len = (s - at) * bpe;
      if (len > 0) this.guard(`bytes ${from}..${from + len} of a ${shared ? 'Shared' : ''}ArrayBuffer`, () => new Uint8Array(buf, from, len));
      at = Math.max(at, e);
    }
    return buf;
  }

  /** Bytes that no call may change (around views, between disjoint views, around alloc() sub-views). */
  guard(what: string, read: () => Uint8Array): void {
    this.guards.push({ what, read, bytes: read().slice() });
  }

  /** A float array of dt holding `values`, stored as asked (alloc() storage: a rows×cols matrix). */
  float(values: Float64Array, storage: Storage, shape: [number, number] = [1, values.length], dt: DT = this.dt): Handle {
    const n = values.length;
    const C = ctorOf(dt);
    if (storage === 'crossRealm' && KNOWN_BUGS.crossRealm) storage = 'plain';
    if (n === 0 && storage.startsWith('alloc') && KNOWN_BUGS.zeroLengthWasmView) storage = 'plain';
    if (storage === 'outOfBounds' && (n > 0 || KNOWN_BUGS.zeroLengthWasmView)) storage = 'resizable'; // only an empty view can be out of bounds and valid
    switch (storage) {
      case 'plain': { const a = new C(values); return { get: () => a }; }
      case 'subclass': { const a = dt === 'f32' ? new SubF32(n) : new SubF64(n); a.set(values); return { get: () => a }; }
      case 'crossRealm': { const a = new foreignCtor[dt](n); a.set(values); return { get: () => a }; }
      case 'resizable': { // a length-tracking view at a byteOffset of a resizable ArrayBuffer
        const pre = this.pad(), bpe = C.BYTES_PER_ELEMENT;
        const buf = resizable((pre + n) * bpe, (pre + n + 8) * bpe);
        new Uint8Array(buf).fill(GUARD_BYTE);
        this.guard('bytes before a view of a resizable ArrayBuffer', () => new Uint8Array(buf, 0, pre * bpe));
        const a = new C(buf, pre * bpe);
        a.set(values);
        return { get: () => a };
      }
      case 'growableShared': {
        const bpe = C.BYTES_PER_ELEMENT;
        const buf = growableShared(n * bpe, (n + 8) * bpe);
        const a = new C(buf as unknown as ArrayBuffer, 0, n);
        a.set(values);
        return { get: () => a };
      }
      case 'outOfBounds': { // n = 0: a view whose resizable buffer shrank below its offset (length 0)
        const buf = resizable(64, 128);
        const a = new C(buf, 32, 2);
        buf.resize(16);
        return { get: () => a };
      }
      case 'offset': case 'subarray': case 'shared': case 'sharedOffset': {
        const pre = storage === 'shared' ? 0 : this.pad();
        const post = storage === 'shared' ? 0 : this.pad();
        const buf = this.buffer(dt, pre + n + post, storage.startsWith('shared'), [[pre, pre + n]]);
        const a = storage === 'subarray' ? new C(buf as ArrayBuffer).subarray(pre, pre + n) : new C(buf as ArrayBuffer, pre * C.BYTES_PER_ELEMENT, n);
        a.set(values);
        return { get: () => a };
      }
      case 'alloc': case 'allocView': case 'foreignAlloc': {
        const k = storage === 'foreignAlloc' ? this.ctx.foreign : this.ctx.wasm;
        if (storage === 'allocView') {
          const m = k.alloc(dt, 1, n + 2);
          this.allocs.push(m);
          const view = () => m.data.subarray(1, 1 + n) as FloatArray;
          m.data.fill(-123.5);
          view().set(values);
          const bpe = ctorOf(dt).BYTES_PER_ELEMENT;
          this.guard('the element before an alloc() sub-view', () => new Uint8Array(m.data.buffer, m.data.byteOffset, bpe));
          this.guard('the element after an alloc() sub-view', () => new Uint8Array(m.data.buffer, m.data.byteOffset + (n + 1) * bpe, bpe));
          return { get: view, live: true };
        }
        const m = k.alloc(dt, shape[0], shape[1]);
        this.allocs.push(m);
        m.data.set(values);
        return { get: () => m.data as FloatArray, alloc: m, live: k === this.ctx.wasm };
      }
    }
  }

  /** Two disjoint views of one backing buffer (an output next to its input). */
  pair(a: Float64Array, b: Float64Array, shared: boolean, dt: DT = this.dt): [Handle, Handle] {
    const C = ctorOf(dt);
    const pre = this.pad(), gap = this.pad(), post = this.pad();
    const sa = pre, sb = pre + a.length + gap, total = sb + b.length + post;
    const buf = this.buffer(dt, total, shared, [[sa, sa + a.length], [sb, sb + b.length]]);
    const va = new C(buf as ArrayBuffer, sa * C.BYTES_PER_ELEMENT, a.length); va.set(a);
    const vb = new C(buf as ArrayBuffer, sb * C.BYTES_PER_ELEMENT, b.length); vb.set(b);
    return [{ get: () => va }, { get: () => vb }];
  }

  /** Two views of one buffer that overlap partially (b starts `shift` elements into a). */
  overlapping(a: Float64Array, bLen: number, shift: number, dt: DT = this.dt): [FloatArray, FloatArray] {
    const C = ctorOf(dt);
    const buf = new C(Math.max(a.length, shift + bLen) + 1);
    buf.set(a);
    return [buf.subarray(0, a.length), buf.subarray(shift, shift + bLen)];
  }

  int32(values: Int32Array, storage: 'plain' | 'offset' | 'shared' | 'wasmView'): Handle<Int32Array> {
    const n = values.length;
    if (n === 0 && storage === 'wasmView' && KNOWN_BUGS.zeroLengthWasmView) storage = 'plain';
    if (storage === 'plain') { const a = Int32Array.from(values); return { get: () => a }; }
    if (storage === 'wasmView') {
      const m = this.ctx.wasm.alloc('i32', 1, Math.max(n, 1));
      this.allocs.push(m);
      const view = () => m.data.subarray(0, n);
      view().set(values);
      return { get: view, live: true };
    }
    const pre = storage === 'offset' ? this.pad() : 0, post = storage === 'offset' ? this.pad() : 0;
    const buf = storage === 'shared' ? new SharedArrayBuffer((pre + n + post) * 4) : new ArrayBuffer((pre + n + post) * 4);
    new Uint8Array(buf).fill(GUARD_BYTE);
    const a = new Int32Array(buf, pre * 4, n);
    a.set(values);
    if (pre) this.guard('bytes before an Int32Array view', () => new Uint8Array(buf, 0, pre * 4));
    if (post) this.guard('bytes after an Int32Array view', () => new Uint8Array(buf, (pre + n) * 4, post * 4));
    return { get: () => a };
  }

  /** A matrix object around a handle. */
  matrix(h: Handle, rows: number, cols: number, wrapper: Wrapper): Matrix<FloatArray> {
    if (h.alloc && wrapper === 'literal') return h.alloc; // the alloc() matrix itself
    if (h.live) wrapper = 'getters'; // a captured view of WASM memory would detach when memory grows
    switch (wrapper) {
      case 'literal': return { data: h.get(), rows, cols };
      case 'matrixFn': return matrix(h.get(), rows, cols);
      case 'class': return new MatrixClass(h.get(), rows, cols);
      case 'getters': return { get data() { return h.get(); }, get rows() { return rows; }, get cols() { return cols; } };
      case 'nullProto': return Object.assign(Object.create(null), { data: h.get(), rows, cols });
      case 'frozen': return Object.freeze({ data: h.get(), rows, cols });
      case 'extra': return { data: h.get(), rows, cols, stride: 99, dtype: 'f16', [Symbol('x')]: 1 } as Matrix<FloatArray>;
      case 'proxy': return new Proxy({ data: h.get(), rows, cols }, {});
    }
  }

  /** Remembers an array whose bytes must not change (role 'in'), or may change only as an output. */
  track(name: string, role: Tracked['role'], view: () => unknown): void {
    let v: unknown;
    try { v = view(); } catch { return; } // freed alloc() matrices, bad arguments and the like
    if (!ArrayBuffer.isView(v) || isDetached(v)) return;
    this.tracked.push({ name, role, view, before: bytesOf(v).slice() });
  }

  /** An alloc() matrix, already freed (its data getter throws). */
  freedAlloc(rows: number, cols: number, dt: DT = this.dt): WasmMatrix {
    const m = this.ctx.wasm.alloc(dt, rows, cols);
    m.free();
    return m;
  }

  dispose(): void {
    for (const m of this.allocs) m.free();
  }
}

function isDetached(v: ArrayBufferView): boolean {
  const flag = (v.buffer as { detached?: boolean }).detached;
  if (typeof flag === 'boolean') return flag;
  return v.buffer.byteLength === 0 && v.byteLength === 0 && (v as unknown as { length: number }).length === 0 && v.byteOffset === 0;
}
