/**
 * The raw exports of build/softmax.wasm (compiled from assembly/index.ts). This is the pointer-level
 * binding: every pointer is a byte offset into `memory`, every size an i32 count of elements.
 * Kernels trust their inputs; src/api.ts validates and src/wasm/marshal.ts marshals (src/wasm/engine.ts).
 *
 * Conventions for every kernel (both `_f32` and `_f64` variants, same parameters):
 * - matrices are row-major and densely packed (row stride = cols);
 * - pointers are 4-byte aligned for f32 / i32 data and 8-byte aligned for f64 data (the arena
 *   hands out 16-byte aligned blocks);
 * - an optional pointer argument is 0 when absent (address 0 is never handed out by the arena);
 * - an output may be the same address as an input where stated ("may alias"); no partial overlap;
 * - kernels never read or write outside the ranges described here.
 * Integer codes (the reduction, the build, the long-row block) are the ones of assembly/abi_codes.ts:
 * REDUCTION_* in src/backend.ts, SIMD_BUILD_*, LONG_ROW_BLOCK and LINEAR_* here (tests/abi_codes.test.ts compares the two files).
 */

/** simd_build(): the baseline SIMD build. */
export const SIMD_BUILD_BASELINE = 0;
/** simd_build(): the relaxed-SIMD build. */
export const SIMD_BUILD_RELAXED = 1;
/** Elements per block of one long row split across threads (the *_row_blocks_* exports). */
export const LONG_ROW_BLOCK = 8192;
/** The linear classifier's small-C algorithm: its largest C, rows per block, most chunks of rows. */
export const LINEAR_SMALL_C = 64;
export const LINEAR_BLOCK_ROWS = 24;
export const LINEAR_MAX_CHUNKS = 16;

export interface SoftmaxWasmExports {
  memory: WebAssembly.Memory;
  /** First byte after the module's static data, rounded up to 16: the arena starts here. */
  heap_base(): number;
  /** SIMD_BUILD_BASELINE or SIMD_BUILD_RELAXED (absent in modules built before it existed). */
  simd_build?(): number;
  /** Bytes per block of softmax's blocked exp sum (assembly/row.ts EXPSUM_BLOCK). */
  expsum_block_bytes(): number;
  /** Bytes per group of log-softmax's blocked rest sum (assembly/row.ts REST_GROUP). */
  rest_group_bytes(): number;

  // assembly/exp.ts — vectorized exp, exported for measurement and tests.
  /** out[i] = exp(x[i]) for x ≤ 0 (the domain softmax needs); NaN → NaN; x < −87.34 → 0. */
  exp_f32(x: number, out: number, n: number): void;
  /** out[i] = exp(x[i]) for x ≤ 0; NaN → NaN; x < −708.39 → 0. */
  exp_f64(x: number, out: number, n: number): void;

  // assembly/softmax.ts — out may alias x. Fully masked rows (all −∞): softmax 0, log-softmax −∞.
  softmax_f32(x: number, out: number, rows: number, cols: number): void;
  softmax_f64(x: number, out: number, rows: number, cols: number): void;
  log_softmax_f32(x: number, out: number, rows: number, cols: number): void;
  log_softmax_f64(x: number, out: number, rows: number, cols: number): void;

  // assembly/softmax_backward.ts — out may alias y or dy. Jacobian: out is n×n, no alias.
  softmax_backward_f32(y: number, dy: number, out: number, rows: number, cols: number): void;
  softmax_backward_f64(y: number, dy: number, out: number, rows: number, cols: number): void;
  softmax_jacobian_f32(y: number, out: number, n: number): void;
  softmax_jacobian_f64(y: number, out: number, n: number): void;

