/**
 * The marshaller of the WASM engine: one `Call` per kernel call plans where each argument lives in
 * linear memory, stages what must be copied, runs the kernel and copies staged outputs back.
 *
 * Arrays that already live in this instance's memory (alloc() matrices or views of them) are passed
 * by pointer; every other array gets a slot in the arena's scratch block (an output that is the very
 * same array as an input shares that input's slot). The scratch block is reused across calls.
 */
import { SoftmaxInputError } from '../errors.js';
import { describe, fail, typedArrayCtor } from '../validate.js';
import { type Arena, type WasmMemory, MAX_MEMORY_BYTES, align, fmtBytes } from './arena.js';

type NumArray = Float32Array | Float64Array | Int32Array;

/** Where one argument is during a call: its own pointer, or an offset into the staged bytes. */
export interface Slot { arr: NumArray; ptr: number; offset: number; staged: boolean; copyIn: boolean; copyOut: boolean }

/** The memory a call marshals into: the instance's linear memory and its arena. */
export interface CallTarget { readonly memory: WasmMemory; readonly arena: Arena }

/** One call's marshalling plan: arrays in, arrays out, kernel workspace; then run; then copy out. */
export class Call {
  private readonly slots: Slot[] = [];
  private bytes = 0;

  /** @param fn the public function's name, for error messages. */
  constructor(private readonly target: CallTarget, private readonly fn: string) {}

  private slot(arr: NumArray, input: boolean): Slot {
    const same = this.slots.find((s) => s.arr.buffer === arr.buffer && s.arr.byteOffset === arr.byteOffset && s.arr.byteLength === arr.byteLength);
    if (same) { // an output that is exactly an input (validated as allowed): share its slot
      if (input) same.copyIn = true; else same.copyOut = true;
      return same;
    }
    const memory = this.target.memory;
    let s: Slot;
    if (arr.buffer === memory.buffer && arr.byteLength > 0) {
      if (!this.target.arena.owns(arr.byteOffset, arr.byteLength)) {
        fail(this.fn, 'an argument', `is a view of WASM memory outside any live alloc() block (${describe(arr)} at byte ${arr.byteOffset}); was its matrix freed?`);
      }
      s = { arr, ptr: arr.byteOffset, offset: 0, staged: false, copyIn: false, copyOut: false };
    } else {
      s = { arr, ptr: 0, offset: this.bytes, staged: true, copyIn: input, copyOut: !input };
      this.bytes += align(arr.byteLength);
    }
    this.slots.push(s);
    return s;
  }

  in(arr: NumArray): Slot { return this.slot(arr, true); }
  out(arr: NumArray): Slot { return this.slot(arr, false); }
  opt(arr: NumArray | null, input = true): Slot | null { return arr ? this.slot(arr, input) : null; }

  /** Reserves `bytes` of kernel workspace; returns a slot whose ptr is set by run(). */
  workspace(bytes: number): Slot {
    const s: Slot = { arr: new Int32Array(0), ptr: 0, offset: this.bytes, staged: true, copyIn: false, copyOut: false };
    this.bytes += align(bytes);
    this.slots.push(s);
    return s;
  }

  /** Stages inputs, runs `kernel` (which reads slot pointers), copies outputs back. */
  run<T>(kernel: () => T): T {
    if (this.bytes > MAX_MEMORY_BYTES) {
      throw new SoftmaxInputError(`${this.fn}: this problem needs ${fmtBytes(this.bytes)} of WASM memory, more than the 4 GiB WebAssembly address space can hold`, 'size');
    }
    const base = this.target.arena.scratch(this.bytes, this.fn);
    const buffer = this.target.memory.buffer; // after any growth
    for (const s of this.slots) {
      if (!s.staged) continue;
      s.ptr = base + s.offset;
      // Nothing to copy for an empty array, which may be a view that this call's growth detached.
      if (s.copyIn && s.arr.length > 0) new (typedArrayCtor(s.arr))(buffer, s.ptr, s.arr.length).set(s.arr as never);
    }
    const result = kernel();
    const after = this.target.memory.buffer;
    for (const s of this.slots) {
      if (s.staged && s.copyOut && s.arr.length > 0) s.arr.set(new (typedArrayCtor(s.arr))(after, s.ptr, s.arr.length) as never);
    }
    return result;
  }
}

/** The pointer of an optional argument: 0 (the kernels' "absent") when there is none. */
export const ptr = (s: Slot | null): number => (s ? s.ptr : 0);
