// The decoding sampler's processors and warpers (history, penalties, logit bias, allowed mask,
// typical-p, top-nσ), n draws per row, top-N log-probs, filter() and generationConfig():
// - NumPy float64 fixtures (scripts/numerics/make-sampler-fixtures.py) written from the anchors' definitions;
// - random rows per option combination: WASM equals the reference (kept set, draws, log-probs);
// - filter() is what sample() draws from; n draws equal n separate calls with the same uniforms;
// - chi-square over 10⁶ draws for each new option (fixed seeds);
// - seeded runs bit-identical across builds, instances and thread counts;
// - validation messages; generationConfig's mapping and refusals.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng, generationConfig, matrix, reference, type FilterOptions, type SampleOptions } from '../src/index.js';
import { keptRow, processRow } from '../src/reference/sampler.js';
import { chiSquareP } from './support/index.js';
import { runCombos } from './support/sampler_combos.js';
import { engineRows, expectClose, expectInputError, useWasm } from './support/vitest.js';

const wasm = useWasm();

// ---- NumPy fixtures ----
interface Fixture {
  name: string; logits: Array<number | string>; processed: Array<number | string>; filtered: Array<number | string>;
  kept: number[]; probs: Array<number | string>;
  options: Record<string, unknown> & { logitBias?: Array<[number, number | string]>; history?: number[]; allowed?: number[] };
}
const num = (v: number | string) => (typeof v === 'number' ? v : Number(v));
const FIX = (JSON.parse(readFileSync(new URL('./fixtures/sampler.json', import.meta.url), 'utf8')) as { cases: Fixture[] }).cases;

function fixtureOptions(f: Fixture): FilterOptions {
  const o = { ...f.options } as FilterOptions & Record<string, unknown>;
  if (f.options.logitBias) o.logitBias = new Map(f.options.logitBias.map(([t, b]) => [t, num(b)]));
  if (f.options.history) o.history = Int32Array.from(f.options.history);
  if (f.options.allowed) o.allowed = Uint32Array.from(f.options.allowed);
  return o;
}
const PROCESSOR_KEYS = ['history', 'penaltyWindow', 'repetitionPenalty', 'presencePenalty', 'frequencyPenalty', 'logitBias', 'allowed'];

describe.each(engineRows(wasm))('%s: NumPy fixtures', (_name, k) => {
  it.each(FIX.map((f) => [f.name, f] as const))('%s', (_n, f) => {
    const x = matrix(Float64Array.from(f.logits, num), 1, f.logits.length);
    const o = fixtureOptions(f);
    // the processors alone (T = 1, no warper): the processed logits
    const po = Object.fromEntries(Object.entries(o).filter(([key]) => PROCESSOR_KEYS.includes(key))) as FilterOptions;
    expectClose(k().filter(x, po).data, f.processed.map(num), 1e-12, 'processed');
    // every step: the kept set exactly, the values x'/T, softmax of them
    const got = k().filter(x, o).data;
    expect(Array.from(got.keys()).filter((j) => got[j] !== -Infinity)).toEqual(f.kept);
    expectClose(got, f.filtered.map(num), 1e-12, 'filtered');
    expectClose(reference.softmax(matrix(Float64Array.from(got), 1, got.length)).data, f.probs.map(num), 1e-12, 'probs');
    // f32 rows: the same kept set
    const g32 = k().filter(matrix(Float32Array.from(f.logits, num), 1, f.logits.length), o).data;
    expect(Array.from(g32.keys()).filter((j) => g32[j] !== -Infinity)).toEqual(f.kept);
  });
});

// ---- random rows per combination ----
it('random rows: WASM equals the reference per option combination (kept set, n draws, log-probs, top-N)', () => {
  const results = runCombos(wasm(), reference, 300, 20261207);
  for (const r of results) console.log(`sampler combos ${r.dtype} ${r.combo}: ${r.rows} rows, kept mismatches ${r.keptMismatches}, draw mismatches ${r.drawMismatches}${r.first ? ` (${r.first})` : ''}`);
  expect(results.every((r) => r.rows >= 300)).toBe(true);
  expect(results.filter((r) => r.keptMismatches + r.drawMismatches > 0)).toEqual([]);
});