  // assembly/cross_entropy.ts — fused softmax cross-entropy + gradient w.r.t. logits.
  /**
   * Exactly one of `labels` (i32[rows]) and `targets` (rows×cols probabilities) is non-zero.
   * `weights` (cols) or 0. `ignore_index`: label value to skip (integer labels only).
   * `smoothing` ε in [0, 1]. `reduction`: REDUCTION_MEAN, _SUM or _NONE (src/backend.ts).
   * `losses` (rows) or 0: per-sample losses. `grad` (rows×cols) or 0: gradient of the reduced loss
   * (of the sum for 'none'); may alias `logits`. Returns the reduced loss (sum of the per-sample losses for 'none').
   */
  cross_entropy_f32(logits: number, rows: number, cols: number, labels: number, targets: number,
    weights: number, ignore_index: number, smoothing: number, reduction: number,
    losses: number, grad: number): number;
  cross_entropy_f64(logits: number, rows: number, cols: number, labels: number, targets: number,
    weights: number, ignore_index: number, smoothing: number, reduction: number,
    losses: number, grad: number): number;

  // assembly/linear_softmax/ — linear softmax classifier loss and gradients (loss.ts dispatches at
  // C = 64 between small_c.ts and large_c.ts, each also exported under its own name below).
  /** Bytes of scratch `linear_softmax_loss_*` needs for these sizes (16-byte aligned start), as an
   * f64 so that a size beyond the 32-bit address space is reported exactly rather than wrapped. */
  linear_softmax_scratch_bytes_f32(n: number, d: number, c: number): number;
  linear_softmax_scratch_bytes_f64(n: number, d: number, c: number): number;
  /**
   * X (n×d), labels (i32[n] in [0, c)), W (d×c), bias (c) or 0, reg ≥ 0. Writes dW (d×c, may
   * alias W), db (c), and dX (n×d, may alias X) unless it is 0. Returns mean CE + reg·ΣW².
   */
  linear_softmax_loss_f32(X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number, scratch: number): number;
  linear_softmax_loss_f64(X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number, scratch: number): number;
  /** The small-C algorithm (any C; the dispatcher uses it for C ≤ 64), with its own scratch size. */
  linear_softmax_small_c_scratch_bytes_f32(n: number, d: number, c: number): number;
  linear_softmax_small_c_scratch_bytes_f64(n: number, d: number, c: number): number;
  linear_softmax_small_c_f32(X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number, scratch: number): number;
  linear_softmax_small_c_f64(X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number, scratch: number): number;
  /** The large-C algorithm (any C; the dispatcher uses it for C > 64), with its own scratch size. */
  linear_softmax_large_c_scratch_bytes_f32(n: number, d: number, c: number): number;
  linear_softmax_large_c_scratch_bytes_f64(n: number, d: number, c: number): number;
  linear_softmax_large_c_f32(X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number, scratch: number): number;
  linear_softmax_large_c_f64(X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number, scratch: number): number;

