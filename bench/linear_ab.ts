/**
 * `npx tsx bench/linear_ab.ts A.wasm B.wasm`: one-thread A/B of two builds of the module on the
 * linear rows, interleaved in one run, CPU ms per call (robust to a shared machine), median of rounds.
 */
import { readFileSync } from 'node:fs';
import { loadWasm, type WasmKernels } from '../src/index.js';
import { Rng } from '../src/train/rng.js';

const [fa, fb] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ROUNDS = 7, MS = 150;
const rng = new Rng(1);
const fill = (a: Float32Array, s = 1): Float32Array => { for (let i = 0; i < a.length; i++) a[i] = s * (2 * rng.next() - 1); return a; };
type Row = { name: string; flops: number; make: (k: WasmKernels) => () => unknown };
const rows: Row[] = [];
for (const [n, d, c] of [[500, 3073, 10], [64, 512, 10000], [256, 784, 10]]) {
  const X = fill(new Float32Array(n * d)), W = fill(new Float32Array(d * c), 0.05), b = fill(new Float32Array(c));
  const l = Int32Array.from({ length: n }, () => Math.floor(rng.next() * c));
  const zc = (k: WasmKernels) => { const Xm = k.alloc('f32', n, d), Wm = k.alloc('f32', d, c); Xm.data.set(X); Wm.data.set(W); return { Xm, Wm }; };
  rows.push({ name: `linearSoftmaxLoss ${n}×${d}×${c} zc`, flops: 4 * n * d * c, make: (k) => { const { Xm, Wm } = zc(k); const dW = k.alloc('f32', d, c), db = new Float32Array(c); return () => k.linearSoftmaxLoss(Xm, l, Wm, { reg: 5e-6, out: { dW, db } }); } });
  rows.push({ name: `linearScores +bias ${n}×${d}×${c} zc`, flops: 2 * n * d * c, make: (k) => { const { Xm, Wm } = zc(k); const o = k.alloc('f32', n, c); return () => k.linearScores(Xm, Wm, { bias: b, out: o }); } });
}
function cpuRound(f: () => unknown): number {
  let n = 0; const t0 = performance.now(), c0 = process.cpuUsage();
  while (performance.now() - t0 < MS || n < 3) { f(); n++; }
  const c = process.cpuUsage(c0); return (c.user + c.system) / 1000 / n;
}
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const simd = process.argv.includes('--baseline') ? 'baseline' : 'relaxed';
const ka = await loadWasm({ wasm: readFileSync(fa), simd });
const kb = await loadWasm({ wasm: readFileSync(fb), simd });
console.log(`node ${process.version}, ${simd}: A = ${fa}, B = ${fb}; CPU ms per call, median of ${ROUNDS} interleaved rounds`);
console.log('| workload | A ms | B ms | A GFLOP/s | B GFLOP/s | A / B |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const f = r.make(ka), g = r.make(kb);
  f(); g(); cpuRound(f); cpuRound(g);
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) { if (i % 2) { b.push(cpuRound(g)); a.push(cpuRound(f)); } else { a.push(cpuRound(f)); b.push(cpuRound(g)); } }
  const ma = median(a), mb = median(b);
  console.log(`| ${r.name} | ${ma.toFixed(3)} | ${mb.toFixed(3)} | ${(r.flops / ma / 1e6).toFixed(1)} | ${(r.flops / mb / 1e6).toFixed(1)} | ${(ma / mb).toFixed(2)}× |`);
}
