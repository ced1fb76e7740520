/**
 * The decoding sampler's random check, shared by tests/logits_sampler.test.ts (a few hundred rows per
 * combination) and scripts/numerics/sampler-check.ts (`npm run fuzz:sampler`: 10⁴ rows per combination): for
 * each combination of the new options, seeded random rows (both float types, peaked, flat, tied and
 * partly masked) go through sample() and filter() on two kernels objects; the kept set (filter's
 * finite entries), the tokens drawn (n per row), their log-probs and the top-N log-probs must agree.
 */
import { matrix, type FilterOptions, type FloatArray, type Matrix, type SampleOptions, type SoftmaxKernels } from '../../src/index.js';
import { Rng } from './random.js';

export interface ComboResult { combo: string; dtype: 'f32' | 'f64'; rows: number; keptMismatches: number; drawMismatches: number; first?: string }

/** The option combinations: each new option alone, then together with the old filters. */
export const COMBOS: ReadonlyArray<{ name: string; make: (r: Rng, cols: number, rows: number) => FilterOptions }> = [
  { name: 'repetition', make: (r, c) => ({ history: hist(r, c), repetitionPenalty: 0.7 + r.next() }) },
  { name: 'presence + frequency (window)', make: (r, c) => ({ history: hist(r, c), penaltyWindow: r.int(30), presencePenalty: 2 * r.gauss(), frequencyPenalty: r.gauss() }) },
  { name: 'logit bias', make: (r, c) => ({ logitBias: bias(r, c) }) },
  { name: 'allowed mask', make: (r, c, n) => ({ allowed: mask(r, c, n) }) },
  { name: 'typical-p', make: (r) => ({ typicalP: 0.05 + 0.95 * r.next(), temperature: 0.3 + 1.5 * r.next() }) },
  { name: 'top-nσ', make: (r) => ({ topNSigma: 0.2 + 3 * r.next(), temperature: 0.3 + 1.5 * r.next() }) },
  {
    name: 'everything', make: (r, c, n) => ({
      history: r.next() < 0.5 ? hist(r, c) : Array.from({ length: n }, () => hist(r, c)), repetitionPenalty: 1 + 0.5 * r.next(),
      presencePenalty: r.gauss(), frequencyPenalty: 0.5 * r.gauss(), logitBias: bias(r, c), allowed: r.next() < 0.7 ? mask(r, c, n) : undefined,
      temperature: r.next() < 0.05 ? 0 : 0.3 + 1.5 * r.next(), topK: r.next() < 0.5 ? 1 + r.int(c + 2) : undefined,
      topP: r.next() < 0.5 ? 0.1 + 0.9 * r.next() : undefined, minP: r.next() < 0.3 ? 0.3 * r.next() : undefined,
      typicalP: r.next() < 0.5 ? 0.1 + 0.9 * r.next() : undefined, topNSigma: r.next() < 0.5 ? 0.3 + 3 * r.next() : undefined,
    }),
  },
];

function hist(r: Rng, cols: number): Int32Array {
  // repeats: a few hot tokens and some random ones
  const hot = Array.from({ length: 3 }, () => r.int(cols));
  return Int32Array.from({ length: r.int(60) }, () => (r.next() < 0.5 ? hot[r.int(3)] : r.int(cols)));
}
function bias(r: Rng, cols: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let t = r.int(8); t > 0; t--) m.set(r.int(cols), r.next() < 0.1 ? -Infinity : 4 * r.gauss());
  return m;
}
function mask(r: Rng, cols: number, rows: number): Uint32Array {
  const words = (cols + 31) >>> 5;
  const dense = r.next() < 0.5;
  return Uint32Array.from({ length: rows * words }, () => {
    if (r.next() < 0.05) return 0;
    let w = 0;
    for (let b = 0; b < 32; b++) if (r.next() < (dense ? 0.8 : 0.15)) w |= 1 << b;
    return w >>> 0;
  });
}

