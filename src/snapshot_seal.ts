/**
 * The seal phase of a CallSnapshot (./snapshot.ts, whose file comment says what it guarantees):
 * every view rebuilt from what was read, overlaps decided, integer labels checked on a private copy,
 * SharedArrayBuffer inputs staged and SharedArrayBuffer outputs probed. No user code runs here.
 */
import type { FloatArray } from './types_core.js';
import { checkLabelValues, fail, isDetached, isShared, overlaps } from './validate.js';

export type NumArray = FloatArray | Int32Array;

/** An engine's own linear memory (the WASM engine), so that arrays living in it survive memory.grow. */
export interface MemoryHost {
  /** True when `buffer` is, or was before a grow, this engine's memory. */
  isMemory(buffer: ArrayBufferLike): boolean;
  /** The memory's current buffer. */
  buffer(): ArrayBuffer;
  /** The allocation id of the live alloc() block holding [ptr, ptr + bytes), 0 if none. */
  blockId(ptr: number, bytes: number): number;
}

/** What the seal needs to know of the engine a call goes to (part of the Backend, src/ops/index.ts). */
export interface EngineMemory {
  /**
   * True when the engine copies every input that is not in its own memory before it writes any
   * output (the WASM engine). Otherwise the seal stages SharedArrayBuffer inputs that may share
   * memory with an output (see src/snapshot.ts).
   */
  readonly stagesInputs?: boolean;
  /** The engine's own memory (the WASM engine), so arrays in it are re-derived after growth. */
  readonly ownMemory?: MemoryHost;
}

/** Where a snapshot keeps a checked array; `data` is replaced by the rebuilt view at seal(). */
export interface Held<A extends NumArray> { data: A }

/** One array argument as it was read: its memory, and what the seal checks need to know about it. */
export interface Entry {
  arg: string;
  holder: Held<NumArray>;
  buffer: ArrayBufferLike;
  byteOffset: number;
  length: number;
  bpe: number;
  ctor: Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;
  /** For a view of the engine's memory: its alloc() block's id when it was read. */
  block: number;
  out: boolean;
  /** Inputs this output may be exactly (same memory), e.g. out === x. */
  mayAlias: readonly string[];
  /** Integer labels: checked on a private copy at seal(). */
  labels?: { n: number; classes: () => number; ignoreIndex: () => number | undefined };
}

/** Runs the seal checks on a call's entries, in order; afterwards every holder's `data` is what the engine uses. */
export function sealEntries(fn: string, entries: readonly Entry[], backend: EngineMemory): void {
  for (const e of entries) rebuild(fn, e, backend.ownMemory);
  for (const e of entries) if (e.out) checkOverlaps(fn, entries, e);
  for (const e of entries) if (e.labels) checkLabels(fn, e);
  if (!backend.stagesInputs) stageSharedInputs(entries);
  probeSharedOutputs(fn, entries);
}

function rebuild(fn: string, e: Entry, host: MemoryHost | undefined): void {
  if (e.length === 0) { e.holder.data = new e.ctor(0); return; }
  const bytes = e.length * e.bpe;
  let buffer = e.buffer;
  if (host && host.isMemory(e.buffer)) {
    const block = host.blockId(e.byteOffset, bytes);
    if (block === 0 || block !== e.block) {
      fail(fn, e.arg, `is a view of WASM memory outside any live alloc() block (${e.length} elements at byte ${e.byteOffset}); was its matrix freed (perhaps during this call)?`);
    }
    buffer = host.buffer();
  } else if (isDetached(e.buffer)) {
    fail(fn, e.arg, 'was detached during this call (by code that ran while the arguments were read, e.g. a getter); pass a live array');
  } else if (e.byteOffset + bytes > e.buffer.byteLength) {
    fail(fn, e.arg, `no longer fits its buffer: its resizable buffer was shrunk to ${e.buffer.byteLength} bytes during this call, the array needs bytes [${e.byteOffset}, ${e.byteOffset + bytes})`);
  }
  e.buffer = buffer;
  e.holder.data = new e.ctor(buffer as ArrayBuffer, e.byteOffset, e.length);
}

/** 'same': one buffer object; 'maybe': two SharedArrayBuffer objects (possibly one memory); 'no': distinct memory. */
function relation(a: Entry, b: Entry): 'same' | 'maybe' | 'no' {
  if (a.buffer === b.buffer) return 'same';
  return isShared(a.buffer) && isShared(b.buffer) ? 'maybe' : 'no';
}

function rangesOverlap(a: Entry, b: Entry): boolean {
  return overlaps(a.byteOffset, a.length * a.bpe, b.byteOffset, b.length * b.bpe);
}

function checkOverlaps(fn: string, entries: readonly Entry[], out: Entry): void {
  for (const other of entries) {
    if (other === out || relation(out, other) !== 'same' || !rangesOverlap(out, other)) continue;
    // Each pair of outputs once (from the first of the two).
    if (other.out && entries.indexOf(other) < entries.indexOf(out)) continue;
    const mayAlias = !other.out && out.mayAlias.includes(other.arg);
    const identical = out.byteOffset === other.byteOffset && out.length * out.bpe === other.length * other.bpe;
    if (mayAlias && identical) continue;
    fail(fn, out.arg, mayAlias
      ? `partially overlaps ${other.arg}; it may be exactly ${other.arg} (same memory) or separate, not a shifted view`
      : `shares memory with ${other.arg}; pass a separate array`);
  }
}

function checkLabels(fn: string, e: Entry): void {
  const { n, classes, ignoreIndex } = e.labels!;
  // The private copy: the engine reads this, so what is checked here is what it sees.
  const copy = new Int32Array(n);
  copy.set(e.holder.data as Int32Array);
  checkLabelValues(fn, e.arg, copy, classes(), ignoreIndex());
  e.holder.data = copy;
  e.buffer = copy.buffer;
  e.byteOffset = 0;
}

/** For an engine that reads inputs in place: copy a SAB-backed input that may be an output's memory. */
function stageSharedInputs(entries: readonly Entry[]): void {
  for (const e of entries) {
    if (e.out || e.labels || !isShared(e.buffer)) continue;
    const risky = entries.some((o) => o.out && relation(e, o) === 'maybe' && rangesOverlap(e, o));
    if (!risky) continue;
    const copy = new e.ctor(e.length);
    copy.set(e.holder.data as never);
    e.holder.data = copy;
    e.buffer = copy.buffer;
    e.byteOffset = 0;
  }
}

/** Two outputs on distinct SharedArrayBuffer objects whose ranges would overlap: flip one byte of `a`, look at `b`, restore. */
function probeSharedOutputs(fn: string, entries: readonly Entry[]): void {
  const outs = entries.filter((e) => e.out);
  for (let i = 0; i < outs.length; i++) {
    for (let j = i + 1; j < outs.length; j++) {
      const a = outs[i], b = outs[j];
      if (relation(a, b) !== 'maybe' || !rangesOverlap(a, b)) continue;
      const at = Math.max(a.byteOffset, b.byteOffset);
      const ua = new Uint8Array(a.buffer, at, 1), ub = new Uint8Array(b.buffer, at, 1);
      const before = ua[0];
      let shown = 0;
      for (const flip of [0x01, 0x80]) {
        ua[0] = before ^ flip;
        if (ub[0] === (before ^ flip)) shown++;
        ua[0] = before;
      }
      if (shown === 2) {
        fail(fn, b.arg, `shares memory with ${a.arg} (two SharedArrayBuffer objects over one memory); pass separate arrays`);
      }
    }
  }
}
