// The op registry (src/ops/) against what is derived from it: the public methods of both engines,
// the WASM modules' exports, the bench rows, the digest cases and docs/ops.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWasm, matrix, reference } from '../src/index.js';
import { ENTRIES } from '../src/ops/index.js';
import { referenceBackend } from '../src/reference/backend.js';
import { opsDoc } from '../scripts/build/ops-doc.js';
import { declaredRows } from '../bench/ops.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const names = ENTRIES.map((op) => op.name);

describe('op registry', () => {
  it('every op is a method of reference and of the WASM kernels, and nothing else is', async () => {
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(reference).sort()).toEqual([...names].sort());
    const k = await loadWasm();
    for (const n of names) expect(typeof (k as unknown as Record<string, unknown>)[n], n).toBe('function');
    k.dispose();
    for (const n of names) expect(typeof (referenceBackend as unknown as Record<string, unknown>)[n], n).toBe('function');
  });

  it('every kernel an entry names is exported by the module in f32 and f64', async () => {
    const { instance } = await WebAssembly.instantiate(readFileSync(root('build/softmax.wasm')), {});
    for (const op of ENTRIES) {
      for (const base of Object.keys(op.kernels)) {
        for (const dt of ['f32', 'f64']) expect(typeof instance.exports[`${base}_${dt}`], `${op.name}: ${base}_${dt}`).toBe('function');
      }
    }
  });

  it('a kernel split by rows says how each of its parameters advances', () => {
    for (const op of ENTRIES) {
      for (const [base, k] of Object.entries(op.kernels)) {
        if (k.by !== 'rows') continue;
        const params = k.params.split(',').map((p) => p.trim());
        expect(k.args.length, `${op.name}: ${base}`).toBe(params.length);
        expect(params[k.args.indexOf('rows')], `${op.name}: ${base}`).toBe('rows');
        expect(params[k.args.indexOf('cols')], `${op.name}: ${base}`).toBe('cols');
      }
    }
  });

  it('every op has bench rows (standard and tiny) and digest cases', () => {
    for (const which of ['standard', 'tiny'] as const) {
      const ops = new Set(declaredRows(which).map((r) => r.op));
      for (const n of names) expect(ops.has(n), `${n} ${which}`).toBe(true);
    }
    const x = matrix(new Float64Array(12).map((_, i) => i / 7), 3, 4);
    const rows = { r: 3, c: 4, x, dy: x, labels: new Int32Array([0, 1, 3]), probs: reference.softmax(x), w: new Float64Array(4).fill(1) };
    const X = matrix(new Float64Array(6), 2, 3), W = matrix(new Float64Array(12), 3, 4);
    const lin = { n: 2, d: 3, c: 4, X, W, b: new Float64Array(4), y: new Int32Array([0, 3]) };
    for (const op of ENTRIES) {
      const cases = [...(op.digest.rows?.(reference, rows) ?? []), ...(op.digest.linear?.(reference, lin) ?? [])];
      expect(cases.length, op.name).toBeGreaterThan(0);
      for (const [label, run] of cases) {
        expect(label.split(' ')[0] === op.name || label.startsWith('CE') || label.startsWith('linear'), label).toBe(true);
        expect(run(), label).toBeDefined();
      }
    }
  });

  it('docs/ops.md is what scripts/build/ops-doc.ts prints (run `npx tsx scripts/build/ops-doc.ts` after changing an entry)', () => {
    expect(readFileSync(root('docs/ops.md'), 'utf8')).toBe(opsDoc());
  });
});
