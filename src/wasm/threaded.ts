/**
 * `loadWasm({ threads })`: the threads build of the kernels (build/softmax[.relaxed].threads.wasm:
 * the same sources compiled with `--enable threads`, importing a shared memory with a declared
 * maximum) instantiated on the calling thread and in every worker of a Pool over one shared
 * WebAssembly.Memory, and the raw exports wrapped so that the row-wise kernels run in chunks on
 * the pool. The engine (engine.ts, made by loadWasm in load_wasm.ts) marshals exactly as for one
 * thread: it sees the same exports (pointer-level signatures), only faster.
 *
 * Which kernels are split is declared by each op's registry entry (`kernels` in src/ops/<family>.ts,
 * read here by name), and why the bits cannot change:
 *   'rows' (softmax, logSoftmax with or without a temperature, softmaxBackward, logSoftmaxBackward,
 *     logSumExp, argmax): chunks of whole rows; each row is computed by the same code as in the
 *     single call.
 *   'rows' with longRow (softmax, logSoftmax of a few long rows: fewer than LONG_ROW_MAX_ROWS rows of
 *     at least PARALLEL_MIN_ELEMS): each row in blocks of LONG_ROW_BLOCK elements (assembly/long_row.ts):
 *     block maxes (order-free), block exps with their sum blocks' lane sums stored and added by the
 *     caller in block order (the single call's addition sequence), then the output pass by block.
 *   'rowLosses' (softmaxCrossEntropy): chunks of whole rows (cross_entropy_rows_*); each row's loss
 *     is kept as an f64 and the caller adds them in row order and divides by the same denominator,
 *     which is exactly what the single call does.
 *   'phases' (linearSoftmaxLoss, linearScores): threaded_linear.ts — the phases of
 *     assembly/linear_softmax/ (every cross-chunk sum in a fixed order, dWᵀ partials per fixed chunk
 *     of rows), and linearScores by rows or column panels (each score is one chain over k).
 *   'positions' / 'positionLosses' (softmax, logSoftmax, softmaxCrossEntropy over a non-last axis,
 *     assembly/axis/): chunks of inner positions (multiples of 16) of every outer block, each position
 *     computed by the single call's code; per-position losses added by the caller in position order.
 *   'caller' (softmaxJacobian, topK, sample), and one long row of the ops split by
 *     rows without longRow: on the calling thread, the single-threaded code (their row sums are not
 *     blocked: a split would change the order of the additions).
 * So results are bit-identical for every thread count, and to the single-threaded build (same
 * sources, same engine); the size threshold (partition.ts) only decides what is worth sending.
 */
import { SoftmaxInputError } from '../errors.js';
import type { LoadWasmOptions } from '../types.js';
import { describe } from '../validate.js';
import { ENTRIES } from '../ops/index.js';
import type { Kernel, Split } from '../ops/op.js';
import { REDUCTION_MEAN } from '../codes.js';
import { LONG_ROW_BLOCK, type SoftmaxWasmExports } from './abi.js';
import type { Arena } from './arena.js';
import { platform } from '#platform';
import { loadFirstBuild } from './builds.js';
import { chooseBuild } from './loader.js';
import { chooseBuildFor } from './select_build.js';
import { CHUNK_ELEMS, MAX_CHUNKS, overlaps, PARALLEL_MIN_ELEMS, planRows } from './partition.js';
import { Pool, THREADS_TESTING, type PoolTesting } from './pool.js';
import { LINEAR_PHASES, threadedLinear } from './threaded_linear.js';

/** Softmax / logSoftmax calls with fewer rows than this, each of ≥ PARALLEL_MIN_ELEMS, split every row into blocks. */
const LONG_ROW_MAX_ROWS = 4;

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

/** The long-row block kernels of softmax / log-softmax (assembly/long_row.ts), run on the pool by name. */
const LONG_ROW_JOBS = [
  'row_blocks_max', 'softmax_row_blocks', 'row_blocks_scale', 'log_softmax_row_blocks', 'log_softmax_row_out',
].flatMap((k) => [`${k}_f32`, `${k}_f64`]);

