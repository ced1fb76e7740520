// Fused softmax cross-entropy + gradient w.r.t. the logits (f32x4 / f64x2), PyTorch cross_entropy
// semantics (integer labels with weights / ignore_index / label smoothing, or probability rows).
// One sweep per row: max; exp(z − m) (stored into grad when wanted) with Σ exp and Σ t·(z − m);
// grad = scale·(T·e/s − t). Per-row scalars and the total are f64 (log s: Mathf.log for f32 rows).
// Error of the f32 path against f64 (256×1000, logits in ±8, with and without weights + smoothing):
// loss 3e-9 relative, grad 8e-8 relative to max |grad|; tests/assembly/cross_entropy.test.ts asserts 2e-5.
//
// Per row i, with target weights t_c (w_c = 1 without weights, ε = smoothing, C = cols):
//   integer label y:  t_c = (1−ε)·w_y·[c = y] + (ε/C)·w_c     (ignored rows: loss 0, grad 0)
//   probability row q: t_c = w_c·((1−ε)·q_c + ε/C)
//   T = Σ t_c,  m = max z,  s = Σ exp(z − m)
//   loss_i = T·log s + Σ_c t_c·(m − z_c)          (every term ≥ 0: no cancellation)
//   ∂loss_i/∂z_j = T·p_j − t_j,  p_j = exp(z_j − m)/s
// A term with t_c = 0 counts 0 even when z_c = −∞ (a masked class that carries no target weight).
// Reduction: mean → divide by D = Σ_{non-ignored} w_{y_i} (weights) or their count (no weights),
// D = rows for probability rows; D = 0 → loss NaN and grad all 0. sum / none → D = 1 ('none' writes
// losses[i]; the return value is their sum and grad is the gradient of the sum). Factors are formed
// as quotients by D in f64 (not as 1/D times), so tiny class weights (D subnormal) cannot overflow
// them; the weighted factor (ε/C)/D is applied as two multiplications (ka·kt) when it alone would
// leave the float range.
// Range: pass 2 sums Σ t·(z − m) and Σ t in f64 (f32 lanes promoted), with ε/C folded into t as the
// reference does, so f32 logits up to ±FLT_MAX and huge weights or targets give a finite loss where
// it is finite in float64 (the f64 path overflows where the reference does, up to the order of the
// sums when the loss is within a few ulps of the largest double).
// Fully masked row (all −∞): p = 0, loss_i = +∞ if T > 0 else 0, grad_j = −scale·t_j.
// NaN or +∞ anywhere in a row → that row's loss and grad are NaN.
// Layout: cross_entropy/rows.ts (one handler per kind of row), cross_entropy/passes.ts (passes 2
// and 3, the element-wise gradient forms), cross_entropy/targets.ts (the accumulation modes and
// target weights), cross_entropy/call.ts (the per-call constants).
import { call, set_class_sums } from './cross_entropy/call';
import { ce_rows } from './cross_entropy/rows';
import { ACC_D, ACC_NONE, ACC_Q, ACC_WD, ACC_WQ } from './cross_entropy/targets';
import { REDUCTION_MEAN } from './abi_codes';

/** The mean's denominator: rows for probability rows, else Σ w_y (or the count) of non-ignored rows. */
// @ts-ignore: decorator
@inline export function ce_denominator<T>(rows: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32): f64 {
  let denom: f64 = <f64>rows;
  if (!targets) {
    denom = 0;
    for (let i = 0; i < rows; i++) {
      const y = load<i32>(labels + (<usize>i << 2));
      if (y == ignore_index) continue;
      denom += weights ? <f64>load<T>(weights + <usize>y * sizeof<T>()) : 1;
    }
  }
  return denom;
}

/**
 * The one dispatch on the accumulation mode (ε/C = 0 in f64, e.g. ε = 5e-324: no smoothing), for the
 * single call and the pool's row chunks alike: rows [0, rows) by ce_rows (cross_entropy/rows.ts), each
 * mode with its own specialised row loop. call.wsum / call.wmax are set before (set_class_sums).
 */
