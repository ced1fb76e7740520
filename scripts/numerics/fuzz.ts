/**
 * `npm run fuzz [-- --runs N] [--midcall-runs M] [--seed S] [--path P] [--hang-ms MS]`: the fuzz of
 * tests/fuzz.test.ts (tests/fuzz/properties.ts and the plans of tests/fuzz/plans/: every public
 * function on both engines, hostile inputs, results against the float64 reference) with a random seed and as many runs as asked
 * (default 200000), then the mid-call property of tests/fuzz_midcall.test.ts (tests/fuzz/midcall.ts:
 * getters with side effects, revoked Proxies, SAB-clone aliases) for M runs (default N / 10).
 *
 * The runs happen in a worker thread; this thread is a watchdog: if no call starts or ends for
 * --hang-ms (default 30000) it prints the seed and the call under way, terminates the worker and
 * exits 1. On a failure it prints the seed, the shrunk counterexample and the command that replays
 * it, and exits 1. Exit 0 when every run passed.
 */
import { Worker } from 'node:worker_threads';
import type { RunnerInput, RunnerResult } from '../../tests/fuzz/runner.js';

function usage(message?: string): never {
  if (message) console.error(`fuzz: ${message}`);
  console.error('usage: npm run fuzz -- [--runs N] [--midcall-runs M] [--seed S] [--path P] [--hang-ms MS]');
  process.exit(2);
}

function parseArgs(argv: string[]): { runs: number; midcallRuns: number; seed: number; path?: string; hangMs: number } {
  const out: { runs: number; midcallRuns: number; seed: number; path?: string; hangMs: number } = {
    runs: 200_000, midcallRuns: -1, seed: (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0, hangMs: 30_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const int = (name: string) => {
      if (value === undefined || !/^-?\d+$/.test(value)) usage(`${name} needs an integer, got ${value ?? 'nothing'}`);
      i++;
      return Number(value);
    };
    if (flag === '--runs') out.runs = int('--runs');
    else if (flag === '--seed') out.seed = int('--seed') | 0;
    else if (flag === '--hang-ms') out.hangMs = int('--hang-ms');
    else if (flag === '--midcall-runs') out.midcallRuns = int('--midcall-runs');
    else if (flag === '--path') { if (!value) usage('--path needs a value'); out.path = value; i++; }
    else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown argument ${flag}`);
  }
  if (out.runs < 1) usage('--runs must be ≥ 1');
  if (out.midcallRuns < 0) out.midcallRuns = Math.ceil(out.runs / 10);
  return out;
}

const args = parseArgs(process.argv.slice(2));
const input: RunnerInput = {
  seed: args.seed,
  runs: args.runs,
  midcallRuns: args.midcallRuns,
  path: args.path,
  heartbeat: new Int32Array(new SharedArrayBuffer(4)),
  current: new Uint8Array(new SharedArrayBuffer(512)),
};
const replay = (extra = '') => `npm run fuzz -- --seed ${args.seed} --runs ${args.runs}${extra}`;
console.log(`fuzz: seed ${args.seed}, ${args.runs} runs${args.path ? `, replaying path ${args.path}` : ''}`);

const worker = new Worker(new URL('../../tests/fuzz/worker.mjs', import.meta.url), { workerData: input });
let last = -1;
let lastChange = Date.now();
let done = false;
const watchdog = setInterval(() => {
  const now = Atomics.load(input.heartbeat, 0);
  if (now !== last) { last = now; lastChange = Date.now(); return; }
  if (Date.now() - lastChange < args.hangMs) return;
  const end = input.current.indexOf(0);
  const what = new TextDecoder().decode(input.current.slice(0, end < 0 ? undefined : end));
  console.error(`fuzz: HANG — no progress for ${args.hangMs} ms during call #${now}: ${what}`);
  console.error(`fuzz: FAILED with seed ${args.seed}; replay: ${replay()}`);
  done = true;
  clearInterval(watchdog);
  process.exitCode = 1;
  void worker.terminate();
}, 1000);

worker.on('message', (r: RunnerResult) => {
  done = true;
  clearInterval(watchdog);
  console.log(r.stats);
  console.log(`fuzz: ${r.numRuns} runs in ${(r.ms / 1000).toFixed(1)} s`);
  if (r.midcall) {
    console.log(r.midcall.stats);
    console.log(`fuzz: mid-call property ${r.midcall.numRuns} runs in ${(r.midcall.ms / 1000).toFixed(1)} s`);
    if (r.midcall.failed) {
      console.error(`fuzz: mid-call property FAILED with seed ${r.seed}; counterexample: ${r.midcall.counterexample}`);
      console.error(r.midcall.error);
      console.error(`replay: npm run fuzz -- --seed ${r.seed} --runs 1 --midcall-runs ${args.midcallRuns}`);
      process.exitCode = 1;
      return;
    }
  }
  if (r.failed) {
    console.error(`fuzz: FAILED with seed ${r.seed} after ${r.numRuns} runs`);
    console.error(`counterexample: ${r.counterexample}`);
    console.error(r.error);
    console.error(`replay: ${replay(r.path ? ` --path ${r.path}` : '')}`);
    process.exitCode = 1;
  } else {
    console.log(`fuzz: passed (seed ${r.seed})`);
  }
});
worker.on('error', (e) => {
  done = true;
  clearInterval(watchdog);
  console.error(`fuzz: the fuzz worker crashed (seed ${args.seed}): ${e.stack ?? e}`);
  console.error(`replay: ${replay()}`);
  process.exitCode = 1;
});
worker.on('exit', (code) => {
  clearInterval(watchdog);
  if (!done) {
    console.error(`fuzz: the fuzz worker exited with code ${code} before reporting (seed ${args.seed})`);
    process.exitCode = 1;
  }
});
