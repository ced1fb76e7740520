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
 *   CLAIM    (generation << 16) | next chunk index; claimed by compare-and-swap, so a worker that is
 *            late for a job can never claim a chunk of the next one
 *   DONE     chunks finished; the worker that finishes the last one notifies
 *   STATE+i  chunk i: 0 = claimed but not started, id = being run by thread `id`, −1 = done. A
 *            chunk is started only after 0 → id succeeds, and counted only after id → −1 succeeds,
 *            so the caller can take over a chunk whose thread stopped (pool.ts: recovery)
 *   FN, NARGS, ROWSARG, ROWS, CPR, NCHUNK: the job: export FN called per chunk on rows
 *            [i·CPR, min(ROWS, (i+1)·CPR)) with args[j] + steps[j]·firstRow, args[ROWSARG] = count
 *   FAULT, FAULTMODE, FAULTAFTER: test hook (pool.ts injectFault)
 */

/** Most chunks of one job: the index field of CLAIM is 16 bits. */
const MAX_CHUNKS = 0xffff;
/** Int32Array index of the chunk states (after the header and the 16 + 16 f64 arguments and steps). */
const STATE = 128;

/** Layout of the control block (indices into the Int32Array / the Float64Array). */
export const LAYOUT = {
  SEQ: 0, CMD: 1, CLAIM: 2, DONE: 3, NCHUNK: 4, FN: 5, NARGS: 6, ROWSARG: 7, ROWS: 8, CPR: 9,
  FAULT: 10, FAULTMODE: 11, FAULTAFTER: 12,
  /** Float64Array index of the arguments (16 of them), then of their per-row steps (16). */
  ARGS: 16, STEPS: 32,
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
 * test hook's way to stop this thread (null on the calling thread).
 */
export function runChunks(ctl: Int32Array, f64: Float64Array, fns: Array<(...a: number[]) => unknown>, me: number,
  L: Layout, die: ((mode: number) => void) | null): number {
  const seq = Atomics.load(ctl, L.SEQ);
  const gen = seq & 0xffff;
  const n = ctl[L.NCHUNK], cpr = ctl[L.CPR], rows = ctl[L.ROWS], nargs = ctl[L.NARGS], ra = ctl[L.ROWSARG];
  const fn = fns[ctl[L.FN]];
  const args: number[] = new Array(nargs);
  let ran = 0;
  for (;;) {
    const v = Atomics.load(ctl, L.CLAIM);
    if ((v >>> 16) !== gen) return ran;
    const i = v & 0xffff;
    if (i >= n) return ran;
    if (Atomics.compareExchange(ctl, L.CLAIM, v, v + 1) !== v) continue;
    if (Atomics.compareExchange(ctl, L.STATE + i, 0, me) !== 0) continue; // taken over by the caller
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
      if (Atomics.add(ctl, L.DONE, 1) + 1 === n) Atomics.notify(ctl, L.DONE);
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
    post({ type: 'ready' });
    for (;;) {
      let s = Atomics.load(ctl, L.SEQ);
      if (s === seen) {
        if (d.spinMs > 0) {
          const t0 = performance.now();
          while (s === seen && performance.now() - t0 < d.spinMs) s = Atomics.load(ctl, L.SEQ);
        }
        if (s === seen) { Atomics.wait(ctl, L.SEQ, seen); continue; }
      }
      seen = s;
      if (Atomics.load(ctl, L.CMD) === 1) break;
      run(ctl, f64, fns, d.me, L, die);
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
