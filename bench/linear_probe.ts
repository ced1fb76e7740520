/**
 * `npx tsx bench/linear_probe.ts [--simd relaxed|baseline] [--threads 2] [--rounds 5] [--ms 200]`:
 * the linear classifier's one-thread GFLOP/s as a fraction of the measured WASM SIMD-128 limit
 * (bench/engines/limits.ts, the `limit` engine's peak), and 2T / 1T, all in one run with the
 * instances interleaved (median of the rounds).
 */
import { loadWasm, matrix, type WasmKernels } from '../src/index.js';
import { loadLimits } from './engines/limits.js';
import { Rng } from '../src/train/rng.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const SIMD = opt('simd', 'relaxed') as 'relaxed' | 'baseline', THREADS = Number(opt('threads', '2'));
const ROUNDS = Number(opt('rounds', '5')), MS = Number(opt('ms', '200')), ONLY = opt('only', '');
/** --cpu: one-thread figures from CPU time per call (a busy machine), not wall time. */
const CPU = argv.includes('--cpu');
const rng = new Rng(1);
const fill = (a: Float32Array, s = 1): Float32Array => { for (let i = 0; i < a.length; i++) a[i] = s * (2 * rng.next() - 1); return a; };

type Row = { name: string; flops: number; make: (k: WasmKernels) => () => unknown };
const rows: Row[] = [];
const loss = (n: number, d: number, c: number, plain: boolean): void => {
  const X = fill(new Float32Array(n * d)), W = fill(new Float32Array(d * c), 0.05);
  const l = Int32Array.from({ length: n }, () => Math.floor(rng.next() * c));
  rows.push({
    name: `linearSoftmaxLoss ${n}×${d}×${c} ${plain ? 'plain' : 'zc'}`, flops: 4 * n * d * c,
    make: (k) => {
      if (plain) return () => k.linearSoftmaxLoss(matrix(X, n, d), l, matrix(W, d, c), { reg: 5e-6 });
      const Xm = k.alloc('f32', n, d), Wm = k.alloc('f32', d, c), dW = k.alloc('f32', d, c), db = new Float32Array(c);
      Xm.data.set(X); Wm.data.set(W);
      return () => k.linearSoftmaxLoss(Xm, l, Wm, { reg: 5e-6, out: { dW, db } });
    },
  });
};
const scores = (n: number, d: number, c: number): void => {
  const X = fill(new Float32Array(n * d)), W = fill(new Float32Array(d * c), 0.05), b = fill(new Float32Array(c));
  rows.push({
    name: `linearScores +bias ${n}×${d}×${c} zc`, flops: 2 * n * d * c,
    make: (k) => {
      const Xm = k.alloc('f32', n, d), Wm = k.alloc('f32', d, c), o = k.alloc('f32', n, c);
      Xm.data.set(X); Wm.data.set(W);
      return () => k.linearScores(Xm, Wm, { bias: b, out: o });
    },
  });
};
loss(500, 3073, 10, false); loss(64, 512, 10000, false); scores(500, 3073, 10); scores(64, 512, 10000);
loss(500, 3073, 10, true); loss(64, 512, 10000, true); loss(256, 784, 10, false);

/** Wall ms per call; with cpu: the process's CPU ms per call instead (one thread: robust to a busy machine). */
function timeRound(f: () => unknown, cpu = false): number {
  let n = 0; const t0 = performance.now(), c0 = process.cpuUsage(); let t = t0;
  while (t - t0 < MS || n < 3) { f(); n++; t = performance.now(); }
  if (cpu) { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000 / n; }
  return (t - t0) / n;
}
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

async function main(): Promise<void> {
  const lim = await loadLimits();
  const it = 2_000_000;
  const peak = (): number => {
    let b = Infinity, bc = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now(), c0 = process.cpuUsage(); lim.peak_f32x4(it, 1, 0);
      b = Math.min(b, performance.now() - t); const c = process.cpuUsage(c0); bc = Math.min(bc, (c.user + c.system) / 1000);
    }
    return (it * 48) / (CPU ? bc : b) / 1e6;
  };
  peak();
  const k1 = await loadWasm({ simd: SIMD });
  const kN = await loadWasm({ simd: SIMD, threads: THREADS });
  console.log(`node ${process.version}, build ${k1.build}, threads ${kN.threads}, ${ROUNDS} interleaved rounds of ~${MS} ms${CPU ? ', 1T and the limit in CPU time' : ''} (${new Date().toISOString()})`);
  console.log('| workload | 1T ms | 1T GFLOP/s | % of limit | 2T ms | 2T / 1T |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const peaks: number[] = [];
  for (const row of rows) {
    if (ONLY && !row.name.includes(ONLY)) continue;
    const f1 = row.make(k1), fN = row.make(kN);
    f1(); fN(); timeRound(f1); timeRound(fN);
    const a: number[] = [], b: number[] = [], r: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      peaks.push(peak());
      if (i % 2) { b.push(timeRound(fN)); a.push(timeRound(f1, CPU)); } else { a.push(timeRound(f1, CPU)); b.push(timeRound(fN)); }
      r.push(a[i] / b[i]);
    }
    const m1 = median(a), mN = median(b), lp = median(peaks.slice(-ROUNDS));
    const g = row.flops / m1 / 1e6;
    console.log(`| ${row.name} | ${m1.toFixed(3)} | ${g.toFixed(1)} | ${(100 * g / lp).toFixed(0)}% of ${lp.toFixed(1)} | ${mN.toFixed(3)} | ${median(r).toFixed(2)}× |`);
  }
  k1.dispose(); kN.dispose();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
