/**
 * The worker side of the thread pool (src/wasm/pool.ts), and the chunk loop that the calling thread
 * runs too.
 *
 * Bundler-friendliness: the worker script is not a file. pool.ts builds it from the source text of
 * the two functions below (`Function.prototype.toString`) and starts it from that string: a
 * `worker_threads` Worker with `eval: true` in Node, a Web Worker from a Blob URL in browsers, Deno
 * and Bun. So no bundler configuration, no extra asset and no `new URL('./worker.js',
 * import.meta.url)` is needed. The price: both functions must be self-contained (they may use only
 * their parameters and globals: no imports, no module-level constants), which the tests check by
 * running them in real workers; and a code-coverage instrumenter that rewrites function bodies
 * would break the worker source (run coverage with threads: 1).
 *
 * Control block (Int32Array `ctl` over a SharedArrayBuffer, indices in `L`; the same buffer as
 * Float64Array `f64` for the arguments):
 *   SEQ      job number, bumped (and notified) by the caller to publish a job
 *   CMD      0 = run, 1 = exit
 *   CLAIM    (generation << 16) | next chunk index from the front: the calling thread's claims
 *   BACK     (generation << 16) | chunks not yet claimed from the back: the workers' claims (chunk
 *            BACK−1 next). Both by compare-and-swap, so a worker that is late for a job can never claim
 *            a chunk of the next one. The two ends stop where they meet (if both take the chunk there,
 *            its STATE decides). So on repeated calls over the same rows each thread tends to get
 *            the same rows as last time (its cache), and the two sides contend only where they meet
 *   DONE     chunks finished; the worker that finishes the last one notifies if the caller sleeps
 *   WAITING  1 while the caller is inside Atomics.wait on DONE
 *   STATE+i  chunk i: 0 = claimed but not started, id = being run by thread `id`, −1 = done. A
 *            chunk is started only after 0 → id succeeds, and counted only after id → −1 succeeds,
 *            so the caller can take over a chunk whose thread stopped (pool.ts: recovery)
 *   FN, NARGS, ROWSARG, ROWS, CPR, NCHUNK: the job: export FN called per chunk on rows
 *            [i·CPR, min(ROWS, (i+1)·CPR)) with args[j] + steps[j]·firstRow, args[ROWSARG] = count
 *   FAULT, FAULTMODE, FAULTAFTER: test hook (pool.ts injectFault)
 *   SLEEPERS workers inside Atomics.wait on SEQ: the caller notifies only when some are
 *   STATS, WOKE, TCLAIM: the phase statistics of the test hook (pool.ts phases)
 */

/** Most chunks of one job: the index field of CLAIM is 16 bits. */
const MAX_CHUNKS = 0xffff;
/** Int32Array index of the chunk states (after the header, the 16 + 16 f64 arguments and steps, the
 * test hook's 16 f64 times, BACK and the test hook's WOKE). */
const STATE = 256;

/** Layout of the control block (indices into the Int32Array / the Float64Array). */
export const LAYOUT = {
  SEQ: 0, CMD: 1, CLAIM: 2, DONE: 3, NCHUNK: 4, FN: 5, NARGS: 6, ROWSARG: 7, ROWS: 8, CPR: 9,
  FAULT: 10, FAULTMODE: 11, FAULTAFTER: 12,
  /** Workers inside Atomics.wait on SEQ (the caller notifies only when some are). */
  SLEEPERS: 13,
  /** Phase statistics on (test hook: pool.ts phases); then WOKE + id = 1 if worker id slept before this job. */
  STATS: 14, WAITING: 15,
  /** BACK on a cache line of its own (the workers' end), then the test hook's WOKE + id (id 1 … 15). */
  BACK: 128, WOKE: 144,
  /** Float64Array index of the arguments (16 of them), then of their per-row steps (16). */
  ARGS: 16, STEPS: 32,
  /** Float64Array index, + worker id (1 … 15): when that worker claimed its first chunk of the job (stats on). */
  TCLAIM: 48,
  /** Int32Array index of the chunk states. */
  STATE,
  /** Most chunks of one job (the index field of CLAIM is 16 bits). */
  MAX_CHUNKS,
  /** Bytes of the control block: the header, then one state per chunk. */
  BYTES: (STATE + MAX_CHUNKS + 1) * 4,
  /** STATE value of a finished chunk. */
  DONE_MARK: -1,
} as const;
export type Layout = typeof LAYOUT;

/**
 * Claims and runs chunks of the current job until none is left; returns how many it ran. `me` is
 * this thread's id (> 0). `fns` are the instance's exports in the job's FN numbering. `die` is the
 * test hook's way to stop this thread (null on the calling thread). `back`: claim from the back
 * (the workers) instead of the front (the calling thread).
 */
