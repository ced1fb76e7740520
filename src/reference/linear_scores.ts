/**
 * Reference forward pass of the linear classifier (mirrors assembly/linear_scores.ts):
 * scores = X·W + b, accumulated in float64 per row and rounded once into `out`.
 */
import type { FloatArray, Matrix } from '../types_core.js';

/**
 * Writes scores = X·W + b into `out`.
 * @param X inputs, row-major N×D.
 * @param W weights, D×C.
 * @param b bias of length C, or null.
 * @param out N×C result (any float type); must not alias X or W.
 * @returns `out`.
 */
export function linearScores<O extends FloatArray>(
  X: Matrix<FloatArray>, W: Matrix<FloatArray>, b: ArrayLike<number> | null, out: Matrix<O>,
): Matrix<O> {
  const { rows: n, cols: d } = X;
  const c = W.cols;
  const x = X.data, w = W.data, o = out.data;
  const acc = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    if (b) for (let j = 0; j < c; j++) acc[j] = b[j];
    else acc.fill(0);
    const row = i * d;
    for (let k = 0; k < d; k++) {
      const xik = x[row + k];
      const wk = k * c;
      for (let j = 0; j < c; j++) acc[j] += xik * w[wk + j];
    }
    const orow = i * c;
    for (let j = 0; j < c; j++) o[orow + j] = acc[j];
  }
  return out;
}
