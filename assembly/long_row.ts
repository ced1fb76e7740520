// One long softmax / log-softmax row in blocks, the pool's entries for a few long rows
// (src/wasm/threaded.ts; the pool's row chunks of the other row ops call the ops' own exports on a
// row range, and cross-entropy's row chunks are in cross_entropy.ts).
//
// The row is split into blocks of LONG_ROW_BLOCK elements (a fixed size, a whole number of the
// 2 KiB / 4 KiB sum blocks of row.ts). Phase 1: each block's max (row_blocks_max_*), folded by the
// caller (a max is order-free). Phase 2: each block's exps and, per sum block, its lane sums
// (expsum_block / rest_span, the very code of the single call), stored; the caller adds them in
// block order and finishes the tail (*_row_finish_*), which is exactly the addition sequence of the
// single call, so the result is bit-identical whatever the number of threads. Phase 3: the
// element-wise output pass per block.
import { LONG_ROW_BLOCK } from './abi_codes';
import {
  EXPSUM_BLOCK, REST_GROUP, expsum_block, expsum_tail, log_rest, rest_count, rest_span, rest_tail, row_count_eq, row_log_softmax_out,
  row_max, row_scale,
} from './row';

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
