// softmax-wasm core: raw-pointer kernels over linear memory. The runtime is `stub` (a bump
// allocator that never frees, which we never call): kernels allocate nothing; the JS side owns an
// arena in linear memory starting at heap_base() and passes byte offsets. See src/wasm/abi.ts.
import { SIMD_BUILD_BASELINE, SIMD_BUILD_RELAXED } from './abi_codes';
import { EXPSUM_BLOCK, REST_GROUP } from './row';

export { exp_f32, exp_f64 } from './exp';
export { softmax_f32, softmax_f64, log_softmax_f32, log_softmax_f64 } from './softmax';
export {
  softmax_backward_f32, softmax_backward_f64, softmax_jacobian_f32, softmax_jacobian_f64,
} from './softmax_backward';
export { log_softmax_backward_f32, log_softmax_backward_f64 } from './log_softmax_backward';
export {
  cross_entropy_f32, cross_entropy_f64, cross_entropy_setup_f32, cross_entropy_setup_f64, cross_entropy_rows_f32, cross_entropy_rows_f64,
} from './cross_entropy';
// ---- linear softmax classifier (assembly/linear_softmax/): the dispatching entry, each algorithm,
// and the phases the thread pool runs (src/wasm/threaded_linear.ts) ----
export {
  linear_softmax_scratch_bytes_f32, linear_softmax_scratch_bytes_f64,
  linear_softmax_loss_f32, linear_softmax_loss_f64,
} from './linear_softmax/loss';
export {
  linear_softmax_small_c_scratch_bytes_f32, linear_softmax_small_c_scratch_bytes_f64,
  linear_softmax_small_c_f32, linear_softmax_small_c_f64,
  linear_softmax_small_c_threads_scratch_bytes_f32, linear_softmax_small_c_threads_scratch_bytes_f64,
  linear_softmax_small_c_prep_f32, linear_softmax_small_c_prep_f64,
  linear_softmax_small_c_chunk_rows,
  linear_softmax_small_c_chunk_f32, linear_softmax_small_c_chunk_f64,
  linear_softmax_small_c_reduce_f32, linear_softmax_small_c_reduce_f64,
  linear_softmax_small_c_finish_f32, linear_softmax_small_c_finish_f64,
} from './linear_softmax/small_c';
export {
  linear_softmax_large_c_scratch_bytes_f32, linear_softmax_large_c_scratch_bytes_f64,
  linear_softmax_large_c_f32, linear_softmax_large_c_f64,
  linear_softmax_large_c_threads_scratch_bytes_f32, linear_softmax_large_c_threads_scratch_bytes_f64,
  linear_softmax_large_c_prep_f32, linear_softmax_large_c_prep_f64,
  linear_softmax_large_c_panels_f32, linear_softmax_large_c_panels_f64,
  linear_softmax_large_c_rows_f32, linear_softmax_large_c_rows_f64,
  linear_softmax_large_c_dx_f32, linear_softmax_large_c_dx_f64,
  linear_softmax_large_c_dw_f32, linear_softmax_large_c_dw_f64,
  linear_softmax_large_c_finish_f32, linear_softmax_large_c_finish_f64,
} from './linear_softmax/large_c';

/** Which build this is: 0 = baseline SIMD (softmax.wasm), 1 = relaxed SIMD (softmax.relaxed.wasm). */
export function simd_build(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? SIMD_BUILD_RELAXED : SIMD_BUILD_BASELINE;
}

/**
 * Bytes per block of softmax's blocked exp sum (row.ts EXPSUM_BLOCK): a row's sum is its block sums
 * added in block order, and the pool's long-row phase 2 (src/wasm/threaded.ts) keeps one lane sum per block.
 */
export function expsum_block_bytes(): i32 {
  return <i32>EXPSUM_BLOCK;
}

/** Bytes per group of log-softmax's blocked rest sum (row.ts REST_GROUP), as expsum_block_bytes. */
export function rest_group_bytes(): i32 {
  return <i32>REST_GROUP;
}

/** First free byte after static data, 16-byte aligned: the JS arena starts here. */
export function heap_base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
export {
  linear_scores_f32, linear_scores_f64, linear_scores_columns_f32, linear_scores_columns_f64,
  linear_scores_panel_cols_f32, linear_scores_panel_cols_f64,
} from './linear_scores';

// ---- logits toolkit (assembly/logits/): temperature, log-sum-exp, argmax, top-k, sampling ----
export { log_sum_exp_f32, log_sum_exp_f64 } from './logits/logsumexp';
export { argmax_f32, argmax_f64, argmax_last_f32, argmax_last_f64 } from './logits/argmax';
export { topk_f32, topk_f64, topk_smallest_f32, topk_smallest_f64, topk_scratch_bytes } from './logits/topk';
export { sample_f32, sample_f64, sample_scratch_bytes_f32, sample_scratch_bytes_f64 } from './logits/sample';
export { sample_ex_f32, sample_ex_f64, sample_ex_scratch_bytes_f32, sample_ex_scratch_bytes_f64, sample_ex_set } from './logits/sample';
export {
  softmax_temperature_f32, softmax_temperature_f64, log_softmax_temperature_f32, log_softmax_temperature_f64,
} from './logits/softmax_temperature';
export {
  row_blocks_max_f32, row_blocks_max_f64, softmax_row_blocks_f32, softmax_row_blocks_f64,
  softmax_row_finish_f32, softmax_row_finish_f64, row_blocks_scale_f32, row_blocks_scale_f64,
  log_softmax_row_blocks_f32, log_softmax_row_blocks_f64, log_softmax_row_finish_f32, log_softmax_row_finish_f64,
  log_softmax_row_out_f32, log_softmax_row_out_f64,
} from './long_row';

// ---- the tensor round (docs/tensors.md): NLL loss, softmax over a non-last axis ----
export { nll_loss_f32, nll_loss_f64 } from './nll_loss';
export { softmax_axis_f32, softmax_axis_f64, log_softmax_axis_f32, log_softmax_axis_f64 } from './axis/softmax';
export { cross_entropy_axis_f32, cross_entropy_axis_f64 } from './axis/cross_entropy';
