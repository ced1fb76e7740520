/**
 * limit: what this machine can do from WASM SIMD-128, timed like any engine so each workload gets a
 * "% of limit" (limit ms / wasm-zc ms):
 * - row ops: `memory.copy` of the workload's main input inside WASM memory — the traffic of a
 *   kernel that reads its input once and writes an output of the same size;
 * - the linear ops: a loop of independent f32x4 (f64x2) multiplies and adds, no FMA, doing the
 *   workload's GEMM flop count (2·N·D·C per product) — the SIMD-128 compute ceiling.
 * bench/limits.as.ts is compiled in memory with asc (-O3, SIMD), nothing is written to disk.
 */
import { readFileSync } from 'node:fs';
import type { Case, InProcessEngine } from '../harness.js';
import type { Workload } from '../workloads.js';

interface LimitsExports {
  memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  copy(dst: number, src: number, n: number): void;
  peak_f32x4(iters: number, m: number, a: number): number;
  peak_f64x2(iters: number, m: number, a: number): number;
}

/** Compiles bench/limits.as.ts and instantiates it. */
export async function loadLimits(): Promise<LimitsExports> {
  const { default: asc } = await import('assemblyscript/asc');
  const source = readFileSync(new URL('../limits.as.ts', import.meta.url), 'utf8');
  const r = await asc.compileString({ 'limits.ts': source }, {
    optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', enable: ['simd'], use: ['abort='], noAssert: true,
  } as Parameters<typeof asc.compileString>[1]);
  if (r.error || !r.binary) throw new Error(`asc could not compile bench/limits.as.ts: ${r.error?.message ?? ''} ${r.stderr.toString().slice(0, 500)}`);
  const { instance } = await WebAssembly.instantiate(r.binary as Uint8Array<ArrayBuffer>, {});
  return instance.exports as unknown as LimitsExports;
}

/** Best-of-k rates for the header: copy GB/s at a few sizes, peak GFLOP/s. */
export function probeLimits(e: LimitsExports): { copyGBs: Record<string, number>; f32: number; f64: number } {
  const best = (f: () => void, reps: number): number => {
    let b = Infinity;
    for (let i = 0; i < reps; i++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); }
    return b;
  };
  const copyGBs: Record<string, number> = {};
  for (const [label, bytes] of [['256 KiB', 256 << 10], ['4 MiB', 4 << 20], ['32 MiB', 32 << 20]] as const) {
    const base = e.reserve(2 * bytes);
    copyGBs[label] = bytes / best(() => e.copy(base + bytes, base, bytes), 15) / 1e6;
  }
  const it = 2_000_000;
  best(() => e.peak_f32x4(it, 1, 0), 3); // tier-up
  best(() => e.peak_f64x2(it, 1, 0), 3);
  const f32 = (it * 48) / best(() => e.peak_f32x4(it, 1, 0), 5) / 1e6;
  const f64 = (it * 24) / best(() => e.peak_f64x2(it, 1, 0), 5) / 1e6;
  return { copyGBs, f32, f64 };
}

export function limitsEngine(): InProcessEngine {
  let e: LimitsExports | null = null;
  let info: string | undefined;
  return {
    kind: 'inprocess',
    name: 'limit',
    title: 'WASM SIMD-128 limit: memory.copy of the input bytes (row ops) or a no-FMA f32x4/f64x2 mul+add loop of the same flops (linear ops)',
    async init() {
      e = await loadLimits();
      const p = probeLimits(e);
      info = `WASM memory.copy ${Object.entries(p.copyGBs).map(([k, v]) => `${v.toFixed(0)} GB/s (${k})`).join(', ')}; peak ${p.f32.toFixed(1)} GFLOP/s f32x4, ${p.f64.toFixed(1)} GFLOP/s f64x2 (mul+add, no FMA)`;
    },
    info: () => info,
    prepare(w: Workload): Case {
      const x = e!;
      if (w.flops) {
        const f32 = w.dtype === 'f32';
        const iters = Math.max(1, Math.round(w.flops / (f32 ? 48 : 24)));
        return { run: () => (f32 ? x.peak_f32x4(iters, 1, 0) : x.peak_f64x2(iters, 1, 0)), check: () => undefined };
      }
      const n = w.bytes;
      const base = x.reserve(2 * n + 64);
      const src = new Uint8Array(x.memory.buffer, base, n);
      src.set(new Uint8Array(w.data().x.buffer, w.data().x.byteOffset, n));
      return { run: () => (x.copy(base + n + 64, base, n), 0), check: () => undefined };
    },
  };
}
