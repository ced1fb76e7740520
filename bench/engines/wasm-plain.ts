/**
 * wasm: the WASM SIMD kernels through the plain API — typed arrays in (copied into WASM memory on
 * every call), results in new typed arrays (copied out), as `k.softmax(matrix(x, r, c))` is called.
 */
import { loadWasm } from '../../src/index.js';
import type { InProcessEngine } from '../harness.js';
import { libraryEngine } from './library.js';

/** The plain API has no exp; the raw export is timed zero-copy. */
export const NO_PLAIN_EXP = 'exp is not a public op: its raw export is timed zero-copy (wasm-zc)';

export function wasmPlainEngine(): InProcessEngine {
  return libraryEngine({
    name: 'wasm',
    title: 'softmax-wasm plain API: typed arrays copied in, results in new arrays',
    async load() {
      const k = await loadWasm({ simd: 'baseline' }).catch((e: Error) => {
        throw new Error(`${e.message} (build the kernels first: npm run asbuild)`);
      });
      return { kernels: k, exp: NO_PLAIN_EXP, dispose: () => k.dispose() };
    },
  });
}
