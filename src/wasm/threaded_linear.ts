/**
 * linearSoftmaxLoss on the thread pool: the phases of assembly/linear_softmax/ (small_c.ts for
 * C ≤ LINEAR_SMALL_C, large_c.ts above) published as chunks, with the caller running prep and
 * finish. Every chunk writes only its own rows / columns / panels / dWᵀ partial and every
 * cross-chunk sum (dWᵀ over chunks of rows, dX over chunks of C, db and the loss over rows, ΣW²
 * over panels) is done in a fixed order inside the kernels, the single call included, so the
 * result is bit-identical to it for any thread count. Chunk sizes depend on the shape only.
 */
import { LINEAR_SMALL_C, type SoftmaxWasmExports } from './abi.js';
import { overlaps } from './partition.js';
import type { Pool } from './pool.js';

/** Below N·D·max(C, 4) = 2^20 the linear classifier runs on the calling thread. */
const MIN_WORK = 2 ** 20;

/** The phase exports the pool runs, in the order threaded.ts appends them to its function list. */
export const LINEAR_PHASES = [
  'linear_softmax_small_c_chunk_f32', 'linear_softmax_small_c_chunk_f64',
  'linear_softmax_small_c_reduce_f32', 'linear_softmax_small_c_reduce_f64',
  'linear_softmax_large_c_panels_f32', 'linear_softmax_large_c_panels_f64',
  'linear_softmax_large_c_rows_f32', 'linear_softmax_large_c_rows_f64',
  'linear_softmax_large_c_dx_f32', 'linear_softmax_large_c_dx_f64',
  'linear_softmax_large_c_dw_f32', 'linear_softmax_large_c_dw_f64',
  'linear_scores_f32', 'linear_scores_f64', 'linear_scores_columns_f32', 'linear_scores_columns_f64',
] as const;
type Phase = (typeof LINEAR_PHASES)[number];

export interface LinearPoolContext {
  pool: Pool;
  raw: SoftmaxWasmExports;
  /** Index of LINEAR_PHASES[0] in the pool's function list. */
  first: number;
  /** Whether the arena is attached (the scratch comes from it). */
  ready(): boolean;
  /** A block of at least `bytes` in the arena, kept across calls. */
  buffer(bytes: number): number;
}

type Loss = SoftmaxWasmExports['linear_softmax_loss_f32'];
type Scores = SoftmaxWasmExports['linear_scores_f32'];
const WHAT = 'linearSoftmaxLoss';
/** linearScores: rows per chunk are a multiple of the kernel's 12-row block; C of 2 panels or more splits by panels. */
const SCORES_ROW_BLOCK = 12;

/**
 * The pool's linear_softmax_loss_f32 / _f64 and linear_scores_f32 / _f64: threaded above the size
 * threshold, else the single call.
 */
