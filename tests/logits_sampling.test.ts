// sample() is the exact distribution, its filtered support is exactly the reference's, and seeded
// runs are bit-identical across instances and both builds (baseline / relaxed SIMD):
// - chi-square goodness of fit over 10⁶ draws per filter combination on small vocabularies (fixed
//   seeds; p-values printed), against the reference's filtered distribution in float64, with a
//   check that the test rejects a sampler with an off-by-one in its cumulative search or its top-p cut;
// - the kept set (raw export's support mask) equals the reference's on 10⁴ random rows;
// - the raw kernels of both builds (a child process with --experimental-wasm-relaxed-simd) give the
//   same indices and log-probs bit for bit, equal to a loadWasm() instance.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, loadWasm, matrix, type WasmKernels } from '../src/index.js';
import { sampleRow } from '../src/reference/logits.js';
import { chiSquareP, gammaQ } from './support/index.js';
import type { SoftmaxWasmExports } from '../src/wasm/abi.js';

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });

it('the chi-square p-value is right (known quantiles)', () => {
  expect(gammaQ(0.5, 3.841458820694124 / 2)).toBeCloseTo(0.05, 8); // df 1
  expect(gammaQ(5, 18.307038053275146 / 2)).toBeCloseTo(0.05, 8); // df 10
  expect(gammaQ(5, 2.558212432 / 2)).toBeCloseTo(0.99, 6);
});

// ---- the exact distribution ----
const DRAWS = 1_000_000;
const ROW = [2.1, 0.3, 1.7, 1.7, -0.4, 3.0, 0.9, 1.7, -2.2, 2.6, 0.0, -Infinity]; // ties at 1.7, one masked
const COMBOS: Array<{ name: string; o: { temperature?: number; topK?: number; topP?: number; minP?: number } }> = [
  { name: 'no filter', o: {} },
  { name: 'T 0.7', o: { temperature: 0.7 } },
  { name: 'top-k 4 (tie at the cut)', o: { topK: 4 } },
  { name: 'top-p 0.8', o: { topP: 0.8 } },
  { name: 'min-p 0.2', o: { minP: 0.2 } },
  { name: 'T 1.5 + top-k 8 + top-p 0.9 + min-p 0.05', o: { temperature: 1.5, topK: 8, topP: 0.9, minP: 0.05 } },
  { name: 'T 0.8 + top-p 0.95', o: { temperature: 0.8, topP: 0.95 } },
];

/** Expected probabilities of the filtered distribution (reference, f64). */
function expected(o: { temperature?: number; topK?: number; topP?: number; minP?: number }): number[] {
  const T = o.temperature ?? 1;
  const r = sampleRow(ROW, T, o.topK ?? 0, o.topP ?? 1, o.minP ? Math.log(o.minP) : -Infinity, 0);
  const m = Math.max(...ROW);
  const p = ROW.map(() => 0);
  let z = 0;
  for (const j of r.kept) { p[j] = Math.exp((ROW[j] - m) / T); z += p[j]; }
  return p.map((v) => v / z);
}

describe.each(['f32', 'f64'] as const)('%s: chi-square over 10⁶ draws', (dt) => {
  it.each(COMBOS)('$name', ({ name, o }) => {
    const rows = 100_000;
    const F = dt === 'f32' ? Float32Array : Float64Array;
    const x = new F(rows * ROW.length);
    for (let i = 0; i < rows; i++) x.set(ROW, i * ROW.length);
    const m = matrix(x, rows, ROW.length);
    const counts = ROW.map(() => 0);
    const rng = new Rng(dt === 'f32' ? 20261202 : 7);
    for (let b = 0; b < DRAWS / rows; b++) {
      for (const j of wasm.sample(m, { ...o, rng }).indices) counts[j]++;
    }
    const probs = expected(o);
    const { chi2, df, p } = chiSquareP(counts, probs);
    console.log(`chi-square ${dt} ${name}: χ² = ${chi2.toFixed(2)}, df = ${df}, p = ${p.toFixed(4)}`);
    expect(counts.every((c, j) => probs[j] > 0 || c === 0)).toBe(true);
    expect(p).toBeGreaterThan(1e-4);
  });
});

