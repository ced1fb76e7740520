/**
 * Finds, compiles and instantiates build/softmax.wasm with @assemblyscript/loader, in Node and in
 * browsers from one ESM module. The default location is resolved relative to this module with
 * `new URL(..., import.meta.url)` (bundlers such as Vite and webpack 5 pick the file up as an
 * asset): `file:` URLs are read with node:fs, other URLs are fetched and compiled while streaming.
 */
import { instantiate } from '@assemblyscript/loader';
import type { LoadWasmOptions } from '../types.js';
import type { SoftmaxWasmExports } from './abi.js';

/** The module's location: build/softmax.wasm at the package root (src/wasm → ../../build). */
export function defaultWasmUrl(): URL {
  return new URL('../../build/softmax.wasm', import.meta.url);
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

/** Instantiates the kernels module and returns its raw exports. */
export async function instantiateKernels(options: LoadWasmOptions = {}): Promise<SoftmaxWasmExports> {
  const src: unknown = options.wasm ?? defaultWasmUrl();
  let source: BufferSource | Response | WebAssembly.Module;
  if (src instanceof URL) source = await readUrl(src);
  else if (typeof src === 'string') source = await readUrl(new URL(src, import.meta.url));
  else if (isResponse(src) || src instanceof WebAssembly.Module || ArrayBuffer.isView(src) || src instanceof ArrayBuffer) source = src as BufferSource | Response | WebAssembly.Module;
  else throw new TypeError(`loadWasm: options.wasm must be bytes (ArrayBuffer or a view), a URL, a Response or a WebAssembly.Module, got ${Object.prototype.toString.call(src)}`);
  try {
    const { exports } = await instantiate<Record<string, unknown>>(source as Parameters<typeof instantiate>[0], {});
    return exports as unknown as SoftmaxWasmExports;
  } catch (e) {
    const simd = WebAssembly.validate(new Uint8Array([
      // (module (func (result v128) v128.const i32x4 0 0 0 0)) — probes for SIMD support
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
    ]));
    const hint = simd ? '' : ' This JavaScript engine does not support WebAssembly SIMD (needed by softmax-wasm).';
    throw new Error(`softmax-wasm: could not instantiate the WASM kernels: ${(e as Error).message}.${hint}`, { cause: e });
  }
}
