/**
 * The engine-aware `simd: 'auto'` decision: which of the two shipped modules (build/softmax.wasm,
 * baseline SIMD; build/softmax.relaxed.wasm, relaxed_madd) runs faster on this JavaScript engine.
 *
 * It is a per-engine table keyed on engine identification, not a load-time micro-benchmark: a timing
 * taken while the module is still in V8's baseline tier (Liftoff) or JSC's (BBQ) measures the wrong
 * code, waiting for the optimising tier costs far more than "a few ms", and a shared or throttled
 * machine makes a 1–2 ms measurement pick at random. The table costs nothing at load time and gives
 * the same answer on every load (so results are reproducible per engine). Its entries come from
 * instruction counts (scripts/bench/callgrind-engines.mjs) and timings (npm run bench:engines) on x86-64;
 * tests/select_build.test.ts checks every branch.
 *
 *   V8 (Node ≥ 22, Node 20 with --experimental-wasm-relaxed-simd, Deno, Chromium, Edge) → relaxed:
 *     relaxed_madd lowers to vfmadd (one instruction for mul + add) on FMA CPUs.
 *   JavaScriptCore (Bun, Safari) → baseline: the relaxed build measured slower there (Bun 1.4).
 *   anything else (SpiderMonkey, unknown) → relaxed where supported (no measurement: the old rule).
 */

export type SimdBuild = 'baseline' | 'relaxed';

/** What the engine is, as far as the globals tell. */
export interface EngineId {
  /** The JavaScript engine family. */
  engine: 'v8' | 'jsc' | 'spidermonkey' | 'unknown';
  /** A human-readable host + engine version, e.g. 'Node 24.1.0 (V8 13.6.233.10-node.27)'. */
  name: string;
}

/** The decision and why. */
export interface BuildChoice {
  build: SimdBuild;
  reason: string;
}

interface HostGlobals {
  Bun?: { version?: string };
  Deno?: { version?: { deno?: string; v8?: string } };
  process?: { versions?: Record<string, string | undefined> };
  navigator?: { userAgent?: string };
}

/** Identifies the engine from the host's globals (Bun, Deno, Node's process.versions, the user agent). */
export function identifyEngine(g: HostGlobals = globalThis as unknown as HostGlobals): EngineId {
  const versions = g.process?.versions;
  if (g.Bun || versions?.bun) return { engine: 'jsc', name: `Bun ${g.Bun?.version ?? versions?.bun ?? '?'} (JavaScriptCore)` };
  if (g.Deno?.version) return { engine: 'v8', name: `Deno ${g.Deno.version.deno ?? '?'} (V8 ${g.Deno.version.v8 ?? '?'})` };
  if (versions?.node && versions.v8) return { engine: 'v8', name: `Node ${versions.node} (V8 ${versions.v8})` };
  const ua = g.navigator?.userAgent ?? '';
  let m: RegExpExecArray | null;
  if ((m = /Firefox\/(\d+)/.exec(ua))) return { engine: 'spidermonkey', name: `Firefox ${m[1]} (SpiderMonkey)` };
  if ((m = /(?:Chrome|Chromium|CriOS)\/(\d+)/.exec(ua))) return { engine: 'v8', name: `Chromium ${m[1]} (V8)` };
  if ((m = /Version\/(\d+)[^]*Safari\//.exec(ua))) {
    // WebKitGTK / WPE (Linux) send a fixed Version/ that is no Safari release (2.50 says 60.5).
    if (/Linux/.test(ua) && !/Android/.test(ua)) return { engine: 'jsc', name: 'WebKitGTK or WPE (JavaScriptCore)' };
    return { engine: 'jsc', name: `Safari ${m[1]} (JavaScriptCore)` };
  }
  return { engine: 'unknown', name: ua ? `unknown engine (${ua})` : 'unknown engine' };
}

/**
 * The 'auto' entry of the table for `id` when relaxed SIMD validates (`relaxedOk`) or not.
 */
export function autoBuildFor(id: EngineId, relaxedOk: boolean): BuildChoice {
  if (!relaxedOk) return { build: 'baseline', reason: `auto: ${id.name} has no WebAssembly relaxed SIMD` };
  switch (id.engine) {
    case 'v8':
      return { build: 'relaxed', reason: `auto: ${id.name}: the relaxed build is the faster one on V8 (relaxed_madd → FMA)` };
    case 'jsc':
      return { build: 'baseline', reason: `auto: ${id.name}: the baseline build is the faster one on JavaScriptCore (relaxed measured slower)` };
    default:
      return { build: 'relaxed', reason: `auto: ${id.name}: not measured, relaxed where supported` };
  }
}

/**
 * The module that `simd` selects: `capable` is what the loader's own check allows (chooseBuild():
 * 'relaxed' where relaxed SIMD validates or is forced, else 'baseline'; it throws for a forced
 * 'relaxed' that cannot run, before this is asked).
 */
export function chooseBuildFor(simd: unknown, capable: SimdBuild, id: EngineId = identifyEngine()): BuildChoice {
  if (simd === 'baseline' || simd === 'relaxed') return { build: capable, reason: `options.simd: '${simd}'` };
  return autoBuildFor(id, capable === 'relaxed');
}

/**
 * k.buildReason: why the module that runs (`build`, read from the module) was chosen. `given`:
 * options.wasm was passed (the module as given); `simd`: options.simd; `capable`: chooseBuild()'s
 * answer for it (only asked without options.wasm).
 */
export function describeBuild(given: boolean, simd: unknown, capable: () => SimdBuild, build: SimdBuild): string {
  if (given) return `options.wasm: the ${build} module as given`;
  const choice = chooseBuildFor(simd, capable());
  if (choice.build !== build) return `${choice.reason}; the ${choice.build} module could not be loaded, so ${build}`;
  return choice.reason;
}
