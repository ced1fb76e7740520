/**
 * Finds, compiles and instantiates build/softmax.wasm (baseline SIMD) or build/softmax.relaxed.wasm
 * (relaxed SIMD, the same sources) with @assemblyscript/loader, in Node and in browsers from one ESM
 * module. The default location is resolved relative to this module with
 * `new URL(..., import.meta.url)` (bundlers such as Vite and webpack 5 pick the files up as assets):
 * `file:` URLs are read with node:fs, other URLs are fetched and compiled while streaming.
 */
import { instantiate } from '@assemblyscript/loader';
import { SoftmaxInputError } from '../errors.js';
import type { LoadWasmOptions } from '../types.js';
import type { SoftmaxWasmExports } from './abi.js';
import { chooseBuildFor } from './select_build.js';

/** The baseline module's location: build/softmax.wasm at the package root (src/wasm → ../../build). */
export function defaultWasmUrl(): URL {
  return new URL('../../build/softmax.wasm', import.meta.url);
}

/** The relaxed-SIMD module's location: build/softmax.relaxed.wasm at the package root. */
export function relaxedWasmUrl(): URL {
  return new URL('../../build/softmax.relaxed.wasm', import.meta.url);
}

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
    throw new SoftmaxInputError(`loadWasm: options.simd must be 'auto', 'baseline' or 'relaxed', got ${typeof simd === 'string' ? JSON.stringify(simd) : String(simd)}`, 'options.simd');
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

async function readUrl(url: URL): Promise<ArrayBuffer | Uint8Array | Response> {
  if (url.protocol === 'file:') {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`softmax-wasm: could not fetch ${url.href}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

function isResponse(v: unknown): v is Response {
  return typeof Response !== 'undefined' && v instanceof Response;
}

function toSource(src: unknown): Promise<BufferSource | Response | WebAssembly.Module> | BufferSource | Response | WebAssembly.Module {
  if (src instanceof URL) return readUrl(src);
  if (typeof src === 'string') return readUrl(new URL(src, import.meta.url));
  if (isResponse(src) || src instanceof WebAssembly.Module || ArrayBuffer.isView(src) || src instanceof ArrayBuffer) return src as BufferSource | Response | WebAssembly.Module;
  throw new TypeError(`loadWasm: options.wasm must be bytes (ArrayBuffer or a view), a URL, a Response or a WebAssembly.Module, got ${Object.prototype.toString.call(src)}`);
}

async function instantiateSource(source: BufferSource | Response | WebAssembly.Module, given: boolean): Promise<SoftmaxWasmExports> {
  try {
    const { exports } = await instantiate<Record<string, unknown>>(source as Parameters<typeof instantiate>[0], {});
    return exports as unknown as SoftmaxWasmExports;
  } catch (e) {
    let hint = validates(SIMD_PROBE) ? '' : ' This JavaScript engine does not support WebAssembly SIMD (needed by softmax-wasm).';
    if (!hint && given && !relaxedSimdSupported()) {
      hint = ' If this is build/softmax.relaxed.wasm: this engine has no relaxed SIMD (use build/softmax.wasm).';
    }
    throw new Error(`softmax-wasm: could not instantiate the WASM kernels: ${(e as Error).message}.${hint}`, { cause: e });
  }
}

/**
 * Instantiates the kernels module and returns its raw exports: `options.wasm` as given, else the
 * build that `options.simd` selects (with 'auto', a relaxed module that cannot be read or
 * instantiated falls back to the baseline one silently).
 */
export async function instantiateKernels(options: LoadWasmOptions = {}): Promise<SoftmaxWasmExports> {
  if (options.wasm !== undefined) {
    checkSimdOption(options.simd);
    return instantiateSource(await toSource(options.wasm), true);
  }
  const build = chooseBuildFor(options.simd, chooseBuild(options.simd)).build;
  if (build === 'relaxed' && (options.simd ?? 'auto') === 'auto') {
    try {
      return await instantiateSource(await toSource(relaxedWasmUrl()), false);
    } catch {
      // fall through to the baseline module
    }
  } else if (build === 'relaxed') {
    return instantiateSource(await toSource(relaxedWasmUrl()), false);
  }
  return instantiateSource(await toSource(defaultWasmUrl()), false);
}
