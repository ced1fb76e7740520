/**
 * A pool of workers over one shared WebAssembly.Memory, driven synchronously by the calling thread.
 *
 * Dispatch: the caller writes a job (an export, its arguments, how they advance per row, the row
 * count and the fixed chunk size) into a SharedArrayBuffer control block, bumps SEQ and wakes the
 * workers that sleep (Atomics.notify, only when a worker is inside Atomics.wait: one still spinning
 * sees SEQ change), then claims and runs chunks itself from the front of the job while the workers
 * claim from the back (worker.ts runChunks: on repeated calls each thread tends to get the rows it
 * had, and the two ends contend for the same cache lines only where they meet), and waits until
 * every chunk is done: Atomics.wait where the platform allows it (Node's
 * main thread, workers, Deno), a spin on Atomics.load on a browser's main thread (which may not
 * block); both after a short spin. The chunk size never depends on the number of threads, and each
 * chunk writes only its own rows, so who runs which chunk cannot change a bit of the result.
 *
 * Faults: a worker that stops (terminated, crashed, hung) while it holds a chunk is noticed when
 * that chunk is not done `stallMs` after the caller ran out of chunks (default 2000 ms; 5× that for
 * a job that works in place, where the only way out is an Error). The caller
 * then takes the chunk over (compare-and-swap on its state), terminates the worker and removes it
 * from the pool, and runs the chunk itself when that is safe (the job's outputs do not overlap its
 * inputs: running a chunk twice writes the same bytes); when the job works in place and the chunk
 * was started, it throws an Error instead (the output is incomplete). A worker that stops between
 * calls costs nothing: it claims no chunk, and its 'exit'/'error' event removes it from the pool.
 * Either way the instance goes on with fewer threads (`threads` says how many).
 */
import { platform } from '#platform';
import { LAYOUT, runChunks, workerSource } from './worker.js';

const L = LAYOUT;
/** Thread id of the calling thread in the chunk states (workers are 1 … n). */
const CALLER = 0x7ffffff0;

/** The test hook's key on a WasmKernels instance (see {@link PoolTesting}). */
export const THREADS_TESTING = Symbol.for('softmax-wasm.threads.testing');

/** What the test hook offers (not public API). */
export interface PoolTesting {
  /** Workers alive in the pool. */
  workers(): number;
  /** Terminates worker i (0-based among the live ones) as `worker.terminate()` would from outside. */
  terminateWorker(i: number): Promise<void>;
  /** Worker i stops at its (after+1)-th chunk claim from now: 1 = exit before computing the chunk,
   * 2 = hang after half of it, 3 = exit after half of it. */
  injectFault(i: number, mode: 1 | 2 | 3, after?: number): void;
  /** The stall bound in ms (default 2000). */
  setStallMs(ms: number): void;
  /** Chunks the caller took over from stopped workers, since the start. */
  recovered(): number;
  /** Jobs sent to the pool, since the start. */
  jobs(): number;
  /** Runs `n` empty two-chunk jobs (export 0 on zero-width rows); returns µs per job (dispatch cost). */
  dispatch(n: number): number;
  /** Starts (true) or stops (false) recording the phases of each job; returns the means so far (then resets them). */
  phases(on: boolean): PoolPhases;
}

/** Means per job of what the caller saw, in µs (the test hook's phases()). */
export interface PoolPhases {
  jobs: number;
  /** Writing the job, bumping SEQ and the notify (if a worker slept). */
  publish: number;
  /** From the start of publishing to the first chunk claimed by a worker (over jobs where one did). */
  firstClaim: number;
  /** The caller's own chunks (from after publishing until it found none left). */
  callerRun: number;
  /** From then until every chunk was done. */
  wait: number;
  /** Whole job, publish to done. */
  total: number;
  /** Chunks per job, and the caller's share of them. */
  chunks: number;
  callerChunks: number;
  /** Fraction of jobs a worker claimed no chunk of; fraction where a worker slept before it (needed a notify). */
  noWorker: number;
  woke: number;
}

interface WorkerHandle {
  id: number;
  alive: boolean;
  terminate(): Promise<void> | void;
  exited: Promise<void>;
}

type AnyWorker = {
  postMessage(m: unknown, transfer?: unknown[]): void;
  terminate(): unknown;
  unref?(): void; ref?(): void;
  on?(ev: string, f: (...a: unknown[]) => void): void;
  addEventListener?(ev: string, f: (e: unknown) => void): void;
};

