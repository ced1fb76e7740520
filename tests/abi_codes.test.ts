// The integer codes of the raw ABI are written twice, in assembly/abi_codes.ts (what the kernels
// use) and on the TypeScript side (REDUCTION_* in src/backend.ts, SIMD_BUILD_*, LONG_ROW_BLOCK and
// LINEAR_* in src/wasm/abi.ts): the two must agree name for name and value for value, and each module must
// report the build code its file name says.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as backend from '../src/backend.js';
import * as abi from '../src/wasm/abi.js';
import { MAX_CHUNKS } from '../src/wasm/partition.js';
import { LAYOUT } from '../src/wasm/worker.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** NAME → value of every `export const NAME: i32 = value;` in assembly/abi_codes.ts. */
function assemblyCodes(): Map<string, number> {
  const src = readFileSync(root('assembly/abi_codes.ts'), 'utf8');
  const out = new Map<string, number>();
  for (const m of src.matchAll(/^@inline export const (\w+): i32 = (-?\d+);/gm)) out.set(m[1], Number(m[2]));
  return out;
}

/** The same names on the TypeScript side: numbers exported under an upper-case name by either module. */
function typescriptCodes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const mod of [backend, abi] as Array<Record<string, unknown>>) {
    for (const [k, v] of Object.entries(mod)) if (/^(REDUCTION_|SIMD_BUILD_|LONG_ROW_|LINEAR_)[A-Z_]+$/.test(k) && typeof v === 'number') out.set(k, v);
  }
  return out;
}

describe('ABI codes', () => {
  it('assembly/abi_codes.ts and the TypeScript side declare the same codes with the same values', () => {
    const as = assemblyCodes();
    expect([...as.keys()].sort()).toEqual(['LINEAR_BLOCK_ROWS', 'LINEAR_MAX_CHUNKS', 'LINEAR_SMALL_C', 'LONG_ROW_BLOCK', 'REDUCTION_MEAN', 'REDUCTION_NONE', 'REDUCTION_SUM', 'SIMD_BUILD_BASELINE', 'SIMD_BUILD_RELAXED']);
    expect(Object.fromEntries(typescriptCodes())).toEqual(Object.fromEntries(as));
  });

  it('every code in a group is distinct', () => {
    const as = assemblyCodes();
    for (const group of ['REDUCTION', 'SIMD_BUILD']) {
      const values = [...as].filter(([k]) => k.startsWith(`${group}_`)).map(([, v]) => v);
      expect(new Set(values).size, group).toBe(values.length);
    }
  });

  it('simd_build() of each shipped module returns the code of its build', async () => {
    const { instance } = await WebAssembly.instantiate(readFileSync(root('build/softmax.wasm')), {});
    expect((instance.exports as { simd_build(): number }).simd_build()).toBe(abi.SIMD_BUILD_BASELINE);
    // the relaxed module needs relaxed SIMD to compile (Node 20: a flag); its export section says the rest
    const relaxed = readFileSync(root('build/softmax.relaxed.wasm'));
    if (WebAssembly.validate(relaxed)) {
      const r = await WebAssembly.instantiate(relaxed, {});
      expect((r.instance.exports as { simd_build(): number }).simd_build()).toBe(abi.SIMD_BUILD_RELAXED);
    }
  });
});

// The sizes the TypeScript side needs of the kernels' blocking are read from the module itself
// (expsum_block_bytes(), rest_group_bytes(): src/wasm/threaded.ts sizes the long-row lane-sum slots
// with them); MAX_CHUNKS has one source, the pool's control block.
describe('kernel constants read from the module', () => {
  /** NAME → value of `@inline export const NAME: usize = value;` in assembly/row.ts. */
  function rowConstants(): Map<string, number> {
    const src = readFileSync(root('assembly/row.ts'), 'utf8');
    const out = new Map<string, number>();
    for (const m of src.matchAll(/^@inline export const (\w+): usize = (\d+);/gm)) out.set(m[1], Number(m[2]));
    return out;
  }

  it.each(['build/softmax.wasm', 'build/softmax.relaxed.wasm'])('%s: expsum_block_bytes() and rest_group_bytes() are row.ts\'s EXPSUM_BLOCK and REST_GROUP', async (file) => {
    const bytes = readFileSync(root(file));
    if (!WebAssembly.validate(bytes)) return; // the relaxed build on an engine without relaxed SIMD
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const ex = instance.exports as unknown as abi.SoftmaxWasmExports;
    const row = rowConstants();
    expect(ex.expsum_block_bytes()).toBe(row.get('EXPSUM_BLOCK'));
    expect(ex.rest_group_bytes()).toBe(row.get('REST_GROUP'));
    // the long-row block is a whole number of both, in both float types (assembly/long_row.ts relies on it)
    for (const size of [4, 8]) {
      expect((abi.LONG_ROW_BLOCK * size) % ex.expsum_block_bytes()).toBe(0);
      expect((abi.LONG_ROW_BLOCK * size) % ex.rest_group_bytes()).toBe(0);
    }
  });

  it('MAX_CHUNKS: the planner\'s is the control block\'s, which has a state for each and a 16-bit claim index', () => {
    expect(MAX_CHUNKS).toBe(LAYOUT.MAX_CHUNKS);
    expect(LAYOUT.MAX_CHUNKS).toBeLessThanOrEqual(0xffff);
    expect(LAYOUT.BYTES).toBeGreaterThanOrEqual((LAYOUT.STATE + LAYOUT.MAX_CHUNKS) * 4);
  });
});
