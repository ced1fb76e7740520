/**
 * Runs in real headless Chromium (vitest browser mode; scripts/chromium.mjs picks the binary): the
 * package's ESM entry loads the relaxed build (Chromium has relaxed SIMD, so loadWasm() picks it)
 * from its inlined module, as browsers do (src/wasm/platform.inline.ts), and a representative subset of the WASM-vs-reference
 * comparisons runs in the page, so this suite covers the relaxed build. A wrong kernel fails `npm test`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SoftmaxInputError, loadWasm, matrix, reference, type WasmKernels } from '../../src/index.js';
import { solveTutorial } from '../../apps/shared/tutorial.js';
import { DTYPES, TOL, randLabels, randMatrix, relErr, relErrScalar, toF64 } from '../support/index.js';

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });

describe('in Chromium', () => {
  it('is a real browser', () => {
    expect(typeof window).toBe('object');
    expect(navigator.userAgent).toMatch(/Chrome/);
  });

  it('picks the relaxed-SIMD build (Chromium runs relaxed SIMD natively); baseline on request', async () => {
    expect(wasm.build).toBe('relaxed');
    const base = await loadWasm({ simd: 'baseline' });
    expect(base.build).toBe('baseline');
    const x = randMatrix('f32', 4, 1000, 11, 5);
    expect(relErr(wasm.softmax(x).data, base.softmax(x).data)).toBeLessThanOrEqual(2 * TOL.f32);
    base.dispose();
    const relaxed = await loadWasm({ wasm: new URL('../../build/softmax.relaxed.wasm', import.meta.url) });
    expect(relaxed.build).toBe('relaxed');
    relaxed.dispose();
  });

  it('loadWasm accepts a URL, a Response and bytes', async () => {
    const url = new URL('../../build/softmax.wasm', import.meta.url);
    const fromUrl = await loadWasm({ wasm: url });
    const fromResponse = await loadWasm({ wasm: await fetch(url) });
    const fromBytes = await loadWasm({ wasm: await (await fetch(url)).arrayBuffer() });
    for (const k of [fromUrl, fromResponse, fromBytes]) {
      expect(Array.from(k.softmax(matrix(new Float64Array([0, 0]), 1, 2)).data)).toEqual([0.5, 0.5]);
      k.dispose();
    }
  });

  it('the tutorial example, done right', () => {
    const t = solveTutorial(wasm);
    expect(t.loss).toBeCloseTo(2.1269280110429727, 14);
    expect(t.probs.data[0]).toBeCloseTo(0.8807970779778823, 15);
    expect(Array.from(t.dW.data).map((v) => Number(v.toFixed(12)))).toEqual(
      [0.880797077978, -0.880797077978, 1.761594155956, -1.761594155956, 2.642391233934, -2.642391233934]);
  });

  describe.each(DTYPES)('%s', (dt) => {
    const tol = TOL[dt];
    const shapes: Array<[number, number]> = [[1, 1], [3, 5], [7, 17], [2, 1000], [33, 10], [1, 4099]];
    it.each(shapes)('softmax, logSoftmax, backward, cross-entropy on %i×%i', (rows, cols) => {
      const x = randMatrix(dt, rows, cols, rows * 31 + cols, 5);
      const x64 = matrix(toF64(x.data), rows, cols);
      expect(relErr(wasm.softmax(x).data, reference.softmax(x64).data)).toBeLessThanOrEqual(tol);
      expect(relErr(wasm.logSoftmax(x).data, reference.logSoftmax(x64).data)).toBeLessThanOrEqual(tol);
      const y = wasm.softmax(x);
      const dy = randMatrix(dt, rows, cols, 7);
      expect(relErr(wasm.softmaxBackward(y, dy).data,
        reference.softmaxBackward(matrix(toF64(y.data), rows, cols), matrix(toF64(dy.data), rows, cols)).data)).toBeLessThanOrEqual(tol);
      const labels = randLabels(rows, cols, 3);
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const opts = { reduction, labelSmoothing: 0.1 };
        const got = wasm.softmaxCrossEntropy(x, labels, opts);
        const ref = reference.softmaxCrossEntropy(x64, labels, opts);
        expect(relErrScalar(got.loss, ref.loss)).toBeLessThanOrEqual(tol);
        expect(relErr(got.grad!.data, ref.grad!.data)).toBeLessThanOrEqual(tol);
      }
    });

    it('softmaxJacobian', () => {
      const y = wasm.softmax(randMatrix(dt, 1, 9, 4)).data;
      expect(relErr(wasm.softmaxJacobian(y).data, reference.softmaxJacobian(toF64(y)).data)).toBeLessThanOrEqual(tol);
    });

    it.each([[1, 1, 1], [5, 7, 3], [17, 33, 10], [64, 129, 37]])('linearSoftmaxLoss N=%i D=%i C=%i', (n, d, c) => {
      const X = randMatrix(dt, n, d, n + d, 1), W = randMatrix(dt, d, c, c, 0.05);
      const b = randMatrix(dt, 1, c, 5, 0.1).data;
      const labels = randLabels(n, c, 9);
      const got = wasm.linearSoftmaxLoss(X, labels, W, { bias: b, reg: 1e-3, inputGrad: true });
      const ref = reference.linearSoftmaxLoss(matrix(toF64(X.data), n, d), labels, matrix(toF64(W.data), d, c),
        { bias: toF64(b), reg: 1e-3, inputGrad: true });
      expect(relErrScalar(got.loss, ref.loss)).toBeLessThanOrEqual(tol);
      expect(relErr(got.dW.data, ref.dW.data)).toBeLessThanOrEqual(tol);
      expect(relErr(got.db, ref.db)).toBeLessThanOrEqual(tol);
      expect(relErr(got.dX!.data, ref.dX!.data)).toBeLessThanOrEqual(tol);
    });
  });

  it('bad input throws SoftmaxInputError in the browser too', () => {
    expect(() => wasm.softmax({ data: [1, 2], rows: 1, cols: 2 } as never)).toThrow(SoftmaxInputError);
    expect(() => wasm.softmaxCrossEntropy(matrix(new Float32Array(3), 1, 3), new Int32Array([3]))).toThrow(/labels\[0\] = 3 is outside \[0, 3\)/);
  });
});
