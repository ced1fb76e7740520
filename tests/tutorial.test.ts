/**
 * Golden values: the tutorial's worked example done right (tests/fixtures/design_tutorial.ts: the
 * values docs/DESIGN.md quotes, which NumPy float64 agrees with), through apps/shared/tutorial.ts on the
 * reference and on the WASM kernels in f64 and f32. Also checks the softmax @example of src/types.ts.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../src/index.js';
import { solveTutorial, tutorialExample } from '../apps/shared/tutorial.js';
import { DESIGN_TUTORIAL as golden, SOFTMAX_EXAMPLE } from './fixtures/design_tutorial.js';
import { m64 } from './support/index.js';
import { engineRows, expectClose, useWasm } from './support/vitest.js';

const wasm = useWasm();

describe.each(engineRows(wasm))('%s', (_n, get) => {
  it('f64: the tutorial example to ~1e-15', () => {
    const t = solveTutorial(get());
    expect(Array.from(t.scores.data)).toEqual([1, -1]);
    expectClose(t.probs.data, golden.probabilities, 2e-16);
    expect(Math.abs(t.loss - golden.loss)).toBeLessThanOrEqual(4e-16);
    expectClose(t.dW.data, golden.dW, 4e-16);
    expectClose(t.db, golden.db, 2e-16);
    expectClose(t.dX.data, golden.dX, 4e-16);
  });

  it('f32: the tutorial example to f32 precision', () => {
    const X = matrix(Float32Array.from(tutorialExample.X().data), 1, 3);
    const W = matrix(Float32Array.from(tutorialExample.W().data), 3, 2);
    const r = get().linearSoftmaxLoss(X, tutorialExample.labels(), W, { inputGrad: true });
    expect(r.dW.data).toBeInstanceOf(Float32Array);
    expect(Math.abs(r.loss - golden.loss)).toBeLessThanOrEqual(2e-7 * golden.loss);
    expectClose(r.dW.data, golden.dW, 2e-7);
    expectClose(r.db, golden.db, 2e-7);
    expectClose(r.dX!.data, golden.dX, 2e-7);
    expectClose(get().softmax(matrix(new Float32Array([1, -1]), 1, 2)).data, golden.probabilities, 2e-7);
  });

  it('the softmax @example in the docs', () => {
    expectClose(get().softmax(m64(SOFTMAX_EXAMPLE.x, 1, 3)).data, SOFTMAX_EXAMPLE.p, 1e-15);
  });

  it('the tutorial is wrong: s*(1-s) is not the gradient', () => {
    // The tutorial's diagonal-only "derivative" disagrees with the true Jacobian's off-diagonal terms.
    const p = get().softmax(matrix(new Float64Array([1, -1]), 1, 2)).data;
    const J = get().softmaxJacobian(p);
    expect(J.data[1]).toBeCloseTo(-p[0] * p[1], 15);
    expect(J.data[1]).not.toBe(0);
    expect(Math.abs(solveTutorial(get()).loss - 0.6093676052113153)).toBeGreaterThan(1);
  });
});
