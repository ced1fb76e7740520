/**
 * The fuzz context (the WASM instance under test, a foreign one, alloc() matrices that must survive
 * every call), its statistics and how they are printed, and the violation a failed check throws.
 */
import { loadWasm, type WasmKernels, type WasmMatrix } from '../../src/index.js';
import { materialize } from './generators.js';

export interface FuzzStats {
  plans: number;
  calls: number;
  /** Calls with a deliberately bad argument (each expected to throw SoftmaxInputError). */
  badCalls: number;
  /** Calls compared with the relaxed (robustness-only) check; see the top of ./properties.ts. */
  nonStrict: number;
  perFunction: Record<string, { calls: number; bad: number; nonStrict: number }>;
  /** Largest error seen per function/output/dtype, relative to the tolerance's scale. */
  worst: Record<string, number>;
  maxCallMs: number;
  allocs: number;
  /** Outputs compared non-strictly, by function, output and reason. */
  relaxed: Record<string, number>;
}

export interface FuzzContext {
  wasm: WasmKernels;
  /** Another instance: its alloc() matrices are plain memory to `wasm` (copied, not by pointer). */
  foreign: WasmKernels;
  /** alloc() matrices that no call is given: their contents must survive every call. */
  bystanders: Array<{ m: WasmMatrix; pattern: Float64Array }>;
  /** Matrices made by fuzzed alloc() calls, kept for a while (fragmenting the arena). */
  pool: Array<{ m: WasmMatrix; pattern: Float64Array }>;
  stats: FuzzStats;
  hangMs: number;
  /** Called before each call with a short description (scripts/numerics/fuzz.ts feeds its watchdog). */
  onCall?: (what: string) => void;
}

export async function createContext(options: { hangMs?: number } = {}): Promise<FuzzContext> {
  const [wasm, foreign] = await Promise.all([loadWasm(), loadWasm()]);
  const ctx: FuzzContext = {
    wasm, foreign, bystanders: [], pool: [], hangMs: options.hangMs ?? 5000,
    stats: { plans: 0, calls: 0, badCalls: 0, nonStrict: 0, perFunction: {}, worst: {}, maxCallMs: 0, allocs: 0, relaxed: {} },
  };
  for (const [dt, rows, cols] of [['f32', 5, 7], ['f64', 3, 3], ['f32', 1, 33], ['f64', 17, 2]] as const) {
    const m = wasm.alloc(dt, rows, cols);
    const pattern = materialize(dt, rows, cols, { seed: rows * 100 + cols, kind: 'gauss', scale: 1, inject: [], rowFill: [] });
    m.data.set(pattern);
    ctx.bystanders.push({ m, pattern });
  }
  return ctx;
}

export function disposeContext(ctx: FuzzContext): void {
  ctx.wasm.dispose();
  ctx.foreign.dispose();
}

export class FuzzViolation extends Error {
  override name = 'FuzzViolation';
}

export function violation(what: string, detail: string): never {
  throw new FuzzViolation(`${what}: ${detail}`);
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return `non-Error thrown: ${String(e)}`;
}

export function formatStats(s: FuzzStats): string {
  const fns = Object.entries(s.perFunction).sort().map(([k, v]) => `${k} ${v.calls} (${v.bad} bad, ${v.nonStrict} non-strict)`).join(', ');
  const worst = Object.entries(s.worst).sort().map(([k, v]) => `    ${k.padEnd(40)} ${v.toExponential(2)}`).join('\n');
  return [
    `fuzz: ${s.plans} plans, ${s.calls} calls, ${s.badCalls} bad inputs tried (each threw SoftmaxInputError), ` +
      `${s.nonStrict} non-strict calls, ${s.allocs} fuzzed alloc() calls, slowest call ${s.maxCallMs.toFixed(1)} ms`,
    `  per function: ${fns}`,
    `  worst error / tolerance scale (must be ≤ 2e-5 f32, 1e-10 f64):`,
    worst,
    `  compared non-strictly (robustness checks only), per output and reason:`,
    Object.entries(s.relaxed).sort().map(([k, v]) => `    ${k}: ${v}`).join('\n'),
  ].join('\n');
}
