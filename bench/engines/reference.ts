/**
 * reference: the library's plain-TypeScript float64 kernels (`reference` from src/index.ts) through
 * the public API, results in new arrays. The baseline every other engine is checked against; its
 * exp (not a public op) is Math.exp in float64.
 */
import { reference } from '../../src/index.js';
import type { InProcessEngine } from '../harness.js';
import { libraryEngine, mathExp } from './library.js';

export function referenceEngine(): InProcessEngine {
  return libraryEngine({
    name: 'reference',
    ours: false,
    title: 'softmax-wasm `reference` (plain TS, float64 math; the baseline of the agreement check; exp: Math.exp)',
    load: () => Promise.resolve({ kernels: reference, exp: { kernel: mathExp } }),
  });
}
