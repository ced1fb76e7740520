/**
 * Reference row-wise softmax and log-softmax (mirrors assembly/softmax.ts), all math in float64,
 * rounded once into the output's float type. Also the row helpers the other reference kernels share.
 *
 * Stable form: with m = max_j z_j and r = Σ_{j ≠ argmax} exp(z_j − m) (every term but one copy of
 * the max, which contributes exactly 1), log Σ_j exp(z_j − m) = log1p(r). Using log1p keeps
 * log-softmax precise at the dominant class (where log(1 + r) would lose r below one ulp of 1).
 *
 * Special rows: all −∞ (fully masked, or an empty row) → softmax 0, log-softmax −∞;
 * any NaN or +∞ → the whole row NaN.
 */
import type { FloatArray, Matrix } from '../types_core.js';

/** Row i of a row-major matrix, copied into float64 (so an output may alias the input). */
export function readRow(m: Matrix<FloatArray>, i: number): Float64Array {
  return Float64Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

/** The largest entry of z; NaN if any entry is NaN; −∞ for an empty row. */
export function rowMax(z: ArrayLike<number>): number {
  let m = -Infinity;
  for (let j = 0; j < z.length; j++) {
    const v = z[j];
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/** How a row behaves under softmax, decided by its max. */
export type RowKind = 'finite' | 'masked' | 'nan';

export function rowKind(m: number): RowKind {
  if (m === -Infinity) return 'masked';
  if (Number.isNaN(m) || m === Infinity) return 'nan';
  return 'finite';
}

/**
 * Σ_{j ≠ argmax} exp(z_j − m) for a row with finite max m: the sum of the shifted exponentials
 * without one copy of the max (that copy contributes exp(0) = 1 exactly). So Σ_j exp(z_j − m) =
 * 1 + rest and log Σ_j exp(z_j − m) = log1p(rest).
 */
export function expSumWithoutMax(z: ArrayLike<number>, m: number): number {
  let rest = 0;
  let skippedMax = false;
  for (let j = 0; j < z.length; j++) {
    if (!skippedMax && z[j] === m) {
      skippedMax = true;
      continue;
    }
    rest += Math.exp(z[j] - m);
  }
  return rest;
}

/** p_j = softmax(z)_j in float64, with the special rows described at the top of this file. */
export function softmaxRow(z: ArrayLike<number>): Float64Array {
  const p = new Float64Array(z.length);
  const m = rowMax(z);
  const kind = rowKind(m);
  if (kind === 'masked') return p; // all zeros
  if (kind === 'nan') return p.fill(NaN);
  const sum = 1 + expSumWithoutMax(z, m);
  for (let j = 0; j < z.length; j++) p[j] = Math.exp(z[j] - m) / sum;
  return p;
}

/** log softmax(z)_j in float64, with the special rows described at the top of this file. */
export function logSoftmaxRow(z: ArrayLike<number>): Float64Array {
  const lp = new Float64Array(z.length);
  const m = rowMax(z);
  const kind = rowKind(m);
  if (kind === 'masked') return lp.fill(-Infinity);
  if (kind === 'nan') return lp.fill(NaN);
  const logSum = Math.log1p(expSumWithoutMax(z, m));
  for (let j = 0; j < z.length; j++) lp[j] = z[j] - m - logSum;
  return lp;
}

/** out = softmax of each row of x (N×C); `out` may be `x`. */
export function softmax<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>): void {
  for (let i = 0; i < x.rows; i++) out.data.set(softmaxRow(readRow(x, i)), i * x.cols);
}

/** out = log-softmax of each row of x (N×C); `out` may be `x`. */
export function logSoftmax<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>): void {
  for (let i = 0; i < x.rows; i++) out.data.set(logSoftmaxRow(readRow(x, i)), i * x.cols);
}