  // assembly/linear_scores.ts — the forward pass: out (n×c) = X (n×d) · W (d×c) + bias (c, or 0).
  // out overlaps none of the inputs.
  linear_scores_f32(X: number, W: number, bias: number, n: number, d: number, c: number, out: number): void;
  linear_scores_f64(X: number, W: number, bias: number, n: number, d: number, c: number, out: number): void;
  /** Columns [j0, j0 + count) of the same (the thread pool's column chunks: whole panels). */
  linear_scores_columns_f32(X: number, W: number, bias: number, n: number, d: number, c: number, out: number, j0: number, count: number): void;
  linear_scores_columns_f64(X: number, W: number, bias: number, n: number, d: number, c: number, out: number, j0: number, count: number): void;
  /** Columns per panel of linear_scores (256 bytes of a W row). */
  linear_scores_panel_cols_f32(): number;
  linear_scores_panel_cols_f64(): number;
  // assembly/logits/ — the logits toolkit. Workspace pointers are 16-byte aligned.
  /** out[i] = log Σ_j exp(x[i, j]) (out: rows floats). */
  log_sum_exp_f32(x: number, rows: number, cols: number, out: number): void;
  log_sum_exp_f64(x: number, rows: number, cols: number, out: number): void;
  /** out[i] (i32) = first index of the row max; NaN largest; −1 when cols = 0. */
  argmax_f32(x: number, rows: number, cols: number, out: number): void;
  argmax_f64(x: number, rows: number, cols: number, out: number): void;
  /** 1 ≤ k ≤ cols: values (rows×k floats), indices (rows×k i32); work: topk_scratch_bytes(cols). */
  topk_f32(x: number, rows: number, cols: number, k: number, values: number, indices: number, work: number): void;
  topk_f64(x: number, rows: number, cols: number, k: number, values: number, indices: number, work: number): void;
  topk_scratch_bytes(cols: number): number;
  // assembly/nll_loss.ts — x (outer×C×inner), labels (outer·inner), weights (C) or 0; grad may alias x.
  nll_loss_f32(x: number, outer: number, C: number, inner: number, labels: number, weights: number,
    ignoreIndex: number, reduction: number, losses: number, grad: number): number;
  nll_loss_f64(x: number, outer: number, C: number, inner: number, labels: number, weights: number,
    ignoreIndex: number, reduction: number, losses: number, grad: number): number;
  // assembly/axis/softmax.ts — softmax / log-softmax of x·s over the middle axis of (outer, C, inner),
  // the first `count` inner positions of each outer block (x, out offset to the first); out may alias x.
  softmax_axis_f32(x: number, out: number, outer: number, C: number, inner: number, s: number, count: number): void;
  softmax_axis_f64(x: number, out: number, outer: number, C: number, inner: number, s: number, count: number): void;
  log_softmax_axis_f32(x: number, out: number, outer: number, C: number, inner: number, s: number, count: number): void;
  log_softmax_axis_f64(x: number, out: number, outer: number, C: number, inner: number, s: number, count: number): void;
  // assembly/axis/cross_entropy.ts — cross-entropy over the middle axis of (outer, C, inner), the first
  // `count` positions of each outer block; rD = 1/D; l64: one f64 loss per position; returns their sum.
  cross_entropy_axis_f32(logits: number, outer: number, C: number, inner: number, count: number, labels: number, targets: number,
    weights: number, ignoreIndex: number, eps: number, rD: number, losses: number, grad: number, l64: number): number;
  cross_entropy_axis_f64(logits: number, outer: number, C: number, inner: number, count: number, labels: number, targets: number,
    weights: number, ignoreIndex: number, eps: number, rD: number, losses: number, grad: number, l64: number): number;
  /** argmax_* with the LAST index on ties (ONNX select_last_index; the last NaN, an all −∞ row's last index). */
  argmax_last_f32(x: number, rows: number, cols: number, out: number): void;
  argmax_last_f64(x: number, rows: number, cols: number, out: number): void;
  /** topk_* for the k smallest, ascending (lower index first on ties, NaN last); same workspace. */
  topk_smallest_f32(x: number, rows: number, cols: number, k: number, values: number, indices: number, work: number): void;
  topk_smallest_f64(x: number, rows: number, cols: number, k: number, values: number, indices: number, work: number): void;
  /**
   * One draw per row: temperature ≥ 0 (0 = argmax), topk (0 = off), topp (1 = off), logMinP
   * (−∞ = off), uniforms f64[rows], out i32[rows], logp / flogp floats[rows] or 0, work:
   * sample_scratch_bytes_*(cols), support u8[rows×cols] or 0 (the kept set, for tests).
   */
  sample_f32(x: number, rows: number, cols: number, temperature: number, topk: number, topp: number, logMinP: number,
    uniforms: number, out: number, logp: number, flogp: number, work: number, support: number): void;
  sample_f64(x: number, rows: number, cols: number, temperature: number, topk: number, topp: number, logMinP: number,
    uniforms: number, out: number, logp: number, flogp: number, work: number, support: number): void;
  sample_scratch_bytes_f32(cols: number): number;
  sample_scratch_bytes_f64(cols: number): number;
  /**
   * The extended sampler's options for the next sample_ex_* call: typicalP (1 = off), nSigma (0 = off),
   * hist i32 tokens + histRange i32[2·rows] (start, end) or 0, rep (1 = off), pres, freq, biasIdx
   * i32[biasN] + biasVal f64[biasN], allowed u32[rows·ceil(cols/32)] or 0.
   */
  sample_ex_set(typicalP: number, nSigma: number, hist: number, histRange: number, rep: number, pres: number, freq: number,
    biasIdx: number, biasVal: number, biasN: number, allowed: number): void;
  /**
   * sample_* with every processor and warper: n draws per row (uniforms f64[rows·n], out i32[rows·n],
   * logp / flogp [rows·n] or 0), topN (topIdx i32[rows·topN], topLp floats), filt rows×cols or 0
   * (filter's output, may be x), work: sample_ex_scratch_bytes_*(cols).
   */
  sample_ex_f32(x: number, rows: number, cols: number, temperature: number, topk: number, topp: number, logMinP: number,
    n: number, uniforms: number, out: number, logp: number, flogp: number, topN: number, topIdx: number, topLp: number,
    filt: number, work: number, support: number): void;
  sample_ex_f64(x: number, rows: number, cols: number, temperature: number, topk: number, topp: number, logMinP: number,
    n: number, uniforms: number, out: number, logp: number, flogp: number, topN: number, topIdx: number, topLp: number,
    filt: number, work: number, support: number): void;
  sample_ex_scratch_bytes_f32(cols: number): number;
  sample_ex_scratch_bytes_f64(cols: number): number;
  /** out = dy − exp(y)·rowsum(dy); out may alias y or dy. */
  log_softmax_backward_f32(y: number, dy: number, out: number, rows: number, cols: number): void;
  log_softmax_backward_f64(y: number, dy: number, out: number, rows: number, cols: number): void;
  /** softmax / log-softmax of x·invT per row; out may alias x. */
  softmax_temperature_f32(x: number, out: number, rows: number, cols: number, invT: number): void;
  softmax_temperature_f64(x: number, out: number, rows: number, cols: number, invT: number): void;
  log_softmax_temperature_f32(x: number, out: number, rows: number, cols: number, invT: number): void;
  log_softmax_temperature_f64(x: number, out: number, rows: number, cols: number, invT: number): void;

