import { loadWasm, Rng, type FilterOptions } from '../src/index.js';
import { llmLogits } from '../apps/shared/sample_timing.js';
const k = await loadWasm();
const V = 128256;
const mk = (rows: number) => { const a = k.alloc('f32', rows, V); a.data.set(llmLogits(rows, V, 1)); return a; };
const x = mk(1), x8 = mk(8);
const r = new Rng(2);
const words = Math.ceil(V / 32);
const dec = (rows: number): FilterOptions => {
  const mask = new Uint32Array(rows * words); for (let t = 0; t < rows * V; t++) if (r.next() < 0.9) mask[Math.floor(t / V) * words + ((t % V) >>> 5)] |= 1 << ((t % V) & 31);
  const bias = new Map<number, number>(); while (bias.size < 100) bias.set(r.int(V), 10 * r.next() - 5);
  return { history: Array.from({ length: rows }, () => Int32Array.from({ length: 4096 }, () => r.int(V))), repetitionPenalty: 1.1, presencePenalty: 0.5, frequencyPenalty: 0.3, logitBias: bias, allowed: mask };
};
const d1 = dec(1), d8 = dec(8);
const base = { temperature: 0.8, topK: 50, topP: 0.9 };
const p1 = k.alloc('f32', 1, V); k.filter(x, d1, p1);
const out = k.alloc('f32', 1, V), out8 = k.alloc('f32', 8, V);
const ones = new Uint32Array(words).fill(0xFFFFFFFF);
const h1 = (d1.history as Int32Array[])[0];
const g = { temperature: 0 };
const cases: Array<[string, () => unknown]> = [
  ['greedy plain', () => k.sample(p1, g)],
  ['greedy +copy', () => k.sample(p1, { ...g, allowed: ones })],
  ['greedy +history 4096', () => k.sample(p1, { ...g, history: h1, presencePenalty: 1e-12 })],
  ['greedy +history 64', () => k.sample(p1, { ...g, history: h1.subarray(0, 64), presencePenalty: 1e-12 })],
];
const times = cases.map(() => [] as number[]);
const iters = Number(process.argv[2] ?? 150);
for (let it = 0; it < iters; it++) {
  const order = it % 2 ? [...cases.keys()].reverse() : [...cases.keys()];
  for (const i of order) { const t0 = performance.now(); cases[i][1](); times[i].push(performance.now() - t0); }
}
const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
const m = times.map(med);
cases.forEach(([n], i) => console.log(n.padEnd(32), m[i].toFixed(3)));
