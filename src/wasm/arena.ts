/**
 * A memory arena in WASM linear memory, managed from JS. It hands out 16-byte aligned blocks
 * (first fit, coalescing on free) for alloc() matrices, and keeps ONE scratch block that calls use
 * to stage copied-in inputs, outputs and kernel workspace. The scratch block is reused across calls
 * and only replaced by a larger one (×1.5) when a call needs more, so repeating a call with the same
 * shapes never grows memory. Memory grows with `memory.grow` when no free block fits; views into
 * memory must be re-derived after that (old ArrayBuffers detach).
 */
import { SoftmaxInputError } from '../errors.js';

const PAGE = 65536;
/**
 * The most memory the arena uses: 65535 pages of 64 KiB, one page short of the 4 GiB wasm32 address
 * space. The last page is never part of memory, so for every block the arena hands out (and every
 * row of it) `ptr + bytes` ≤ 2^32 − 64 KiB: no 32-bit end pointer in a kernel can wrap to 0, and a
 * SIMD loop bound such as `p + 64 <= end` cannot overflow either. A mechanism-level guarantee, so no
 * kernel loop needs to be written wrap-safe (tests/reliability_memory.test.ts builds a matrix at the top).
 */
export const MAX_MEMORY_BYTES = 65535 * PAGE;
const ALIGN = 16;

interface Block { start: number; size: number; free: boolean; /** Set by alloc(), unique per allocation. */ id?: number }

/** `n` bytes rounded up to the arena's 16-byte alignment (also for sizes beyond 4 GiB, which callers then refuse). */
export const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * The part of a WebAssembly.Memory the arena and the calls use, structurally: the public
 * declarations reach these files (src/ops/ → marshal.ts → here), and they must compile without the
 * DOM lib, where the WebAssembly namespace is missing (tests/consumers/app/types/tsconfig.node16.json).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

export class Arena {
  private readonly blocks: Block[] = [];
  private scratchBlock: Block | null = null;

  /** Every buffer this memory has had (each grow replaces it), to recognise views made before a grow. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  /** True when `buffer` is this memory's buffer now or was one before a grow. */
  isMemoryBuffer(buffer: ArrayBufferLike): boolean {
    if (this.buffers.has(buffer)) return true;
    this.buffers.add(this.memory.buffer); // in case memory grew by other means than this arena
    return this.buffers.has(buffer);
  }

  constructor(private readonly memory: WasmMemory, base: number) {
    this.buffers.add(memory.buffer);
    const start = Math.max(align(base), ALIGN); // never hand out address 0 (0 means "absent" in the ABI)
    const end = memory.buffer.byteLength;
    if (end > start) this.blocks.push({ start, size: end - start, free: true });
    this.end = end;
  }


  private end: number;

  /** Bytes that could still be added to the arena by growing memory. */
  headroom(): number {
    return MAX_MEMORY_BYTES - this.end;
  }

  /** A block of at least `bytes` (16-byte aligned start). Throws SoftmaxInputError if memory cannot grow. */
  alloc(bytes: number, what = 'this call'): number {
    const size = Math.max(align(bytes), ALIGN);
    let block = this.blocks.find((b) => b.free && b.size >= size);
    if (!block) block = this.growFor(size, what);
    if (block.size > size) {
      const rest: Block = { start: block.start + size, size: block.size - size, free: true };
      this.blocks.splice(this.blocks.indexOf(block) + 1, 0, rest);
      block.size = size;
    }
    block.free = false;
    block.id = ++this.allocations;
    return block.start;
  }

  /** Returns a block from alloc() to the arena. Unknown pointers are ignored. */
  free(ptr: number): void {
    const i = this.blocks.findIndex((b) => b.start === ptr && !b.free);
    if (i < 0) return;
    this.blocks[i].free = true;
    // coalesce with free neighbours
    const next = this.blocks[i + 1];
    if (next?.free) { this.blocks[i].size += next.size; this.blocks.splice(i + 1, 1); }
    const prev = this.blocks[i - 1];
    if (prev?.free) { prev.size += this.blocks[i].size; this.blocks.splice(i, 1); }
  }

  private allocations = 0;

  /**
   * The allocation id of the live alloc() block (not the scratch block) holding [ptr, ptr + bytes),
   * or 0: a view taken before its matrix was freed and the memory handed out again gets another id.
   */
  blockId(ptr: number, bytes: number): number {
    for (const b of this.blocks) {
      if (!b.free && b !== this.scratchBlock && ptr >= b.start && ptr + bytes <= b.start + b.size) return b.id ?? 0;
    }
    return 0;
  }

  /** True when [ptr, ptr + bytes) lies inside one live alloc() block (not the scratch block). */
  owns(ptr: number, bytes: number): boolean {
    for (const b of this.blocks) {
      if (!b.free && b !== this.scratchBlock && ptr >= b.start && ptr + bytes <= b.start + b.size) return true;
    }
    return false;
  }

  /** The scratch block, at least `bytes` long. Its contents are not preserved across calls. */
  scratch(bytes: number, what: string): number {
    const s = this.scratchBlock;
    if (s && s.size >= bytes) return s.start;
    if (bytes > this.headroom() + this.freeBytes() + (s ? s.size : 0)) {
      throw new SoftmaxInputError(
        `${what} needs ${fmtBytes(bytes)} of WASM memory, more than the 4 GiB WebAssembly address space can hold`, 'size');
    }
    if (s) { this.scratchBlock = null; this.free(s.start); }
    const want = Math.max(bytes, Math.min(Math.ceil((s ? s.size : 0) * 1.5), MAX_MEMORY_BYTES / 2));
    let ptr: number;
    try {
      ptr = this.alloc(want, what);
    } catch (e) {
      if (want === bytes) throw e;
      ptr = this.alloc(bytes, what); // the ×1.5 headroom did not fit: take exactly what is needed
    }
    this.scratchBlock = this.blocks.find((b) => b.start === ptr)!;
    return ptr;
  }

  private freeBytes(): number {
    const last = this.blocks[this.blocks.length - 1];
    return last?.free ? last.size : 0;
  }

  /** Grows memory so that a free block of `size` bytes exists at the end; returns that block. */
  private growFor(size: number, what: string): Block {
    let last = this.blocks[this.blocks.length - 1];
    const tailFree = last?.free ? last.size : 0;
    const need = size - tailFree;
    const pages = Math.ceil(need / PAGE);
    if (this.end + pages * PAGE > MAX_MEMORY_BYTES) {
      throw new SoftmaxInputError(
        `${what} needs ${fmtBytes(size)} more of WASM memory (in use: ${fmtBytes(this.end)}), beyond the 4 GiB WebAssembly address space`, 'size');
    }
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new SoftmaxInputError(
        `${what} needs ${fmtBytes(size)} more of WASM memory and the engine refused to grow it from ${fmtBytes(this.end)} (${(e as Error).message})`, 'size');
    }
    this.buffers.add(this.memory.buffer);
    const newEnd = this.memory.buffer.byteLength;
    if (last?.free) last.size += newEnd - this.end;
    else { last = { start: this.end, size: newEnd - this.end, free: true }; this.blocks.push(last); }
    this.end = newEnd;
    return last;
  }
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} bytes`;
}
