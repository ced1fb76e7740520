/**
 * Optimizers for the trainer: SGD with momentum (optionally Nesterov, CS231n form) and Adam. Their
 * state is float64; parameters are updated in place in their own float type.
 */
import type { FloatArray } from '../types.js';

export interface Optimizer {
  /** θ ← update(θ, g) for the parameter with state slot `slot`; `t` is the 1-based step. */
  update(slot: number, theta: FloatArray, g: FloatArray, lr: number, t: number): void;
}

/** SGD with momentum μ ∈ [0, 1): v ← μ·v − lr·g, θ ← θ + v (Nesterov: θ ← θ − μ·v_prev + (1 + μ)·v). `sizes`: one state slot per parameter. */
export function sgd(sizes: readonly number[], mu: number, nesterov: boolean): Optimizer {
  const v = sizes.map((n) => new Float64Array(n));
  return {
    update(slot, theta, g, lr) {
      const vs = v[slot];
      const n = vs.length;
      if (mu === 0) {
        for (let i = 0; i < n; i++) theta[i] -= lr * g[i];
      } else if (!nesterov) {
        for (let i = 0; i < n; i++) {
          const vi = mu * vs[i] - lr * g[i];
          vs[i] = vi;
          theta[i] += vi;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const prev = vs[i];
          const vi = mu * prev - lr * g[i];
          vs[i] = vi;
          theta[i] += -mu * prev + (1 + mu) * vi;
        }
      }
    },
  };
}

/** Adam with bias correction (β₁, β₂, ε). `sizes`: one state slot per parameter. */
export function adam(sizes: readonly number[], b1: number, b2: number, eps: number): Optimizer {
  const m = sizes.map((n) => new Float64Array(n));
  const v = sizes.map((n) => new Float64Array(n));
  return {
    update(slot, theta, g, lr, t) {
      const ms = m[slot], vs = v[slot];
      const n = ms.length;
      const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const mi = (ms[i] = b1 * ms[i] + (1 - b1) * gi);
        const vi = (vs[i] = b2 * vs[i] + (1 - b2) * gi * gi);
        theta[i] -= (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
      }
    },
  };
}