/** A random row of logits: gaussian, peaked, flat or with ties, some −∞. */
export function randomRow(r: Rng, cols: number): number[] {
  const style = r.int(4);
  return Array.from({ length: cols }, (_, j) => {
    let v = r.gauss() * (1 + 3 * r.next());
    if (style === 1) v = Math.round(v * 2) / 2;
    if (style === 2 && j < 3) v += 8;
    if (style === 3) v = 0.2 * r.next();
    if (r.next() < 0.03) v = -Infinity;
    return v;
  });
}

const key = (v: number) => (Number.isNaN(v) ? 'NaN' : String(v));

/**
 * Runs `rowsPerCombo` random problems per combination and float type on kernels a (checked) and b
 * (the reference); returns the mismatch counts. Each problem: 1–3 rows of 1…80 (sometimes up to
 * 3000) columns, n = 1–4 draws, topLogProbs on half of them.
 */
export function runCombos(a: SoftmaxKernels, b: SoftmaxKernels, rowsPerCombo: number, seed: number): ComboResult[] {
  const out: ComboResult[] = [];
  for (const dtype of ['f32', 'f64'] as const) {
    for (const c of COMBOS) {
      const r = new Rng(seed ^ (c.name.length * 7919) ^ (dtype === 'f32' ? 1 : 2));
      const res: ComboResult = { combo: c.name, dtype, rows: 0, keptMismatches: 0, drawMismatches: 0 };
      while (res.rows < rowsPerCombo) {
        const rows = 1 + r.int(3), cols = 1 + r.int(r.next() < 0.9 ? 80 : 3000);
        const F = dtype === 'f32' ? Float32Array : Float64Array;
        const x = new F(rows * cols);
        for (let i = 0; i < rows; i++) x.set(randomRow(r, cols), i * cols);
        const fo = c.make(r, cols, rows);
        for (const k of Object.keys(fo) as Array<keyof FilterOptions>) if (fo[k] === undefined) delete fo[k];
        const n = 1 + r.int(4);
        const topN = r.next() < 0.5 ? 1 + r.int(Math.min(cols, 6)) : undefined;
        const u = new Float64Array(rows * n).map(() => r.next());
        const so: SampleOptions = { ...fo, n, uniforms: u, logProbs: true, ...(topN ? { topLogProbs: topN } : {}) };
        const m: Matrix<FloatArray> = matrix(x, rows, cols);
        const fa = a.filter(m, fo), fb = b.filter(m, fo);
        const sa = a.sample(m, so), sb = b.sample(m, so);
        res.rows += rows;
        for (let i = 0; i < rows; i++) {
          const ka = [], kb = [];
          for (let j = 0; j < cols; j++) {
            if (fa.data[i * cols + j] !== -Infinity) ka.push(j);
            if (fb.data[i * cols + j] !== -Infinity) kb.push(j);
          }
          if (ka.join() !== kb.join()) {
            res.keptMismatches++;
            res.first ??= `kept ${dtype} ${c.name} cols ${cols}: ${ka.length} vs ${kb.length} tokens; ${JSON.stringify({ ...fo, history: undefined, allowed: undefined, logitBias: undefined })}`;
          }
          const da = Array.from(sa.indices.subarray(i * n, (i + 1) * n)), db = Array.from(sb.indices.subarray(i * n, (i + 1) * n));
          const ta = topN ? Array.from(sa.topIndices!.data.subarray(i * topN, (i + 1) * topN)) : [];
          const tb = topN ? Array.from(sb.topIndices!.data.subarray(i * topN, (i + 1) * topN)) : [];
          if (da.join() !== db.join() || ta.join() !== tb.join()) {
            res.drawMismatches++;
            res.first ??= `draws ${dtype} ${c.name} cols ${cols}: ${da} vs ${db}, top ${ta} vs ${tb}`;
          }
          // the log-probs agree to the float type's tolerance
          for (let d = 0; d < n; d++) {
            const la = sa.logProbs![i * n + d], lb = sb.logProbs![i * n + d];
            if (key(la) !== key(lb) && !(Math.abs(la - lb) <= (dtype === 'f32' ? 2e-5 : 1e-10) * Math.max(1, Math.abs(lb)))) {
              res.drawMismatches++;
              res.first ??= `logProb ${dtype} ${c.name}: ${la} vs ${lb}`;
            }
          }
        }
      }
      out.push(res);
    }
  }
  return out;
}
