/**
 * The one bench harness: workloads × engines, timed with benchmark.js (a Suite per workload, run
 * synchronously), medians from `stats.sample`, a markdown table with ratios to each peer, a JSON
 * result file. In-process engines (bench/engines/*.ts) hand the harness a `Case` per workload whose
 * `run()` is one timed call; external engines (NumPy) time the same workloads themselves and
 * report medians. Every registered engine shows up in the results: measured, skipped (with the
 * reason) or failed (with the error) — never silently dropped.
 */
import Benchmark from 'benchmark';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType, Workload } from './workloads.js';

// ---- engine interface ----

/** A digest of one result, compared across engines: the loss, and Σ out[i]·((i mod 7) − 3) over
 * the main output (S1 the probabilities, S2 the logits gradient, S3 dW), with its scale Σ|out[i]|. */
export interface Check {
  loss?: number;
  checksum: number;
  scale: number;
}

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

/** What an external engine reports for one workload. */
export interface ExternalResult {
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  medianMs?: number;
  meanMs?: number;
  minMs?: number;
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

export interface CaseResult {
  workload: string;
  engine: string;
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  medianMs?: number;
  meanMs?: number;
  minMs?: number;
  /** ± relative margin of error of the mean, % (benchmark.js rme). */
  rme?: number;
  samples?: number;
  /** true: not sampled by benchmark.js (a slow call in --quick mode); the best of a few calls. */
  rough?: boolean;
  check?: Check;
  /** Agreement with the baseline engine's check (reference): relative differences and verdict. */
  agree?: { vs: string; ok: boolean; loss?: number; checksum?: number };
}

export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAverage: number[];
  date: string;
  git?: string;
  wasmBuild?: string;
}

