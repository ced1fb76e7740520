/**
 * `npm run bench:threads` — scaling of loadWasm({ threads: 2 }) against one thread, measured within
 * one run with the two instances interleaved (so a busy machine slows both alike), plus pool
 * start-up and per-call dispatch cost. Median ms per call over `--rounds` rounds of ~`--ms` ms each.
 *
 *   npm run bench:threads                    all rows
 *   npm run bench:threads -- --threads 4     another thread count against 1
 *   npm run bench:threads -- --ms 300 --rounds 9
 *   npm run bench:threads -- --relaxed         the relaxed-SIMD builds
 *   npm run bench:threads -- --only 256×1000   the rows whose name contains this
 *   npm run bench:threads -- --phases          also each row's pool phases per job (µs, one extra round)
 */
import { loadWasm, matrix, type WasmKernels, type WasmMatrix } from '../src/index.js';
import { THREADS_TESTING, type PoolPhases, type PoolTesting } from '../src/wasm/pool.js';
import { Rng } from '../src/train/rng.js';
import { median, timePerCall } from './timing.mjs';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const THREADS = opt('threads', 2), MS = opt('ms', 150), ROUNDS = opt('rounds', 7);
/** --relaxed: the relaxed-SIMD builds (default: baseline). */
const SIMD = argv.includes('--relaxed') ? 'relaxed' : 'baseline';
const ONLY = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : '';
const PHASES = argv.includes('--phases');
const rng = new Rng(1);
const fill = (a: Float32Array, s = 1): Float32Array => { for (let i = 0; i < a.length; i++) a[i] = s * (2 * rng.next() - 1); return a; };
const labels = (n: number, c: number): Int32Array => Int32Array.from({ length: n }, () => Math.floor(rng.next() * c));

type Row = { name: string; make: (k: WasmKernels) => () => unknown };
const zc = (k: WasmKernels, r: number, c: number, src?: Float32Array): WasmMatrix<Float32Array> => {
  const m = k.alloc('f32', r, c); if (src) m.data.set(src); return m;
};
const rows: Row[] = [];
const s1 = (r: number, c: number, note = ''): void => {
  const x = fill(new Float32Array(r * c), 5);
  rows.push({ name: `softmax ${r}×${c} zc${note}`, make: (k) => { const a = zc(k, r, c, x), o = zc(k, r, c); return () => k.softmax(a, o); } });
};
const s2 = (r: number, c: number): void => {
  const x = fill(new Float32Array(r * c), 5), l = labels(r, c);
  rows.push({ name: `softmaxCrossEntropy ${r}×${c} zc`, make: (k) => { const a = zc(k, r, c, x), g = zc(k, r, c); return () => k.softmaxCrossEntropy(a, l, { gradOut: g }); } });
};
const s3 = (n: number, d: number, c: number, plain: boolean): void => {
  const X = fill(new Float32Array(n * d)), W = fill(new Float32Array(d * c), 0.05), l = labels(n, c);
  rows.push({
    name: `linearSoftmaxLoss ${n}×${d}×${c} ${plain ? 'plain' : 'zc'}`,
    make: (k) => {
      if (plain) return () => k.linearSoftmaxLoss(matrix(X, n, d), l, matrix(W, d, c), { reg: 5e-6 });
      const Xm = zc(k, n, d, X), Wm = zc(k, d, c, W), dW = zc(k, d, c), db = new Float32Array(c);
      return () => k.linearSoftmaxLoss(Xm, l, Wm, { reg: 5e-6, out: { dW, db } });
    },
  });
};
const s4 = (n: number, d: number, c: number): void => {
  const X = fill(new Float32Array(n * d)), W = fill(new Float32Array(d * c), 0.05), b = fill(new Float32Array(c));
  rows.push({
    name: `linearScores +bias ${n}×${d}×${c} zc`,
    make: (k) => { const Xm = zc(k, n, d, X), Wm = zc(k, d, c, W), o = zc(k, n, c); return () => k.linearScores(Xm, Wm, { bias: b, out: o }); },
  });
};
s2(4096, 1000); s3(500, 3073, 10, false); s3(500, 3073, 10, true); s3(64, 512, 10000, false); s3(64, 512, 10000, true);
s4(500, 3073, 10); s4(64, 512, 10000); s1(256, 1000); s1(1, 131072);
s2(256, 10); s1(4096, 10); s3(256, 784, 10, false); s2(256, 1000);
{
  const y = fill(new Float32Array(256 * 1000)), dy = fill(new Float32Array(256 * 1000));
  rows.push({ name: 'logSoftmaxBackward 256×1000 zc', make: (k) => { const a = zc(k, 256, 1000, y), d = zc(k, 256, 1000, dy), o = zc(k, 256, 1000); return () => k.logSoftmaxBackward(a, d, o); } });
  const x = fill(new Float32Array(64 * 32000), 5);
  rows.push({ name: 'logSumExp 64×32000 zc', make: (k) => { const a = zc(k, 64, 32000, x), o = k.alloc('f32', 1, 64).data; return () => k.logSumExp(a, o); } });
}
const phaseLine = (p: PoolPhases): string => `publish ${p.publish.toFixed(1)}, first worker claim ${p.firstClaim.toFixed(1)}, `
  + `caller's chunks ${p.callerRun.toFixed(1)}, wait ${p.wait.toFixed(1)}, total ${p.total.toFixed(1)} µs; `
  + `${p.callerChunks.toFixed(1)}/${p.chunks.toFixed(1)} chunks on the caller, no worker ${(100 * p.noWorker).toFixed(0)}%, woken ${(100 * p.woke).toFixed(0)}% of ${p.jobs} jobs`;

