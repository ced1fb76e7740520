/**
 * The one bench harness: workloads × engines, timed with benchmark.js (a Suite per workload, run
 * synchronously), medians from `stats.sample`; bench/report.ts prints the tables and writes the JSON
 * result file. In-process engines (bench/engines/*.ts) hand the harness a `Case` per workload whose
 * `run()` is one timed call; external engines (NumPy) time the same workloads themselves and
 * report medians. Every registered engine shows up in the results: measured, skipped (with the
 * reason) or failed (with the error) — never silently dropped.
 */
import Benchmark from 'benchmark';
import { compareChecks, type Check } from './check.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { fmtMs, median } from './timing.mjs';
import type { DType, Workload } from './workloads.js';


// ---- engine interface ----

/** One workload prepared for one engine: inputs uploaded, outputs allocated. */
export interface Case {
  /** One timed call. Returns a number (the loss, or one output element) that the harness sinks. */
  run(): number;
  /** After timing: a digest of the last call's result (undefined when there is nothing to compare). */
  check?(): Check | undefined;
  dispose?(): void;
}

/** An engine that runs in this process. */
export interface InProcessEngine {
  kind: 'inprocess';
  /** Column name, e.g. 'wasm-zc'. */
  name: string;
  /** One line for the legend. */
  title: string;
  /** A column of softmax-wasm itself (bench/engines/library.ts): the speedup table divides the peers by it. */
  ours?: boolean;
  /** Loads the engine once. Resolves to a reason string when it is unavailable (→ skipped). */
  init?(): Promise<string | void>;
  /** true, or the reason this workload is skipped ("TF.js has no float64"). */
  supports?(w: Workload): true | string;
  prepare(w: Workload): Case | Promise<Case>;
  /** Makes this engine current before its cases run (TF.js: switch backend). Synchronous. */
  activate?(): void;
  /** Facts for the header ("TF.js 4.22.0, wasm SIMD on"), after init(). */
  info?(): string | undefined;
  close?(): void | Promise<void>;
}

/** One engine's figures on one workload (what an external engine reports, too). */
export interface ExternalResult {
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  medianMs?: number;
  meanMs?: number;
  minMs?: number;
  /** ± relative margin of error of the mean, % (benchmark.js rme). */
  rme?: number;
  samples?: number;
  check?: Check;
}

/** An engine in another process that times the workloads itself (NumPy). */
export interface ExternalEngine {
  kind: 'external';
  name: string;
  title: string;
  /** Results by workload id, or a reason string when the engine is unavailable (→ all skipped). */
  measure(workloads: Workload[], timing: Timing, log: (s: string) => void): Promise<Map<string, ExternalResult> | string>;
  info?(): string | undefined;
}

export type Engine = InProcessEngine | ExternalEngine;

/** benchmark.js knobs (seconds), plus the untimed warm-up that runs before each case. */
export interface Timing {
  /** Stop sampling a case once this much time has passed and minSamples are in (benchmark.js maxTime). */
  maxTime: number;
  minSamples: number;
  /** Shortest time of one sample (benchmark.js minTime: a sample repeats the call this long). */
  minTime: number;
  /** Untimed calls first, at least this long (and at least 3 calls): JIT and WASM tier-up. */
  warmup: number;
  /** When set (--quick): a case whose calls take longer than this (s) skips benchmark.js and reports
   * its best warm-up call, marked ≈ in the table. */
  slowCall?: number;
}

export const FULL_TIMING: Timing = { maxTime: 1, minSamples: 10, minTime: 0.05, warmup: 0.2 };
export const QUICK_TIMING: Timing = { maxTime: 0.15, minSamples: 4, minTime: 0.02, warmup: 0.06, slowCall: 0.15 };

// ---- results ----

export interface CaseResult extends ExternalResult {
  workload: string;
  engine: string;
  /** true: not sampled by benchmark.js (a slow call in --quick mode); the best of a few calls. */
  rough?: boolean;
  /** Agreement with the baseline engine's check (reference): relative differences and verdict. */
  agree?: { vs: string; ok: boolean; loss?: number; checksum?: number };
}

export interface BenchReport {
  machine: MachineInfo;
  mode: string;
  timing: Timing;
  engines: Array<{ name: string; title: string; info?: string; ours?: boolean }>;
  workloads: Array<{ id: string; op: string; dtype: DType; rows: number; cols: number; d: number; flops: number; bytes: number; note: string }>;
  results: CaseResult[];
  wallSeconds: number;
  /** The sum of every timed call's return value: keeps the work observable. */
  sink: number;
}

