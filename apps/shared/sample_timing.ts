/**
 * Timing core of `softmax-wasm sample` and bench/logits.ts: the careful plain-JS peers (what a JS
 * decoding loop does today: softmax, a sort of (prob, index) pairs, a cumulative sum) and a
 * round-robin timer that reports each case's best batch, so ratios come from one run.
 */
import { Rng } from 'softmax-wasm';

/**
 * Plain-JS sampler, written the way JS LLM samplers do it, but carefully: one Float64Array of
 * probabilities (max-subtracted, x / T), an index array sorted by (prob desc, index asc), the
 * cumulative sum to the top-p cut, then the draw over the kept prefix. Returns the token.
 */
export function plainJsSample(x: Float32Array, temperature: number, topP: number, topK: number, u: number): number {
  const C = x.length;
  let m = -Infinity;
  for (let j = 0; j < C; j++) if (x[j] > m) m = x[j];
  const p = new Float64Array(C);
  const invT = 1 / temperature;
  let Z = 0;
  for (let j = 0; j < C; j++) { const e = Math.exp((x[j] - m) * invT); p[j] = e; Z += e; }
  const idx = new Int32Array(C);
  for (let j = 0; j < C; j++) idx[j] = j;
  idx.sort((a, b) => p[b] - p[a] || a - b);
  let L = topK > 0 && topK < C ? topK : C;
  let Zk = 0;
  for (let r = 0; r < L; r++) Zk += p[idx[r]];
  if (topP < 1) {
    let acc = 0;
    for (let r = 0; r < L; r++) { acc += p[idx[r]]; if (acc >= topP * Zk) { L = r + 1; break; } }
  }
  let ZS = 0;
  for (let r = 0; r < L; r++) ZS += p[idx[r]];
  const target = u * ZS;
  let acc = 0;
  for (let r = 0; r < L; r++) { acc += p[idx[r]]; if (acc > target) return idx[r]; }
  return idx[L - 1];
}

/** Plain-JS top-k: sort every index by (value desc, index asc), keep k. */
export function plainJsTopK(x: Float32Array, k: number): Int32Array {
  const idx = new Int32Array(x.length);
  for (let j = 0; j < x.length; j++) idx[j] = j;
  idx.sort((a, b) => x[b] - x[a] || a - b);
  return idx.slice(0, k);
}

/** Plain-JS softmax of one row into out (max, exp, scale). */
export function plainJsSoftmax(x: Float32Array, out: Float32Array): void {
  let m = -Infinity;
  for (let j = 0; j < x.length; j++) if (x[j] > m) m = x[j];
  let s = 0;
  for (let j = 0; j < x.length; j++) { const e = Math.exp(x[j] - m); out[j] = e; s += e; }
  const inv = 1 / s;
  for (let j = 0; j < x.length; j++) out[j] *= inv;
}

/** LLM-like logits: N(0, 1)·scale with a few large ones (a peaked head over a long flat tail). */
export function llmLogits(rows: number, cols: number, seed: number, scale = 2): Float32Array {
  const r = new Rng(seed);
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = r.gauss() * scale;
  for (let i = 0; i < rows; i++) for (let t = 0; t < 20; t++) x[i * cols + r.int(cols)] += 8 + 4 * r.next();
  return x;
}

export interface TimedCase { name: string; run: () => unknown; bytes?: number }
export interface Timing { name: string; ms: number; bytes?: number }

let sink = 0;
/** Keeps results alive so no work is skipped. */
export function consume(v: unknown): void {
  if (typeof v === 'number') sink += v;
  else if (v && typeof v === 'object' && 'length' in v) sink += (v as ArrayLike<number>).length;
}
export function sinkValue(): number { return sink; }

/**
 * Times every case round-robin: in each round each case runs for ≈ sliceMs; a case's time is its
 * best per-call average over the rounds (the least disturbed by the other load on the machine).
 */
export function timeCases(cases: TimedCase[], rounds = 5, sliceMs = 60): Timing[] {
  const best = cases.map(() => Infinity);
  for (const c of cases) consume(c.run()); // warm-up
  for (let r = 0; r < rounds; r++) {
    cases.forEach((c, i) => {
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < sliceMs || n < 2) { consume(c.run()); n++; t = performance.now(); }
      best[i] = Math.min(best[i], (t - t0) / n);
    });
  }
  return cases.map((c, i) => ({ name: c.name, ms: best[i], bytes: c.bytes }));
}

/** A markdown table of timings with a ratio column against `base` (a case name). */
export function formatTimings(rows: Timing[], base?: string): string {
  const b = rows.find((r) => r.name === base);
  const lines = ['| case | ms per call | ' + (b ? `vs ${base}` : '') + ' |', '| --- | ---: | ---: |'];
  for (const r of rows) {
    const ratio = b ? `${(b.ms / r.ms).toFixed(2)}× faster` : '';
    lines.push(`| ${r.name} | ${r.ms < 0.1 ? r.ms.toFixed(4) : r.ms.toFixed(3)} | ${ratio} |`);
  }
  return lines.join('\n');
}
