/**
 * Chunk planning for the thread pool. Every number here depends on the problem's shape only, never
 * on the number of threads, and the threaded kernels are written so that even the chunk size does
 * not change a bit of the result (rows are independent; cross-row sums are done by the caller in
 * row order): these sizes are about speed.
 */
import { LAYOUT } from './worker.js';

/** The one overlap test of byte ranges (src/validate.ts), for the pool's in-place decisions. */
export { overlaps } from '../validate.js';

/** Elements of work per chunk: ~64 KiB of f32 rows, a few tens of µs per chunk. */
export const CHUNK_ELEMS = 16384;
/** Below this many elements a call runs on the calling thread only (dispatch would cost more). */
export const PARALLEL_MIN_ELEMS = 49152;
/** Most chunks of one job: the pool control block's (worker.ts LAYOUT). */
export const MAX_CHUNKS = LAYOUT.MAX_CHUNKS;

export interface RowPlan { rowsPerChunk: number; chunks: number }

/**
 * Rows per chunk for a row-wise job of rows × cols, or null when the job should stay on the calling
 * thread (too small, or a single chunk). `weight` scales the work per element (e.g. 2 for the
 * fused cross-entropy).
 */
export function planRows(rows: number, cols: number, weight = 1): RowPlan | null {
  const work = rows * Math.max(cols, 1) * weight;
  if (rows < 2 || work < PARALLEL_MIN_ELEMS) return null;
  let rpc = Math.max(1, Math.floor(CHUNK_ELEMS / (Math.max(cols, 1) * weight)));
  rpc = Math.max(rpc, Math.ceil(rows / MAX_CHUNKS));
  const chunks = Math.ceil(rows / rpc);
  return chunks < 2 ? null : { rowsPerChunk: rpc, chunks };
}