/** The kernels the registry (src/ops/) splits by rows, with the op they belong to. */
const ROW_SPLITS = ENTRIES.flatMap((op) => Object.entries(op.kernels)
  .filter((e): e is [string, Extract<Kernel, { by: 'rows' }>] => e[1].by === 'rows')
  .map(([base, split]) => ({ op: op.name, base, split })));
/** The kernels whose per-row losses the caller adds (cross-entropy). */
const ROW_LOSSES = ENTRIES.flatMap((op) => Object.entries(op.kernels).filter(([, s]) => s.by === 'rowLosses').map(([base]) => ({ op: op.name, base })));

/** The axis kernels (assembly/axis/) split by inner positions, with or without per-position losses. */
const POSITION_SPLITS = ENTRIES.flatMap((op) => Object.entries(op.kernels)
  .filter(([, s]) => s.by === 'positions' || s.by === 'positionLosses')
  .map(([base, s]) => ({ op: op.name, base, losses: s.by === 'positionLosses' })));

/**
 * Every export a pool job may run, by name (the pool numbers them in this order; its test hook's
 * dispatch() runs the first, softmax_f32, on empty rows).
 */
const POOL_JOBS: readonly string[] = [
  ...ROW_SPLITS.flatMap(({ base }) => [`${base}_f32`, `${base}_f64`]),
  ...ROW_LOSSES.flatMap(({ base }) => [`${base}_rows_f32`, `${base}_rows_f64`]),
  ...LINEAR_PHASES,
  ...LONG_ROW_JOBS,
  ...POSITION_SPLITS.flatMap(({ base }) => [`${base}_f32`, `${base}_f64`]),
];

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
      : g.crossOriginIsolated === true
        // WebKitGTK's default: the page is isolated and a shared WebAssembly.Memory works, but the
        // SharedArrayBuffer global is not defined (JSC_useSharedArrayBuffer=1 defines it).
        ? 'the SharedArrayBuffer global is not defined although the page is cross-origin isolated (this engine hides it, e.g. WebKitGTK unless JSC_useSharedArrayBuffer=1)'
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
    ({ bytes, module, instance } = await loadFirstBuild(options?.simd, build, async (b) => {
      const bytes = new Uint8Array(await platform.shipped(b === 'relaxed' ? 'relaxed-threads' : 'baseline-threads') as ArrayBuffer);
      const module = await WebAssembly.compile(bytes as BufferSource);
      return { bytes, module, instance: await WebAssembly.instantiate(module, { env: { memory } }) };
    }));
  } catch (e) {
    return single(`the threads build could not be loaded (${(e as Error)?.message ?? e})`);
  }
  const raw = instance!.exports as unknown as SoftmaxWasmExports & Record<string, (...a: number[]) => number>;
  const fns = POOL_JOBS.map((n) => raw[n]);
  const jobIndex = new Map(POOL_JOBS.map((n, i) => [n, i]));
  /** The pool's number of a job export (every name used below is in POOL_JOBS). */
  const job = (name: string): number => jobIndex.get(name)!;
  const test = (options as Record<symbol, ThreadsTestOptions> | undefined)?.[THREADS_TEST_OPTIONS] ?? {};
  const { pool, failed } = await Pool.start({
    module: module!, bytes: bytes!, memory, names: [...POOL_JOBS], fns, workers: want - 1,
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
  // Bytes of row per lane-sum slot of the long-row phase 2: the kernels' own sum blocks (row.ts).
  const EXPSUM_BLOCK_BYTES = raw.expsum_block_bytes(), REST_GROUP_BYTES = raw.rest_group_bytes();
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
    pool.run(job(`row_blocks_max_${sfx}`), [x, blocks, x + rowBytes, maxes], [blockBytes, 0, 0, 8], 1, blocks, 1, false, what);
    let m = -Infinity;
    for (const v of new Float64Array(memory.buffer, maxes, blocks)) if (v > m) m = v;
    if (m === -Infinity || (log && m === Infinity)) { whole(x, out, 1, cols); return; }
    const inPlace = overlaps(x, rowBytes, out, rowBytes);
    if (log) {
      // phase 2: rest sums by group and counts of the max; the caller's finish; phase 3: the output
      pool.run(job(`log_softmax_row_blocks_${sfx}`), [x, blocks, x + rowBytes, m, partials, counts],
        [blockBytes, 0, 0, 0, slots * 16, 4], 1, blocks, 1, false, what);
      const ls = rawx[`log_softmax_row_finish_${sfx}`](x, cols, m, partials, counts, blocks);
      pool.run(job(`log_softmax_row_out_${sfx}`), [x, out, blocks, x + rowBytes, m, ls], [blockBytes, blockBytes, 0, 0, 0, 0], 2,
        blocks, 1, inPlace, what);
    } else {
      // phase 2: exps and their sums by sum block; the caller's finish (the sum); phase 3: out *= 1/sum (in place)
      pool.run(job(`softmax_row_blocks_${sfx}`), [x, out, blocks, x + rowBytes, m, partials],
        [blockBytes, blockBytes, 0, 0, 0, slots * 16], 2, blocks, 1, inPlace, what);
      const sum = rawx[`softmax_row_finish_${sfx}`](x, out, cols, m, partials);
      pool.run(job(`row_blocks_scale_${sfx}`), [out, blocks, out + rowBytes, sum], [blockBytes, 0, 0, 0], 1, blocks, 1, true, what);
    }
  };
  /**
   * The pool's version of a row kernel `name` (E bytes per element) of op `what`, split as its
   * registry entry says: chunks of whole rows above the size threshold (partition.ts), each
   * argument advanced per row by its RowArg; with `longRow`, fewer than LONG_ROW_MAX_ROWS long rows
   * go in blocks instead; otherwise the single call.
   */
  const byRows = (name: string, E: number, what: string, split: Extract<Split, { by: 'rows' }>) => {
    const whole = rawx[name];
    const idx = job(name);
    const rowsArg = split.args.indexOf('rows'), colsArg = split.args.indexOf('cols');
    const ins = split.args.flatMap((a, i) => (a === 'in' ? [i] : []));
    const outs = split.args.flatMap((a, i) => (a === 'out' || a === 'outElem' || a === 'outI32' ? [i] : []));
    const log = name.startsWith('log_');
    return (...v: number[]): void => {
      const rows = v[rowsArg], cols = v[colsArg];
      if (split.longRow && pool.workers() > 0 && arena && rows < LONG_ROW_MAX_ROWS && cols >= PARALLEL_MIN_ELEMS) {
        for (let i = 0; i < rows; i++) longRow(log, E, whole, v[0] + i * cols * E, v[1] + i * cols * E, cols);
        return;
      }
      const plan = pool.workers() > 0 ? planRows(rows, cols) : null;
      if (!plan) { whole(...v); return; }
      const rb = cols * E;
      const steps = split.args.map((a) => (a === 'in' || a === 'out' ? rb : a === 'outElem' ? E : a === 'outI32' ? 4 : 0));
      const inPlace = outs.some((o) => ins.some((i) => overlaps(v[o], rows * steps[o], v[i], rows * steps[i])));
      pool.run(idx, v, steps, rowsArg, rows, plan.rowsPerChunk, inPlace, what);
    };
  };
  for (const { op, base, split } of ROW_SPLITS) {
    ex[`${base}_f32`] = byRows(`${base}_f32`, 4, op, split);
    ex[`${base}_f64`] = byRows(`${base}_f64`, 8, op, split);
  }
  /**
   * The pool's version of a 'rowLosses' kernel (cross-entropy): the caller's once-per-call setup
   * (denominator, Σw, max |w|: `<base>_setup_*`), the row chunks (`<base>_rows_*`, each row's loss an
   * f64), then the caller's sum in row order, divided by the same denominator, as the single call.
   */
  const rowLosses = (base: string, sfx: 'f32' | 'f64', what: string) => {
    const E = sfx === 'f32' ? 4 : 8, idx = job(`${base}_rows_${sfx}`);
    const whole = rawx[`${base}_${sfx}`], setup = rawx[`${base}_setup_${sfx}`];
    return (logits: number, rows: number, cols: number, labels: number, targets: number, weights: number,
      ignore: number, smoothing: number, reduction: number, losses: number, grad: number): number => {
      const plan = pool.workers() > 0 && arena ? planRows(rows, cols, 2) : null;
      if (!plan) return whole(logits, rows, cols, labels, targets, weights, ignore, smoothing, reduction, losses, grad);
      const l64 = lossBuffer(rows * 8 + 24), consts = l64 + rows * 8;
      setup(rows, cols, labels, targets, weights, ignore, consts);
      const [denom, wsum, wmax] = new Float64Array(memory.buffer, consts, 3);
      const mean = reduction === REDUCTION_MEAN;
      if (mean && denom === 0) return whole(logits, rows, cols, labels, targets, weights, ignore, smoothing, reduction, losses, grad);
      const rb = cols * E, nb = rows * rb;
      pool.run(idx, [logits, rows, cols, labels, targets, weights, ignore, smoothing, mean ? denom : 1, losses, grad, l64, wsum, wmax],
        [rb, 0, 0, labels ? 4 : 0, targets ? rb : 0, 0, 0, 0, 0, losses ? E : 0, grad ? rb : 0, 8, 0, 0], 1, rows,
        plan.rowsPerChunk, grad !== 0 && overlaps(grad, nb, logits, nb), what);
      // the single call's sum: row order, in f64
      const v = new Float64Array(memory.buffer, l64, rows);
      let total = 0;
      for (let i = 0; i < rows; i++) total += v[i];
      return mean ? total / denom : total;
    };
  };
  for (const { op, base } of ROW_LOSSES) {
    ex[`${base}_f32`] = rowLosses(base, 'f32', op);
    ex[`${base}_f64`] = rowLosses(base, 'f64', op);
  }

  /**
   * The axis kernels (assembly/axis/): chunks of inner positions (a multiple of 16, every outer
   * block), each position computed by the same code as in the single call, so the bits do not depend
   * on the split. softmax_axis(x, out, outer, C, inner, s, count); cross_entropy_axis(logits, outer, C,
   * inner, count, labels, targets, weights, ignore, eps, rD, losses, grad, l64): its per-position
   * losses (l64) are added here in position order, as the single call adds them.
   */
  const byPositions = (name: string, E: number, what: string, losses: boolean) => {
    const whole = rawx[name];
    const idx = job(name);
    return (...v: number[]): number => {
      const [outer, C, inner] = losses ? [v[1], v[2], v[3]] : [v[2], v[3], v[4]];
      const countArg = losses ? 4 : 6;
      const weight = losses ? 2 : 1;
      if (pool.workers() === 0 || v[countArg] !== inner || outer * C * inner * weight < PARALLEL_MIN_ELEMS || inner < 32) return whole(...v);
      let per = Math.max(16, Math.ceil(CHUNK_ELEMS / (weight * Math.max(C, 1) * outer) / 16) * 16);
      per = Math.max(per, Math.ceil(inner / MAX_CHUNKS / 16) * 16);
      if (per >= inner) return whole(...v);
      const nb = outer * C * inner * E;
      if (!losses) {
        pool.run(idx, v, [E, E, 0, 0, 0, 0, 0], countArg, inner, per, overlaps(v[0], nb, v[1], nb), what);
        return 0;
      }
      const [logits, labels, targets, lossOut, grad, l64] = [v[0], v[5], v[6], v[11], v[12], v[13]];
      pool.run(idx, v, [E, 0, 0, 0, 0, labels ? 4 : 0, targets ? E : 0, 0, 0, 0, 0, lossOut ? E : 0, grad ? E : 0, 8], countArg, inner, per,
        grad !== 0 && overlaps(grad, nb, logits, nb), what);
      const l = new Float64Array(memory.buffer, l64, outer * inner);
      let sum = 0;
      for (let i = 0; i < l.length; i++) sum += l[i];
      return sum;
    };
  };
  for (const { op, base, losses } of POSITION_SPLITS) {
    ex[`${base}_f32`] = byPositions(`${base}_f32`, 4, op, losses);
    ex[`${base}_f64`] = byPositions(`${base}_f64`, 8, op, losses);
  }

  // linearSoftmaxLoss, linearScores: threaded_linear.ts
  Object.assign(ex, threadedLinear({
    pool, raw, first: job(LINEAR_PHASES[0]), ready: () => arena !== null, buffer: linearBuffer,
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
