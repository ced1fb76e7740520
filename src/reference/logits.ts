/**
 * Reference logits toolkit (mirrors assembly/logits/*.ts one function per kernel), all math in
 * float64, written for clarity: full sorts where the kernels select. Same order, tie and special-row
 * rules as the kernels (see assembly/logits/common.ts and sample.ts):
 * - order: value descending, lower index first; −0 = +0; NaN above +∞ (argmax / topK);
 * - logSumExp: m + log1p(Σ_{j ≠ one max} exp(x_j − m)); all −∞ → −∞; NaN or +∞ → NaN;
 * - sample: temperature → top-k → top-p → min-p, the draw in index order; rows without a finite
 *   max → −1 and NaN log-probs; temperature 0 → argmax, log-probs 0.
 */
import type { FloatArray, Matrix } from '../types_core.js';
import { expSumWithoutMax, logSoftmaxRow, readRow, rowKind, rowMax, softmaxRow } from './softmax.js';
import { drawKept, keptRow } from './sampler.js';

/** log Σ exp of each row into out (length N). */
export function logSumExp<A extends FloatArray>(x: Matrix<A>, out: A): void {
  for (let i = 0; i < x.rows; i++) {
    const z = readRow(x, i);
    const m = rowMax(z);
    const kind = rowKind(m);
    out[i] = kind === 'masked' ? -Infinity : kind === 'nan' ? NaN : m + Math.log1p(expSumWithoutMax(z, m));
  }
}

/** Index of the first NaN of z, else of the first maximum; −1 for an empty row. */
export function argmaxRow(z: ArrayLike<number>): number {
  let best = -1;
  for (let j = 0; j < z.length; j++) {
    const v = z[j];
    if (Number.isNaN(v)) return j;
    if (best < 0 || v > z[best]) best = j;
  }
  return best;
}

export function argmax<A extends FloatArray>(x: Matrix<A>, out: Int32Array): void {
  for (let i = 0; i < x.rows; i++) out[i] = argmaxRow(readRow(x, i));
}

/** The selection order: negative when (a, i) comes first (larger value, NaN largest, then lower index). */
export function compareEntries(a: number, i: number, b: number, j: number): number {
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an !== bn) return an ? -1 : 1;
  if (!an && a !== b) return a > b ? -1 : 1;
  return i - j;
}

/** Indices of z sorted by the selection order. */
export function orderOf(z: ArrayLike<number>): number[] {
  const idx = Array.from({ length: z.length }, (_, j) => j);
  return idx.sort((i, j) => compareEntries(z[i], i, z[j], j));
}

export function topK<A extends FloatArray>(x: Matrix<A>, k: number, values: Matrix<A>, indices: Int32Array): void {
  for (let i = 0; i < x.rows; i++) {
    const z = readRow(x, i);
    const order = orderOf(z);
    for (let r = 0; r < k; r++) {
      indices[i * k + r] = order[r];
      values.data[i * k + r] = z[order[r]];
    }
  }
}

/** Rows of x / T (T = 1 / invT) under softmax / logSoftmax. */
function scaledRow(z: Float64Array, invT: number): Float64Array {
  const m = rowMax(z);
  if (rowKind(m) !== 'finite') return z; // the special rows do not depend on T
  return z.map((v) => (v - m) * invT);
}

export function softmaxTemperature<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>, invT: number): void {
  for (let i = 0; i < x.rows; i++) out.data.set(softmaxRow(scaledRow(readRow(x, i), invT)), i * x.cols);
}

export function logSoftmaxTemperature<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>, invT: number): void {
  for (let i = 0; i < x.rows; i++) out.data.set(logSoftmaxRow(scaledRow(readRow(x, i), invT)), i * x.cols);
}

/** The normalized arguments of sample, as both engines receive them (src/ops/sample.ts validates and fills them). */
export interface SampleArgs<A extends FloatArray = FloatArray> {
  logits: Matrix<A>;
  /** ≥ 0; 0 = argmax. */
  temperature: number;
  /** 0 = off, else ≥ 1 (values ≥ cols keep every token). */
  topK: number;
  /** In (0, 1]; 1 = off. */
  topP: number;
  /** ln(minP); −∞ = off. */
  logMinP: number;
  /** One uniform in [0, 1) per row. */
  uniforms: Float64Array;
  indices: Int32Array;
  logProbs: A | null;
  filteredLogProbs: A | null;
  /** The processors, the other warpers, n draws, top-N log-probs and filter's output (absent: none of them; see SampleExt). */
  ext?: import('./sampler.js').SampleExt<A>;
}

export interface SampleRowResult { index: number; logProb: number; filteredLogProb: number; kept: number[] }

/**
 * One draw from row z: temperature T (0 = argmax), topK (0 = off), topP (1 = off), logMinP
 * (ln minP, −∞ = off), uniform u in [0, 1). `kept` is the filtered support in index order
 * (tokens that pass every filter, masked −∞ tokens excluded; one whose exp underflows to 0 is kept but never drawn).
 */
export function sampleRow(z: ArrayLike<number>, T: number, topK: number, topP: number, logMinP: number, u: number): SampleRowResult {
  const invalid: SampleRowResult = { index: -1, logProb: NaN, filteredLogProb: NaN, kept: [] };
  if (z.length === 0 || !Number.isFinite(rowMax(z))) return invalid;
  if (T === 0) {
    const j = argmaxRow(z);
    return { index: j, logProb: 0, filteredLogProb: 0, kept: [j] };
  }
  const r = keptRow(z, { temperature: T, topK, topP, logMinP, topNSigma: 0, typicalP: 1 })!;
  const { index, ZS } = drawKept(r, u);
  const zz = (z[index] - r.m) * r.invT;
  return { index, logProb: zz - Math.log(r.Z), filteredLogProb: zz - Math.log(ZS), kept: r.kept };
}

/** sample over every row (the Backend entry). */
export function sample<A extends FloatArray>(a: SampleArgs<A>): void {
  const x = a.logits;
  for (let i = 0; i < x.rows; i++) {
    const r = sampleRow(readRow(x, i), a.temperature, a.topK, a.topP, a.logMinP, a.uniforms[i]);
    a.indices[i] = r.index;
    if (a.logProbs) a.logProbs[i] = r.logProb;
    if (a.filteredLogProbs) a.filteredLogProbs[i] = r.filteredLogProb;
  }
}
