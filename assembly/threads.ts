// Row-range entry points for the multi-threaded engine (src/wasm/pool.ts): the work of one
// cross_entropy_* call split into row chunks that threads run independently, with every
// cross-chunk reduction left to the caller in a fixed order, so that the result is bit-identical
// to the single call whatever the number of threads.
//
// softmax / log_softmax / softmax_backward on many rows need no entry point of their own: their
// rows are independent, so a chunk is the existing export called on a row range.
//
// One long row (softmax, log_softmax): split into blocks of LONG_ROW_BLOCK elements (a fixed size,
// a whole number of the 2 KiB / 4 KiB sum blocks of row.ts). Phase 1: each block's max (row_blocks_
// max_*), folded by the caller (a max is order-free). Phase 2: each block's exps and, per sum block,
// its lane sums (expsum_block / rest_span, the very code of the single call), stored; the caller
// adds them in block order and finishes the tail (*_row_finish_*), which is exactly the addition
// sequence of the single call. Phase 3: the element-wise output pass per block.
//
// cross_entropy: the existing kernel sums the per-row losses into one f64 in row order. Here each
// row's loss is computed by the same row code (ce_rows on one row) and stored as an f64 in
// loss64[i]; the caller adds loss64[0], loss64[1], … in that order, which gives the same f64 as
// the single call, and divides by the same denominator (cross_entropy_denominator_*).
import { ce_denominator } from './cross_entropy';
import { ce_rows } from './cross_entropy/rows';
import { ACC_D, ACC_NONE, ACC_Q, ACC_WD, ACC_WQ } from './cross_entropy/targets';
import { LONG_ROW_BLOCK } from './abi_codes';
import {
  EXPSUM_BLOCK, REST_GROUP, expsum_block, expsum_tail, log_rest, rest_count, rest_span, rest_tail, row_count_eq, row_log_softmax_out,
  row_max, row_scale,
} from './row';

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

// ---- one long row in blocks ----

/** Bytes of `blocks` blocks of T from a block start, clipped to the row end. */
// @ts-ignore: decorator
@inline function blocks_end<T>(p: usize, blocks: i32, end: usize): usize {
  return min(end, p + <usize>blocks * <usize>LONG_ROW_BLOCK * sizeof<T>());
}

/** How many sum blocks of `blockBytes` the single call adds for a row of `bytes` (those with ≥ 32 bytes). */
// @ts-ignore: decorator
@inline function sum_blocks(bytes: usize, blockBytes: usize): usize {
  return bytes / blockBytes + (bytes % blockBytes >= 32 ? 1 : 0);
}

/** The max of each block of [x, end) from x (blocks of them), as f64 at maxes[0…blocks). */
// @ts-ignore: decorator
@inline function row_blocks_max<T>(x: usize, blocks: i32, end: usize, maxes: usize): void {
  for (let b = 0; b < blocks; b++) {
    const p = x + <usize>b * <usize>LONG_ROW_BLOCK * sizeof<T>();
    store<f64>(maxes + (<usize>b << 3), <f64>row_max<T>(p, blocks_end<T>(p, 1, end)));
  }
}

/**
 * Softmax phase 2 on blocks [x, …) of a row ending at end: out = exp(x − m), and the lane sums of
 * each EXPSUM_BLOCK at partials (16 bytes each, in order).
 */
// @ts-ignore: decorator
@inline function softmax_row_blocks<T>(x: usize, out: usize, blocks: i32, end: usize, m: T, partials: usize): void {
  const blockEnd = blocks_end<T>(x, blocks, end);
  let slot = partials;
  for (let p = x; p + 32 <= blockEnd; slot += 16) {
    const sumEnd = min(blockEnd, p + EXPSUM_BLOCK);
    v128.store(slot, expsum_block<T>(p, sumEnd, m, 1, false, out - x, true));
    p += (sumEnd - p) & ~(<usize>31);
  }
}

/** Softmax: the row's exp sum from the stored block sums (added in order) and the row's tail. */
// @ts-ignore: decorator
@inline function softmax_row_finish<T>(x: usize, out: usize, cols: i32, m: T, partials: usize): T {
  const bytes = <usize>cols * sizeof<T>();
  const n = sum_blocks(bytes, EXPSUM_BLOCK);
  let vtot = v128.splat<T>(0);
  for (let i: usize = 0; i < n; i++) vtot = v128.add<T>(vtot, v128.load(partials + (i << 4)));
  return expsum_tail<T>(x + (bytes & ~(<usize>31)), x + bytes, m, 1, false, out - x, true, vtot);
}

/**
 * log-softmax phase 2 on blocks [x, …) of a row ending at end: per block, the lane sums of its
 * REST_GROUPs at partials (16 bytes each, in order) and its count of x = m at counts (i32).
 */
// @ts-ignore: decorator
@inline function log_softmax_row_blocks<T>(x: usize, blocks: i32, end: usize, m: T, partials: usize, counts: usize): void {
  const groups = <usize>LONG_ROW_BLOCK * sizeof<T>() / REST_GROUP;
  for (let b = 0; b < blocks; b++) {
    const p = x + <usize>b * <usize>LONG_ROW_BLOCK * sizeof<T>();
    const rk = rest_span<T>(p, blocks_end<T>(p, 1, end), m, partials + <usize>b * groups * 16);
    store<i32>(counts + (<usize>b << 2), rest_count<T>(rk));
  }
}

