/**
 * linearSoftmaxLoss on the thread pool: the phases of assembly/linear_softmax/ (small_c.ts for
 * C ≤ 64, large_c.ts above) published as chunks, with the caller running prep and finish. Every
 * chunk writes only its own rows / columns / panels and every cross-chunk sum (dWT over row
 * blocks, dX over chunks of C, db and the loss over rows, ΣW² over panels) is done in a fixed order
 * inside the kernels, so the result is bit-identical to the single call for any thread count.
 * Chunk sizes depend on the shape only.
 */
import type { SoftmaxWasmExports } from './abi.js';
import { overlaps } from './partition.js';
import type { Pool } from './pool.js';

/** Largest C of the small-C algorithm (assembly/linear_softmax/plan.ts SMALL_C). */
const SMALL_C = 64;
/** Below N·D·max(C, 4) = 2^20 the linear classifier runs on the calling thread. */
const MIN_WORK = 2 ** 20;
/** Fewer rows than two blocks of the small-C kernel (24 rows) stay on the calling thread. */
const SMALL_C_MIN_ROWS = 48;

/** The phase exports the pool runs, in the order threaded.ts appends them to its function list. */
export const LINEAR_PHASES = [
  'linear_softmax_small_c_rows_f32', 'linear_softmax_small_c_rows_f64',
  'linear_softmax_small_c_dwt_f32', 'linear_softmax_small_c_dwt_f64',
  'linear_softmax_small_c_dx_f32', 'linear_softmax_small_c_dx_f64',
  'linear_softmax_large_c_panels_f32', 'linear_softmax_large_c_panels_f64',
  'linear_softmax_large_c_rows_f32', 'linear_softmax_large_c_rows_f64',
  'linear_softmax_large_c_dx_f32', 'linear_softmax_large_c_dx_f64',
  'linear_softmax_large_c_dw_f32', 'linear_softmax_large_c_dw_f64',
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
const WHAT = 'linearSoftmaxLoss';

/** The pool's linear_softmax_loss_f32 / _f64: threaded above the size threshold, else the single call. */
export function threadedLinear(ctx: LinearPoolContext): { linear_softmax_loss_f32: Loss; linear_softmax_loss_f64: Loss } {
  const { pool, raw } = ctx;
  /** Runs `phase` over `total` items in chunks of `per` (args: scratch, first item, count). */
  const run = (phase: Phase, s: number, total: number, per: number, inPlace = false): void =>
    pool.run(ctx.first + LINEAR_PHASES.indexOf(phase), [s, 0, 0], [0, 1, 0], 2, total, per, inPlace, WHAT);

  const small = (sfx: 'f32' | 'f64', X: number, labels: number, W: number, bias: number, n: number, d: number,
    c: number, reg: number, dW: number, db: number, dX: number): number | null => {
    const bytes = raw[`linear_softmax_small_c_threads_scratch_bytes_${sfx}`](X, n, d, c);
    if (!(bytes <= 2 ** 31)) return null;
    const s = ctx.buffer(bytes);
    const groups = raw[`linear_softmax_small_c_prep_${sfx}`](X, labels, W, bias, n, d, c, reg, dW, db, dX, s);
    // rows: blocks of 24 rows (the kernel's block), ~64K elements of X per chunk
    run(`linear_softmax_small_c_rows_${sfx}`, s, n, 24 * Math.max(1, Math.round(65536 / (24 * d))));
    run(`linear_softmax_small_c_dwt_${sfx}`, s, groups, Math.max(1, Math.round(65536 / (n * 16))));
    if (dX) run(`linear_softmax_small_c_dx_${sfx}`, s, n, 4 * Math.max(1, Math.round(16384 / (4 * d))));
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
    if (c <= SMALL_C && n < SMALL_C_MIN_ROWS) return whole();
    const path = c <= SMALL_C ? small : large;
    return path(sfx, X, labels, W, bias, n, d, c, reg, dW, db, dX) ?? whole();
  };
  return { linear_softmax_loss_f32: loss('f32'), linear_softmax_loss_f64: loss('f64') };
}
