/**
 * `loadWasm({ threads })`: the threads build of the kernels (build/softmax[.relaxed].threads.wasm:
 * the same sources compiled with `--enable threads`, importing a shared memory with a declared
 * maximum) instantiated on the calling thread and in every worker of a Pool over one shared
 * WebAssembly.Memory, and the raw exports wrapped so that the row-wise kernels run in chunks on
 * the pool. The engine in kernels.ts marshals exactly as for one thread: it sees the same exports
 * (pointer-level signatures), only faster.
 *
 * Which kernels are split, and why the bits cannot change:
 *   softmax, logSoftmax, softmaxBackward: chunks of whole rows; each row is computed by the same
 *     code as in the single call.
 *   softmax, logSoftmax of a few long rows (fewer than LONG_ROW_MAX_ROWS rows of at least
 *     PARALLEL_MIN_ELEMS): each row in blocks of LONG_ROW_BLOCK elements (assembly/threads.ts):
 *     block maxes (order-free), block exps with their sum blocks' lane sums stored and added by the
 *     caller in block order (the single call's addition sequence), then the output pass by block.
 *   softmaxCrossEntropy: chunks of whole rows (cross_entropy_rows_*); each row's loss is kept as an
 *     f64 and the caller adds them in row order and divides by the same denominator, which is
 *     exactly what the single call does.
 *   linearSoftmaxLoss: the phases of assembly/linear_softmax/ (threaded_linear.ts).
 *   softmax, logSoftmax, softmaxCrossEntropy over a non-last axis: chunks of inner positions
 *     (multiples of 16, every outer block); each position is computed by the same code as in the
 *     single call; cross-entropy's per-position losses are added by the caller in position order.
 *   softmaxJacobian, and one long row of softmaxBackward or cross-entropy: on the calling thread,
 *     the single-threaded code (their row sums are not blocked: a split would change the order of
 *     the additions).
 * So results are bit-identical for every thread count, and to the single-threaded build (same
 * sources, same engine); the size threshold (partition.ts) only decides what is worth sending.
 */
import { SoftmaxInputError } from '../errors.js';
import type { LoadWasmOptions } from '../types.js';
import { describe } from '../validate.js';
import { LONG_ROW_BLOCK, type SoftmaxWasmExports } from './abi.js';
import type { Arena } from './arena.js';
import { platform } from '#platform';
import { chooseBuild } from './loader.js';
import { chooseBuildFor } from './select_build.js';
import { CHUNK_ELEMS, MAX_CHUNKS, overlaps, PARALLEL_MIN_ELEMS, planRows } from './partition.js';
import { Pool, THREADS_TESTING, type PoolTesting } from './pool.js';
import { LINEAR_PHASES, threadedLinear } from './threaded_linear.js';

/** Softmax / logSoftmax calls with fewer rows than this, each of ≥ PARALLEL_MIN_ELEMS, split every row into blocks. */
const LONG_ROW_MAX_ROWS = 4;
/** Bytes of row per lane-sum slot of the long-row phase 2 (row.ts: EXPSUM_BLOCK, REST_GROUP). */
const EXPSUM_BLOCK_BYTES = 2048;
const REST_GROUP_BYTES = 4096;

/** The most threads an instance starts (more is refused as unreasonable). */
export const MAX_THREADS = 256;

function checkThreads(v: unknown): number | 'auto' | undefined {
  if (v === undefined || v === 'auto') return v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_THREADS) {
    throw new SoftmaxInputError(`loadWasm: options.threads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${describe(v)}`, 'options.threads');
  }
  return v;
}

/** A shared memory with the largest maximum this engine grants (4 GiB, 1 GiB, 256 MiB). */
function sharedMemory(): WebAssembly.Memory | string {
  let last = '';
  for (const maximum of [65536, 16384, 4096]) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum, shared: true } as WebAssembly.MemoryDescriptor);
    } catch (e) {
      last = (e as Error)?.message ?? String(e);
    }
  }
  return `a shared WebAssembly.Memory cannot be created here (${last})`;
}

/** What loadWasm gets: the exports to use (null: load today's single-threaded module) and the rest. */
export interface ThreadsHandle {
  exports: SoftmaxWasmExports | null;
  /** The arena (for the per-row loss buffer of the threaded cross-entropy). */
  attach(arena: Arena): void;
  dispose(): void;
  /** Adds `threads`, `threadsUnavailable` and the test hook to the kernels object. */
  decorate<K extends object>(k: K): K;
}