/** log-softmax: ls = log Σ exp(x − m) from the stored group sums and counts of `blocks` blocks, and the tail. */
// @ts-ignore: decorator
@inline function log_softmax_row_finish<T>(x: usize, cols: i32, m: T, partials: usize, counts: usize, blocks: i32): T {
  const bytes = <usize>cols * sizeof<T>();
  const n = sum_blocks(bytes, REST_GROUP);
  let vtot = v128.splat<T>(0);
  for (let i: usize = 0; i < n; i++) vtot = v128.add<T>(vtot, v128.load(partials + (i << 4)));
  const tail = x + (bytes & ~(<usize>31));
  let k = row_count_eq<T>(tail, x + bytes, m);
  for (let b = 0; b < blocks; b++) k += load<i32>(counts + (<usize>b << 2));
  return log_rest<T>(rest_tail<T>(tail, x + bytes, m, vtot), k);
}

/** Max of each block (softmax / log-softmax phase 1): blocks from x, row end `end`, f64 maxes. */
export function row_blocks_max_f32(x: usize, blocks: i32, end: usize, maxes: usize): void {
  row_blocks_max<f32>(x, blocks, end, maxes);
}

/** row_blocks_max_f32 for f64 rows. */
export function row_blocks_max_f64(x: usize, blocks: i32, end: usize, maxes: usize): void {
  row_blocks_max<f64>(x, blocks, end, maxes);
}

/** Softmax phase 2 of a long row: exps into out, the sum blocks' lane sums into partials. */
export function softmax_row_blocks_f32(x: usize, out: usize, blocks: i32, end: usize, m: f64, partials: usize): void {
  softmax_row_blocks<f32>(x, out, blocks, end, <f32>m, partials);
}

/** softmax_row_blocks_f32 for f64 rows. */
export function softmax_row_blocks_f64(x: usize, out: usize, blocks: i32, end: usize, m: f64, partials: usize): void {
  softmax_row_blocks<f64>(x, out, blocks, end, m, partials);
}

/** Softmax of a long row: the exp sum s (partials of softmax_row_blocks_f32, then the tail). */
export function softmax_row_finish_f32(x: usize, out: usize, cols: i32, m: f64, partials: usize): f64 {
  return <f64>softmax_row_finish<f32>(x, out, cols, <f32>m, partials);
}

/** softmax_row_finish_f32 for f64 rows. */
export function softmax_row_finish_f64(x: usize, out: usize, cols: i32, m: f64, partials: usize): f64 {
  return softmax_row_finish<f64>(x, out, cols, m, partials);
}

/** Softmax phase 3 of a long row: out *= 1/s on blocks from out (row end `end`). */
export function row_blocks_scale_f32(out: usize, blocks: i32, end: usize, s: f64): void {
  row_scale<f32>(out, blocks_end<f32>(out, blocks, end), <f32>1 / <f32>s);
}

/** row_blocks_scale_f32 for f64 rows. */
export function row_blocks_scale_f64(out: usize, blocks: i32, end: usize, s: f64): void {
  row_scale<f64>(out, blocks_end<f64>(out, blocks, end), 1 / s);
}

/** log-softmax phase 2 of a long row: the rest sums per group into partials, the counts of x = m into counts. */
export function log_softmax_row_blocks_f32(x: usize, blocks: i32, end: usize, m: f64, partials: usize, counts: usize): void {
  log_softmax_row_blocks<f32>(x, blocks, end, <f32>m, partials, counts);
}

/** log_softmax_row_blocks_f32 for f64 rows. */
export function log_softmax_row_blocks_f64(x: usize, blocks: i32, end: usize, m: f64, partials: usize, counts: usize): void {
  log_softmax_row_blocks<f64>(x, blocks, end, m, partials, counts);
}

/** log-softmax of a long row: ls = log Σ exp(x − m) from phase 2 of all `blocks` blocks. */
export function log_softmax_row_finish_f32(x: usize, cols: i32, m: f64, partials: usize, counts: usize, blocks: i32): f64 {
  return <f64>log_softmax_row_finish<f32>(x, cols, <f32>m, partials, counts, blocks);
}

/** log_softmax_row_finish_f32 for f64 rows. */
export function log_softmax_row_finish_f64(x: usize, cols: i32, m: f64, partials: usize, counts: usize, blocks: i32): f64 {
  return log_softmax_row_finish<f64>(x, cols, m, partials, counts, blocks);
}

/** log-softmax phase 3 of a long row: out = (x − m) − ls on blocks from x (row end `end`). */
export function log_softmax_row_out_f32(x: usize, out: usize, blocks: i32, end: usize, m: f64, ls: f64): void {
  row_log_softmax_out<f32>(x, blocks_end<f32>(x, blocks, end), out - x, <f32>m, 1, false, <f32>ls);
}

/** log_softmax_row_out_f32 for f64 rows. */
export function log_softmax_row_out_f64(x: usize, out: usize, blocks: i32, end: usize, m: f64, ls: f64): void {
  row_log_softmax_out<f64>(x, blocks_end<f64>(x, blocks, end), out - x, m, 1, false, ls);
}