/** Whether Atomics.wait may block on this thread (not on a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
    return true;
  } catch {
    return false;
  }
}

export interface PoolStart {
  module: WebAssembly.Module;
  bytes: Uint8Array;
  memory: WebAssembly.Memory;
  /** Export names, in the numbering jobs use. */
  names: string[];
  /** The caller's own functions for those names. */
  fns: Array<(...a: number[]) => unknown>;
  /** Workers to start. */
  workers: number;
  /** Spin before sleeping (workers) / before blocking (caller), ms. */
  spinMs: number;
  startTimeoutMs?: number;
  /** Test only: a worker script that does not start. */
  brokenWorkerSource?: boolean;
}

export class Pool {
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  private readonly handles: WorkerHandle[] = [];
  private seq = 0;
  private stallMs = 2000;
  private recoveredChunks = 0;
  private jobCount = 0;
  private readonly block: boolean;
  private disposed = false;
  /** Why a worker left the pool (the latest), for threadsUnavailable. */
  lost: string | undefined;
  /** The workers are node:worker_threads (which report their exit), not Web Workers. */
  private nodeWorkers = false;
  /** Phase sums while the test hook records them (see PoolPhases), else null. */
  private stats: number[] | null = null;

  private constructor(private readonly fns: Array<(...a: number[]) => unknown>, readonly sab: SharedArrayBuffer,
    private readonly spinMs: number) {
    this.ctl = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.block = canBlock();
  }

  /** Starts the workers; resolves when every one is ready or has failed (then `failed` says why). */
  static async start(o: PoolStart): Promise<{ pool: Pool; failed?: string }> {
    const pool = new Pool(o.fns, new SharedArrayBuffer(L.BYTES), o.spinMs);
    const src = o.brokenWorkerSource ? 'throw new Error("worker script blocked (test)")' : workerSource();
    const timeout = o.startTimeoutMs ?? 15000;
    const starts: Array<Promise<WorkerHandle | string>> = [];
    // node:worker_threads (Node, Deno) or Web Workers (browsers, Bun): the runtime's #platform decides.
    const nodeWorker = (await platform.nodeWorker()) as (new (src: string, opts: { eval: true }) => AnyWorker) | undefined;
    pool.nodeWorkers = nodeWorker !== undefined;
    let blobUrl: string | undefined;
    for (let i = 0; i < o.workers; i++) {
      starts.push(pool.startOne(i + 1, o, src, timeout, nodeWorker, () => {
        blobUrl ??= URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
        return blobUrl;
      }));
    }
    const results = await Promise.all(starts);
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    let failed: string | undefined;
    for (const r of results) {
      if (typeof r === 'string') failed ??= r;
      else pool.handles.push(r);
    }
    return { pool, failed };
  }

