/**
 * Reference linear softmax classifier loss and gradients (mirrors assembly/linear_softmax.ts), the
 * CS231n convention, all math in float64, rounded once into the outputs' float type.
 *
 *   S = X·W + b                         (N×C scores; X is N×D, W is D×C, b has length C)
 *   loss = (1/N)·Σ_i (lse(S_i) − S_{i,y_i}) + reg·ΣW²
 *   G = (softmax(S) − onehot(y)) / N    (d loss / d S)
 *   dW = Xᵀ·G + 2·reg·W,  db = Σ_i G_i,  dX = G·Wᵀ
 *
 * N = 0: the mean over no samples is NaN, dW = 2·reg·W, db = 0. Every input is copied into float64
 * before any output is written, so dW may be W and dX may be X.
 */
import type { FloatArray, Matrix } from '../types_core.js';
import { crossEntropyRow } from './cross_entropy.js';

/** The normalized arguments of linearSoftmaxLoss, as both engines receive them (src/ops/linear.ts validates and fills them). */
export interface LinearSoftmaxArgs<A extends FloatArray = FloatArray> {
  X: Matrix<A>; // N×D
  labels: Int32Array; // N entries in [0, C)
  W: Matrix<A>; // D×C
  bias: A | null; // C
  reg: number; // ≥ 0
  dW: Matrix<A>; // D×C, may alias W
  db: A; // C
  dX: Matrix<A> | null; // N×D, may alias X
}

export function linearSoftmaxLoss<A extends FloatArray>(args: LinearSoftmaxArgs<A>): number {
  const { labels, reg } = args;
  const { rows: N, cols: D } = args.X;
  const C = args.W.cols;
  const X = Float64Array.from(args.X.data); // N×D
  const W = Float64Array.from(args.W.data); // D×C
  const b = args.bias ? Float64Array.from(args.bias) : new Float64Array(C);

  // Scores, per-row loss and G = (p − onehot) / N, one row at a time.
  const G = new Float64Array(N * C);
  const s = new Float64Array(C);
  const onehot = new Float64Array(C);
  const g = new Float64Array(C);
  let dataLoss = 0;
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < C; c++) {
      let acc = b[c];
      for (let k = 0; k < D; k++) acc += X[i * D + k] * W[k * C + c];
      s[c] = acc;
    }
    onehot.fill(0);
    onehot[labels[i]] = 1;
    dataLoss += crossEntropyRow(s, onehot, g);
    for (let c = 0; c < C; c++) G[i * C + c] = g[c] / N;
  }

  // reg = 0 means no penalty at all: not 0·ΣW², which is NaN when W holds ±∞
  let sumW2 = 0;
  if (reg !== 0) for (let k = 0; k < D * C; k++) sumW2 += W[k] * W[k];
  const loss = reg === 0 ? dataLoss / N : dataLoss / N + reg * sumW2; // N = 0: 0/0 = NaN

  // dW = Xᵀ·G + 2·reg·W (D×C)
  const dW = new Float64Array(D * C);
  for (let k = 0; k < D; k++) {
    for (let c = 0; c < C; c++) {
      let acc = 0;
      for (let i = 0; i < N; i++) acc += X[i * D + k] * G[i * C + c];
      dW[k * C + c] = reg === 0 ? acc : acc + 2 * reg * W[k * C + c];
    }
  }

  // db = Σ_i G_i (C)
  const db = new Float64Array(C);
  for (let i = 0; i < N; i++) for (let c = 0; c < C; c++) db[c] += G[i * C + c];

  // dX = G·Wᵀ (N×D)
  let dX: Float64Array | null = null;
  if (args.dX) {
    dX = new Float64Array(N * D);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < D; k++) {
        let acc = 0;
        for (let c = 0; c < C; c++) acc += G[i * C + c] * W[k * C + c];
        dX[i * D + k] = acc;
      }
    }
  }

  // Every input has been read: now the outputs (which may alias W and X) are written.
  args.dW.data.set(dW);
  args.db.set(db);
  if (args.dX && dX) args.dX.data.set(dX);
  return loss;
}