// @ts-ignore: decorator
@inline function ce_dispatch<T>(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize, weights: usize,
  ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize): f64 {
  if (targets) {
    return weights
      ? ce_rows<T>(ACC_WQ, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64)
      : ce_rows<T>(ACC_Q, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
  }
  if (smoothing / <f64>cols == 0) {
    return ce_rows<T>(ACC_NONE, logits, rows, cols, labels, targets, weights, ignore_index, 0, D, losses, grad, loss64);
  }
  return weights
    ? ce_rows<T>(ACC_WD, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64)
    : ce_rows<T>(ACC_D, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
}

// @ts-ignore: decorator
@inline function cross_entropy<T>(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  // the mean's denominator first: a cheap pass over the labels
  const denom = ce_denominator<T>(rows, labels, targets, weights, ignore_index);
  const mean = reduction == REDUCTION_MEAN;
  if (mean && denom == 0) {
    // nothing to average (all rows ignored, or zero total weight): loss NaN, grad 0 (PyTorch)
    if (grad) memory.fill(grad, 0, <usize>rows * <usize>cols * sizeof<T>());
    if (losses) memory.fill(losses, 0, <usize>rows * sizeof<T>());
    return NaN;
  }
  set_class_sums<T>(cols, weights, targets != 0);
  const total = ce_dispatch<T>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing,
    mean ? denom : 1, losses, grad, 0);
  return mean ? total / denom : total;
}

/**
 * Fused softmax cross-entropy (+ gradient) of logits (rows×cols). Exactly one of labels (i32[rows])
 * and targets (rows×cols probabilities) is non-zero; weights (cols) or 0; reduction 0 mean, 1 sum,
 * 2 none; losses (rows) or 0; grad (rows×cols) or 0, may alias logits. Returns the reduced loss.
 */
export function cross_entropy_f32(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  return cross_entropy<f32>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, reduction, losses, grad);
}

/** Fused softmax cross-entropy (+ gradient), f64. Same parameters as cross_entropy_f32. */
export function cross_entropy_f64(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  return cross_entropy<f64>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, reduction, losses, grad);
}

// ---- the pool's entries (src/wasm/threaded.ts, split 'rowLosses'): the single call's work in row
// chunks, with every cross-chunk reduction left to the caller in a fixed order, so the result is
// bit-identical to the single call for any number of threads. The caller runs the setup once per
// call (the denominator and the class sums); each chunk runs the same dispatch and row code as the
// single call and stores each row's loss as an f64 in loss64[i]; the caller adds loss64[0],
// loss64[1], … in that order (the single call's f64 sum) and divides by the same denominator.

/**
 * The once-per-call setup of a threaded cross_entropy_f32: writes the mean's denominator, Σ_c w_c
 * and max(1, max |w_c|) (set_class_sums) as three f64 at out.
 */
export function cross_entropy_setup_f32(rows: i32, cols: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32, out: usize): void {
  ce_setup<f32>(rows, cols, labels, targets, weights, ignore_index, out);
}

/** cross_entropy_setup_f32 for f64 logits. */
export function cross_entropy_setup_f64(rows: i32, cols: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32, out: usize): void {
  ce_setup<f64>(rows, cols, labels, targets, weights, ignore_index, out);
}

// @ts-ignore: decorator
@inline function ce_setup<T>(rows: i32, cols: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32, out: usize): void {
  store<f64>(out, ce_denominator<T>(rows, labels, targets, weights, ignore_index));
  set_class_sums<T>(cols, weights, targets != 0);
  store<f64>(out, call.wsum, 8);
  store<f64>(out, call.wmax, 16);
}

/**
 * Rows [0, rows) of cross_entropy_f32 (pointers already advanced to the chunk's first row), with
 * D the divisor of the reduction (the denominator for 'mean', 1 otherwise; never 0 here) and wsum,
 * wmax from cross_entropy_setup_f32. Writes losses (or 0) and grad (or 0) as the whole call does,
 * and each row's loss as an f64 in loss64.
 */
export function cross_entropy_rows_f32(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize, wsum: f64, wmax: f64): void {
  call.wsum = wsum;
  call.wmax = wmax;
  ce_dispatch<f32>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
}

/** cross_entropy_rows_f32 for f64 logits. */
export function cross_entropy_rows_f64(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize, wsum: f64, wmax: f64): void {
  call.wsum = wsum;
  call.wmax = wmax;
  ce_dispatch<f64>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
}
