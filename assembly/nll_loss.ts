// Negative log-likelihood of given log-probabilities, with its gradient: PyTorch nll_loss
// (torch/nn/functional.py nll_loss; aten/src/ATen/native/LossNLL.cpp nll_loss_forward_out_cpu_template
// for (N, C), LossNLL2d.cpp / the reshape in functional.py for (N, C, d1…dk)) and ONNX
// NegativeLogLikelihoodLoss (onnx/defs/math/defs.py; onnx/backend/test/case/node/negativeloglikelihoodloss.py).
//
// Layout: x is (outer, C, inner) row-major, i.e. (N, C) with inner = 1 or (N, C, d1…dk) with
// inner = d1·…·dk; labels (outer·inner) i32, target (n, s) at n·inner + s; weights (C) or 0.
//   loss(n, s) = −w[y]·x[n, y, s] for y = labels[n·inner + s] ≠ ignore_index, else 0
//   'mean': Σ loss / D, D = Σ w[y] over the non-ignored targets (their count without weights);
//           D = 0 → NaN and a zero gradient (PyTorch: 0/0)
//   'sum': Σ loss; 'none': losses (outer·inner), returns their sum
//   grad (the shape of x): −w[y]/D at (n, y, s) of every non-ignored target (D = 1 unless 'mean'), 0 elsewhere.
// Exact apart from rounding: each product in f64 (f32 operands widened), one rounding per stored
// value, the total summed in f64 in target order (the reference's order). A pass over the labels
// (D), a pass over the targets reading x (losses), then the gradient (zero fill + scatter), so grad may
// alias x: every read of x is done before the first write. Scalar: a gather, bound by the memory
// the zero fill of the gradient writes (memory.fill).
import { REDUCTION_MEAN } from './abi_codes';

// @ts-ignore: decorator
@inline function weight_of<T>(weights: usize, y: i32): f64 {
  return weights ? <f64>load<T>(weights + (<usize>y << alignof<T>())) : 1.0;
}

// @ts-ignore: decorator
@inline function nll_loss<T>(x: usize, outer: i32, C: i32, inner: i32, labels: usize, weights: usize,
  ignore_index: i32, reduction: i32, losses: usize, grad: usize): f64 {
  const n = <usize>outer * <usize>inner;
  const plane = <usize>C * <usize>inner; // elements of one (C, inner) block
  // the mean's denominator: Σ w[y] over the non-ignored targets
  let D: f64 = 1;
  if (reduction == REDUCTION_MEAN) {
    D = 0;
    for (let t: usize = 0; t < n; t++) {
      const y = load<i32>(labels + (t << 2));
      if (y != ignore_index) D += weight_of<T>(weights, y);
    }
  }
  // losses and their sum, in target order
  let total: f64 = 0;
  for (let i = 0; i < outer; i++) {
    for (let s = 0; s < inner; s++) {
      const t = <usize>i * <usize>inner + <usize>s;
      const y = load<i32>(labels + (t << 2));
      let l: f64 = 0;
      if (y != ignore_index) {
        const v = <f64>load<T>(x + ((<usize>i * plane + <usize>y * <usize>inner + <usize>s) << alignof<T>()));
        l = -weight_of<T>(weights, y) * v;
      }
      total += l;
      if (losses) store<T>(losses + (t << alignof<T>()), <T>l);
    }
  }
  if (grad) {
    memory.fill(grad, 0, n * <usize>C << alignof<T>());
    if (D != 0 || reduction != REDUCTION_MEAN) {
      for (let i = 0; i < outer; i++) {
        for (let s = 0; s < inner; s++) {
          const y = load<i32>(labels + ((<usize>i * <usize>inner + <usize>s) << 2));
          if (y == ignore_index) continue;
          store<T>(grad + ((<usize>i * plane + <usize>y * <usize>inner + <usize>s) << alignof<T>()), <T>(-weight_of<T>(weights, y) / D));
        }
      }
    }
  }
  if (reduction == REDUCTION_MEAN) return D == 0 ? NaN : total / D;
  return total; // sum, and none (the sum of the losses)
}

/**
 * NLL loss of log-probabilities x (outer×C×inner f32) against labels (outer·inner i32, each in
 * [0, C) or ignore_index); weights (C) or 0; reduction 0 mean, 1 sum, 2 none; losses (outer·inner)
 * or 0; grad (outer×C×inner) or 0, may alias x. Returns the reduced loss (see the file header).
 */
export function nll_loss_f32(x: usize, outer: i32, C: i32, inner: i32, labels: usize, weights: usize,
  ignore_index: i32, reduction: i32, losses: usize, grad: usize): f64 {
  return nll_loss<f32>(x, outer, C, inner, labels, weights, ignore_index, reduction, losses, grad);
}

/** nll_loss_f32 for f64. */
export function nll_loss_f64(x: usize, outer: i32, C: i32, inner: i32, labels: usize, weights: usize,
  ignore_index: i32, reduction: i32, losses: usize, grad: usize): f64 {
  return nll_loss<f64>(x, outer, C, inner, labels, weights, ignore_index, reduction, losses, grad);
}