// ---- filter() is what sample() draws from; n draws = n calls ----
describe.each(engineRows(wasm))('%s: filter, n, topLogProbs', (_name, k) => {
  const opts: FilterOptions[] = [
    { temperature: 0.8, topP: 0.9, repetitionPenalty: 1.2, presencePenalty: 0.4, frequencyPenalty: 0.2 },
    { temperature: 1.3, topK: 30, typicalP: 0.7, logitBias: new Map([[1, 3], [5, -Infinity]]) },
    { temperature: 0.6, topNSigma: 1.2, minP: 0.02 },
    { temperature: 1, typicalP: 0.95, topNSigma: 2 },
    { temperature: 0, repetitionPenalty: 1.5 },
  ];
  it.each(opts.map((o, i) => [i, o] as const))('options #%i: sample draws the index where the cumulative softmax(filter) crosses u', (_i, o) => {
    const r = new Rng(42);
    const rows = 64, cols = 300;
    const x = matrix(new Float64Array(rows * cols).map(() => r.gauss() * 2), rows, cols);
    const history = Array.from({ length: rows }, () => Int32Array.from({ length: 40 }, () => r.int(cols)));
    const full: FilterOptions = { ...o, history };
    const u = new Float64Array(rows).map(() => r.next());
    const s = k().sample(x, { ...full, uniforms: u, logProbs: true });
    const { ...fo } = full;
    const f = k().filter(x, fo);
    const p = reference.softmax(f).data;
    for (let i = 0; i < rows; i++) {
      let cum = 0, pick = -1;
      for (let j = 0; j < cols; j++) {
        const pj = p[i * cols + j];
        if (pj === 0) continue;
        pick = j; cum += pj;
        if (cum > u[i]) break;
      }
      expect(s.indices[i]).toBe(pick);
      // filteredLogProbs is log softmax(filter) at the token
      expect(Math.abs(s.filteredLogProbs![i] - Math.log(p[i * cols + pick]))).toBeLessThan(1e-9);
    }
  });

  it('n draws equal n separate calls with the same uniforms (indices and log-probs, bit for bit)', () => {
    const r = new Rng(7);
    for (const dt of ['f32', 'f64'] as const) {
      const rows = 5, cols = 2000, n = 8;
      const F = dt === 'f32' ? Float32Array : Float64Array;
      const x = matrix(new F(rows * cols).map(() => r.gauss() * 3), rows, cols);
      const o: FilterOptions = { temperature: 0.9, topP: 0.95, repetitionPenalty: 1.1, history: Int32Array.from([3, 3, 9, 100]), typicalP: 0.9 };
      const u = new Float64Array(rows * n).map(() => r.next());
      const all = k().sample(x, { ...o, n, uniforms: u, logProbs: true });
      expect(all.indices.length).toBe(rows * n);
      for (let d = 0; d < n; d++) {
        const ud = Float64Array.from({ length: rows }, (_, i) => u[i * n + d]);
        const one = k().sample(x, { ...o, uniforms: ud, logProbs: true });
        for (let i = 0; i < rows; i++) {
          expect(all.indices[i * n + d]).toBe(one.indices[i]);
          expect(Object.is(all.logProbs![i * n + d], one.logProbs![i])).toBe(true);
          expect(Object.is(all.filteredLogProbs![i * n + d], one.filteredLogProbs![i])).toBe(true);
        }
      }
      // a seed draws rows·n uniforms row by row, n per row
      const seeded = k().sample(x, { ...o, n, seed: 5 });
      const rng = new Rng(5);
      expect(Array.from(seeded.indices)).toEqual(Array.from(k().sample(x, { ...o, n, uniforms: new Float64Array(rows * n).map(() => rng.next()) }).indices));
    }
  });

  it('topLogProbs: the N largest processed logits, log-probs under softmax(processed / T)', () => {
    const r = new Rng(11);
    const rows = 3, cols = 5000, T = 0.7;
    const x = matrix(new Float32Array(rows * cols).map(() => r.gauss() * 2), rows, cols);
    const o: FilterOptions = { temperature: T, topK: 40, history: Int32Array.from([1, 2, 3]), repetitionPenalty: 1.3, logitBias: new Map([[17, 5]]) };
    const s = k().sample(x, { ...o, topLogProbs: 20, seed: 1 });
    expect(s.topIndices!.rows).toBe(rows);
    expect(s.topIndices!.cols).toBe(20);
    const processed = k().filter(x, { history: o.history, repetitionPenalty: 1.3, logitBias: o.logitBias });
    const top = reference.topK(processed, 20);
    expect(Array.from(s.topIndices!.data)).toEqual(Array.from(top.indices.data));
    const lsm = reference.logSoftmax(processed, undefined, { temperature: T });
    expectClose(s.topLogProbs!.data, Array.from(top.indices.data, (j, t) => lsm.data[Math.floor(t / 20) * cols + j]), 2e-5, 'topLogProbs');
    // the sampled token's logProb is under the same distribution
    const one = k().sample(x, { ...o, logProbs: true, seed: 2 });
    for (let i = 0; i < rows; i++) expect(Math.abs(one.logProbs![i] - lsm.data[i * cols + one.indices[i]])).toBeLessThan(2e-5);
  });

  it('filter in place, out, empty rows, fully disallowed rows, greedy', () => {
    const x = matrix(Float64Array.from([0, 2, 1, -1, 3, 0.5]), 2, 3);
    const o: FilterOptions = { topK: 2, temperature: 0.5 };
    const want = [-Infinity, 4, 2, -Infinity, 6, 1];
    expect(Array.from(k().filter(x, o).data)).toEqual(want);
    expect(Array.from(x.data)).toEqual([0, 2, 1, -1, 3, 0.5]); // not modified
    const out = matrix(new Float64Array(6), 2, 3);
    expect(k().filter(x, o, out)).toBe(out);
    expect(Array.from(out.data)).toEqual(want);
    const same = matrix(Float64Array.from(x.data), 2, 3);
    expect(k().filter(same, o, same).data).toBe(same.data);
    expect(Array.from(same.data)).toEqual(want);
    // nothing allowed in row 1: −1, and filter gives all −∞
    const allowed = Uint32Array.from([0b101, 0]);
    expect(Array.from(k().sample(x, { allowed, seed: 1, n: 2 }).indices.subarray(2))).toEqual([-1, -1]);
    expect(Array.from(k().filter(x, { allowed }).data)).toEqual([0, -Infinity, 1, -Infinity, -Infinity, -Infinity]);
    // T = 0: the argmax of the processed row, its processed logit
    expect(Array.from(k().filter(x, { temperature: 0, logitBias: new Map([[0, 5]]) }).data)).toEqual([5, -Infinity, -Infinity, 4, -Infinity, -Infinity]);
    expect(Array.from(k().sample(x, { temperature: 0, logitBias: new Map([[0, 3]]) }).indices)).toEqual([0, 1]); // 3 vs 2 and 2 vs 3
    // one mask for every row
    expect(Array.from(k().filter(x, { allowed: Uint32Array.from([0b110]) }).data)).toEqual([-Infinity, 2, 1, -Infinity, 3, 0.5]);
    expect(k().filter(matrix(new Float32Array(0), 0, 7), o).data.length).toBe(0);
  });

  it('validates the new options', () => {
    const x = matrix(new Float32Array(6), 2, 3);
    expectInputError(() => k().sample(x, { repetitionPenalty: 0 }), 'options.repetitionPenalty', '> 0');
    expectInputError(() => k().sample(x, { presencePenalty: NaN }), 'options.presencePenalty');
    expectInputError(() => k().sample(x, { history: Int32Array.from([3]) }), 'options.history[0]', '[0, 3)');
    expectInputError(() => k().sample(x, { history: [Int32Array.from([1])] }), 'options.history', 'one Int32Array per row (2)');
    expectInputError(() => k().sample(x, { history: [1, 2] as unknown as Int32Array }), 'options.history');
    expectInputError(() => k().sample(x, { penaltyWindow: -1 }), 'options.penaltyWindow');
    expectInputError(() => k().sample(x, { logitBias: new Map([[5, 1]]) }), 'options.logitBias', '[0, 3)');
    expectInputError(() => k().sample(x, { logitBias: new Map([[1, Infinity]]) }), 'options.logitBias');
    expectInputError(() => k().sample(x, { logitBias: { indices: Int32Array.from([1, 1]), values: new Float32Array(2) } }), 'appears twice');
    expectInputError(() => k().sample(x, { logitBias: { indices: Int32Array.from([1]), values: new Float32Array(2) } }), 'options.logitBias.values', 'length 1');
    expectInputError(() => k().sample(x, { allowed: new Uint32Array(3) }), 'options.allowed', '2·1 = 2');
    expectInputError(() => k().sample(x, { allowed: new Int32Array(2) as unknown as Uint32Array }), 'options.allowed', 'Uint32Array');
    expectInputError(() => k().sample(x, { typicalP: 0 }), 'options.typicalP');
    expectInputError(() => k().sample(x, { topNSigma: -1 }), 'options.topNSigma');
    expectInputError(() => k().sample(x, { topLogProbs: 4 }), 'options.topLogProbs', '[1, 3]');
    expectInputError(() => k().sample(x, { n: 0 }), 'options.n');
    expectInputError(() => k().sample(x, { n: 2, uniforms: new Float64Array(2) }), 'options.uniforms', 'length 4');
    expectInputError(() => k().filter(x, { n: 2 } as FilterOptions), 'options.n', 'not a known option');
    expectInputError(() => k().filter(x, {}, matrix(new Float64Array(6), 2, 3) as never), 'out');
  });
});

