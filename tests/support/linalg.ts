/** Float64 textbook linear algebra, the oracle for the GEMMs of the kernels. */

/** scores = X·W + b (row-major X n×d, W d×c, optional bias of c) by the triple loop, in float64. */
export function matmulBias(X: ArrayLike<number>, W: ArrayLike<number>, n: number, d: number, c: number, b?: ArrayLike<number>): Float64Array {
  const S = new Float64Array(n * c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) {
    let s = b ? b[j] : 0;
    for (let k = 0; k < d; k++) s += X[i * d + k] * W[k * c + j];
    S[i * c + j] = s;
  }
  return S;
}
