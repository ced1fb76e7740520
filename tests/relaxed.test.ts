/**
 * The two shipped modules: build/softmax.wasm (baseline SIMD) and build/softmax.relaxed.wasm (the
 * same sources with relaxed_madd in the GEMM micro-kernels and exp). Runs in two vitest projects:
 * - 'node' (plain Node 20, no flag): relaxed SIMD is unavailable, so loadWasm() must pick the
 *   baseline build silently, and { simd: 'relaxed' } must fail with a clear Error;
 * - 'node-relaxed' (worker execArgv --experimental-wasm-relaxed-simd, SOFTMAX_RELAXED=1): both
 *   builds load, loadWasm() picks the relaxed one, and both agree with the f64 reference within the
 *   project's tolerances on every function (relaxed_madd may be fused or not: either is fine).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SoftmaxInputError, loadWasm, matrix, reference, type WasmKernels } from '../src/index.js';
import { relaxedSimdSupported } from '../src/wasm/loader.js';
import { DTYPES, TOL, randLabels, randMatrix, relErr, relErrScalar, toF64 } from './support/index.js';

const RELAXED = relaxedSimdSupported();
const baselineBytes = () => readFileSync(new URL('../build/softmax.wasm', import.meta.url));
const relaxedBytes = () => readFileSync(new URL('../build/softmax.relaxed.wasm', import.meta.url));

afterEach(() => { vi.restoreAllMocks(); });

describe('build selection', () => {
  it('the flagged project really has relaxed SIMD (and the plain one has not, on Node 20)', () => {
    if (process.env.SOFTMAX_RELAXED === '1') expect(RELAXED).toBe(true);
    else if (process.versions.node.startsWith('20.') && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) expect(RELAXED).toBe(false);
  });

  it("simd: 'baseline' and the baseline bytes give the baseline build", async () => {
    for (const k of [await loadWasm({ simd: 'baseline' }), await loadWasm({ wasm: baselineBytes() })]) {
      expect(k.build).toBe('baseline');
      expect(Array.from(k.softmax(matrix(new Float64Array([0, 0]), 1, 2)).data)).toEqual([0.5, 0.5]);
      k.dispose();
    }
  });

  it('a bad simd option is a SoftmaxInputError', async () => {
    await expect(loadWasm({ simd: 'fast' as never })).rejects.toThrow(SoftmaxInputError);
    await expect(loadWasm({ simd: 'fast' as never })).rejects.toThrow(/options\.simd must be 'auto', 'baseline' or 'relaxed', got "fast"/);
  });

  it.runIf(!RELAXED)('without relaxed SIMD: auto loads the baseline build silently; relaxed is a clear Error', async () => {
    const warn = vi.spyOn(console, 'warn');
    const emit = vi.spyOn(process, 'emitWarning');
    for (const k of [await loadWasm(), await loadWasm({ simd: 'auto' })]) {
      expect(k.build).toBe('baseline');
      k.dispose();
    }
    expect(warn).not.toHaveBeenCalled();
    expect(emit).not.toHaveBeenCalled();
    await expect(loadWasm({ simd: 'relaxed' })).rejects.toThrow(/does not support WebAssembly relaxed SIMD.*--experimental-wasm-relaxed-simd/);
    // the relaxed module passed explicitly: the instantiate error says why
    await expect(loadWasm({ wasm: relaxedBytes() })).rejects.toThrow(/no relaxed SIMD/);
  });

  it.runIf(RELAXED)('with relaxed SIMD: auto and relaxed load the relaxed build; the bytes say so too', async () => {
    for (const k of [await loadWasm(), await loadWasm({ simd: 'relaxed' }), await loadWasm({ wasm: relaxedBytes() })]) {
      expect(k.build).toBe('relaxed');
      expect(Array.from(k.softmax(matrix(new Float64Array([0, 0]), 1, 2)).data)).toEqual([0.5, 0.5]);
      k.dispose();
    }
  });
});

describe.runIf(RELAXED)('relaxed vs baseline vs reference', () => {
  let base: WasmKernels, relx: WasmKernels;
  const both = async () => {
    base ??= await loadWasm({ simd: 'baseline' });
    relx ??= await loadWasm({ simd: 'relaxed' });
  };

  describe.each(DTYPES)('%s', (dt) => {
    const tol = TOL[dt];
    const shapes: Array<[number, number]> = [[1, 1], [3, 5], [7, 17], [2, 1000], [33, 10], [1, 4099], [1, 131072]];
    it.each(shapes)('softmax, logSoftmax, backward, jacobian, cross-entropy on %i×%i', async (rows, cols) => {
      await both();
      const x = randMatrix(dt, rows, cols, rows * 31 + cols, 5);
      const x64 = matrix(toF64(x.data), rows, cols);
      const labels = randLabels(rows, cols, 3);
      const dy = randMatrix(dt, rows, cols, 7);
      const refSm = reference.softmax(x64).data;
      const refLsm = reference.logSoftmax(x64).data;
      for (const k of [base, relx]) {
        expect(relErr(k.softmax(x).data, refSm), k.build).toBeLessThanOrEqual(tol);
        expect(relErr(k.logSoftmax(x).data, refLsm), k.build).toBeLessThanOrEqual(tol);
        const y = k.softmax(x);
        // (also the 131072-wide row: Σ y·dy is summed in f64; summed in f32 it was off by 3.1e-5)
        expect(relErr(k.softmaxBackward(y, dy).data,
          reference.softmaxBackward(matrix(toF64(y.data), rows, cols), matrix(toF64(dy.data), rows, cols)).data), k.build).toBeLessThanOrEqual(tol);
        if (rows === 1 && cols <= 64) {
          expect(relErr(k.softmaxJacobian(y.data).data, reference.softmaxJacobian(toF64(y.data)).data), k.build).toBeLessThanOrEqual(tol);
        }
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const opts = { reduction, labelSmoothing: 0.1 };
          const got = k.softmaxCrossEntropy(x, labels, opts);
          const ref = reference.softmaxCrossEntropy(x64, labels, opts);
          expect(relErrScalar(got.loss, ref.loss), k.build).toBeLessThanOrEqual(tol);
          expect(relErr(got.grad!.data, ref.grad!.data), k.build).toBeLessThanOrEqual(tol);
        }
      }
      // the two builds agree with each other at least as well as each agrees with the reference
      expect(relErr(relx.softmax(x).data, base.softmax(x).data)).toBeLessThanOrEqual(2 * tol);
    });

    // small C (register tiles), CIFAR-like D, large C (packed B panels), odd edges
    it.each([[1, 1, 1], [5, 7, 3], [17, 33, 10], [64, 129, 37], [50, 3073, 10], [16, 512, 1000], [9, 40, 130]])(
      'linearSoftmaxLoss N=%i D=%i C=%i', async (n, d, c) => {
        await both();
        const X = randMatrix(dt, n, d, n + d, 1), W = randMatrix(dt, d, c, c, 0.05);
        const b = randMatrix(dt, 1, c, 5, 0.1).data;
        const labels = randLabels(n, c, 9);
        const ref = reference.linearSoftmaxLoss(matrix(toF64(X.data), n, d), labels, matrix(toF64(W.data), d, c),
          { bias: toF64(b), reg: 1e-3, inputGrad: true });
        for (const k of [base, relx]) {
          const got = k.linearSoftmaxLoss(X, labels, W, { bias: b, reg: 1e-3, inputGrad: true });
          expect(relErrScalar(got.loss, ref.loss), k.build).toBeLessThanOrEqual(tol);
          expect(relErr(got.dW.data, ref.dW.data), k.build).toBeLessThanOrEqual(tol);
          expect(relErr(got.db, ref.db), k.build).toBeLessThanOrEqual(tol);
          expect(relErr(got.dX!.data, ref.dX!.data), k.build).toBeLessThanOrEqual(tol);
        }
      });
  });
});
