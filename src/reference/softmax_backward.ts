/**
 * Reference softmax backward and Jacobian (mirrors assembly/softmax_backward.ts), all math in
 * float64, rounded once into the output's float type.
 *
 * For y = softmax(x): ∂y_i/∂x_j = y_i·(δ_ij − y_j), i.e. the Jacobian is diag(y) − y yᵀ, and the
 * backward pass (a Jacobian-vector product, the Jacobian being symmetric) is
 * dx = y ⊙ (dy − Σ_j dy_j·y_j).
 */
import type { FloatArray, Matrix } from '../types_core.js';
import { readRow } from './softmax.js';

/** out = y ⊙ (dy − rowwise Σ dy⊙y), all N×C; `out` may be `y` or `dy`. */
export function softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out: Matrix<A>): void {
  const { rows, cols } = y;
  const dx = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const yi = readRow(y, i);
    const dyi = readRow(dy, i);
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dyi[j] * yi[j];
    for (let j = 0; j < cols; j++) dx[j] = yi[j] * (dyi[j] - dot);
    out.data.set(dx, i * cols);
  }
}

/** out (n×n) = diag(y) − y yᵀ, i.e. out[i, j] = y_i·(δ_ij − y_j). `out` never aliases `y`. */
export function softmaxJacobian<A extends FloatArray>(y: A, out: Matrix<A>): void {
  const n = y.length;
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    for (let j = 0; j < n; j++) row[j] = yi * ((i === j ? 1 : 0) - y[j]);
    out.data.set(row, i * n);
  }
}

/** dx = dy − exp(y)·Σ dy per row; out may alias y or dy. */
export function logSoftmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out: Matrix<A>): void {
  for (let i = 0; i < y.rows; i++) {
    const yr = readRow(y, i), dr = readRow(dy, i);
    let s = 0;
    for (let j = 0; j < dr.length; j++) s += dr[j];
    for (let j = 0; j < dr.length; j++) out.data[i * y.cols + j] = dr[j] - Math.exp(yr[j]) * s;
  }
}
