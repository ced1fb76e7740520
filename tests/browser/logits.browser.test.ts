/**
 * The logits toolkit in real headless Chromium: the relaxed build (loadWasm() picks it here) and the
 * baseline build give bit-identical seeded samples and log-probs, equal to the float64 reference's
 * tokens; topK / argmax / logSumExp agree with the reference in the page.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, loadWasm, matrix, reference, type WasmKernels } from '../../src/index.js';
import { DTYPES, TOL, randMatrix, relErr } from '../support/index.js';

let relaxed: WasmKernels, baseline: WasmKernels;
beforeAll(async () => {
  relaxed = await loadWasm();
  baseline = await loadWasm({ simd: 'baseline' });
});

describe('logits toolkit in Chromium', () => {
  it('runs on both builds', () => {
    expect(relaxed.build).toBe('relaxed');
    expect(baseline.build).toBe('baseline');
  });
  it.each(DTYPES)('%s: seeded samples are bit-identical on both builds and equal the reference', (dt) => {
    const x = randMatrix(dt, 32, 5000, 17, 2.5);
    for (const o of [{ temperature: 0.8, topP: 0.9 }, { topK: 40 }, { temperature: 1.3, topK: 50, topP: 0.95, minP: 0.05 }, { temperature: 0 }]) {
      const a = relaxed.sample(x, { ...o, seed: 5, logProbs: true });
      const b = baseline.sample(x, { ...o, seed: 5, logProbs: true });
      expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
      expect(Array.from(a.logProbs!)).toEqual(Array.from(b.logProbs!));
      expect(Array.from(a.filteredLogProbs!)).toEqual(Array.from(b.filteredLogProbs!));
      expect(Array.from(a.indices)).toEqual(Array.from(reference.sample(x, { ...o, rng: new Rng(5) }).indices));
    }
  });
  it.each(DTYPES)('%s: topK, argmax, logSumExp match the reference', (dt) => {
    const x = randMatrix(dt, 8, 3001, 23, 3);
    expect(Array.from(relaxed.topK(x, 25).indices.data)).toEqual(Array.from(reference.topK(x, 25).indices.data));
    expect(Array.from(relaxed.argmax(x))).toEqual(Array.from(reference.argmax(x)));
    expect(relErr(relaxed.logSumExp(x), reference.logSumExp(x))).toBeLessThanOrEqual(TOL[dt]);
    expect(relErr(relaxed.softmax(x, undefined, { temperature: 0.7 }).data, reference.softmax(x, undefined, { temperature: 0.7 }).data)).toBeLessThanOrEqual(TOL[dt]);
    expect(Array.from(reference.argmax(matrix(new Float32Array([2, 9, 9]), 1, 3)))).toEqual([1]);
  });
});
