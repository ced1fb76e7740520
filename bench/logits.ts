/**
 * `npm run bench:logits` — the logits toolkit's bench rows (issue 14), f32, one thread, ratios from
 * ONE run (every case is timed round-robin and reported by its best round, so the shared machine's
 * load moves all rows alike):
 *
 *   1×128256 and 1×32000: sample (T 0.8, top-p 0.9) against the careful plain-JS sampler (softmax,
 *   sort of (prob, index) pairs, cumsum) and against our own softmax of the same row; topK k = 50
 *   against a sort-based plain-JS top-k; argmax against a copy of the row inside WASM memory
 *   (TypedArray.set within one buffer = memmove, what memory.copy does);
 *   64×32000: sample with top-k 40 in one call, and topK k = 40 in one call, against plain JS.
 *
 *   npm run bench:logits                 full run
 *   npm run bench:logits -- --quick      fewer, shorter rounds
 *   npm run bench:logits -- --relaxed    the relaxed-SIMD build (Node 20 re-runs itself with the flag)
 */
import { spawnSync } from 'node:child_process';
import { Rng, loadWasm } from '../src/index.js';
import {
  consume, formatTimings, llmLogits, plainJsSample, plainJsSoftmax, plainJsTopK, sinkValue, timeCases, type TimedCase, type Timing,
} from '../apps/shared/sample_timing.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const relaxed = argv.includes('--relaxed');
if (relaxed && !process.execArgv.includes('--experimental-wasm-relaxed-simd') && process.versions.node.startsWith('20.')) {
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', ...process.execArgv, process.argv[1], ...argv], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const rounds = quick ? 3 : 7;
const slice = quick ? 40 : 80;

const k = await loadWasm({ simd: relaxed ? 'relaxed' : 'baseline' });
const rng = new Rng(2026);
const summary: string[] = [];
const get = (t: Timing[], name: string): number => t.find((r) => r.name === name)!.ms;

for (const C of [128256, 32000]) {
  const x = k.alloc('f32', 1, C);
  x.data.set(llmLogits(1, C, C));
  const out = k.alloc('f32', 1, C);
  const copyDst = k.alloc('f32', 1, C);
  const js = Float32Array.from(x.data);
  const jsOut = new Float32Array(C);
  const idx = new Int32Array(1);
  const cases: TimedCase[] = [
    { name: 'sample T0.8 top-p 0.9 (wasm)', run: () => k.sample(x, { temperature: 0.8, topP: 0.9, rng }).indices },
    { name: 'sample T0.8 top-p 0.9 (plain JS sort)', run: () => plainJsSample(js, 0.8, 0.9, 0, rng.next()) },
    { name: 'softmax (wasm)', run: () => k.softmax(x, out) },
    { name: 'softmax (plain JS)', run: () => plainJsSoftmax(js, jsOut) },
    { name: 'topK 50 (wasm)', run: () => k.topK(x, 50).indices.data },
    { name: 'topK 50 (plain JS sort)', run: () => plainJsTopK(js, 50) },
    { name: 'argmax (wasm)', run: () => k.argmax(x, idx) },
    { name: 'copy of the row in WASM memory', run: () => { copyDst.data.set(x.data); return copyDst.data[C - 1]; } },
    { name: 'sample T0.8 top-k 40 (wasm)', run: () => k.sample(x, { temperature: 0.8, topK: 40, rng }).indices },
    { name: 'sample T0 = argmax (wasm)', run: () => k.sample(x, { temperature: 0 }).indices },
  ];
  const t = timeCases(cases, rounds, slice);
  console.log(`\n### 1×${C} f32 (${k.build} build)\n`);
  console.log(formatTimings(t, 'sample T0.8 top-p 0.9 (plain JS sort)'));
  const s = get(t, 'sample T0.8 top-p 0.9 (wasm)');
  summary.push(`1×${C}: sample T0.8+top-p 0.9 = ${(get(t, 'sample T0.8 top-p 0.9 (plain JS sort)') / s).toFixed(1)}× plain JS (target ≥ 20×), ` +
    `${(s / get(t, 'softmax (wasm)')).toFixed(2)}× our softmax (target ≤ 2×); topK 50 = ${(get(t, 'topK 50 (plain JS sort)') / get(t, 'topK 50 (wasm)')).toFixed(1)}× plain JS (target ≥ 20×); ` +
    `argmax at ${(100 * get(t, 'copy of the row in WASM memory') / get(t, 'argmax (wasm)')).toFixed(0)}% of the copy's speed (target ≥ 50%)`);
  x.free(); out.free(); copyDst.free();
}

{
  const rows = 64, C = 32000;
  const x = k.alloc('f32', rows, C);
  x.data.set(llmLogits(rows, C, 64));
  const js = Float32Array.from(x.data);
  const cases: TimedCase[] = [
    { name: 'sample T0.8 top-k 40, 64 rows in one call (wasm)', run: () => k.sample(x, { temperature: 0.8, topK: 40, rng }).indices },
    {
      name: 'sample T0.8 top-k 40, 64 rows (plain JS sort)', run: () => {
        let a = 0;
        for (let i = 0; i < rows; i++) a += plainJsSample(js.subarray(i * C, (i + 1) * C), 0.8, 1, 40, rng.next());
        return a;
      },
    },
    { name: 'topK 40, 64 rows in one call (wasm)', run: () => k.topK(x, 40).indices.data },
    {
      name: 'topK 40, 64 rows (plain JS sort)', run: () => {
        let a = 0;
        for (let i = 0; i < rows; i++) a += plainJsTopK(js.subarray(i * C, (i + 1) * C), 40)[0];
        return a;
      },
    },
  ];
  const t = timeCases(cases, rounds, slice);
  console.log(`\n### 64×32000 f32 (${k.build} build)\n`);
  console.log(formatTimings(t, 'sample T0.8 top-k 40, 64 rows (plain JS sort)'));
  summary.push(`64×32000: sample top-k 40 in one call = ${(get(t, 'sample T0.8 top-k 40, 64 rows (plain JS sort)') / get(t, 'sample T0.8 top-k 40, 64 rows in one call (wasm)')).toFixed(1)}× plain JS; ` +
    `topK 40 = ${(get(t, 'topK 40, 64 rows (plain JS sort)') / get(t, 'topK 40, 64 rows in one call (wasm)')).toFixed(1)}× plain JS`);
}

console.log('\n### Summary (ratios within this run)\n');
for (const line of summary) console.log(`- ${line}`);
consume(sinkValue());
k.dispose();
