/**
 * wasm-zc-t2 / wasm-t2 / wasm-zc-tall: softmax-wasm with loadWasm({ threads }) — the zero-copy
 * calls of wasm-zc (alloc() inputs and outputs) or the plain API of wasm (typed arrays copied in,
 * new arrays out), on 2 threads or on every core ('auto'), baseline SIMD like the wasm column.
 * Results are bit-identical to the one-thread columns (the digest check compares them). No Node
 * imports: the browser page has these columns too.
 */
import { loadWasm } from '../../src/index.js';
import type { InProcessEngine } from '../harness.js';
import { libraryEngine } from './library.js';

export function wasmThreadsEngine(threads: number | 'auto', api: 'zc' | 'plain'): InProcessEngine {
  const t = threads === 'auto' ? 'all' : String(threads);
  return libraryEngine({
    name: api === 'zc' ? `wasm-zc-t${t}` : `wasm-t${t}`,
    title: `softmax-wasm ${api === 'zc' ? 'zero-copy' : 'plain API'} with loadWasm({ threads: ${threads === 'auto' ? `'auto'` : threads} })`
      + (threads === 'auto' ? ' (every core: the count is in the header)' : ''),
    async load() {
      const k = await loadWasm({ simd: 'baseline', threads });
      if (threads !== 'auto' && k.threads < threads) {
        const why = `only ${k.threads} thread(s): ${k.threadsUnavailable}`;
        k.dispose();
        return why;
      }
      return {
        kernels: k, alloc: api === 'zc' ? k : undefined, exp: 'the raw exp export runs on one thread (wasm-zc)',
        info: `${k.threads} threads`, dispose: () => k.dispose(),
      };
    },
  });
}
