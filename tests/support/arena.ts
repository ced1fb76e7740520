/**
 * A bump allocator over a raw WASM instance's memory, for the pointer-level kernel tests
 * (tests/assembly/): arrays 16-byte aligned from heap_base, memory grown as needed, and optionally
 * `guard` sentinel bytes (0xA5) on each side of every array so a test can prove nothing was written
 * outside it. reset() before each test starts again at heap_base. tests/assembly/raw_module.ts
 * instantiates build/softmax.wasm and gives each suite one.
 */
import { ctorOf, type DT } from './dtype.js';

export interface RawMemory { memory: WebAssembly.Memory; heap_base(): number }

const SENTINEL = 0xa5;

export class RawArena {
  private top = 0;

  constructor(private readonly ex: () => RawMemory, readonly guard = 0) {}

  reset(): void { this.top = this.ex().heap_base(); }

  /** The end of the last array (its trailing sentinels included): everything allocated is below it. */
  get end(): number { return this.top; }

  /** The address of `bytes` fresh bytes (between sentinels when guard > 0). */
  alloc(bytes: number): number {
    const { memory } = this.ex();
    const p = ((this.top + 15) & ~15) + this.guard;
    this.top = p + bytes + this.guard;
    const need = this.top - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536));
    if (this.guard > 0) new Uint8Array(memory.buffer, p - this.guard, bytes + 2 * this.guard).fill(SENTINEL);
    return p;
  }

  /** Whether the sentinels around the `bytes` at p are intact. */
  guardsIntact(p: number, bytes: number): boolean {
    const u = new Uint8Array(this.ex().memory.buffer);
    for (let i = 1; i <= this.guard; i++) if (u[p - i] !== SENTINEL || u[p + bytes + i - 1] !== SENTINEL) return false;
    return true;
  }

  view(dt: DT, p: number, n: number): Float32Array | Float64Array {
    return new (ctorOf(dt))(this.ex().memory.buffer, p, n);
  }

  /** Copies values (rounded to dt) into fresh memory; returns the address. */
  put(dt: DT, values: ArrayLike<number>): number {
    const p = this.alloc(values.length * ctorOf(dt).BYTES_PER_ELEMENT);
    this.view(dt, p, values.length).set(values);
    return p;
  }

  /** Copies int32 values (labels) into fresh memory; returns the address. */
  putI32(values: ArrayLike<number>): number {
    const p = this.alloc(values.length * 4);
    new Int32Array(this.ex().memory.buffer, p, values.length).set(values);
    return p;
  }
}
