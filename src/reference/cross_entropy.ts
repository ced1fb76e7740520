/**
 * Reference softmax cross-entropy with its gradient w.r.t. the logits (mirrors
 * assembly/cross_entropy.ts), PyTorch `cross_entropy` semantics, all math in float64, rounded once
 * into the output's float type.
 *
 * Each row i gets target weights t_c (C of them, T = Σ_c t_c), with ε the label smoothing and w_c
 * the class weights (1 without weights):
 *   integer label y:     t_c = (1 − ε)·w_y·[c = y] + (ε/C)·w_c   (a row with y = ignoreIndex is skipped:
 *                         loss 0, gradient 0)
 *   probability row q:   t_c = w_c·((1 − ε)·q_c + ε/C)
 * Then loss_i = Σ_c t_c·(lse_i − z_c), computed stably as T·log Σ_c exp(z_c − m) + Σ_c t_c·(m − z_c)
 * with m the row max (terms with t_c = 0 are skipped, so a −∞ logit the target ignores costs
 * nothing), and ∂loss_i/∂z_j = T·p_j − t_j with p = softmax(z).
 *
 * Reduction: 'sum' adds; 'mean' divides the sum and the gradient by D, where D = Σ w_{y_i} over the
 * non-ignored rows with weights, else their count (probability rows: D = N); D = 0 gives loss NaN and
 * a zero gradient. 'none' fills `losses` and returns their sum (the gradient is that of the sum).
 *
 * Special rows: NaN or +∞ among the logits → loss_i NaN and gradient row NaN; all −∞ (fully
 * masked) → p = 0, loss_i = +∞ if T > 0 else 0, gradient −t (times the reduction's scale).
 */
import { REDUCTION_MEAN, type ReductionCode } from '../codes.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { expSumWithoutMax, readRow, rowKind, rowMax } from './softmax.js';

/** The normalized arguments of softmaxCrossEntropy, as both engines receive them (src/ops/cross_entropy.ts validates and fills them). */
export interface CrossEntropyArgs<A extends FloatArray = FloatArray> {
  logits: Matrix<A>;
  /** Integer labels (length N) or null when `targets` is given. */
  labels: Int32Array | null;
  /** Probability-row targets (N×C) or null when `labels` is given. */
  targets: Matrix<A> | null;
  /** Per-class weights (length C) or null. */
  weights: A | null;
  /** Label value to skip (−100 when the caller gave none, PyTorch's default). */
  ignoreIndex: number;
  /** Label smoothing ε in [0, 1]. */
  smoothing: number;
  reduction: ReductionCode;
  /** Per-sample losses (length N) to fill, or null (given exactly when reduction is 'none'). */
  losses: A | null;
  /** Gradient d loss / d logits (N×C) to fill, or null. May alias `logits`. */
  grad: Matrix<A> | null;
  /**
   * The positions after the class axis of (N, C, d1…dk) logits (d1·…·dk; absent or 1: the 2-D form).
   * With inner > 1, logits / targets / grad are `{ data, rows: N, cols: C }` over N·C·inner elements
   * and labels / losses have N·inner entries (docs/tensors.md).
   */
  inner?: number;
}

/**
 * One row of softmax cross-entropy against target weights t: returns loss_i = Σ_c t_c·(lse − z_c) and
 * writes ∂loss_i/∂z = T·p − t into g (float64, same length as z). z, t and g are distinct arrays.
 */
export function crossEntropyRow(z: ArrayLike<number>, t: ArrayLike<number>, g: Float64Array): number {
  const n = z.length;
  let T = 0;
  for (let c = 0; c < n; c++) T += t[c];

  const m = rowMax(z);
  const kind = rowKind(m);
  if (kind === 'nan') {
    g.fill(NaN);
    return NaN;
  }
  if (kind === 'masked') {
    // p = 0: every class is impossible, so any positive target mass costs +∞.
    for (let c = 0; c < n; c++) g[c] = -t[c];
    return T > 0 ? Infinity : 0;
  }

  const sum = 1 + expSumWithoutMax(z, m); // Σ_c exp(z_c − m)
  let loss = T * Math.log(sum);
  for (let c = 0; c < n; c++) {
    if (t[c] !== 0) loss += t[c] * (m - z[c]);
  }
  for (let c = 0; c < n; c++) g[c] = T * (Math.exp(z[c] - m) / sum) - t[c];
  return loss;
}

/** Target weights of row i (length C), or null when the row's integer label is ignoreIndex. */
function targetRow<A extends FloatArray>(args: CrossEntropyArgs<A>, i: number, t: Float64Array): Float64Array | null {
  const { labels, targets, weights, smoothing: eps } = args;
  const C = args.logits.cols;
  const w = (c: number) => (weights ? weights[c] : 1);
  if (labels) {
    const y = labels[i];
    if (y === args.ignoreIndex) return null;
    for (let c = 0; c < C; c++) t[c] = (eps / C) * w(c);
    t[y] += (1 - eps) * w(y);
  } else {
    const q = targets as Matrix<A>;
    for (let c = 0; c < C; c++) t[c] = w(c) * ((1 - eps) * q.data[i * C + c] + eps / C);
  }
  return t;
}

/** The 'mean' denominator D (see the top of this file). */
function meanDenominator<A extends FloatArray>(args: CrossEntropyArgs<A>): number {
  const { labels, weights, ignoreIndex } = args;
  const N = args.logits.rows;
  if (!labels) return N;
  let d = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i];
    if (y !== ignoreIndex) d += weights ? weights[y] : 1;
  }
  return d;
}

/** Softmax cross-entropy of args.logits (N×C); fills args.losses / args.grad if given; returns the loss. */
export function softmaxCrossEntropy<A extends FloatArray>(args: CrossEntropyArgs<A>): number {
  const { logits, reduction, losses, grad } = args;
  const { rows: N, cols: C } = logits;

  // The 'mean' divisor depends only on labels and weights, so it is known before any row.
  const divisor = reduction === REDUCTION_MEAN ? meanDenominator(args) : 1;
  const degenerate = divisor === 0; // 'mean' with every row ignored (or zero total weight)

  const t = new Float64Array(C);
  const g = new Float64Array(C);
  let total = 0;
  for (let i = 0; i < N; i++) {
    const ti = targetRow(args, i, t);
    let li = 0;
    if (ti === null) {
      g.fill(0);
    } else {
      li = crossEntropyRow(readRow(logits, i), ti, g); // readRow copies: grad may alias logits
    }
    total += li;
    if (losses) losses[i] = li;
    if (grad) {
      if (degenerate) g.fill(0);
      else for (let c = 0; c < C; c++) g[c] /= divisor;
      grad.data.set(g, i * C);
    }
  }

  if (reduction === REDUCTION_MEAN) return degenerate ? NaN : total / divisor;
  return total; // 'sum', and 'none' (the sum of the per-sample losses)
}
