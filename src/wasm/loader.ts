/**
 * Validates loadWasm's options, picks one of the shipped kernel modules (build/softmax.wasm,
 * baseline SIMD; build/softmax.relaxed.wasm, relaxed SIMD, the same sources) or takes the user's,
 * and instantiates it with @assemblyscript/loader.
 *
 * Where the shipped modules' bytes come from depends on the runtime, through the package's own
 * `#platform` import (package.json "imports", with export conditions):
 * - Node and Bun (`default`): ./platform.node.ts reads build/*.wasm beside the package with node:fs;
 * - browsers and Deno (`browser`, `deno`): ./platform.inline.ts imports generated modules that hold
 *   each build as base64 (src/wasm/inline/, written by scripts/build/inline-wasm.mjs in `npm run build`),
 *   so bundlers need no asset handling or configuration and Deno needs no --allow-read.
 * A new build (e.g. a threads module) is a row in ./builds.ts and in each platform's table.
 */
import { instantiate } from '@assemblyscript/loader';
import { platform } from '#platform';
import { SoftmaxInputError } from '../errors.js';
import type { LoadWasmOptions, WasmResponseLike } from '../types.js';
import { describe } from '../validate.js';
import type { SoftmaxWasmExports } from './abi.js';
import { loadFirstBuild, type BuildName, type WasmSource } from './builds.js';
import { chooseBuildFor } from './select_build.js';

export { BUILDS, type BuildName } from './builds.js';

/** The option names loadWasm knows (anything else is a SoftmaxInputError). */
export const LOAD_WASM_OPTIONS: readonly string[] = ['wasm', 'simd', 'threads'];

// (module (func (param v128 v128 v128) (result v128)
//   local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
];
// (module (func (result v128) v128.const i32x4 0 0 0 0))
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
];

function validates(bytes: number[]): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

let relaxedCache: boolean | undefined;
/** Whether this engine runs relaxed SIMD (`WebAssembly.validate` of a one-instruction probe). */
export function relaxedSimdSupported(): boolean {
  return (relaxedCache ??= validates(RELAXED_PROBE));
}

function checkSimdOption(simd: unknown): asserts simd is 'auto' | 'baseline' | 'relaxed' | undefined {
  if (simd !== undefined && simd !== 'auto' && simd !== 'baseline' && simd !== 'relaxed') {
    throw new SoftmaxInputError(`loadWasm: options.simd must be 'auto', 'baseline' or 'relaxed', got ${describe(simd)}`, 'options.simd');
  }
}

/** Which shipped module `simd` selects here (throws for 'relaxed' where it cannot run). */
export function chooseBuild(simd: unknown = 'auto'): 'baseline' | 'relaxed' {
  checkSimdOption(simd);
  if (simd === 'baseline') return 'baseline';
  const ok = relaxedSimdSupported();
  if (simd === 'relaxed' && !ok) {
    throw new Error('softmax-wasm: loadWasm({ simd: \'relaxed\' }): this JavaScript engine does not support WebAssembly relaxed SIMD '
      + '(Node 20 needs `node --experimental-wasm-relaxed-simd`; Node ≥ 22 and Chromium ≥ 114 have it). '
      + 'Use simd: \'auto\' or \'baseline\' for the baseline SIMD build.');
  }
  return ok ? 'relaxed' : 'baseline';
}

const WASM_ACCEPTED = 'the module\'s bytes (an ArrayBuffer or a view of one), a URL object (new URL(…); '
  + 'file: URLs are read in Node, Bun and Deno, other URLs fetched), a fetch Response or a WebAssembly.Module';

const tag = (v: unknown): string => Object.prototype.toString.call(v);

function isResponseLike(v: object): v is WasmResponseLike {
  const r = v as Partial<WasmResponseLike>;
  return typeof r.arrayBuffer === 'function' && typeof r.ok === 'boolean' && typeof r.status === 'number';
}

function isUrl(v: object): v is URL {
  return (typeof URL === 'function' && v instanceof URL) || tag(v) === '[object URL]';
}

/** The user's `options.wasm` as something instantiate() takes; a SoftmaxInputError for anything else. */
async function userSource(src: unknown): Promise<WasmSource> {
  if (typeof src === 'string') {
    throw new SoftmaxInputError(`loadWasm: options.wasm must be ${WASM_ACCEPTED}; got the string ${describe(src)}. `
      + 'Strings are not accepted because a path and a URL look alike: pass new URL(string, import.meta.url), '
      + 'or the bytes (e.g. await readFile(path) in Node)', 'options.wasm');
  }
  if (src === null || typeof src !== 'object') {
    throw new SoftmaxInputError(`loadWasm: options.wasm must be ${WASM_ACCEPTED}; got ${describe(src)}`, 'options.wasm');
  }
  if (isUrl(src)) return platform.readUrl(src);
  if (ArrayBuffer.isView(src) || tag(src) === '[object ArrayBuffer]' || tag(src) === '[object SharedArrayBuffer]') return src;
  if (typeof WebAssembly === 'object' && src instanceof WebAssembly.Module) return src;
  if (isResponseLike(src)) {
    if (!src.ok) throw new Error(`softmax-wasm: loadWasm: options.wasm is a failed Response (HTTP ${src.status}${src.url ? ` for ${src.url}` : ''})`);
    // A genuine Response streams into the compiler; any other response-like object gives its bytes.
    return typeof Response === 'function' && src instanceof Response ? src : src.arrayBuffer();
  }
  throw new SoftmaxInputError(`loadWasm: options.wasm must be ${WASM_ACCEPTED}; got ${describe(src)} (${tag(src)})`, 'options.wasm');
}

