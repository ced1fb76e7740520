// Bit-identity check for refactors: runs every public op's digest cases (declared by its registry
// entry, src/ops/) on fixed seeded inputs (odd shapes, both float types, every cross-entropy and
// linear-classifier option, the logits toolkit) on each shipped build and thread count, and prints
// one sha256 per (build, threads, dtype, case), in registry order. Two checkouts that print the
// same lines compute the same bits (compare sorted: `diff <(sort a) <(sort b)`).
// Usage: node --experimental-wasm-relaxed-simd --import tsx scripts/numerics/digest.ts [--threads 1,2,3] (Node 20; Node ≥ 22 needs no flag)
import { createHash } from 'node:crypto';
import { loadWasm, Rng } from '../../src/index.js';
import { ENTRIES } from '../../src/ops/index.js';
import type { DigestCase, DigestLinear, DigestRows } from '../../src/ops/op.js';
import type { WasmKernels } from '../../src/types.js';

type DT = 'f32' | 'f64';
const arg = process.argv.indexOf('--threads');
const threadCounts = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [1, 2];

function data(dt: DT, n: number, seed: number, scale = 3): Float32Array | Float64Array {
  const r = new Rng(seed);
  const a = dt === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (r.next() * 2 - 1) * scale;
  return a;
}
const m = <A>(data: A, rows: number, cols: number) => ({ data, rows, cols });

function bytesOf(x: unknown, h: ReturnType<typeof createHash>): void {
  if (x == null) { h.update('null'); return; }
  if (typeof x === 'number') { const b = new Float64Array([x]); h.update(new Uint8Array(b.buffer)); return; }
  if (ArrayBuffer.isView(x)) { h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)); return; }
  if (typeof x === 'object') { for (const k of Object.keys(x as object).sort()) { h.update(k); bytesOf((x as Record<string, unknown>)[k], h); } return; }
  h.update(String(x));
}

/** Every registry entry's digest cases (src/ops/: `digest`) on the fixed seeded inputs of each shape. */
function cases(k: WasmKernels, dt: DT): DigestCase[] {
  const out: DigestCase[] = [];
  const shapes: Array<[number, number]> = [[1, 1], [3, 7], [5, 33], [17, 130], [64, 1000], [300, 10], [2, 9000], [1, 131072], [700, 257]];
  for (const [r, c] of shapes) {
    const x = m(data(dt, r * c, r * 31 + c, 20), r, c);
    const dy = m(data(dt, r * c, r * 7 + c + 1), r, c);
    const lr = new Rng(r + c);
    const labels = new Int32Array(r).map(() => Math.floor(lr.next() * c));
    const probs = k.softmax(m(data(dt, r * c, c), r, c));
    const w = data(dt, c, 5).map((v) => Math.abs(v) + 0.1) as Float32Array | Float64Array;
    const s: DigestRows = { r, c, x, dy, labels, probs, w };
    for (const op of ENTRIES) out.push(...(op.digest.rows?.(k, s) ?? []));
  }
  const lin: Array<[number, number, number]> = [[1, 1, 2], [5, 3, 2], [33, 17, 7], [100, 129, 10], [64, 512, 300], [500, 3073, 10], [40, 100, 2000]];
  for (const [n, d, c] of lin) {
    const X = m(data(dt, n * d, n + d, 1), n, d);
    const W = m(data(dt, d * c, d + c, 0.01), d, c);
    const b = data(dt, c, c + 3, 0.1);
    const lr = new Rng(n);
    const y = new Int32Array(n).map(() => Math.floor(lr.next() * c));
    const s: DigestLinear = { n, d, c, X, W, b, y };
    for (const op of ENTRIES) out.push(...(op.digest.linear?.(k, s) ?? []));
  }
  return out;
}

for (const simd of ['baseline', 'relaxed'] as const) {
  for (const threads of threadCounts) {
    const k = await loadWasm({ simd, threads });
    for (const dt of ['f32', 'f64'] as const) {
      for (const [name, f] of cases(k, dt)) {
        const h = createHash('sha256');
        bytesOf(f(), h);
        console.log(`${simd} t${threads} ${dt} ${name}: ${h.digest('hex').slice(0, 16)}`);
      }
    }
    k.dispose();
  }
}