const ROW_KERNELS = [
  'softmax_f32', 'softmax_f64', 'log_softmax_f32', 'log_softmax_f64',
  'softmax_backward_f32', 'softmax_backward_f64', 'cross_entropy_rows_f32', 'cross_entropy_rows_f64',
  ...LINEAR_PHASES,
  'row_blocks_max_f32', 'row_blocks_max_f64', 'softmax_row_blocks_f32', 'softmax_row_blocks_f64',
  'row_blocks_scale_f32', 'row_blocks_scale_f64', 'log_softmax_row_blocks_f32', 'log_softmax_row_blocks_f64',
  'log_softmax_row_out_f32', 'log_softmax_row_out_f64',
  'softmax_axis_f32', 'softmax_axis_f64', 'log_softmax_axis_f32', 'log_softmax_axis_f64',
  'cross_entropy_axis_f32', 'cross_entropy_axis_f64',
] as const;
/** The number of a chunked export in ROW_KERNELS (the job's function). */
const kernel = (name: (typeof ROW_KERNELS)[number]): number => ROW_KERNELS.indexOf(name);

function single(reason: string | undefined): ThreadsHandle {
  return {
    exports: null,
    attach() {},
    dispose() {},
    decorate(k) {
      Object.defineProperty(k, 'threads', { value: 1, enumerable: true });
      Object.defineProperty(k, 'threadsUnavailable', { value: reason, enumerable: reason !== undefined });
      return k;
    },
  };
}

/** Test-only options (not public API). */
interface ThreadsTestOptions { brokenWorkerSource?: boolean; startTimeoutMs?: number }
export const THREADS_TEST_OPTIONS = Symbol.for('softmax-wasm.threads.test-options');

/**
 * Resolves `options.threads`. 1 (the default) gives today's single-threaded module; more starts
 * the pool, or falls back to one thread with a reason where threads cannot run.
 */
