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
import { argmaxLastRow, argmaxRow, compareAscending, orderOf } from './order.js';
import { drawKept, keptRow, type SampleArgs } from './sampler.js';

export { argmaxLastRow, argmaxRow, compareAscending, compareEntries, orderOf } from './order.js';
export type { SampleArgs } from './sampler.js';

/** log Σ exp of each row into out (length N). */
export function logSumExp<A extends FloatArray>(x: Matrix<A>, out: A): void {
  for (let i = 0; i < x.rows; i++) {
    const z = readRow(x, i);
    const m = rowMax(z);
    const kind = rowKind(m);
    out[i] = kind === 'masked' ? -Infinity : kind === 'nan' ? NaN : m + Math.log1p(expSumWithoutMax(z, m));
  }
}

export function argmax<A extends FloatArray>(x: Matrix<A>, out: Int32Array, selectLast = false): void {
  for (let i = 0; i < x.rows; i++) out[i] = (selectLast ? argmaxLastRow : argmaxRow)(readRow(x, i));
}

export function topK<A extends FloatArray>(x: Matrix<A>, k: number, values: Matrix<A>, indices: Int32Array, largest = true): void {
  for (let i = 0; i < x.rows; i++) {
    const z = readRow(x, i);
    const order = largest ? orderOf(z)
      : Array.from({ length: z.length }, (_, j) => j).sort((a, b) => compareAscending(z[a], a, z[b], b));
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
