// Row-range entry points for the multi-threaded engine (src/wasm/pool.ts): the work of one
// cross_entropy_* call split into row chunks that threads run independently, with every
// cross-chunk reduction left to the caller in a fixed order, so that the result is bit-identical
// to the single call whatever the number of threads.
//
// softmax / log_softmax / softmax_backward need no entry point of their own: their rows are
// independent, so a chunk is the existing export called on a row range.
//
// cross_entropy: the existing kernel sums the per-row losses into one f64 in row order. Here each
// row's loss is computed by the same row code (ce_rows on one row) and stored as an f64 in
// loss64[i]; the caller adds loss64[0], loss64[1], … in that order, which gives the same f64 as
// the single call, and divides by the same denominator (cross_entropy_denominator_*).
import { ce_denominator } from './cross_entropy';
import { ce_rows } from './cross_entropy/rows';
import { ACC_D, ACC_NONE, ACC_Q, ACC_WD, ACC_WQ } from './cross_entropy/targets';

// @ts-ignore: decorator
@inline function ce_range_mode<T>(mode: i32, logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize): void {
  const rb = <usize>cols * sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const o = <usize>i * rb;
    const l = ce_rows<T>(mode, logits + o, 1, cols, labels + (<usize>i << 2), targets ? targets + o : 0, weights,
      ignore_index, smoothing, D, losses ? losses + <usize>i * sizeof<T>() : 0, grad ? grad + o : 0);
    store<f64>(loss64 + (<usize>i << 3), l);
  }
}

// @ts-ignore: decorator
@inline function ce_range<T>(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize, weights: usize,
  ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize): void {
  if (targets) {
    if (weights) ce_range_mode<T>(ACC_WQ, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
    else ce_range_mode<T>(ACC_Q, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
  } else if (smoothing / <f64>cols == 0) {
    ce_range_mode<T>(ACC_NONE, logits, rows, cols, labels, targets, weights, ignore_index, 0, D, losses, grad, loss64);
  } else if (weights) {
    ce_range_mode<T>(ACC_WD, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
  } else {
    ce_range_mode<T>(ACC_D, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
  }
}

/**
 * Rows [0, rows) of cross_entropy_f32 (pointers already advanced to the chunk's first row), with
 * D the divisor of the reduction (the denominator for 'mean', 1 otherwise; never 0 here). Writes
 * losses (or 0) and grad (or 0) as the whole call does, and each row's loss as an f64 in loss64.
 */
export function cross_entropy_rows_f32(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize): void {
  ce_range<f32>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
}

/** cross_entropy_rows_f32 for f64 logits. */
export function cross_entropy_rows_f64(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, D: f64, losses: usize, grad: usize, loss64: usize): void {
  ce_range<f64>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad, loss64);
}

/** The 'mean' denominator cross_entropy_f32 uses (rows for probability rows). */
export function cross_entropy_denominator_f32(rows: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32): f64 {
  return ce_denominator<f32>(rows, labels, targets, weights, ignore_index);
}

/** The 'mean' denominator cross_entropy_f64 uses. */
export function cross_entropy_denominator_f64(rows: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32): f64 {
  return ce_denominator<f64>(rows, labels, targets, weights, ignore_index);
}
