/**
 * The "plain JS" peer of the benchmarks (in Node and in the browser page): fused typed-array loops
 * written the way a careful JS developer would without WASM: `Math.exp`, three passes per softmax
 * row (max; exp stored + summed; scale), log-softmax and the softmax backward row by row, the
 * cross-entropy loss and gradient from
 * the same row sweep, and the linear classifier as one sweep per sample (scores = x·W in i-k-j order,
 * softmax + loss + dscores in place, then db and the rank-1 update dW += xᵀ·dscores). Callers
 * allocate outputs once and reuse them. No imports, so it runs in Node and in browsers.
 */
export type Float = Float32Array | Float64Array;

/** max of x[o, end). */
function rowMax(x: Float, o: number, end: number): number {
  let m = -Infinity;
  for (let j = o; j < end; j++) if (x[j] > m) m = x[j];
  return m;
}

/** out[j] = exp(x[j] − m) over [o, end); returns their sum. */
function expSum(x: Float, out: Float, o: number, end: number, m: number): number {
  let s = 0;
  for (let j = o; j < end; j++) {
    const e = Math.exp(x[j] - m);
    out[j] = e;
    s += e;
  }
  return s;
}

/** Row-wise softmax of x (rows×cols) into out. */
export function softmaxRows(x: Float, out: Float, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols, end = o + cols;
    const k = 1 / expSum(x, out, o, end, rowMax(x, o, end));
    for (let j = o; j < end; j++) out[j] *= k;
  }
}

/** Row-wise log-softmax of x into out: x − max − log Σ exp(x − max). */
export function logSoftmaxRows(x: Float, out: Float, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols, end = o + cols;
    const m = rowMax(x, o, end);
    let s = 0;
    for (let j = o; j < end; j++) s += Math.exp(x[j] - m);
    const shift = m + Math.log(s);
    for (let j = o; j < end; j++) out[j] = x[j] - shift;
  }
}

/** Softmax backward per row: out = y ⊙ (dy − Σ_j dy_j·y_j). */
export function softmaxBackwardRows(y: Float, dy: Float, out: Float, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols, end = o + cols;
    let dot = 0;
    for (let j = o; j < end; j++) dot += dy[j] * y[j];
    for (let j = o; j < end; j++) out[j] = y[j] * (dy[j] - dot);
  }
}

/** out[i] = Math.exp(x[i]). */
export function expInto(x: Float, out: Float): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
}

/** Mean softmax cross-entropy of logits (n×c) against labels; writes d loss / d logits to grad. */
export function crossEntropy(x: Float, labels: Int32Array, grad: Float, n: number, c: number): number {
  const invN = 1 / n;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c, end = o + c, y = o + labels[i];
    const m = rowMax(x, o, end);
    const s = expSum(x, grad, o, end, m);
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
    const m = rowMax(scores, 0, c);
    const y = labels[i];
    const sy = scores[y] - m;
    const s = expSum(scores, scores, 0, c, m);
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
