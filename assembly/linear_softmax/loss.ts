// The linear softmax classifier's entry points as src/ calls them: loss and gradients (CS231n
// convention), f32 (f32x4) and f64 (f64x2), dispatched at C = SMALL_C between the two algorithms
// (small_c.ts, large_c.ts; each also exported under its own name for tests and benches).
//   scores = X·W + b, p = softmax(scores) per row, loss = mean_i(lse_i − scores[i, y_i]) + reg·ΣW²,
//   G = (p − onehot(y))/N, dW = Xᵀ·G + 2·reg·W, db = Σ_i G_i, dX = G·Wᵀ.
// Accuracy: the loss is accumulated in f64; against a float64 reference the tests see ≤ 1.1e-5
// (f32) and ≤ 2e-13 (f64) relative to the largest magnitude of each output
// (tests/assembly/linear_softmax.test.ts).
import { SMALL_C } from './plan';
import {
  linear_softmax_small_c_f32, linear_softmax_small_c_f64,
  linear_softmax_small_c_scratch_bytes_f32, linear_softmax_small_c_scratch_bytes_f64,
} from './small_c';
import {
  linear_softmax_large_c_f32, linear_softmax_large_c_f64,
  linear_softmax_large_c_scratch_bytes_f32, linear_softmax_large_c_scratch_bytes_f64,
} from './large_c';

/** Bytes of scratch for these sizes (a double, exact: may exceed the 32-bit address space). */
export function linear_softmax_scratch_bytes_f32(n: i32, d: i32, c: i32): f64 {
  return c <= SMALL_C ? linear_softmax_small_c_scratch_bytes_f32(n, d, c) : linear_softmax_large_c_scratch_bytes_f32(n, d, c);
}
export function linear_softmax_scratch_bytes_f64(n: i32, d: i32, c: i32): f64 {
  return c <= SMALL_C ? linear_softmax_small_c_scratch_bytes_f64(n, d, c) : linear_softmax_large_c_scratch_bytes_f64(n, d, c);
}

export function linear_softmax_loss_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32,
  c: i32, reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return c <= SMALL_C
    ? linear_softmax_small_c_f32(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch)
    : linear_softmax_large_c_f32(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}
export function linear_softmax_loss_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32,
  c: i32, reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return c <= SMALL_C
    ? linear_softmax_small_c_f64(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch)
    : linear_softmax_large_c_f64(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}