  private startOne(id: number, o: PoolStart, src: string, timeout: number,
    nodeWorker: (new (src: string, opts: { eval: true }) => AnyWorker) | undefined, blob: () => string): Promise<WorkerHandle | string> {
    return new Promise((resolve) => {
      let w: AnyWorker;
      let settled = false;
      let onExit!: () => void;
      const exited = new Promise<void>((r) => { onExit = r; });
      const handle: WorkerHandle = {
        id, alive: false, exited,
        terminate: () => { handle.alive = false; return Promise.resolve(w.terminate()).then(() => undefined, () => undefined); },
      };
      const fail = (why: string): void => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          try { w?.terminate(); } catch { /* already gone */ }
          resolve(why);
        } else if (handle.alive) {
          handle.alive = false;
          this.lost = why;
        }
      };
      const timer = setTimeout(() => fail(`a worker did not start within ${timeout} ms`), timeout);
      const onMessage = (m: unknown): void => {
        const msg = m as { type?: string; message?: string };
        if (msg?.type === 'ready' && !settled) {
          settled = true;
          clearTimeout(timer);
          handle.alive = true;
          w.unref?.();
          resolve(handle);
        } else if (msg?.type === 'error') {
          fail(`a worker could not instantiate the module: ${msg.message}`);
        }
      };
      const init = {
        module: o.module as WebAssembly.Module | null, bytes: null as Uint8Array | null, memory: o.memory,
        ctl: this.sab, L, names: o.names, me: id, spinMs: o.spinMs,
      };
      try {
        if (nodeWorker) {
          w = new nodeWorker(src, { eval: true });
          w.on!('message', onMessage);
          w.on!('error', (e) => fail(`a worker failed: ${(e as Error)?.message ?? e}`));
          w.on!('exit', () => { fail('a worker exited'); onExit(); });
        } else {
          const WebWorker = (globalThis as { Worker?: new (u: string, o?: { type?: 'module' | 'classic' }) => AnyWorker }).Worker;
          if (!WebWorker) { resolve('this JavaScript environment has no Worker'); return; }
          const url = blob();
          try { w = new WebWorker(url, { type: 'module' }); } catch { w = new WebWorker(url); }
          w.addEventListener!('message', (e) => onMessage((e as { data: unknown }).data));
          w.addEventListener!('error', (e) => {
            (e as { preventDefault?(): void }).preventDefault?.();
            fail(`a worker could not start or failed: ${(e as { message?: string }).message ?? 'error event (e.g. a Content-Security-Policy without worker-src blob:)'}`);
          });
        }
        try {
          w.postMessage(init);
        } catch {
          // this engine cannot send a compiled module to a worker: send the bytes
          w.postMessage({ ...init, module: null, bytes: o.bytes });
        }
      } catch (e) {
        clearTimeout(timer);
        settled = true;
        resolve(`workers cannot start here: ${(e as Error)?.message ?? e}`);
      }
    });
  }

  /** Live workers. */
  workers(): number {
    let n = 0;
    for (const h of this.handles) if (h.alive) n++;
    return n;
  }

  /**
   * Runs export `fn` over `rows` rows in chunks of `cpr` rows: chunk i calls it with
   * args[j] + steps[j]·firstRow and args[rowsArg] = its row count. `inPlace`: an output of the job
   * overlaps an input (a started chunk cannot be run again).
   */
  run(fn: number, args: number[], steps: number[], rowsArg: number, rows: number, cpr: number, inPlace: boolean, what: string): void {
    const ctl = this.ctl, f64 = this.f64;
    const n = Math.ceil(rows / cpr);
    this.jobCount++;
    if (n > L.MAX_CHUNKS) throw new Error(`softmax-wasm: internal: ${n} chunks > ${L.MAX_CHUNKS}`);
    ctl.fill(0, L.STATE, L.STATE + n);
    ctl[L.NCHUNK] = n; ctl[L.FN] = fn; ctl[L.NARGS] = args.length; ctl[L.ROWSARG] = rowsArg;
    ctl[L.ROWS] = rows; ctl[L.CPR] = cpr;
    for (let j = 0; j < args.length; j++) { f64[L.ARGS + j] = args[j]; f64[L.STEPS + j] = steps[j]; }
    Atomics.store(ctl, L.DONE, 0);
    const st = this.stats;
    const t0 = st ? this.statsStart() : 0;
    this.seq = (this.seq + 1) | 0;
    Atomics.store(ctl, L.CLAIM, (this.seq & 0xffff) << 16);
    Atomics.store(ctl, L.BACK, ((this.seq & 0xffff) << 16) | n);
    Atomics.store(ctl, L.SEQ, this.seq);
    // a worker that is spinning sees SEQ without a notify (worker.ts: SLEEPERS)
    if (Atomics.load(ctl, L.SLEEPERS) > 0) Atomics.notify(ctl, L.SEQ);
    const t1 = st ? performance.now() : 0;
    const mine = runChunks(ctl, f64, this.fns, CALLER, L, null, false);
    const t2 = st ? performance.now() : 0;
    if (Atomics.load(ctl, L.DONE) < n) this.waitDone(n, inPlace, what);
    if (st) this.statsEnd(st, t0, t1, t2, n, mine);
  }

  private statsStart(): number {
    const f64 = this.f64;
    f64.fill(0, L.TCLAIM, L.TCLAIM + 16);
    this.ctl.fill(0, L.WOKE, L.WOKE + 16);
    return performance.now();
  }

  private statsEnd(st: number[], t0: number, t1: number, t2: number, n: number, mine: number): void {
    const t3 = performance.now(), origin = performance.timeOrigin;
    let first = Infinity, woke = 0;
    for (let id = 1; id < 16; id++) {
      const t = this.f64[L.TCLAIM + id];
      if (t > 0 && t < first) first = t;
      if (Atomics.load(this.ctl, L.WOKE + id) !== 0) woke = 1;
    }
    st[0]++; st[1] += t1 - t0; st[3] += t2 - t1; st[4] += t3 - t2; st[5] += t3 - t0; st[6] += n; st[7] += mine; st[9] += woke;
    if (first < Infinity) st[2] += first - origin - t0;
    else st[8]++;
  }

  private waitDone(n: number, inPlace: boolean, what: string): void {
    const ctl = this.ctl;
    const t0 = performance.now();
    for (;;) {
      const d = Atomics.load(ctl, L.DONE);
      if (d >= n) return;
      const el = performance.now() - t0;
      // in place, the only way out is an Error: give a slow (descheduled) worker 5× longer
      const bound = inPlace ? 5 * this.stallMs : this.stallMs;
      if (el > bound) { this.recover(n, inPlace, what); return; }
      if (this.block && el > this.spinMs) {
        Atomics.store(ctl, L.WAITING, 1); // before the wait (worker.ts: DONE)
        Atomics.wait(ctl, L.DONE, d, Math.min(20, bound - el + 1));
        Atomics.store(ctl, L.WAITING, 0);
      }
    }
  }

  /** Takes over the chunks that are not done (see the file comment). */
  private recover(n: number, inPlace: boolean, what: string): void {
    const ctl = this.ctl;
    const stopped = new Set<number>();
    let broken = -1;
    for (let i = 0; i < n; i++) {
      const s = Atomics.load(ctl, L.STATE + i);
      if (s === L.DONE_MARK) continue;
      if (Atomics.compareExchange(ctl, L.STATE + i, s, CALLER) !== s) { i--; continue; } // it moved on: look again
      if (s !== 0) {
        stopped.add(s);
        const h = this.handles.find((x) => x.id === s);
        if (h?.alive) { void h.terminate(); this.lost = `a worker stopped responding during ${what} and was terminated`; }
      }
      if (s !== 0 && inPlace) { broken = i; continue; }
      this.runOne(i);
      this.recoveredChunks++;
      Atomics.store(ctl, L.STATE + i, L.DONE_MARK);
      Atomics.add(ctl, L.DONE, 1);
    }
    if (broken >= 0) {
      throw new Error(`softmax-wasm: ${what}: a worker stopped while it computed part of the result in place `
        + `(chunk ${broken} of ${n}); the output is incomplete. The worker was terminated; this instance `
        + `goes on with ${1 + this.workers()} thread(s). Call again to recompute.`);
    }
  }

  /** Runs chunk i of the current job on the calling thread. */
  private runOne(i: number): void {
    const ctl = this.ctl, f64 = this.f64;
    const cpr = ctl[L.CPR], rows = ctl[L.ROWS], nargs = ctl[L.NARGS];
    const r0 = i * cpr, r1 = Math.min(rows, r0 + cpr);
    const args: number[] = [];
    for (let j = 0; j < nargs; j++) args.push(f64[L.ARGS + j] + f64[L.STEPS + j] * r0);
    args[ctl[L.ROWSARG]] = r1 - r0;
    this.fns[ctl[L.FN]](...args);
  }

  /** Tells the workers to exit and terminates them. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctl, L.CMD, 1);
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.ctl, L.SEQ, this.seq);
    Atomics.notify(this.ctl, L.SEQ);
    for (const h of this.handles) if (h.alive) void h.terminate();
  }

  /** All workers have exited (after dispose()). */
  async exited(): Promise<void> {
    await Promise.all(this.handles.map((h) => (this.nodeWorkers ? h.exited : Promise.resolve())));
  }

  testing(): PoolTesting {
    const live = (i: number): WorkerHandle => {
      const h = this.handles.filter((x) => x.alive)[i];
      if (!h) throw new RangeError(`no live worker ${i}`);
      return h;
    };
    return {
      workers: () => this.workers(),
      terminateWorker: async (i) => {
        const h = live(i);
        await h.terminate();
        this.lost = 'a worker was terminated';
      },
      injectFault: (i, mode, after = 0) => {
        const h = live(i);
        Atomics.store(this.ctl, L.FAULTAFTER, after);
        Atomics.store(this.ctl, L.FAULTMODE, mode);
        Atomics.store(this.ctl, L.FAULT, h.id);
      },
      setStallMs: (ms) => { this.stallMs = ms; },
      recovered: () => this.recoveredChunks,
      jobs: () => this.jobCount,
      dispatch: (n) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) this.run(0, [0, 0, 2, 0], [0, 0, 0, 0], 2, 2, 1, false, 'dispatch');
        return ((performance.now() - t0) * 1000) / n;
      },
      phases: (on) => {
        const s = this.stats ?? new Array<number>(10).fill(0);
        const j = Math.max(1, s[0]), us = (v: number): number => (v * 1000) / j;
        const claimed = Math.max(1, s[0] - s[8]);
        const out: PoolPhases = {
          jobs: s[0], publish: us(s[1]), firstClaim: (s[2] * 1000) / claimed, callerRun: us(s[3]), wait: us(s[4]),
          total: us(s[5]), chunks: s[6] / j, callerChunks: s[7] / j, noWorker: s[8] / j, woke: s[9] / j,
        };
        this.stats = on ? new Array<number>(10).fill(0) : null;
        Atomics.store(this.ctl, L.STATS, on ? 1 : 0);
        return out;
      },
    };
  }
}
