/**
 * The tensor round on the thread pool (docs/tensors.md): softmax / logSoftmax over a non-last axis
 * and cross-entropy over class axis 1 of (N, C, d1…dk) split their inner positions across the
 * threads; the results are bit-identical for 1, 2 and 3 threads and to the single-threaded build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, tensor, type FloatArray, type Tensor, type WasmKernels } from '../src/index.js';
import { Rng, arr, sameBits, type DT } from './support/index.js';

/**
 * Bit-identical, except that any NaN equals any NaN: WebAssembly leaves the sign and payload of a
 * NaN an arithmetic op produces to the engine (the spec's NaN nondeterminism), and a worker's code
 * may come from another compiler tier than the caller's.
 */
function sameBitsOrNaN(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length) return false;
  const ctor = a instanceof Float32Array ? Float32Array : Float64Array;
  const clean = (v: FloatArray): FloatArray => ctor.from(Array.from(v, (e) => (Number.isNaN(e) ? NaN : e)));
  return sameBits(clean(a), clean(b));
}

function rand(dt: DT, shape: number[], seed: number): Tensor<FloatArray> {
  const r = new Rng(seed);
  const a = arr(dt, shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < a.length; i++) a[i] = 5 * r.gauss();
  a[7] = -Infinity; a[100] = NaN;
  return tensor(a, shape);
}

describe('threads: N-d forms bit-identical for any thread count', () => {
  const ks: WasmKernels[] = [];
  beforeAll(async () => { for (const t of [1, 2, 3]) ks.push(await loadWasm({ threads: t })); });
  afterAll(() => { for (const k of ks) k.dispose(); });

  it.each(['f32', 'f64'] as const)('%s: softmax / logSoftmax axis 1, cross-entropy over class axis 1', (dt) => {
    expect(ks.map((k) => k.threads)).toEqual([1, 2, 3]);
    for (const shape of [[3, 21, 40, 41], [1, 7, 10007], [2, 5, 3000]]) {
      const x = rand(dt, shape, shape[1]);
      const n = shape[0] * shape.slice(2).reduce((p, d) => p * d, 1);
      const r = new Rng(3);
      const y = Int32Array.from({ length: n }, () => (r.next() < 0.1 ? -100 : r.int(shape[1])));
      const w = arr(dt, shape[1]).map((_, i) => 0.5 + (i % 3));
      const runs = ks.map((k) => [
        k.softmax(x, undefined, { axis: 1 }).data,
        k.logSoftmax(x, undefined, { axis: 1, temperature: 0.5 }).data,
        ...(() => { const c = k.softmaxCrossEntropy(x, y, { weights: w, labelSmoothing: 0.1 }); return [c.grad!.data, Float64Array.of(c.loss)]; })(),
        ...(() => { const c = k.softmaxCrossEntropy(x, y, { reduction: 'none' }); return [c.losses!, c.grad!.data, Float64Array.of(c.loss)]; })(),
      ]);
      for (let t = 1; t < ks.length; t++) {
        runs[t].forEach((a, i) => expect(sameBitsOrNaN(a, runs[0][i]), `[${shape}] result ${i}, ${ks[t].threads} threads`).toBe(true));
      }
    }
  });
});