describe('the chi-square test catches a biased sampler', () => {
  // The same uniforms and the reference's kept set, drawn by three JS samplers: the right one and
  // two with an off-by-one (the cumulative search starts one element late; the top-p cut is one short).
  const o = { temperature: 0.8, topP: 0.95 };
  const kept = sampleRow(ROW, 0.8, 0, 0.95, -Infinity, 0).kept;
  const probs = expected(o);
  const m = Math.max(...ROW);
  const e = ROW.map((v) => Math.exp((v - m) / 0.8));
  function draw(u: number, set: number[], skipFirst: boolean): number {
    const z = set.reduce((s, j) => s + e[j], 0);
    let cum = 0;
    for (let t = skipFirst ? 1 : 0; t < set.length; t++) { cum += e[set[t]]; if (cum > u * z) return set[t]; }
    return set[set.length - 1];
  }
  const byProb = [...kept].sort((a, b) => e[b] - e[a] || a - b);
  const short = byProb.slice(0, -1).sort((a, b) => a - b);
  const cases: Array<[string, (u: number) => number, boolean]> = [
    ['correct', (u) => draw(u, kept, false), true],
    ['cumulative search off by one', (u) => draw(u, kept, true), false],
    ['top-p cut one short', (u) => draw(u, short, false), false],
  ];
  it.each(cases)('%s', (name, f, good) => {
    const rng = new Rng(99);
    const counts = ROW.map(() => 0);
    for (let i = 0; i < DRAWS; i++) counts[f(rng.next())]++;
    const { p } = chiSquareP(counts, probs);
    console.log(`chi-square JS sampler "${name}": p = ${p.toExponential(3)}`);
    if (good) expect(p).toBeGreaterThan(1e-4);
    else expect(p).toBeLessThan(1e-9);
  });
});