export async function loadThreaded(options: LoadWasmOptions | undefined): Promise<ThreadsHandle> {
  const asked = checkThreads(options?.threads);
  if (asked === undefined || asked === 1) return single(undefined);
  const cores = await platform.cores();
  const want = asked === 'auto' ? cores : asked;
  if (want <= 1) return single(undefined);
  if (options?.wasm !== undefined) {
    return single('options.wasm was given: a module passed in runs on one thread (threads need the shipped threads build)');
  }
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer !== 'function') {
    return single(g.crossOriginIsolated === false
      ? 'SharedArrayBuffer is unavailable: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
      : 'SharedArrayBuffer is unavailable in this JavaScript environment');
  }
  if (g.crossOriginIsolated === false) {
    return single('the page is not cross-origin isolated (needs Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)');
  }
  const build = chooseBuildFor(options?.simd, chooseBuild(options?.simd)).build; // the same table as one thread
  const memory = sharedMemory();
  if (typeof memory === 'string') return single(memory);
  let bytes: Uint8Array;
  let module: WebAssembly.Module;
  let instance: WebAssembly.Instance;
  try {
    const builds: Array<'baseline' | 'relaxed'> = build === 'relaxed' && (options?.simd ?? 'auto') === 'auto' ? ['relaxed', 'baseline'] : [build];
    let err: unknown;
    for (const b of builds) {
      try {
        bytes = new Uint8Array(await platform.shipped(b === 'relaxed' ? 'relaxed-threads' : 'baseline-threads') as ArrayBuffer);
        module = await WebAssembly.compile(bytes as BufferSource);
        instance = await WebAssembly.instantiate(module, { env: { memory } });
        err = undefined;
        break;
      } catch (e) { err = e; }
    }
    if (err !== undefined) throw err;
  } catch (e) {
    return single(`the threads build could not be loaded (${(e as Error)?.message ?? e})`);
  }
  const raw = instance!.exports as unknown as SoftmaxWasmExports & Record<string, (...a: number[]) => number>;
  const fns = ROW_KERNELS.map((n) => raw[n]);
  const test = (options as Record<symbol, ThreadsTestOptions> | undefined)?.[THREADS_TEST_OPTIONS] ?? {};
  const { pool, failed } = await Pool.start({
    module: module!, bytes: bytes!, memory, names: [...ROW_KERNELS], fns, workers: want - 1,
    spinMs: want <= cores ? 0.25 : 0, startTimeoutMs: test.startTimeoutMs, brokenWorkerSource: test.brokenWorkerSource,
  });
  if (pool.workers() === 0) {
    pool.dispose();
    return single(failed ?? 'no worker could start');
  }
  const startReason = failed;

  let arena: Arena | null = null;
  /** A block of the arena kept across calls, replaced by a larger one (×1.5) when a call needs more. */
  const keep = (what: string): ((bytes: number) => number) => {
    let ptr = 0, size = 0;
    return (bytes) => {
      if (bytes > size) {
        if (ptr) arena!.free(ptr);
        ptr = 0;
        size = Math.max(bytes, Math.ceil(size * 1.5));
        ptr = arena!.alloc(size, what);
      }
      return ptr;
    };
  };
  const lossBuffer = keep('softmaxCrossEntropy');
  const linearBuffer = keep('linearSoftmaxLoss');

  const rowBuffer = keep('softmax');
  const rawx = raw as unknown as Record<string, (...a: number[]) => number>;
  const ex: Record<string, unknown> = { ...raw };
  /**
   * Softmax (log: logSoftmax) of the row at x (cols of E bytes) into out, in blocks of LONG_ROW_BLOCK
   * on the pool; a fully masked row (or +∞ for log-softmax) goes to `whole`, the single call.
   */
  const longRow = (log: boolean, E: number, whole: (...a: number[]) => void, x: number, out: number, cols: number): void => {
    const sfx = E === 4 ? 'f32' : 'f64';
    const what = log ? 'logSoftmax' : 'softmax';
    const blocks = Math.ceil(cols / LONG_ROW_BLOCK), blockBytes = LONG_ROW_BLOCK * E, rowBytes = cols * E;
    const slots = blockBytes / (log ? REST_GROUP_BYTES : EXPSUM_BLOCK_BYTES); // lane-sum slots per block
    // scratch: block maxes (f64), block counts (i32), then the 16-byte lane-sum slots
    const maxes = rowBuffer(blocks * 12 + 16 + blocks * slots * 16);
    const counts = maxes + blocks * 8, partials = (counts + blocks * 4 + 15) & ~15;
    // phase 1: the max, folded over the blocks (order-free)
    pool.run(kernel(`row_blocks_max_${sfx}`), [x, blocks, x + rowBytes, maxes], [blockBytes, 0, 0, 8], 1, blocks, 1, false, what);
    let m = -Infinity;
    for (const v of new Float64Array(memory.buffer, maxes, blocks)) if (v > m) m = v;
    if (m === -Infinity || (log && m === Infinity)) { whole(x, out, 1, cols); return; }
    const inPlace = overlaps(x, rowBytes, out, rowBytes);
    if (log) {
      // phase 2: rest sums by group and counts of the max; the caller's finish; phase 3: the output
      pool.run(kernel(`log_softmax_row_blocks_${sfx}`), [x, blocks, x + rowBytes, m, partials, counts],
        [blockBytes, 0, 0, 0, slots * 16, 4], 1, blocks, 1, false, what);
      const ls = rawx[`log_softmax_row_finish_${sfx}`](x, cols, m, partials, counts, blocks);
      pool.run(kernel(`log_softmax_row_out_${sfx}`), [x, out, blocks, x + rowBytes, m, ls], [blockBytes, blockBytes, 0, 0, 0, 0], 2,
        blocks, 1, inPlace, what);
    } else {
      // phase 2: exps and their sums by sum block; the caller's finish (the sum); phase 3: out *= 1/sum (in place)
      pool.run(kernel(`softmax_row_blocks_${sfx}`), [x, out, blocks, x + rowBytes, m, partials],
        [blockBytes, blockBytes, 0, 0, 0, slots * 16], 2, blocks, 1, inPlace, what);
      const sum = rawx[`softmax_row_finish_${sfx}`](x, out, cols, m, partials);
      pool.run(kernel(`row_blocks_scale_${sfx}`), [out, blocks, out + rowBytes, sum], [blockBytes, 0, 0, 0], 1, blocks, 1, true, what);
    }
  };
  const rowwise = (idx: number, E: number, what: string) => (x: number, out: number, rows: number, cols: number): void => {
    const whole = fns[idx] as (...a: number[]) => void;
    if (pool.workers() > 0 && arena && rows < LONG_ROW_MAX_ROWS && cols >= PARALLEL_MIN_ELEMS) {
      for (let i = 0; i < rows; i++) longRow(what === 'logSoftmax', E, whole, x + i * cols * E, out + i * cols * E, cols);
      return;
    }
    const plan = pool.workers() > 0 ? planRows(rows, cols) : null;
    if (!plan) { whole(x, out, rows, cols); return; }
    const rb = cols * E;
    pool.run(idx, [x, out, rows, cols], [rb, rb, 0, 0], 2, rows, plan.rowsPerChunk, overlaps(x, rows * rb, out, rows * rb), what);
  };
  ex.softmax_f32 = rowwise(0, 4, 'softmax');
  ex.softmax_f64 = rowwise(1, 8, 'softmax');
  ex.log_softmax_f32 = rowwise(2, 4, 'logSoftmax');
  ex.log_softmax_f64 = rowwise(3, 8, 'logSoftmax');
  const backward = (idx: number, E: number) => (y: number, dy: number, out: number, rows: number, cols: number): void => {
    const plan = pool.workers() > 0 ? planRows(rows, cols) : null;
    if (!plan) { (fns[idx] as (...a: number[]) => void)(y, dy, out, rows, cols); return; }
    const rb = cols * E, nb = rows * rb;
    pool.run(idx, [y, dy, out, rows, cols], [rb, rb, rb, 0, 0], 3, rows, plan.rowsPerChunk,
      overlaps(out, nb, y, nb) || overlaps(out, nb, dy, nb), 'softmaxBackward');
  };
  ex.softmax_backward_f32 = backward(4, 4);
  ex.softmax_backward_f64 = backward(5, 8);
  const crossEntropy = (idx: number, E: number, whole: SoftmaxWasmExports['cross_entropy_f32'],
    denominator: (rows: number, labels: number, targets: number, weights: number, ignore: number) => number) =>
    (logits: number, rows: number, cols: number, labels: number, targets: number, weights: number,
      ignore: number, smoothing: number, reduction: number, losses: number, grad: number): number => {
      const plan = pool.workers() > 0 && arena ? planRows(rows, cols, 2) : null;
      if (!plan) return whole(logits, rows, cols, labels, targets, weights, ignore, smoothing, reduction, losses, grad);
      const denom = denominator(rows, labels, targets, weights, ignore);
      const mean = reduction === 0;
      if (mean && denom === 0) return whole(logits, rows, cols, labels, targets, weights, ignore, smoothing, reduction, losses, grad);
      const rb = cols * E, nb = rows * rb;
      const l64 = lossBuffer(rows * 8);
      pool.run(idx, [logits, rows, cols, labels, targets, weights, ignore, smoothing, mean ? denom : 1, losses, grad, l64],
        [rb, 0, 0, labels ? 4 : 0, targets ? rb : 0, 0, 0, 0, 0, losses ? E : 0, grad ? rb : 0, 8], 1, rows,
        plan.rowsPerChunk, grad !== 0 && overlaps(grad, nb, logits, nb), 'softmaxCrossEntropy');
      // the single call's sum: row order, in f64
      const v = new Float64Array(memory.buffer, l64, rows);
      let total = 0;
      for (let i = 0; i < rows; i++) total += v[i];
      return mean ? total / denom : total;
    };
  ex.cross_entropy_f32 = crossEntropy(6, 4, raw.cross_entropy_f32, rawx.cross_entropy_denominator_f32);
  ex.cross_entropy_f64 = crossEntropy(7, 8, raw.cross_entropy_f64, rawx.cross_entropy_denominator_f64);

  /**
   * softmax / logSoftmax over a non-last axis (assembly/axis/softmax.ts): chunks of inner positions
   * (a multiple of 16, every outer block), each position computed by the same code as in the single
   * call, so the bits do not depend on the split.
   */
  const axisWise = (name: (typeof ROW_KERNELS)[number], E: number, what: string) =>
    (x: number, out: number, outer: number, C: number, inner: number, s: number, count: number): void => {
      const idx = kernel(name);
      const whole = fns[idx] as (...a: number[]) => void;
      const total = outer * C * count;
      if (pool.workers() === 0 || count !== inner || total < PARALLEL_MIN_ELEMS || inner < 32) { whole(x, out, outer, C, inner, s, count); return; }
      let per = Math.max(16, Math.ceil(CHUNK_ELEMS / (Math.max(C, 1) * outer) / 16) * 16);
      per = Math.max(per, Math.ceil(inner / MAX_CHUNKS / 16) * 16);
      if (per >= inner) { whole(x, out, outer, C, inner, s, count); return; }
      const nb = total * E;
      pool.run(idx, [x, out, outer, C, inner, s, count], [E, E, 0, 0, 0, 0, 0], 6, inner, per, overlaps(x, nb, out, nb), what);
    };
  ex.softmax_axis_f32 = axisWise('softmax_axis_f32', 4, 'softmax');
  ex.softmax_axis_f64 = axisWise('softmax_axis_f64', 8, 'softmax');
  ex.log_softmax_axis_f32 = axisWise('log_softmax_axis_f32', 4, 'logSoftmax');
  ex.log_softmax_axis_f64 = axisWise('log_softmax_axis_f64', 8, 'logSoftmax');

  /**
   * Cross-entropy over a non-last class axis (assembly/axis/cross_entropy.ts): the same chunks of
   * positions; every position's loss goes to l64 and the caller adds them in position order, as the
   * single call does.
   */
  const ceAxis = (name: (typeof ROW_KERNELS)[number], E: number) =>
    (logits: number, outer: number, C: number, inner: number, count: number, labels: number, targets: number, weights: number,
      ignore: number, eps: number, rD: number, losses: number, grad: number, l64: number): number => {
      const idx = kernel(name);
      const whole = fns[idx] as (...a: number[]) => number;
      const all = [logits, outer, C, inner, count, labels, targets, weights, ignore, eps, rD, losses, grad, l64];
      const total = outer * C * count * 2;
      if (pool.workers() === 0 || count !== inner || total < PARALLEL_MIN_ELEMS || inner < 32) return whole(...all);
      let per = Math.max(16, Math.ceil(CHUNK_ELEMS / (2 * Math.max(C, 1) * outer) / 16) * 16);
      per = Math.max(per, Math.ceil(inner / MAX_CHUNKS / 16) * 16);
      if (per >= inner) return whole(...all);
      const nb = outer * C * inner * E;
      pool.run(idx, all, [E, 0, 0, 0, 0, labels ? 4 : 0, targets ? E : 0, 0, 0, 0, 0, losses ? E : 0, grad ? E : 0, 8], 4, inner, per,
        grad !== 0 && overlaps(grad, nb, logits, nb), 'softmaxCrossEntropy');
      const v = new Float64Array(memory.buffer, l64, outer * inner);
      let sum = 0;
      for (let i = 0; i < v.length; i++) sum += v[i];
      return sum;
    };
  ex.cross_entropy_axis_f32 = ceAxis('cross_entropy_axis_f32', 4);
  ex.cross_entropy_axis_f64 = ceAxis('cross_entropy_axis_f64', 8);

  // linearSoftmaxLoss: the phases of assembly/linear_softmax/ (threaded_linear.ts)
  Object.assign(ex, threadedLinear({
    pool, raw, first: ROW_KERNELS.indexOf(LINEAR_PHASES[0]), ready: () => arena !== null, buffer: linearBuffer,
  }));

  const testing: PoolTesting = pool.testing();
  return {
    exports: ex as unknown as SoftmaxWasmExports,
    attach(a) { arena = a; },
    dispose() { pool.dispose(); arena = null; },
    decorate(k) {
      Object.defineProperty(k, 'threads', { get: () => 1 + pool.workers(), enumerable: true });
      Object.defineProperty(k, 'threadsUnavailable', {
        get: () => (1 + pool.workers() < want ? pool.lost ?? startReason ?? 'fewer workers than asked' : undefined),
        enumerable: true,
      });
      Object.defineProperty(k, THREADS_TESTING, { value: { ...testing, exited: () => pool.exited() } });
      return k;
    },
  };
}