export interface BenchReport {
  machine: MachineInfo;
  mode: string;
  timing: Timing;
  engines: Array<{ name: string; title: string; info?: string }>;
  workloads: Array<{ id: string; group: string; op: string; dtype: DType; rows: number; cols: number; d: number; flops: number; bytes: number; note: string }>;
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

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

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

/** The digest of an output array (see {@link Check}). */
export function digest(out: ArrayLike<number>, loss?: number): Check {
  let checksum = 0;
  let scale = 0;
  for (let i = 0, w = -3; i < out.length; i++) {
    const v = out[i];
    checksum += v * w;
    scale += Math.abs(v);
    w = w === 3 ? -3 : w + 1;
  }
  return loss === undefined ? { checksum, scale } : { loss, checksum, scale };
}

/** Tolerances of the agreement check: results computed in f32 by different summation orders. */
export const AGREEMENT_TOL: Record<DType, { loss: number; checksum: number }> = {
  f32: { loss: 1e-4, checksum: 3e-4 },
  f64: { loss: 1e-9, checksum: 1e-9 },
};

/** Compares one check against the baseline's: relative loss error, checksum error relative to 3·scale. */
export function compareChecks(a: Check, ref: Check, dtype: DType): { ok: boolean; loss?: number; checksum?: number } {
  const tol = AGREEMENT_TOL[dtype];
  const r: { ok: boolean; loss?: number; checksum?: number } = { ok: true };
  if (ref.loss !== undefined && a.loss !== undefined) {
    r.loss = Math.abs(a.loss - ref.loss) / Math.max(1e-30, Math.abs(ref.loss));
    if (!(r.loss <= tol.loss)) r.ok = false;
  } else if (ref.loss !== undefined || a.loss !== undefined) {
    r.ok = false;
  }
  r.checksum = Math.abs(a.checksum - ref.checksum) / Math.max(1e-30, 3 * ref.scale);
  if (!(r.checksum <= tol.checksum)) r.ok = false;
  return r;
}

// ---- machine ----

function gitDescribe(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'assembly', 'src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+uncommitted kernel/src changes` : head;
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const wasmPath = fileURLToPath(new URL('../build/softmax.wasm', import.meta.url));
  let wasmBuild: string | undefined;
  if (existsSync(wasmPath)) {
    const bytes = readFileSync(wasmPath);
    wasmBuild = `build/softmax.wasm ${bytes.length} B sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  }
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${process.arch}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
    git: gitDescribe(),
    wasmBuild,
  };
}

// ---- running ----

/** Runs every workload on every engine; returns the full report (print it with formatReport). */
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
    engines: opts.engines.map((e) => ({ name: e.name, title: e.title, info: engineInfo.get(e.name) })),
    workloads: opts.workloads.map((w) => ({ id: w.id, group: w.group, op: w.op, dtype: w.dtype, rows: w.rows, cols: w.cols, d: w.d, flops: w.flops, bytes: w.bytes, note: w.note })),
    results,
    wallSeconds: (performance.now() - started) / 1e3,
    sink,
  };
}

// ---- formatting ----

/** 3 significant digits, no exponent: 0.0612, 1.23, 45.6, 832. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}

const fmtRatio = (x: number): string => (x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);

/** The pairs shown as ratio columns in the main table: [engine, peer] → peer ms / engine ms. */
export const KEY_RATIOS: Array<[string, string]> = [
  ['wasm-zc', 'tfjs-wasm'], ['wasm-zc', 'numpy-1t'], ['wasm', 'tfjs-wasm'], ['wasm', 'numpy-1t'],
  ['wasm-relaxed-zc', 'wasm-zc'],
];

/** The markdown tables: a header with the machine, then medians + key ratios, then speedups over
 * every peer, then notes (skips, errors, agreement). */
export function formatReport(rep: BenchReport): string {
  const m = rep.machine;
  const lines: string[] = [];
  const get = (w: string, e: string): CaseResult | undefined => rep.results.find((r) => r.workload === w && r.engine === e);
  const ok = (w: string, e: string): number | undefined => {
    const r = get(w, e);
    return r?.status === 'ok' ? r.medianMs : undefined;
  };
  const names = rep.engines.map((e) => e.name);

  lines.push(`**softmax-wasm bench** (${rep.mode}) — Node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; load avg ${m.loadAverage.join(' ')} at start; ${m.date.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(`kernels: ${m.wasmBuild ?? 'build/softmax.wasm missing'}${m.git ? `, git ${m.git}` : ''}; benchmark.js maxTime ${rep.timing.maxTime} s, minSamples ${rep.timing.minSamples} (fewer for calls slower than ${fmtMs((rep.timing.maxTime / rep.timing.minSamples) * 1e3)} ms, n=1 above ${fmtMs(rep.timing.maxTime * 1e3)} ms), warm-up ${rep.timing.warmup} s; median ms ±rme (95% margin of the mean)${rep.timing.slowCall ? `, ≈ = best of the warm-up calls (calls slower than ${fmtMs(rep.timing.slowCall * 1e3)} ms are not sampled in this mode)` : ''}; ratio = peer ms / our ms (higher is better for us); limit = its best sample, % of limit = limit ms / wasm-zc ms.`);
  for (const e of rep.engines) if (e.info) lines.push(`${e.name}: ${e.info}`);
  lines.push('');

  // footnotes for skip / error reasons
  const notes = new Map<string, { n: number; engines: Set<string>; rows: Set<string> }>();
  const note = (r: CaseResult): string => {
    const key = `${r.status}: ${r.reason ?? ''}`;
    let x = notes.get(key);
    if (!x) { x = { n: notes.size + 1, engines: new Set(), rows: new Set() }; notes.set(key, x); }
    x.engines.add(r.engine);
    x.rows.add(r.workload);
    return `${r.status === 'error' ? 'error' : 'skip'}[${x.n}]`;
  };
  const cell = (w: string, e: string): string => {
    const r = get(w, e);
    if (!r) return '';
    if (r.status !== 'ok') return note(r);
    const flag = r.agree && !r.agree.ok ? ' ≠' : '';
    if (r.rough) return `≈${fmtMs(r.medianMs!)}${flag}`;
    if (e === 'limit') return `${fmtMs(r.minMs!)}`; // the limit is the best sample
    if ((r.samples ?? 0) < 2) return `${fmtMs(r.medianMs!)} (n=1)${flag}`;
    return `${fmtMs(r.medianMs!)} ±${(r.rme ?? 0).toFixed(0)}%${flag}`;
  };

  const ratioHeads = KEY_RATIOS.filter(([a, b]) => names.includes(a) && names.includes(b));
  const head = ['workload', ...names.map((n) => `${n} ms`), ...ratioHeads.map(([a, b]) => `${a} vs ${b}`), 'wasm-zc rate', 'wasm-zc % of limit'];
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const w of rep.workloads) {
    const row = [w.id];
    for (const n of names) row.push(cell(w.id, n));
    for (const [a, b] of ratioHeads) {
      const x = ok(w.id, a), y = ok(w.id, b);
      row.push(x && y ? fmtRatio(y / x) : '–');
    }
    const zc = ok(w.id, 'wasm-zc');
    if (zc && w.flops) row.push(`${(w.flops / zc / 1e6).toFixed(1)} GFLOP/s`);
    else if (zc) row.push(`${((w.rows * w.cols) / zc / 1e6).toFixed(2)} Gelem/s`);
    else row.push('–');
    const limR = get(w.id, 'limit');
    const lim = limR?.status === 'ok' ? limR.minMs : undefined;
    row.push(zc && lim ? `${((100 * lim) / zc).toFixed(0)}%` : '–');
    lines.push(`| ${row.join(' | ')} |`);
  }

  // Speedups over every peer.
  const ours = ['wasm-zc', 'wasm', 'wasm-relaxed-zc'].filter((n) => names.includes(n));
  const peers = names.filter((n) => !ours.includes(n) && n !== 'limit');
  if (ours.length && peers.length) {
    lines.push('');
    lines.push(`Speedup of ${ours.join(' · ')} over each peer (peer ms / our ms):`);
    lines.push('');
    const h2 = ['workload', ...peers.map((p) => `vs ${p}`)];
    lines.push(`| ${h2.join(' | ')} |`);
    lines.push(`| ${h2.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const w of rep.workloads) {
      const row = [w.id];
      for (const p of peers) {
        const y = ok(w.id, p);
        const parts = ours.map((o) => { const x = ok(w.id, o); return x && y ? fmtRatio(y / x) : '–'; });
        row.push(parts.every((s) => s === '–') ? '–' : parts.join(' · '));
      }
      lines.push(`| ${row.join(' | ')} |`);
    }
  }

  lines.push('');
  lines.push('Engines: ' + rep.engines.map((e) => `**${e.name}** ${e.title}`).join('; ') + '.');
  const disagree = rep.results.filter((r) => r.agree && !r.agree.ok);
  const agreed = rep.results.filter((r) => r.agree?.ok).length;
  lines.push('');
  lines.push(disagree.length
    ? `Agreement with ${disagree[0].agree!.vs}: ${agreed} results agree; ≠ marks ${disagree.length} that differ: ` +
      disagree.map((r) => `${r.engine} on ${r.workload} (loss rel ${r.agree!.loss?.toExponential(1) ?? '–'}, checksum rel ${r.agree!.checksum?.toExponential(1)})`).join('; ')
    : `Agreement: all ${agreed} measured results agree with the reference (loss and output checksum; f32 tol ${AGREEMENT_TOL.f32.loss}/${AGREEMENT_TOL.f32.checksum}, f64 ${AGREEMENT_TOL.f64.loss}).`);
  if (notes.size) {
    lines.push('');
    for (const [key, x] of notes) {
      const rows = x.rows.size === rep.workloads.length ? 'all rows' : [...x.rows].join(', ');
      lines.push(`[${x.n}] ${[...x.engines].join(', ')} — ${key} (${rows})`);
    }
  }
  lines.push('');
  lines.push(`Wall time ${rep.wallSeconds.toFixed(0)} s.`);
  return lines.join('\n');
}

/** Writes the report as JSON (creating the folder). */
export function writeJson(rep: BenchReport, file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(rep, null, 2) + '\n');
}