it('repeated calls with every option do not grow WASM memory', () => {
  const r = new Rng(3);
  const rows = 4, cols = 20000;
  const x = matrix(new Float32Array(rows * cols).map(() => r.gauss()), rows, cols);
  const o: FilterOptions = { history: Int32Array.from({ length: 500 }, () => r.int(cols)), repetitionPenalty: 1.2, presencePenalty: 0.3,
    logitBias: new Map([[5, 2]]), allowed: new Uint32Array(rows * Math.ceil(cols / 32)).fill(0xFFFF00FF), typicalP: 0.9, topNSigma: 2 };
  const call = () => { wasm().sample(x, { ...o, n: 3, topLogProbs: 5, seed: 1, logProbs: true }); wasm().filter(x, o); };
  call();
  const bytes = wasm().memoryBytes();
  for (let i = 0; i < 20; i++) call();
  expect(wasm().memoryBytes()).toBe(bytes);
});

// ---- result types narrow from the options (a compile-time check: tsc -p . covers tests/) ----
it('result types narrow: logProbs with logProbs: true, topIndices / topLogProbs with topLogProbs', () => {
  const x = matrix(Float64Array.from([0, 2, 1, 3]), 1, 4);
  const r = reference.sample(x, { logProbs: true, topLogProbs: 2, seed: 1 });
  const lp: Float64Array = r.logProbs; // no `!`: present in the type
  const flp: Float64Array = r.filteredLogProbs;
  const ti: Int32Array = r.topIndices.data;
  const tl: Float64Array = r.topLogProbs.data;
  expect([lp.length, flp.length, ti.length, tl.length]).toEqual([1, 1, 2, 2]);
  expect(Array.from(ti)).toEqual([3, 1]);
  const plain = reference.sample(x, { seed: 1 });
  // @ts-expect-error without logProbs the field may be absent
  const no: Float64Array = plain.logProbs;
  expect(no).toBeUndefined();
});