export function threadedLinear(ctx: LinearPoolContext): {
  linear_softmax_loss_f32: Loss; linear_softmax_loss_f64: Loss; linear_scores_f32: Scores; linear_scores_f64: Scores;
} {
  const { pool, raw } = ctx;
  /** Runs `phase` over `total` items in chunks of `per` (args: scratch, first item, count). */
  const run = (phase: Phase, s: number, total: number, per: number, inPlace = false): void =>
    pool.run(ctx.first + LINEAR_PHASES.indexOf(phase), [s, 0, 0], [0, 1, 0], 2, total, per, inPlace, WHAT);

  const small = (sfx: 'f32' | 'f64', X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number): number | null => {
    const chunkRows = raw.linear_softmax_small_c_chunk_rows(n);
    if (n <= chunkRows) return null; // one chunk: nothing to share
    const bytes = raw[`linear_softmax_small_c_threads_scratch_bytes_${sfx}`](X, n, d, c);
    if (!(bytes <= 2 ** 31)) return null;
    const s = ctx.buffer(bytes);
    const groups = raw[`linear_softmax_small_c_prep_${sfx}`](X, labels, W, bias, n, d, c, reg, dW, db, dX, s);
    // whole chunks of the kernel's (its dWᵀ partials), then the partials added by column groups of
    // ~16K elements of dWᵀ; dX overwriting X: a started chunk cannot run again
    const E = sfx === 'f32' ? 4 : 8;
    run(`linear_softmax_small_c_chunk_${sfx}`, s, n, chunkRows, dX !== 0 && overlaps(dX, n * d * E, X, n * d * E));
    run(`linear_softmax_small_c_reduce_${sfx}`, s, groups, Math.max(1, Math.round(16384 / (Math.ceil(c / 4) * 4 * 16))));
    return raw[`linear_softmax_small_c_finish_${sfx}`](s);
  };

  const large = (sfx: 'f32' | 'f64', X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number): number | null => {
    const E = sfx === 'f32' ? 4 : 8;
    const ppc = 2, kpc = Math.max(1, Math.round(4e6 / (n * c * 8)));
    const bytes = raw[`linear_softmax_large_c_threads_scratch_bytes_${sfx}`](n, d, c, ppc, kpc);
    if (!(bytes <= 2 ** 31)) return null;
    const s = ctx.buffer(bytes);
    const panels = raw[`linear_softmax_large_c_prep_${sfx}`](X, labels, W, bias, n, d, c, reg, dW, db, dX, s, ppc, kpc);
    run(`linear_softmax_large_c_panels_${sfx}`, s, panels, ppc);
    run(`linear_softmax_large_c_rows_${sfx}`, s, n, Math.max(1, Math.round(32768 / c)));
    const groups = Math.ceil(d / 4); // of 4 rows of D
    if (dX) run(`linear_softmax_large_c_dx_${sfx}`, s, groups, kpc);
    // a dW chunk reads W before it overwrites it: with reg ≠ 0 and dW = W it cannot run twice
    run(`linear_softmax_large_c_dw_${sfx}`, s, groups, kpc, reg !== 0 && overlaps(dW, d * c * E, W, d * c * E));
    return raw[`linear_softmax_large_c_finish_${sfx}`](s);
  };

  const loss = (sfx: 'f32' | 'f64'): Loss => (X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch) => {
    const whole = (): number => raw[`linear_softmax_loss_${sfx}`](X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
    if (pool.workers() === 0 || !ctx.ready() || n * d * Math.max(c, 4) < MIN_WORK || d < 4) return whole();
    const path = c <= LINEAR_SMALL_C ? small : large;
    return path(sfx, X, labels, W, bias, n, d, c, reg, dW, db, dX) ?? whole();
  };

  // linearScores: every score is one chain over k (assembly/linear_scores.ts), so any split of the
  // rows or of the columns gives the same bits. Small C: chunks of rows (~2^19 multiply-adds each);
  // C of 2 panels or more: chunks of whole column panels (W is read from memory once either way).
  const scores = (sfx: 'f32' | 'f64'): Scores => (X, W, bias, n, d, c, out) => {
    const E = sfx === 'f32' ? 4 : 8;
    if (pool.workers() === 0 || n * d * c < MIN_WORK) { raw[`linear_scores_${sfx}`](X, W, bias, n, d, c, out); return; }
    const pw = raw[`linear_scores_panel_cols_${sfx}`]();
    if (c >= 2 * pw) {
      const per = pw * Math.max(1, Math.round(2 ** 19 / (n * d * pw)));
      pool.run(ctx.first + LINEAR_PHASES.indexOf(`linear_scores_columns_${sfx}`), [X, W, bias, n, d, c, out, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 1, 0], 8, c, per, false, 'linearScores');
    } else if (n >= 2 * SCORES_ROW_BLOCK) {
      const per = SCORES_ROW_BLOCK * Math.max(1, Math.round(2 ** 19 / (SCORES_ROW_BLOCK * d * c)));
      pool.run(ctx.first + LINEAR_PHASES.indexOf(`linear_scores_${sfx}`), [X, W, bias, 0, d, c, out],
        [d * E, 0, 0, 0, 0, 0, c * E], 3, n, per, false, 'linearScores');
    } else {
      raw[`linear_scores_${sfx}`](X, W, bias, n, d, c, out);
    }
  };
  return {
    linear_softmax_loss_f32: loss('f32'), linear_softmax_loss_f64: loss('f64'),
    linear_scores_f32: scores('f32'), linear_scores_f64: scores('f64'),
  };
}
