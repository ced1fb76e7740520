/**
 * The "plain JS" contender of the in-page benchmark: fused Float32Array loops with Math.exp, written
 * the way a careful JS developer would without WASM (outputs allocated once and reused).
 */

/** Row-wise softmax of x (rows×cols) into out: max, exp + sum, scale. */
export function softmaxRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols, end = o + cols;
    let m = -Infinity;
    for (let j = o; j < end; j++) if (x[j] > m) m = x[j];
    let s = 0;
    for (let j = o; j < end; j++) {
      const e = Math.exp(x[j] - m);
      out[j] = e;
      s += e;
    }
    const k = 1 / s;
    for (let j = o; j < end; j++) out[j] *= k;
  }
}

/** Mean softmax cross-entropy of logits (n×c) against labels; writes d loss / d logits into grad. */
export function crossEntropy(x: Float32Array, labels: Int32Array, grad: Float32Array, n: number, c: number): number {
  const invN = 1 / n;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c, end = o + c, y = o + labels[i];
    let m = -Infinity;
    for (let j = o; j < end; j++) if (x[j] > m) m = x[j];
    let s = 0;
    for (let j = o; j < end; j++) {
      const e = Math.exp(x[j] - m);
      grad[j] = e;
      s += e;
    }
    loss += Math.log(s) - (x[y] - m);
    const k = invN / s;
    for (let j = o; j < end; j++) grad[j] *= k;
    grad[y] -= invN;
  }
  return loss * invN;
}

/**
 * Linear softmax classifier loss (CS231n): X (n×d), W (d×c); writes dW (d×c) and db (c). One sweep
 * per sample: scores = x·W, softmax + loss + dscores in place, db += dscores, dW += xᵀ·dscores.
 */
export function linearSoftmax(X: Float32Array, labels: Int32Array, W: Float32Array, n: number, d: number, c: number,
  reg: number, dW: Float32Array, db: Float32Array, scores: Float64Array): number {
  dW.fill(0);
  db.fill(0);
  const invN = 1 / n;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    scores.fill(0);
    for (let k = 0; k < d; k++) {
      const xv = X[xo + k], wo = k * c;
      for (let j = 0; j < c; j++) scores[j] += xv * W[wo + j];
    }
    let m = -Infinity;
    for (let j = 0; j < c; j++) if (scores[j] > m) m = scores[j];
    const y = labels[i];
    const sy = scores[y] - m;
    let s = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(scores[j] - m);
      scores[j] = e;
      s += e;
    }
    loss += Math.log(s) - sy;
    const k1 = invN / s;
    for (let j = 0; j < c; j++) scores[j] *= k1;
    scores[y] -= invN;
    for (let j = 0; j < c; j++) db[j] += scores[j];
    for (let k = 0; k < d; k++) {
      const xv = X[xo + k], wo = k * c;
      for (let j = 0; j < c; j++) dW[wo + j] += xv * scores[j];
    }
  }
  let r = 0;
  for (let t = 0; t < W.length; t++) {
    const v = W[t];
    r += v * v;
    dW[t] += 2 * reg * v;
  }
  return loss * invN + reg * r;
}