export function runChunks(ctl: Int32Array, f64: Float64Array, fns: Array<(...a: number[]) => unknown>, me: number,
  L: Layout, die: ((mode: number) => void) | null, back: boolean): number {
  const seq = Atomics.load(ctl, L.SEQ);
  const gen = seq & 0xffff;
  const n = ctl[L.NCHUNK], cpr = ctl[L.CPR], rows = ctl[L.ROWS], nargs = ctl[L.NARGS], ra = ctl[L.ROWSARG];
  const fn = fns[ctl[L.FN]];
  const args: number[] = new Array(nargs);
  let ran = 0;
  for (;;) {
    // the next chunk from this end; stop where the other end has passed (either counter moves only
    // towards the other, so a stale read of the other end can only make this side try a taken chunk)
    const v = Atomics.load(ctl, back ? L.BACK : L.CLAIM), o = Atomics.load(ctl, back ? L.CLAIM : L.BACK);
    if ((v >>> 16) !== gen || (o >>> 16) !== gen) return ran;
    const i = back ? (v & 0xffff) - 1 : v & 0xffff;
    if (back ? i < (o & 0xffff) : i >= (o & 0xffff)) return ran;
    if (Atomics.compareExchange(ctl, back ? L.BACK : L.CLAIM, v, back ? v - 1 : v + 1) !== v) continue;
    if (Atomics.compareExchange(ctl, L.STATE + i, 0, me) !== 0) continue; // taken over by the caller
    if (ran === 0 && die !== null && me < 16 && ctl[L.STATS] !== 0) f64[L.TCLAIM + me] = performance.timeOrigin + performance.now();
    const r0 = i * cpr, r1 = Math.min(rows, r0 + cpr);
    for (let j = 0; j < nargs; j++) args[j] = f64[L.ARGS + j] + f64[L.STEPS + j] * r0;
    let count = r1 - r0;
    let mode = 0;
    if (die !== null && Atomics.load(ctl, L.FAULT) === me && Atomics.sub(ctl, L.FAULTAFTER, 1) <= 0) {
      mode = Atomics.exchange(ctl, L.FAULTMODE, 0);
      Atomics.store(ctl, L.FAULT, 0);
      if (mode === 1) die(1); // stop before computing anything of the chunk
      count = count >> 1; // modes 2, 3: compute half the chunk, then stop or hang
    }
    args[ra] = count;
    fn(...args);
    if (mode !== 0) die!(mode);
    if (Atomics.compareExchange(ctl, L.STATE + i, me, L.DONE_MARK) === me) {
      // WAITING after DONE: a caller that sets it later finds DONE changed when its wait starts
      if (Atomics.add(ctl, L.DONE, 1) + 1 === n && Atomics.load(ctl, L.WAITING) !== 0) Atomics.notify(ctl, L.DONE);
    }
    ran++;
  }
}

interface InitMessage {
  module: WebAssembly.Module | null; bytes: Uint8Array | null; memory: WebAssembly.Memory;
  ctl: SharedArrayBuffer; L: Layout; names: string[]; me: number; spinMs: number;
}

/**
 * The worker's entry: `port` is Node's worker_threads parentPort, or null in a Web Worker (then
 * `self` is used). `run` is runChunks. Instantiates the module over the shared memory, says
 * 'ready', then waits for jobs (spinning `spinMs` first, then Atomics.wait) until CMD = 1.
 */
export function workerMain(port: { on(ev: string, f: (d: unknown) => void): void; postMessage(m: unknown): void } | null,
  run: typeof runChunks): void {
  const g = globalThis as unknown as {
    postMessage(m: unknown): void; addEventListener(t: string, f: (e: { data: unknown }) => void): void;
    close?(): void; process?: { exit(c: number): void };
  };
  const post = (m: unknown): void => { if (port) port.postMessage(m); else g.postMessage(m); };
  const die = (mode: number): void => {
    if (mode === 2) for (;;) { /* test hook: hang until terminated */ }
    if (port && g.process) g.process.exit(1);
    if (g.close) g.close();
    throw new Error('softmax-wasm worker stopped by the test hook');
  };
  let started = false;
  const init = (raw: unknown): void => {
    if (started) return;
    started = true;
    const d = raw as InitMessage;
    let fns: Array<(...a: number[]) => unknown>;
    try {
      const module = d.module ?? new WebAssembly.Module(d.bytes as unknown as BufferSource);
      const inst = new WebAssembly.Instance(module, { env: { memory: d.memory } });
      const ex = inst.exports as Record<string, (...a: number[]) => unknown>;
      fns = d.names.map((n) => ex[n]);
    } catch (e) {
      post({ type: 'error', message: String((e as Error)?.message ?? e) });
      return;
    }
    const L = d.L;
    const ctl = new Int32Array(d.ctl);
    const f64 = new Float64Array(d.ctl);
    let seen = Atomics.load(ctl, L.SEQ);
    let slept = 0;
    post({ type: 'ready' });
    for (;;) {
      let s = Atomics.load(ctl, L.SEQ);
      if (s === seen) {
        if (d.spinMs > 0) {
          const t0 = performance.now();
          while (s === seen && performance.now() - t0 < d.spinMs) s = Atomics.load(ctl, L.SEQ);
        }
        if (s === seen) {
          // SLEEPERS before the wait: a caller that publishes after this sees it and notifies; one
          // that published before makes the wait return at once (SEQ no longer equals seen)
          Atomics.add(ctl, L.SLEEPERS, 1);
          Atomics.wait(ctl, L.SEQ, seen);
          Atomics.sub(ctl, L.SLEEPERS, 1);
          slept = 1;
          continue;
        }
      }
      seen = s;
      if (Atomics.load(ctl, L.CMD) === 1) break;
      if (d.me < 16) ctl[L.WOKE + d.me] = slept;
      slept = 0;
      run(ctl, f64, fns, d.me, L, die, true);
    }
    if (port && g.process) g.process.exit(0);
    if (g.close) g.close();
  };
  if (port) port.on('message', init);
  else g.addEventListener('message', (e) => init(e.data));
}

/** The worker script: both functions' source and the call that starts it. */
export function workerSource(): string {
  // __name: the helper esbuild inserts with keepNames (tsx, vitest); harmless elsewhere.
  return `var __name = (f) => f;\n${runChunks.toString()}\n;(${workerMain.toString()})(`
    + `typeof require === 'function' ? require('node:worker_threads').parentPort : null, ${runChunks.name});\n`;
}
