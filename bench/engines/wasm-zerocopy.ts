/**
 * wasm-zc: the WASM SIMD kernels on the zero-copy path — inputs are `alloc()` matrices filled once
 * before timing, outputs are `alloc()` matrices passed as `out` / `gradOut` / `out: { dW, db, dX }`,
 * and the labels an alloc('i32') block (see bench/engines/library.ts). Nothing is copied or
 * allocated per call; this is how a training loop should call the kernels. exp: the raw export of
 * a module of the same build, on its own memory.
 * wasm-relaxed-zc: the same calls on the relaxed-SIMD build (build/softmax.relaxed.wasm,
 * relaxed_madd in GEMM and exp); skipped where the engine has no relaxed SIMD (plain Node 20: run
 * `npm run bench -- --relaxed`, which re-runs node with --experimental-wasm-relaxed-simd).
 */
import { loadWasm } from '../../src/index.js';
import { instantiateKernels, relaxedSimdSupported } from '../../src/wasm/loader.js';
import type { InProcessEngine } from '../harness.js';
import { libraryEngine, rawAllocator, rawExp } from './library.js';

export function wasmZeroCopyEngine(simd: 'baseline' | 'relaxed' = 'baseline'): InProcessEngine {
  const relaxed = simd === 'relaxed';
  return libraryEngine({
    name: relaxed ? 'wasm-relaxed-zc' : 'wasm-zc',
    title: relaxed
      ? 'softmax-wasm zero-copy on the relaxed-SIMD build (build/softmax.relaxed.wasm: relaxed_madd)'
      : 'softmax-wasm zero-copy: alloc() inputs and outputs (out / gradOut / out.dW, out.db, out.dX), nothing copied per call; exp: the raw export',
    async load() {
      if (relaxed && !relaxedSimdSupported()) {
        return 'relaxed SIMD not available in this engine (Node 20 needs --experimental-wasm-relaxed-simd: npm run bench -- --relaxed)';
      }
      const k = await loadWasm({ simd }).catch((e: Error) => {
        throw new Error(`${e.message} (build the kernels first: npm run asbuild)`);
      });
      const raw = await instantiateKernels({ simd });
      return { kernels: k, alloc: k, exp: { kernel: rawExp(raw), allocate: rawAllocator(raw) }, dispose: () => k.dispose() };
    },
  });
}
