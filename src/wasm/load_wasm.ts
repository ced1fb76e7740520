/**
 * loadWasm(), the composition root of the WASM kernels: the loader (./loader.ts, ./threaded.ts for
 * the worker pool) gives the instance's exports, a WasmEngine (./engine.ts) computes on them, and
 * createKernels (src/api.ts) puts the validating public API on top; alloc(), dispose() and
 * memoryBytes() are added here because they belong to one instance.
 */
import { createKernels } from '../api.js';
import { backendOf } from '../ops/index.js';
import { SoftmaxInputError } from '../errors.js';
import type { LoadWasmOptions, WasmKernels } from '../types.js';
import { describe } from '../validate.js';
import { WasmEngine } from './engine.js';
import { SIMD_BUILD_RELAXED } from './abi.js';
import { checkLoadOptions, chooseBuild, instantiateKernels } from './loader.js';
import { describeBuild } from './select_build.js';
import { loadThreaded } from './threaded.js';
import { allocWasmMatrix } from './wasm_matrix.js';

/**
 * Compiles and instantiates the WASM SIMD kernels. Each call makes an independent instance with its
 * own memory (no global state); instances are cheap to keep and should be reused.
 * @param options `{ wasm }`: the module's bytes, URL, Response (streamed when it says
 *   `application/wasm`, else read as bytes) or compiled Module, when the app hosts the file itself
 *   (it then runs on one thread; the threads builds are refused with a SoftmaxInputError); `{ simd }`: 'auto' (default: the faster build on
 *   this engine by a per-engine table, see {@link LoadWasmOptions.simd}), 'baseline' or 'relaxed'
 *   (throws where unsupported); `{ threads }`: a positive integer or 'auto' (default 1), the size of
 *   the worker pool, calling thread included, with results bit-identical to one thread.
 * @returns the kernels, with alloc() / dispose() / memoryBytes(), `build` ('baseline' | 'relaxed')
 *   and `buildReason`, `threads` (really in use) and `threadsUnavailable` (why fewer than asked).
 * @throws {@link SoftmaxInputError} for a bad option (an unknown name, a string as `wasm`, a bad
 *   `threads`); an Error when the module cannot be read or `simd: 'relaxed'` is unsupported.
 * @example
 * const k = await loadWasm();
 * k.softmax(matrix(new Float32Array([1, 2, 3]), 1, 3)).data; // ≈ [0.090031, 0.244728, 0.665241]
 */
export async function loadWasm(options?: LoadWasmOptions): Promise<WasmKernels> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new SoftmaxInputError(`loadWasm: options must be an object or undefined, got ${describe(options)}`, 'options');
  }
  const opts = checkLoadOptions(options); // every option checked before anything starts
  const mt = await loadThreaded(opts); // options.threads (threaded.ts); exports null: one thread
  const exports = mt.exports ?? await instantiateKernels(opts);
  const build: WasmKernels['build'] = exports.simd_build?.() === SIMD_BUILD_RELAXED ? 'relaxed' : 'baseline';
  let engine: WasmEngine | null = new WasmEngine(exports);
  mt.attach(engine.arena);
  const current = (): WasmEngine | null => engine;
  const guard = (fn: string): void => {
    if (!engine) throw new SoftmaxInputError(`${fn}: this WasmKernels instance was disposed; call loadWasm() again`, 'this');
  };
  // Route through the current engine so dispose() can drop it; every array outside the memory is
  // copied into the scratch block before the kernel runs (stagesInputs).
  const backend = backendOf((op, args) => engine!.run(op, args), {
    stagesInputs: true,
    ownMemory: {
      isMemory: (b) => engine?.arena.isMemoryBuffer(b) ?? false,
      buffer: () => engine!.memory.buffer,
      blockId: (p, n) => engine!.arena.blockId(p, n),
    },
  });
  const api = createKernels(backend, guard);
  const kernels: WasmKernels = {
    ...api,
    alloc: ((dtype: 'f32' | 'f64' | 'i32', rows: number, cols: number) => {
      guard('alloc');
      return allocWasmMatrix(engine!, dtype, rows, cols, current);
    }) as WasmKernels['alloc'],
    dispose() {
      engine?.dropViews.forEach((drop) => drop());
      engine = null;
      mt.dispose();
    },
    memoryBytes() {
      guard('memoryBytes');
      return engine!.memory.buffer.byteLength;
    },
    build,
    buildReason: describeBuild(opts.wasm !== undefined, opts.simd, () => chooseBuild(opts.simd), build),
  } as WasmKernels;
  return mt.decorate(kernels);
}
