/**
 * Reference negative log-likelihood loss (mirrors assembly/nll_loss.ts), PyTorch `nll_loss` /
 * ONNX NegativeLogLikelihoodLoss, in float64, rounded once into the output's float type.
 * Layout (outer, C, inner): (N, C) with inner = 1, or (N, C, d1…dk) with inner = d1·…·dk; target
 * (n, s) is labels[n·inner + s]. loss(n, s) = −w[y]·x[n, y, s] (0 for y = ignoreIndex); 'mean'
 * divides the sum by D = Σ w[y] over the non-ignored targets (their count without weights; D = 0 →
 * NaN and a zero gradient); the gradient is −w[y]/D at (n, y, s), 0 elsewhere.
 */
import { REDUCTION_MEAN, type ReductionCode } from '../codes.js';
import type { FloatArray } from '../types_core.js';

/** nllLoss's normalized arguments: log-probabilities laid out (outer, classes, inner). */
export interface NllLossArgs<A extends FloatArray = FloatArray> {
  x: A;
  outer: number;
  classes: number;
  inner: number;
  /** outer·inner targets, each in [0, classes) or ignoreIndex. */
  labels: Int32Array;
  weights: A | null;
  ignoreIndex: number;
  reduction: ReductionCode;
  /** outer·inner per-target losses (given exactly for 'none'), or null. */
  losses: A | null;
  /** The gradient, the layout of x (may alias x), or null. */
  grad: A | null;
}

export function nllLoss<A extends FloatArray>(a: NllLossArgs<A>): number {
  const { x, outer, classes: C, inner, labels, weights, ignoreIndex, reduction, losses, grad } = a;
  const w = (y: number): number => (weights ? weights[y] : 1);
  const n = outer * inner;
  let D = 1;
  if (reduction === REDUCTION_MEAN) {
    D = 0;
    for (let t = 0; t < n; t++) if (labels[t] !== ignoreIndex) D += w(labels[t]);
  }
  // read every needed x before the gradient is written (grad may alias x)
  const picked = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < outer; i++) {
    for (let s = 0; s < inner; s++) {
      const t = i * inner + s, y = labels[t];
      const l = y === ignoreIndex ? 0 : -w(y) * x[(i * C + y) * inner + s];
      picked[t] = l;
      total += l;
    }
  }
  if (losses) losses.set(picked);
  if (grad) {
    grad.fill(0);
    if (D !== 0) {
      for (let t = 0; t < n; t++) {
        const y = labels[t];
        if (y === ignoreIndex) continue;
        const i = Math.floor(t / inner), s = t - i * inner;
        grad[(i * C + y) * inner + s] = -w(y) / D;
      }
    }
  }
  if (reduction === REDUCTION_MEAN) return D === 0 ? NaN : total / D;
  return total;
}
