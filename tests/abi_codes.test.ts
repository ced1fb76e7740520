// The integer codes of the raw ABI are written twice, in assembly/abi_codes.ts (what the kernels
// use) and on the TypeScript side (REDUCTION_* in src/backend.ts, SIMD_BUILD_*, LONG_ROW_BLOCK and
// LINEAR_* in src/wasm/abi.ts): the two must agree name for name and value for value, and each module must
// report the build code its file name says.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as backend from '../src/backend.js';
import * as abi from '../src/wasm/abi.js';

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