// ---- the filtered support, from the raw kernel's support mask ----
describe('filtered support equals the reference on 10⁴ random rows', () => {
  const WASM = process.env.SOFTMAX_WASM ?? fileURLToPath(new URL('../build/softmax.wasm', import.meta.url));
  let ex: SoftmaxWasmExports;
  beforeAll(async () => {
    ex = (await WebAssembly.instantiate(readFileSync(WASM), {})).instance.exports as unknown as SoftmaxWasmExports;
  });
  it.each(['f32', 'f64'] as const)('%s', (dt) => {
    const r = new Rng(dt === 'f32' ? 1234 : 5678);
    const sz = dt === 'f32' ? 4 : 8;
    const F = dt === 'f32' ? Float32Array : Float64Array;
    let mismatches = 0, rowsChecked = 0;
    for (let t = 0; t < 10_000; t++) {
      const cols = 1 + r.int(r.next() < 0.9 ? 80 : 3000);
      const x = new F(cols);
      const style = r.int(4);
      for (let j = 0; j < cols; j++) {
        let v = r.gauss() * (1 + 3 * r.next());
        if (style === 1) v = Math.round(v * 2) / 2; // many ties
        if (style === 2 && r.next() < 0.3) v = -Infinity;
        x[j] = v;
      }
      const T = r.next() < 0.1 ? 1 : 0.2 + 2 * r.next();
      const topK = r.next() < 0.5 ? 1 + r.int(cols + 2) : 0;
      const topP = r.next() < 0.6 ? (r.next() < 0.05 ? 1e-12 : r.next() < 0.05 ? 1 : 0.05 + 0.95 * r.next()) : 1;
      const minP = r.next() < 0.4 ? r.next() * 0.5 : 0;
      const logMinP = minP === 0 ? -Infinity : Math.log(minP);
      const base = (ex.heap_base() + 15) & ~15;
      const px = base, pu = (px + cols * sz + 15) & ~15, po = pu + 16, ps = po + 16, pw = (ps + cols + 15) & ~15;
      const need = pw + ex[`sample_scratch_bytes_${dt}`](cols) - ex.memory.buffer.byteLength;
      if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
      new F(ex.memory.buffer, px, cols).set(x);
      const u = r.next(); // (a fixed 0.5 would land exactly on a cumulative sum in rows of symmetric ties)
      new Float64Array(ex.memory.buffer, pu, 1)[0] = u;
      ex[`sample_${dt}`](px, 1, cols, T, topK, topP, logMinP, pu, po, 0, 0, pw, ps);
      const mask = new Uint8Array(ex.memory.buffer, ps, cols);
      const got: number[] = [];
      for (let j = 0; j < cols; j++) if (mask[j]) got.push(j);
      const want = sampleRow(x, T, topK, topP, logMinP, u);
      if (want.index < 0) continue; // a fully masked row: no support
      rowsChecked++;
      if (got.join() !== want.kept.join()) {
        mismatches++;
        if (mismatches <= 3) console.log(`support mismatch ${dt}: cols ${cols} T ${T} topK ${topK} topP ${topP} minP ${minP}: got ${got.length}, want ${want.kept.length}`);
      }
      const gotIndex = new Int32Array(ex.memory.buffer, po, 1)[0];
      if (gotIndex !== want.index) console.log(`index mismatch ${dt}: cols ${cols} T ${T} topK ${topK} topP ${topP} minP ${minP} style ${style}: got ${gotIndex} want ${want.index} kept ${want.kept.length}`);
      expect(gotIndex).toBe(want.index);
    }
    console.log(`support ${dt}: ${rowsChecked} rows, ${mismatches} mismatches`);
    expect(rowsChecked).toBeGreaterThan(9000);
    expect(mismatches).toBe(0);
  });
});

// ---- both builds, bit for bit ----
describe('seeded runs are bit-identical across builds and instances', () => {
  it('baseline and relaxed raw kernels, and loadWasm()', async () => {
    const r = new Rng(77);
    const problems: unknown[] = [];
    const api: Array<{ indices: number[]; logProbs: number[] }> = [];
    for (const dt of ['f32', 'f64'] as const) {
      for (const o of [{ temperature: 0.8, topP: 0.9 }, { temperature: 1, topK: 40 }, { temperature: 1.3, topK: 50, topP: 0.95, minP: 0.05 }, { temperature: 0.5 }]) {
        const rows = 16, cols = 5000;
        const F = dt === 'f32' ? Float32Array : Float64Array;
        const x = new F(rows * cols).map(() => r.gauss() * 2.5);
        const u = new Float64Array(rows).map(() => r.next());
        problems.push({ dt, rows, cols, x: Array.from(x), u: Array.from(u), temperature: o.temperature, topK: o.topK ?? 0, topP: o.topP ?? 1,
          logMinP: o.minP ? Math.log(o.minP) : null });
        const k = wasm.sample(matrix(x, rows, cols), { ...o, uniforms: u, logProbs: true });
        api.push({ indices: Array.from(k.indices), logProbs: Array.from(k.logProbs!) });
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'logits-builds-'));
    const file = join(dir, 'problems.json');
    writeFileSync(file, JSON.stringify(problems));
    const script = fileURLToPath(new URL('./fixtures/logits_builds.mjs', import.meta.url));
    const res = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', script, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { relaxedLoaded: boolean; results: { baseline: typeof api; relaxed: typeof api | null } };
    expect(out.relaxedLoaded).toBe(true);
    const norm = (a: typeof api) => a.map((p) => ({ indices: p.indices, logProbs: p.logProbs.map((v) => (Number.isNaN(v) ? 'NaN' : v)) }));
    expect(out.results.baseline).toEqual(norm(api));
    expect(out.results.relaxed).toEqual(out.results.baseline);
  });
});
