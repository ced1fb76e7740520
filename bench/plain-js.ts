/**
 * The "plain JS" peer of the benchmarks (bench/ in Node, the demo page's in-browser table): fused
 * typed-array loops written the way a careful JS developer would without WASM: `Math.exp`, three
 * passes per softmax row (max; exp stored + summed; scale), the cross-entropy loss and gradient from
 * the same row sweep, and the linear classifier as one sweep per sample (scores = x·W in i-k-j order,
 * softmax + loss + dscores in place, then db and the rank-1 update dW += xᵀ·dscores). Callers
 * allocate outputs once and reuse them. No imports, so it runs in Node and in browsers.
 */
export type Float = Float32Array | Float64Array;

/** Row-wise softmax of x (rows×cols) into out. */
export function softmaxRows(x: Float, out: Float, rows: number, cols: number): void {
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

/** Mean softmax cross-entropy of logits (n×c) against labels; writes d loss / d logits to grad. */
export function crossEntropy(x: Float, labels: Int32Array, grad: Float, n: number, c: number): number {
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
 * CS231n linear softmax loss: X (n×d), W (d×c), labels; writes dW (d×c) and db (c); `scores` is a
 * c-element scratch row. Returns mean cross-entropy + reg·ΣW².
 */
export function linearSoftmax(X: Float, labels: Int32Array, W: Float, n: number, d: number, c: number,
  reg: number, dW: Float, db: Float, scores: Float64Array): number {
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
    for (let j = 0; j < c; j++) {
      scores[j] *= k1;
    }
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
