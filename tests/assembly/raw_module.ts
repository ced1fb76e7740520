// The shared harness of the pointer-level suites of build/softmax.wasm (softmax.test.ts,
// softmax_backward.test.ts, cross_entropy.test.ts, guards.test.ts): the module (SOFTMAX_WASM picks
// the relaxed build in the node-relaxed project), a bump allocator over its memory reset before each
// test, typed views, seeded data. Each test file imports it and calls useRawModule() once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach } from 'vitest';
import { logSoftmaxRow, softmaxRow } from '../../src/reference/softmax.js';
import type { SoftmaxWasmExports } from '../../src/wasm/abi.js';
import { rng, type DT } from '../support/index.js';

const WASM = process.env.SOFTMAX_WASM ?? fileURLToPath(new URL('../../build/softmax.wasm', import.meta.url));
/** The instance's exports (set by useRawModule's beforeAll). */
export let ex: SoftmaxWasmExports;

export type FA = Float32Array | Float64Array;
export const DTS: DT[] = ['f32', 'f64'];
export const SIZE = { f32: 4, f64: 8 } as const;
/** Row lengths around the SIMD widths (4 f32 / 2 f64 lanes, 16-element unrolls) and two long rows. */
export const COLS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000, 4099];

let top = 0;
/** Instantiates the module before the file's tests and resets the allocator before each one. */
export function useRawModule(): void {
  beforeAll(async () => {
    const { instance } = await WebAssembly.instantiate(readFileSync(WASM), {});
    ex = instance.exports as unknown as SoftmaxWasmExports;
  });
  beforeEach(() => { resetHeap(); });
}
/** Starts allocating again at the module's heap base. */
export function resetHeap(): void { top = ex.heap_base(); }

export function alloc(bytes: number): number {
  const p = (top + 15) & ~15;
  top = p + bytes;
  const need = top - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
  return p;
}
export function view(dt: DT, p: number, n: number): FA {
  return dt === 'f32' ? new Float32Array(ex.memory.buffer, p, n) : new Float64Array(ex.memory.buffer, p, n);
}
/** Copies values into fresh memory; returns the address. */
export function put(dt: DT, values: ArrayLike<number>): number {
  const p = alloc(values.length * SIZE[dt]);
  view(dt, p, values.length).set(values);
  return p;
}
export function putI32(values: ArrayLike<number>): number {
  const p = alloc(values.length * 4);
  new Int32Array(ex.memory.buffer, p, values.length).set(values);
  return p;
}
/** Reads n elements at p as float64. */
export function get(dt: DT, p: number, n: number): Float64Array {
  return Float64Array.from(view(dt, p, n));
}
/** Rounds values to the dtype (what the kernel actually sees). */
export function rounded(dt: DT, values: ArrayLike<number>): Float64Array {
  return Float64Array.from(dt === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

// ---- data ----
export function normals(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => scale * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}
export function uniform(n: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

// ---- the f64 reference (src/reference) as the oracle ----
/** Softmax (log-softmax) of each row by the reference's row functions. */
export function refSoftmax(x: ArrayLike<number>, rows: number, cols: number, log: boolean): Float64Array {
  const z = Float64Array.from(x);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set((log ? logSoftmaxRow : softmaxRow)(z.subarray(i * cols, (i + 1) * cols)), i * cols);
  return out;
}