/** The Error for a module that does not compile or instantiate here, with the likely reason. */
function instantiateError(e: unknown, given: boolean): Error {
  let hint = validates(SIMD_PROBE) ? '' : ' This JavaScript engine does not support WebAssembly SIMD (needed by softmax-wasm).';
  if (!hint && given && !relaxedSimdSupported()) {
    hint = ' If this is build/softmax.relaxed.wasm: this engine has no relaxed SIMD (use build/softmax.wasm).';
  }
  return new Error(`softmax-wasm: could not instantiate the WASM kernels: ${(e as Error).message}.${hint}`, { cause: e });
}

async function instantiateSource(source: WasmSource, given: boolean): Promise<SoftmaxWasmExports> {
  try {
    const { exports } = await instantiate<Record<string, unknown>>(source as Parameters<typeof instantiate>[0], {});
    return exports as unknown as SoftmaxWasmExports;
  } catch (e) {
    throw instantiateError(e, given);
  }
}

/**
 * The user's module, compiled: a Response streams into the compiler only when it says
 * `Content-Type: application/wasm` (instantiateStreaming refuses any other type), else its bytes
 * are compiled. A threads build (softmax.threads.wasm, softmax.relaxed.threads.wasm: it imports a
 * shared memory that only the pool provides) is refused with a SoftmaxInputError.
 */
async function compileGiven(source: WasmSource): Promise<WebAssembly.Module> {
  let module: WebAssembly.Module;
  try {
    if (source instanceof WebAssembly.Module) module = source;
    else if (typeof Response === 'function' && source instanceof Response) {
      const type = source.headers.get('content-type') ?? '';
      // (exactly this type: Node refuses even 'application/wasm; charset=…' for streaming)
      module = type.trim() === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function'
        ? await WebAssembly.compileStreaming(source)
        : await WebAssembly.compile(await source.arrayBuffer());
    } else module = await WebAssembly.compile(source as BufferSource);
  } catch (e) {
    throw instantiateError(e, true);
  }
  const memory = WebAssembly.Module.imports(module).find((i) => i.kind === 'memory');
  if (memory) {
    throw new SoftmaxInputError('loadWasm: options.wasm imports a memory (' + `${memory.module}.${memory.name}` + '): it is a threads build '
      + '(softmax.threads.wasm or softmax.relaxed.threads.wasm), which runs only inside the worker pool. Pass the single-thread '
      + 'module (softmax.wasm or softmax.relaxed.wasm), or leave out options.wasm and use loadWasm({ threads }) for threads', 'options.wasm');
  }
  return module;
}

/** Checks loadWasm's options (unknown keys, types) and returns a snapshot of them. */
export function checkLoadOptions(options: unknown): LoadWasmOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SoftmaxInputError(`loadWasm: options must be an object or undefined, got ${describe(options)}`, 'options');
  }
  const snapshot: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (!LOAD_WASM_OPTIONS.includes(key)) {
      throw new SoftmaxInputError(`loadWasm: options.${key} is not a known option (known: ${LOAD_WASM_OPTIONS.join(', ')})`, `options.${key}`);
    }
    snapshot[key] = (options as Record<string, unknown>)[key];
  }
  // Symbol keys are no options of a user's; the threads tests pass their hooks that way.
  for (const sym of Object.getOwnPropertySymbols(options)) (snapshot as Record<symbol, unknown>)[sym] = (options as Record<symbol, unknown>)[sym];
  checkSimdOption(snapshot.simd);
  return snapshot as LoadWasmOptions;
}

/**
 * Instantiates the kernels module and returns its raw exports: `options.wasm` as given, else the
 * build that `options.simd` selects (with 'auto', a relaxed module that cannot be read or
 * instantiated falls back to the baseline one silently).
 */
export async function instantiateKernels(options?: unknown): Promise<SoftmaxWasmExports> {
  const opts = checkLoadOptions(options);
  if (opts.wasm !== undefined) return instantiateSource(await compileGiven(await userSource(opts.wasm)), true);
  const build = chooseBuildFor(opts.simd, chooseBuild(opts.simd)).build;
  return loadFirstBuild(opts.simd, build, async (b) => instantiateSource(await platform.shipped(b), false));
}