// ---- the exact distribution: chi-square over 10⁶ draws per new option ----
const ROW = [2.1, 0.3, 1.7, 1.7, -0.4, 3.0, 0.9, 1.7, -2.2, 2.6, 0.0, -Infinity];
const HIST = Int32Array.from([5, 5, 9, 0, 5, 2]);
const CHI: Array<{ name: string; o: FilterOptions }> = [
  { name: 'repetition 1.3', o: { history: HIST, repetitionPenalty: 1.3 } },
  { name: 'presence 0.5 + frequency 0.3, window 4', o: { history: HIST, penaltyWindow: 4, presencePenalty: 0.5, frequencyPenalty: 0.3 } },
  { name: 'logit bias', o: { logitBias: new Map([[8, 4], [5, -1.5], [1, -Infinity]]) } },
  { name: 'allowed mask', o: { allowed: Uint32Array.from([0b101110101101]) } },
  { name: 'typical-p 0.6, T 0.9', o: { typicalP: 0.6, temperature: 0.9 } },
  { name: 'top-nσ 1.0, T 1.4', o: { topNSigma: 1.0, temperature: 1.4 } },
  { name: 'everything', o: { history: HIST, repetitionPenalty: 1.1, presencePenalty: 0.2, frequencyPenalty: 0.1, logitBias: new Map([[8, 3]]),
    allowed: Uint32Array.from([0b111111111011]), temperature: 1.2, topK: 9, topP: 0.97, minP: 0.01, typicalP: 0.95, topNSigma: 2 } },
];
function expectedProbs(o: FilterOptions): number[] {
  const z = processRow(ROW, false, {
    history: o.history as Int32Array | undefined, biasIndices: o.logitBias ? Int32Array.from((o.logitBias as Map<number, number>).keys()) : null,
    biasValues: o.logitBias ? Array.from((o.logitBias as Map<number, number>).values()) : null, allowed: o.allowed ?? null,
    repetitionPenalty: o.repetitionPenalty, presencePenalty: o.presencePenalty, frequencyPenalty: o.frequencyPenalty,
  });
  const hist = o.history as Int32Array | undefined;
  if (hist && o.penaltyWindow !== undefined) {
    return expectedProbs({ ...o, history: hist.subarray(Math.max(0, hist.length - o.penaltyWindow)), penaltyWindow: undefined });
  }
  const r = keptRow(z, { temperature: o.temperature ?? 1, topK: o.topK ?? 0, topP: o.topP ?? 1, logMinP: o.minP ? Math.log(o.minP) : -Infinity,
    topNSigma: o.topNSigma ?? 0, typicalP: o.typicalP ?? 1 })!;
  const p = ROW.map(() => 0);
  let s = 0;
  for (const j of r.kept) { p[j] = r.e[j]; s += r.e[j]; }
  return p.map((v) => v / s);
}
describe.each(['f32', 'f64'] as const)('%s: chi-square over 10⁶ draws (n = 100 per row)', (dt) => {
  it.each(CHI.map((c, i) => [c.name, c.o, i] as const))('%s', (name, o, i) => {
    const rows = 10_000, n = 100;
    const F = dt === 'f32' ? Float32Array : Float64Array;
    const x = new F(rows * ROW.length);
    for (let i = 0; i < rows; i++) x.set(ROW, i * ROW.length);
    const counts = ROW.map(() => 0);
    for (const j of wasm().sample(matrix(x, rows, ROW.length), { ...o, n, seed: (dt === 'f32' ? 2026 : 1207) + 31 * i }).indices) counts[j]++;
    const probs = expectedProbs(o);
    const { chi2, df, p } = chiSquareP(counts, probs);
    console.log(`chi-square ${dt} ${name}: χ² = ${chi2.toFixed(2)}, df = ${df}, p = ${p.toFixed(4)}`);
    expect(counts.every((c, j) => probs[j] > 0 || c === 0)).toBe(true);
    expect(p).toBeGreaterThan(1e-4);
  });
});

