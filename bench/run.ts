/**
 * `npm run bench` — softmax-wasm against its peers on every public op (bench/ops.ts, the rows of
 * bench/workloads.ts), one markdown table.
 *
 *   npm run bench                        full run (a few minutes on 2 cores)
 *   npm run bench -- --quick             about a minute: short sampling
 *   npm run bench -- --filter linear     only workloads whose id contains "linear" (comma = or)
 *   npm run bench -- --engines wasm,wasm-zc,tfjs-wasm   only these columns
 *   npm run bench -- --json out.json     result file (default bench/results/latest.json)
 *   npm run bench -- --no-numpy --no-tfjs --no-limits  leave those peers out
 *   npm run bench -- --strict            exit 1 when any case failed
 *   npm run bench -- --max-time 2        benchmark.js maxTime per case, seconds
 *   npm run bench -- --relaxed           re-run node with --experimental-wasm-relaxed-simd (Node 20)
 *                                        so the wasm-relaxed-zc column is measured, not skipped
 *   npm run bench -- --no-relaxed        leave the wasm-relaxed-zc column out
 *   npm run bench -- --runtime node24    run on node20|node22|node24|deno|bun (scripts/test/runtimes.mjs)
 *
 * The table goes to stdout after the progress lines; paste it into an issue as is.
 */
import { spawnSync } from 'node:child_process';
import { relaxedSimdSupported } from '../src/wasm/loader.js';
import { defaultEngines } from './engines/index.js';
import { FULL_TIMING, QUICK_TIMING, runBench, type Timing } from './harness.js';
import { formatReport, writeJson } from './report.js';
import { filterWorkloads, standardWorkloads } from './workloads.js';
import { forwardToRuntime } from './runtime_flag.js';

interface Args {
  quick: boolean;
  filter?: string;
  engines?: string[];
  json: string;
  numpy: boolean;
  tfjs: boolean;
  limits: boolean;
  relaxed?: boolean;
  strict: boolean;
  maxTime?: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, json: 'bench/results/latest.json', numpy: true, tfjs: true, limits: true, strict: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const [flag, inline] = f.includes('=') ? [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] : [f, undefined];
    const take = (): string => inline ?? value(i++, flag);
    switch (flag) {
      case '--quick': a.quick = true; break;
      case '--filter': a.filter = take(); break;
      case '--engines': a.engines = take().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--json': a.json = take(); break;
      case '--no-numpy': a.numpy = false; break;
      case '--no-tfjs': a.tfjs = false; break;
      case '--no-limits': a.limits = false; break;
      case '--relaxed': a.relaxed = true; break;
      case '--no-relaxed': a.relaxed = false; break;
      case '--strict': a.strict = true; break;
      case '--max-time': a.maxTime = Number(take()); break;
      case '--help': case '-h':
        console.log('usage: npm run bench -- [--quick] [--filter softmax,linear] [--engines a,b] [--json path] [--no-numpy] [--no-tfjs] [--no-limits] [--relaxed | --no-relaxed] [--strict] [--max-time s]');
        process.exit(0);
        break;
      default: throw new Error(`unknown flag ${f} (try --help)`);
    }
  }
  return a;
}

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

async function main(): Promise<void> {
  const fwd = await forwardToRuntime(process.argv.slice(2)); // --runtime node22|node24|deno|bun
  if (fwd !== null) { process.exitCode = fwd; return; }
  const args = parseArgs(process.argv.slice(2).filter((a, i, v) => !a.startsWith('--runtime') && v[i - 1] !== '--runtime'));
  if (args.relaxed && !relaxedSimdSupported()) {
    if (process.execArgv.includes(RELAXED_FLAG)) throw new Error(`--relaxed: this node has no relaxed SIMD even with ${RELAXED_FLAG}`);
    // Node 20: relaxed SIMD only behind a V8 flag that NODE_OPTIONS refuses; re-run this script
    // in a node that has it (process.execArgv keeps tsx's loader hooks).
    console.log(`bench: re-running with node ${RELAXED_FLAG}`);
    const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }
  const timing: Timing = { ...(args.quick ? QUICK_TIMING : FULL_TIMING) };
  if (args.maxTime !== undefined) {
    if (!(args.maxTime > 0)) throw new Error(`--max-time must be a positive number of seconds, got ${args.maxTime}`);
    timing.maxTime = args.maxTime;
  }
  const workloads = filterWorkloads(standardWorkloads(), args.filter);
  if (!workloads.length) throw new Error(`--filter ${args.filter} matches no workload; ids look like "${standardWorkloads()[0].id}"`);
  let engines = defaultEngines({ numpy: args.numpy, tfjs: args.tfjs, limits: args.limits, relaxed: args.relaxed !== false });
  if (args.engines) {
    const known = engines.map((e) => e.name);
    const unknown = args.engines.filter((n) => !known.includes(n));
    if (unknown.length) throw new Error(`--engines: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
    engines = engines.filter((e) => args.engines!.includes(e.name));
  }

  const report = await runBench({ workloads, engines, timing, mode: args.quick ? 'quick' : 'full' });
  const table = formatReport(report);
  console.log(`\n${table}\n`);
  writeJson(report, args.json);
  console.log(`results: ${args.json}`);
  const failed = report.results.filter((r) => r.status === 'error');
  if (failed.length) console.log(`${failed.length} case(s) failed: ${failed.map((r) => `${r.engine} on ${r.workload}`).join('; ')}`);
  if (args.strict && failed.length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error)?.message ?? e}`);
  process.exitCode = 2;
});
