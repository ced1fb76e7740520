// The shared harness of the pointer-level suites of build/softmax.wasm (every tests/assembly suite
// but gemm's, which compiles its own module): the module (SOFTMAX_WASM picks the relaxed build in
// the node-relaxed project), support's RawArena over its memory reset before each test, typed
// views, seeded data. Each test file imports it and calls useRawModule() once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach } from 'vitest';
import { logSoftmaxRow, softmaxRow } from '../../src/reference/softmax.js';
import type { SoftmaxWasmExports } from '../../src/wasm/abi.js';
import { RawArena, arr, rng, toF64, type DT } from '../support/index.js';

const WASM = process.env.SOFTMAX_WASM ?? fileURLToPath(new URL('../../build/softmax.wasm', import.meta.url));
/** The instance's exports (set by useRawModule's beforeAll). */
export let ex: SoftmaxWasmExports;
/** The file's allocator (set by useRawModule). */
export let arena: RawArena;

export type FA = Float32Array | Float64Array;
/** Row lengths around the SIMD widths (4 f32 / 2 f64 lanes, 16-element unrolls) and two long rows. */
export const COLS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000, 4099];

/**
 * Instantiates the module before the file's tests and resets the allocator before each one; `guard`
 * sentinel bytes on each side of every array (RawArena.guardsIntact checks them). Returns the arena.
 */
export function useRawModule(guard = 0): RawArena {
  arena = new RawArena(() => ex, guard);
  beforeAll(async () => {
    const { instance } = await WebAssembly.instantiate(readFileSync(WASM), {});
    ex = instance.exports as unknown as SoftmaxWasmExports;
  });
  beforeEach(() => { arena.reset(); });
  return arena;
}
/** Starts allocating again at the module's heap base. */
export const resetHeap = (): void => arena.reset();
export const alloc = (bytes: number): number => arena.alloc(bytes);
export const view = (dt: DT, p: number, n: number): FA => arena.view(dt, p, n);
/** Copies values into fresh memory; returns the address. */
export const put = (dt: DT, values: ArrayLike<number>): number => arena.put(dt, values);
export const putI32 = (values: ArrayLike<number>): number => arena.putI32(values);
/** Reads n elements at p as float64. */
export const get = (dt: DT, p: number, n: number): Float64Array => toF64(arena.view(dt, p, n));
/** Rounds values to the dtype (what the kernel actually sees). */
export const rounded = (dt: DT, values: ArrayLike<number>): Float64Array => toF64(arr(dt, values));

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