// ---- bit-identical across builds, instances and thread counts ----
it('seeded extended sampling is bit-identical on the baseline and relaxed builds, 1–3 threads, two instances', () => {
  const script = fileURLToPath(new URL('./fixtures/sampler_builds.ts', import.meta.url));
  const res = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(res.status, res.stderr).toBe(0);
  const out = JSON.parse(res.stdout) as { runs: Array<{ label: string; digest: string }> };
  expect(out.runs.length).toBeGreaterThanOrEqual(5);
  expect(out.runs.some((r) => r.label.includes('relaxed'))).toBe(true);
  for (const r of out.runs) expect(r.digest, r.label).toBe(out.runs[0].digest);
});

// ---- generationConfig ----
describe('generationConfig', () => {
  it('maps Qwen2.5-Instruct\'s generation_config.json', () => {
    const qwen = { bos_token_id: 151643, pad_token_id: 151643, do_sample: true, eos_token_id: [151645, 151643],
      repetition_penalty: 1.05, temperature: 0.7, top_p: 0.8, top_k: 20, transformers_version: '4.37.0' };
    expect(generationConfig(qwen)).toEqual({ temperature: 0.7, topK: 20, topP: 0.8, repetitionPenalty: 1.05 });
  });
  it('follows transformers\' defaults: greedy without do_sample, top_k 50 when absent', () => {
    expect(generationConfig({ temperature: 0.7, top_p: 0.9 })).toEqual({ temperature: 0 });
    expect(generationConfig({ do_sample: true })).toEqual({ topK: 50 });
    expect(generationConfig({ do_sample: true, top_k: 0, min_p: 0.05, typical_p: 0.9 })).toEqual({ minP: 0.05, typicalP: 0.9 });
    expect(generationConfig({ do_sample: true, top_k: 0, num_beams: 1, no_repeat_ngram_size: 0, epsilon_cutoff: 0 })).toEqual({});
  });
  it('one-token sequence_bias, bad_words_ids and suppress_tokens become logitBias', () => {
    const o = generationConfig({ do_sample: true, top_k: 0, sequence_bias: [[[7], 2.5], [[3], -1]], bad_words_ids: [[11]], suppress_tokens: [4] });
    expect(o.logitBias).toEqual(new Map([[7, 2.5], [3, -1], [11, -Infinity], [4, -Infinity]]));
    // and filter / sample take it: bias 2.5 on 7, −1 on 3, −∞ on 11 and 4
    const x = matrix(new Float64Array(12), 1, 12);
    expect(Array.from(reference.filter(x, o).data)).toEqual([0, 0, 0, -1, -Infinity, 0, 0, 2.5, 0, 0, 0, -Infinity]);
    expect(wasm().sample(x, { ...o, seed: 3, n: 50 }).indices.every((j) => j !== 4 && j !== 11)).toBe(true);
  });
  it('refuses every unimplemented field, naming each', () => {
    const e = expectInputError(() => generationConfig({ do_sample: true, no_repeat_ngram_size: 3, epsilon_cutoff: 3e-4, num_beams: 4,
      sequence_bias: [[[1, 2], 1.0]], frobnicate: 1 }), 'no_repeat_ngram_size', 'epsilon_cutoff', 'num_beams', 'sequence_bias', 'frobnicate', '5 fields');
    expect(e.argument).toContain('no_repeat_ngram_size');
    expectInputError(() => generationConfig({ do_sample: true, temperature: 0 }), 'temperature');
    expectInputError(() => generationConfig(null as unknown as object), 'json');
  });
});