/** ms per call over a round of ~MS ms (at least 3 calls). */
const timeRound = (f: () => unknown): number => timePerCall(f, MS, 3);

async function main(): Promise<void> {
  // start-up: loadWasm() vs loadWasm({ threads }) until resolved
  const st1: number[] = [], stN: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now(); (await loadWasm({ simd: SIMD })).dispose(); st1.push(performance.now() - t);
    t = performance.now(); (await loadWasm({ simd: SIMD, threads: THREADS })).dispose(); stN.push(performance.now() - t);
  }
  const k1 = await loadWasm({ simd: SIMD });
  const kN = await loadWasm({ simd: SIMD, threads: THREADS });
  if (kN.threads !== THREADS) throw new Error(`only ${kN.threads} threads: ${kN.threadsUnavailable}`);
  const hook = (kN as unknown as Record<symbol, PoolTesting>)[THREADS_TESTING];
  hook.dispatch(2000);
  const disp = median([hook.dispatch(2000), hook.dispatch(2000), hook.dispatch(2000)]);
  console.log(`${SIMD} build, threads ${THREADS} vs 1, ${ROUNDS} interleaved rounds of ~${MS} ms, median ms per call (${new Date().toISOString()})`);
  console.log(`| workload | threads 1 ms | threads ${THREADS} ms | speed-up |`);
  console.log('|---|---:|---:|---:|');
  for (const row of rows.filter((r) => r.name.includes(ONLY))) {
    const f1 = row.make(k1), fN = row.make(kN);
    f1(); fN(); timeRound(f1); timeRound(fN);
    const a: number[] = [], b: number[] = [];
    for (let r = 0; r < ROUNDS; r++) { a.push(timeRound(f1)); b.push(timeRound(fN)); }
    const m1 = median(a), mN = median(b);
    console.log(`| ${row.name} | ${m1.toFixed(3)} | ${mN.toFixed(3)} | ${(m1 / mN).toFixed(2)}× |`);
    if (PHASES) {
      hook.phases(true);
      timeRound(fN);
      console.log(`|   phases per job | ${phaseLine(hook.phases(false))} | | |`);
    }
  }
  console.log(`\npool start-up: loadWasm() ${median(st1).toFixed(1)} ms, loadWasm({ threads: ${THREADS} }) ${median(stN).toFixed(1)} ms (median of 5)`);
  console.log(`dispatch: ${disp.toFixed(1)} µs per job (an empty two-chunk job: publish, wake, claim, wait)`);
  k1.dispose(); kN.dispose();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
