/**
 * wasm-zc-t2 / wasm-t2 / wasm-zc-tall: softmax-wasm with loadWasm({ threads }) — the zero-copy
 * calls of wasm-zc (alloc() inputs and outputs) or the plain API of wasm (typed arrays copied in,
 * new arrays out), on 2 threads or on every core ('auto'), baseline SIMD like the wasm column.
 * Results are bit-identical to the one-thread columns (the digest check compares them).
 */
import os from 'node:os';
import { loadWasm, type WasmKernels } from '../../src/index.js';
import type { Case, InProcessEngine } from '../harness.js';
import type { Workload } from '../workloads.js';
import { plainCase } from './wasm-plain.js';
import { zeroCopyCase } from './wasm-zerocopy.js';

export function wasmThreadsEngine(threads: number | 'auto', api: 'zc' | 'plain'): InProcessEngine {
  let k: WasmKernels | null = null;
  const t = threads === 'auto' ? 'all' : String(threads);
  return {
    kind: 'inprocess',
    name: api === 'zc' ? `wasm-zc-t${t}` : `wasm-t${t}`,
    title: `softmax-wasm ${api === 'zc' ? 'zero-copy' : 'plain API'} with loadWasm({ threads: ${threads === 'auto' ? `'auto'` : threads} })`
      + (threads === 'auto' ? ` (${os.availableParallelism()} cores here)` : ''),
    async init() {
      k = await loadWasm({ simd: 'baseline', threads });
      if (threads !== 'auto' && k.threads < threads) return `only ${k.threads} thread(s): ${k.threadsUnavailable}`;
    },
    info: () => (k ? `${k.threads} threads` : undefined),
    prepare: (w: Workload): Case => (api === 'zc' ? zeroCopyCase : plainCase)(k!, w),
    close() { k?.dispose(); k = null; },
  };
}