  // assembly/cross_entropy.ts, assembly/long_row.ts, assembly/linear_softmax/ — the phases the thread
  // pool splits a call into (src/wasm/threaded.ts, threaded_linear.ts; the same kernels' bodies as the
  // single calls, so results are bit-identical). cross_entropy_setup_*: the once-per-call constants
  // (the mean's denominator, Σw, max(1, max|w|)) as three f64 at out; cross_entropy_rows_*: per-row f64
  // losses of a row range, given D and the setup's Σw and max (the caller adds them in row order).
  // linear_softmax_{small,large}_c_*: prep writes the plan into the scratch s and returns the number
  // of dWT column groups (small C) or of panels (large C); the phases take (s, first, count); finish
  // returns the loss.
  cross_entropy_setup_f32(rows: number, cols: number, labels: number, targets: number, weights: number, ignore_index: number, out: number): void;
  cross_entropy_setup_f64(rows: number, cols: number, labels: number, targets: number, weights: number, ignore_index: number, out: number): void;
  cross_entropy_rows_f32(logits: number, rows: number, cols: number, labels: number, targets: number, weights: number, ignore_index: number,
    smoothing: number, D: number, losses: number, grad: number, loss64: number, wsum: number, wmax: number): void;
  cross_entropy_rows_f64(logits: number, rows: number, cols: number, labels: number, targets: number, weights: number, ignore_index: number,
    smoothing: number, D: number, losses: number, grad: number, loss64: number, wsum: number, wmax: number): void;
  // One long row in blocks of LONG_ROW_BLOCK elements (softmax / log-softmax): per-block maxes (f64),
  // then the exps and the sum blocks' lane sums, the caller's finish (block sums in order + the tail),
  // then the output pass; `blocks` is the chunk's block count, `end` the row's end.
  row_blocks_max_f32(x: number, blocks: number, end: number, maxes: number): void;
  row_blocks_max_f64(x: number, blocks: number, end: number, maxes: number): void;
  softmax_row_blocks_f32(x: number, out: number, blocks: number, end: number, m: number, partials: number): void;
  softmax_row_blocks_f64(x: number, out: number, blocks: number, end: number, m: number, partials: number): void;
  softmax_row_finish_f32(x: number, out: number, cols: number, m: number, partials: number): number;
  softmax_row_finish_f64(x: number, out: number, cols: number, m: number, partials: number): number;
  row_blocks_scale_f32(out: number, blocks: number, end: number, s: number): void;
  row_blocks_scale_f64(out: number, blocks: number, end: number, s: number): void;
  log_softmax_row_blocks_f32(x: number, blocks: number, end: number, m: number, partials: number, counts: number): void;
  log_softmax_row_blocks_f64(x: number, blocks: number, end: number, m: number, partials: number, counts: number): void;
  log_softmax_row_finish_f32(x: number, cols: number, m: number, partials: number, counts: number, blocks: number): number;
  log_softmax_row_finish_f64(x: number, cols: number, m: number, partials: number, counts: number, blocks: number): number;
  log_softmax_row_out_f32(x: number, out: number, blocks: number, end: number, m: number, ls: number): void;
  log_softmax_row_out_f64(x: number, out: number, blocks: number, end: number, m: number, ls: number): void;
  linear_softmax_small_c_threads_scratch_bytes_f32(X: number, n: number, d: number, c: number): number;
  linear_softmax_small_c_threads_scratch_bytes_f64(X: number, n: number, d: number, c: number): number;
  linear_softmax_small_c_prep_f32(X: number, labels: number, W: number, bias: number, n: number, d: number, c: number, reg: number, dW: number, db: number, dX: number, s: number): number;
  linear_softmax_small_c_prep_f64(X: number, labels: number, W: number, bias: number, n: number, d: number, c: number, reg: number, dW: number, db: number, dX: number, s: number): number;
  /** Rows per chunk of linear_softmax_small_c_chunk_* (a function of n only). */
  linear_softmax_small_c_chunk_rows(n: number): number;
  linear_softmax_small_c_chunk_f32(s: number, r0: number, count: number): void;
  linear_softmax_small_c_chunk_f64(s: number, r0: number, count: number): void;
  linear_softmax_small_c_reduce_f32(s: number, g0: number, count: number): void;
  linear_softmax_small_c_reduce_f64(s: number, g0: number, count: number): void;
  linear_softmax_small_c_finish_f32(s: number): number;
  linear_softmax_small_c_finish_f64(s: number): number;
  linear_softmax_large_c_threads_scratch_bytes_f32(n: number, d: number, c: number, ppc: number, kpc: number): number;
  linear_softmax_large_c_threads_scratch_bytes_f64(n: number, d: number, c: number, ppc: number, kpc: number): number;
  linear_softmax_large_c_prep_f32(X: number, labels: number, W: number, bias: number, n: number, d: number, c: number, reg: number, dW: number, db: number, dX: number, s: number, ppc: number, kpc: number): number;
  linear_softmax_large_c_prep_f64(X: number, labels: number, W: number, bias: number, n: number, d: number, c: number, reg: number, dW: number, db: number, dX: number, s: number, ppc: number, kpc: number): number;
  linear_softmax_large_c_panels_f32(s: number, q0: number, count: number): void;
  linear_softmax_large_c_panels_f64(s: number, q0: number, count: number): void;
  linear_softmax_large_c_rows_f32(s: number, r0: number, count: number): void;
  linear_softmax_large_c_rows_f64(s: number, r0: number, count: number): void;
  linear_softmax_large_c_dx_f32(s: number, g0: number, count: number): void;
  linear_softmax_large_c_dx_f64(s: number, g0: number, count: number): void;
  linear_softmax_large_c_dw_f32(s: number, g0: number, count: number): void;
  linear_softmax_large_c_dw_f64(s: number, g0: number, count: number): void;
  linear_softmax_large_c_finish_f32(s: number): number;
  linear_softmax_large_c_finish_f64(s: number): number;
}