export interface RunOptions {
  workloads: Workload[];
  engines: Engine[];
  timing: Timing;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
  /** The engine whose results the others are checked against (default 'reference'). */
  baseline?: string;
  mode?: string;
}

let sink = 0;

const errorText = (e: unknown): string => {
  const err = e as Error;
  const msg = err?.message ?? String(e);
  return `${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${msg}`.split('\n')[0].slice(0, 200);
};

/**
 * Calls `c.run()` for at least `seconds` and 3 calls; a call slower than `seconds` stops it at 2,
 * a first call slower than `stopAfterOne` at 1 (a multi-second call: benchmark.js's own pretest
 * call then warms it once more before it is timed). Returns the best call time (s).
 */
function warm(c: Case, seconds: number, stopAfterOne = 4 * seconds): { best: number; calls: number } {
  let best = Infinity;
  const t0 = performance.now();
  for (let calls = 1; ; calls++) {
    const t = performance.now();
    sink += c.run();
    const dt = (performance.now() - t) / 1e3;
    best = Math.min(best, dt);
    const total = (performance.now() - t0) / 1e3;
    if ((calls >= 3 && total >= seconds) || (calls >= 2 && dt > seconds) || dt > stopAfterOne) return { best, calls };
  }
}

// ---- running ----

/** Runs every workload on every engine; returns the full report (print it with formatReport of bench/report.ts). */
export async function runBench(opts: RunOptions): Promise<BenchReport> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const timing = opts.timing;
  const started = performance.now();
  const results: CaseResult[] = [];
  const engineSkip = new Map<string, string>();
  const engineInfo = new Map<string, string | undefined>();

  const inproc = opts.engines.filter((e): e is InProcessEngine => e.kind === 'inprocess');
  const external = opts.engines.filter((e): e is ExternalEngine => e.kind === 'external');

  for (const e of inproc) {
    try {
      const reason = await e.init?.();
      if (reason) engineSkip.set(e.name, `skipped: ${reason}`);
    } catch (err) {
      engineSkip.set(e.name, `error: ${errorText(err)}`);
    }
    engineInfo.set(e.name, e.info?.());
    if (engineSkip.has(e.name)) log(`${e.name}: ${engineSkip.get(e.name)}`);
  }

  for (const w of opts.workloads) {
    log(`\n${w.id}${w.note ? ` (${w.note})` : ''}`);
    const cases: Array<{ engine: InProcessEngine; c: Case; minSamples: number; est: number }> = [];
    for (const e of inproc) {
      const skip = engineSkip.get(e.name);
      if (skip) {
        const status = skip.startsWith('error') ? 'error' : 'skipped';
        results.push({ workload: w.id, engine: e.name, status, reason: skip.replace(/^(skipped|error): /, '') });
        continue;
      }
      const ok = e.supports ? e.supports(w) : true;
      if (ok !== true) {
        results.push({ workload: w.id, engine: e.name, status: 'skipped', reason: ok });
        log(`  ${e.name.padEnd(10)} skipped: ${ok}`);
        continue;
      }
      let c: Case | undefined;
      try {
        e.activate?.();
        c = await e.prepare(w);
        // Quick mode may report the warm-up itself, so it always makes 2 calls: WASM code starts in
        // V8's baseline tier and a long first call stays there (no on-stack replacement for WASM).
        // Otherwise benchmark.js's pretest call is the second warm-up call of a slow case.
        const { best: est, calls } = warm(c, timing.warmup, timing.slowCall !== undefined ? Infinity : 4 * timing.warmup);
        if (timing.slowCall !== undefined && est > timing.slowCall) {
          const r: CaseResult = { workload: w.id, engine: e.name, status: 'ok', medianMs: est * 1e3, minMs: est * 1e3, samples: calls, rough: true };
          const chk = c.check?.();
          if (chk) r.check = chk;
          results.push(r);
          log(`  ${e.name.padEnd(10)} ≈${fmtMs(est * 1e3).padStart(8)} ms (slow: best of ${calls} warm-up call${calls > 1 ? 's' : ''}, not sampled)`);
          c.dispose?.();
          continue;
        }
        // A slow call gets fewer samples, down to 1 for calls slower than maxTime, to keep each
        // case near maxTime (benchmark.js also makes one untimed pretest call per sample).
        const minSamples = Math.max(1, Math.min(timing.minSamples, Math.floor(timing.maxTime / est)));
        cases.push({ engine: e, c, minSamples, est });
      } catch (err) {
        results.push({ workload: w.id, engine: e.name, status: 'error', reason: errorText(err) });
        log(`  ${e.name.padEnd(10)} error: ${errorText(err)}`);
        try { c?.dispose?.(); } catch { /* already failing */ }
      }
    }

    const suite = new Benchmark.Suite(w.id);
    for (const { engine, c, minSamples, est } of cases) {
      suite.add({
        name: engine.name,
        fn: () => { sink += c.run(); },
        maxTime: timing.maxTime,
        minSamples,
        minTime: timing.minTime,
        onStart: () => {
          engine.activate?.();
          // back to a warm cache after the other engines (pointless for slow calls)
          if (est < timing.warmup) warm(c, Math.min(0.05, timing.warmup));
        },
      });
    }
    suite.on('cycle', (ev: Benchmark.Event) => {
      const b = ev.target as unknown as Benchmark;
      const s = b.stats;
      if (b.error) log(`  ${String(b.name).padEnd(10)} error: ${errorText(b.error)}`);
      else log(`  ${String(b.name).padEnd(10)} ${fmtMs(median(s.sample) * 1e3).padStart(9)} ms ±${s.rme.toFixed(1)}% (${s.sample.length} samples)`);
    });
    if (cases.length) suite.run({ async: false });

    const benches = suite as unknown as ArrayLike<Benchmark>; // a Suite is array-like, in add() order
    for (let i = 0; i < cases.length; i++) {
      const { engine, c } = cases[i];
      const b = benches[i];
      const r: CaseResult = { workload: w.id, engine: engine.name, status: 'ok' };
      if (b.error || !b.stats.sample.length) {
        r.status = 'error';
        r.reason = b.error ? errorText(b.error) : 'no samples';
      } else {
        const s = b.stats.sample;
        r.medianMs = median(s) * 1e3;
        r.meanMs = b.stats.mean * 1e3;
        r.minMs = Math.min(...s) * 1e3;
        r.rme = b.stats.rme;
        r.samples = s.length;
        try {
          engine.activate?.();
          const chk = c.check?.();
          if (chk) r.check = chk;
        } catch (err) {
          r.status = 'error';
          r.reason = `check: ${errorText(err)}`;
        }
      }
      results.push(r);
      try { c.dispose?.(); } catch { /* best effort */ }
    }
    w.release();
  }

  for (const e of inproc) {
    try { await e.close?.(); } catch { /* best effort */ }
  }

  for (const e of external) {
    log(`\n${e.name}: ${e.title}`);
    let res: Map<string, ExternalResult> | string;
    try {
      res = await e.measure(opts.workloads, timing, log);
    } catch (err) {
      res = `error: ${errorText(err)}`;
    }
    engineInfo.set(e.name, e.info?.());
    for (const w of opts.workloads) {
      if (typeof res === 'string') {
        const isErr = res.startsWith('error: ');
        results.push({ workload: w.id, engine: e.name, status: isErr ? 'error' : 'skipped', reason: res.replace(/^(error|skipped): /, '') });
        continue;
      }
      const x = res.get(w.id);
      if (!x) results.push({ workload: w.id, engine: e.name, status: 'error', reason: 'no result reported' });
      else results.push({ workload: w.id, engine: e.name, ...x });
    }
    if (typeof res === 'string') log(`  ${res}`);
  }
  for (const w of opts.workloads) w.release();

  // Agreement with the baseline.
  const baseline = opts.baseline ?? 'reference';
  for (const w of opts.workloads) {
    const ref = results.find((r) => r.workload === w.id && r.engine === baseline && r.status === 'ok' && r.check);
    if (!ref?.check) continue;
    for (const r of results) {
      if (r.workload !== w.id || r.engine === baseline || r.status !== 'ok' || !r.check) continue;
      r.agree = { vs: baseline, ...compareChecks(r.check, ref.check, w.dtype) };
    }
  }

  // Keep engine order: in-process first as registered, then external, as in opts.engines.
  return {
    machine: machineInfo(),
    mode: opts.mode ?? 'custom',
    timing,
    engines: opts.engines.map((e) => ({ name: e.name, title: e.title, info: engineInfo.get(e.name), ...(e.kind === 'inprocess' && e.ours ? { ours: true } : {}) })),
    workloads: opts.workloads.map((w) => ({ id: w.id, op: w.op, dtype: w.dtype, rows: w.rows, cols: w.cols, d: w.d, flops: w.flops, bytes: w.bytes, note: w.note })),
    results,
    wallSeconds: (performance.now() - started) / 1e3,
    sink,
  };
}
