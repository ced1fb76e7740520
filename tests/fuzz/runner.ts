/**
 * The fuzz loop of scripts/numerics/fuzz.ts, run in a worker thread so that the main thread can watch it: it
 * bumps a shared heartbeat before every call and writes what it is calling into a shared buffer; the
 * main thread reports a hang (and terminates this worker) when the heartbeat stops.
 */
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { createMidcallContext, disposeMidcallContext, formatMidcallStats, midcallProperty } from './midcall.js';
import { createContext, disposeContext, formatStats, fuzzProperty } from './properties.js';

export interface RunnerInput {
  seed: number;
  runs: number;
  /** Runs of the mid-call property (tests/fuzz/midcall.ts) after the main one; 0 = none. */
  midcallRuns: number;
  path?: string;
  heartbeat: Int32Array; // [calls so far]
  current: Uint8Array; // UTF-8, NUL-terminated: the call under way
}

export interface RunnerResult {
  failed: boolean;
  seed: number;
  runs: number;
  numRuns: number;
  path?: string;
  counterexample?: string;
  error?: string;
  stats: string;
  ms: number;
  midcall?: { failed: boolean; numRuns: number; stats: string; counterexample?: string; error?: string; ms: number };
}

const input = workerData as RunnerInput;
const encoder = new TextEncoder();
const ctx = await createContext({ hangMs: 60_000 });
ctx.onCall = (what) => {
  const { written } = encoder.encodeInto(what.slice(0, 400), input.current);
  input.current[written] = 0;
  Atomics.add(input.heartbeat, 0, 1);
};
const t0 = performance.now();
const details = fc.check(fuzzProperty(ctx), {
  seed: input.seed, numRuns: input.runs, ...(input.path ? { path: input.path, endOnFailure: false } : {}),
});
const result: RunnerResult = {
  failed: details.failed,
  seed: input.seed,
  runs: input.runs,
  numRuns: details.numRuns,
  stats: formatStats(ctx.stats),
  ms: performance.now() - t0,
};
if (details.failed) {
  result.path = details.counterexamplePath ?? undefined;
  result.counterexample = fc.stringify(details.counterexample);
  const e = details.errorInstance as Error | undefined;
  result.error = e ? `${e.stack ?? e.message}${e.cause ? `\ncaused by: ${(e.cause as Error).stack ?? e.cause}` : ''}` : String(details.errorInstance);
}
disposeContext(ctx);
if (!details.failed && input.midcallRuns > 0 && !input.path) {
  const mctx = await createMidcallContext();
  mctx.onCall = ctx.onCall;
  const t1 = performance.now();
  const md = await fc.check(midcallProperty(mctx), { seed: input.seed, numRuns: input.midcallRuns });
  result.midcall = { failed: md.failed, numRuns: md.numRuns, stats: formatMidcallStats(mctx.stats), ms: performance.now() - t1 };
  if (md.failed) {
    result.failed = true;
    result.midcall.counterexample = fc.stringify(md.counterexample);
    const e = md.errorInstance as Error | undefined;
    result.midcall.error = e ? e.stack ?? e.message : String(md.errorInstance);
  }
  disposeMidcallContext(mctx);
}
parentPort!.postMessage(result);
