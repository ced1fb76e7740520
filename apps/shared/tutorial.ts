/**
 * The worked example of the tutorial this project grew from ("NumPy: how to compute the gradient of
 * the softmax loss"), computed right, and the numbers the tutorial printed instead.
 */
import { matrix, type Matrix, type SoftmaxKernels } from 'softmax-wasm';

/** x = [1, 2, 3] (1×3), W = [[-1, 1], [1, -1], [0, 0]] (3×2), label 1, no bias, no reg. */
export const tutorialExample = {
  X: () => matrix(new Float64Array([1, 2, 3]), 1, 3),
  W: () => matrix(new Float64Array([-1, 1, 1, -1, 0, 0]), 3, 2),
  labels: () => new Int32Array([1]),
};

/** What the tutorial printed (wrong): its loss and the magnitude of its dW entries. */
export const tutorialPrinted = { loss: 0.6093676052113153, dW: [0.14636172, 0.29272344] };

/** Why the tutorial is wrong, in one sentence. */
export const tutorialWhyWrong =
  "The tutorial's softmax_derivative returns s*(1-s), only the diagonal of the Jacobian diag(s) - s·sᵀ, " +
  'and its gradient loop multiplies dL/df at index i with a term at an unrelated index j; ' +
  'the correct gradient is dW = xᵀ·(p - onehot(y)).';

export interface TutorialResult {
  scores: Matrix<Float64Array>;
  probs: Matrix<Float64Array>;
  loss: number;
  dW: Matrix<Float64Array>;
  db: Float64Array;
  dX: Matrix<Float64Array>;
}

const fmt = (a: ArrayLike<number>, digits: number): string => `[${Array.from(a, (v) => Number(v.toPrecision(digits))).join(', ')}]`;
const rowsOf = (m: Matrix<Float64Array>, digits: number): string =>
  `[${Array.from({ length: m.rows }, (_, i) => fmt(m.data.subarray(i * m.cols, (i + 1) * m.cols), digits)).join(', ')}]`;

/**
 * The solved example as printed by `softmax-wasm demo` and `npm start`: one line per quantity, the
 * tutorial's wrong numbers beside ours, then why it is wrong.
 * @param digits significant digits of every printed value (16 shows the float64 values exactly).
 */
export function tutorialLines(t: TutorialResult, digits: number): string[] {
  return [
    `scores        ${fmt(t.scores.data, digits)}`,
    `probabilities ${fmt(t.probs.data, digits)}`,
    `loss          ${t.loss}    (the tutorial prints ${tutorialPrinted.loss})`,
    `dW            ${rowsOf(t.dW, digits)}`,
    `              (the tutorial prints ±${tutorialPrinted.dW[0]} / ±${tutorialPrinted.dW[1]})`,
    `db            ${fmt(t.db, digits)}`,
    `dX            ${rowsOf(t.dX, digits)}`,
    `Why the tutorial is wrong: ${tutorialWhyWrong}`,
  ];
}

/** Computes the example with the given kernels (float64). */
export function solveTutorial(k: SoftmaxKernels): TutorialResult {
  const X = tutorialExample.X(), W = tutorialExample.W();
  // scores = X·W (1×2), spelled out: the kernels take care of the rest.
  const scores = matrix(new Float64Array(2), 1, 2);
  for (let j = 0; j < 2; j++) for (let i = 0; i < 3; i++) scores.data[j] += X.data[i] * W.data[i * 2 + j];
  const probs = k.softmax(scores);
  const { loss, dW, db, dX } = k.linearSoftmaxLoss(X, tutorialExample.labels(), W, { inputGrad: true });
  return { scores, probs, loss, dW, db, dX: dX! };
}
