/**
 * `npx tsx bench/linear_phases.ts [--baseline]`: where linearSoftmaxLoss (small C) spends its time,
 * measured on one thread in CPU time (robust to a shared machine): the caller's serial work (prep:
 * pack W; finish: db, loss, dW), the pool's chunks (rows, dWᵀ partial, dX) and the reduction of the
 * partials, each through the raw phase exports. From them, the two-thread bound: serial + the
 * chunks list-scheduled on 2 threads in order (a chunk's time ∝ its rows) + the reduction / 2,
 * against the single call. No dispatch or wake-up cost: an upper bound.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SoftmaxWasmExports } from '../src/wasm/abi.js';
import { Rng } from '../src/train/rng.js';

const relaxed = !process.argv.includes('--baseline');
const file = fileURLToPath(new URL(`../build/softmax${relaxed ? '.relaxed' : ''}.wasm`, import.meta.url));
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const ex = instance.exports as unknown as SoftmaxWasmExports;
const x = ex as unknown as Record<string, (...a: number[]) => number>;
const rng = new Rng(1);
let top = ex.heap_base();
const alloc = (bytes: number): number => {
  const p = (top + 63) & ~63; top = p + bytes;
  if (top > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((top - ex.memory.buffer.byteLength) / 65536));
  return p;
};
const cpu = (f: () => void, ms = 300): number => {
  let n = 0; const t0 = performance.now(), c0 = process.cpuUsage();
  while (performance.now() - t0 < ms || n < 3) { f(); n++; }
  const c = process.cpuUsage(c0); return (c.user + c.system) / 1000 / n;
};
const median = (a: number[]): number => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };

console.log(`${relaxed ? 'relaxed' : 'baseline'} build, node ${process.version}; CPU ms per call, median of 5`);
console.log('| shape | single call | prep | all chunks | reduce | finish | 2-thread bound | bound 2T/1T |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [n, d, c] of [[500, 3073, 10], [256, 784, 10], [1000, 784, 10]]) {
  top = ex.heap_base();
  const pX = alloc(n * d * 4), pL = alloc(n * 4), pW = alloc(d * c * 4), pdW = alloc(d * c * 4), pdb = alloc(c * 4);
  const X = new Float32Array(ex.memory.buffer, pX, n * d); for (let i = 0; i < X.length; i++) X[i] = 2 * rng.next() - 1;
  const W = new Float32Array(ex.memory.buffer, pW, d * c); for (let i = 0; i < W.length; i++) W[i] = 0.05 * (2 * rng.next() - 1);
  const L = new Int32Array(ex.memory.buffer, pL, n); for (let i = 0; i < n; i++) L[i] = Math.floor(rng.next() * c);
  const s1 = alloc(ex.linear_softmax_scratch_bytes_f32(n, d, c));
  const sT = alloc(ex.linear_softmax_small_c_threads_scratch_bytes_f32(pX, n, d, c));
  const cr = ex.linear_softmax_small_c_chunk_rows(n);
  const chunks = Math.ceil(n / cr);
  let groups = 0;
  const prep = () => { groups = x.linear_softmax_small_c_prep_f32(pX, pL, pW, 0, n, d, c, 5e-6, pdW, pdb, 0, sT); };
  const runChunk = (i: number) => () => x.linear_softmax_small_c_chunk_f32(sT, i * cr, Math.min(cr, n - i * cr));
  const r: Record<string, number[]> = { single: [], prep: [], chunk: [], reduce: [], finish: [] };
  for (let round = 0; round < 5; round++) {
    r.single.push(cpu(() => ex.linear_softmax_loss_f32(pX, pL, pW, 0, n, d, c, 5e-6, pdW, pdb, 0, s1)));
    r.prep.push(cpu(prep));
    r.chunk.push(cpu(() => { for (let i = 0; i < chunks; i++) runChunk(i)(); })); // all, in order (cold as on the pool)
    r.reduce.push(cpu(() => x.linear_softmax_small_c_reduce_f32(sT, 0, groups)));
    r.finish.push(cpu(() => x.linear_softmax_small_c_finish_f32(sT)));
  }
  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
  // list schedule of the chunks on 2 threads in order (each chunk's time ∝ its rows)
  const t = [0, 0];
  for (let i = 0; i < chunks; i++) { const j = t[0] <= t[1] ? 0 : 1; t[j] += m.chunk * Math.min(cr, n - i * cr) / n; }
  const bound = m.prep + Math.max(...t) + m.reduce / 2 + m.finish;
  console.log(`| ${n}×${d}×${c} (${chunks} chunks of ${cr} rows) | ${m.single.toFixed(3)} | ${m.prep.toFixed(3)} | ${m.chunk.toFixed(3)} | ${m.reduce.toFixed(3)} | ${m.finish.toFixed(3)} | ${bound.toFixed(3)} | ${(m.single / bound).toFixed(2)}× |`);
}
