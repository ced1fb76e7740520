/**
 * Golden values: the tutorial's worked example done right (values from docs/DESIGN.md, which
 * NumPy float64 agrees with), on the reference and on the WASM kernels in f64 and f32. Also checks
 * the softmax @example quoted in src/types.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, matrix, reference, type SoftmaxKernels } from '../src/index.js';
import { solveTutorial, tutorialExample } from '../apps/shared/tutorial.js';

const golden = {
  probs: [0.8807970779778823, 0.11920292202211755],
  loss: 2.1269280110429727,
  dW: [0.8807970779778823, -0.8807970779778823, 1.7615941559557646, -1.7615941559557646,
    2.642391233933647, -2.642391233933647],
  db: [0.8807970779778823, -0.8807970779778823],
  dX: [-1.7615941559557646, 1.7615941559557646, 0],
};

let wasm: SoftmaxKernels;
beforeAll(async () => { wasm = await loadWasm(); });

function close(got: ArrayLike<number>, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i])));
}

describe.each([['reference', () => reference], ['wasm', () => wasm]] as const)('%s', (_n, get) => {
  it('f64: the tutorial example to ~1e-15', () => {
    const t = solveTutorial(get());
    expect(Array.from(t.scores.data)).toEqual([1, -1]);
    close(t.probs.data, golden.probs, 2e-16);
    expect(Math.abs(t.loss - golden.loss)).toBeLessThanOrEqual(4e-16);
    close(t.dW.data, golden.dW, 4e-16);
    close(t.db, golden.db, 2e-16);
    close(t.dX.data, golden.dX, 4e-16);
  });

  it('f32: the tutorial example to f32 precision', () => {
    const X = matrix(Float32Array.from(tutorialExample.X().data), 1, 3);
    const W = matrix(Float32Array.from(tutorialExample.W().data), 3, 2);
    const r = get().linearSoftmaxLoss(X, tutorialExample.labels(), W, { inputGrad: true });
    expect(r.dW.data).toBeInstanceOf(Float32Array);
    expect(Math.abs(r.loss - golden.loss)).toBeLessThanOrEqual(2e-7 * golden.loss);
    close(r.dW.data, golden.dW, 2e-7);
    close(r.db, golden.db, 2e-7);
    close(r.dX!.data, golden.dX, 2e-7);
    close(get().softmax(matrix(new Float32Array([1, -1]), 1, 2)).data, golden.probs, 2e-7);
  });

  it('the softmax @example in the docs', () => {
    close(get().softmax(matrix(new Float64Array([1, 2, 3]), 1, 3)).data,
      [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 1e-15);
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
