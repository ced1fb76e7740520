/**
 * The public, validating layer: turns a Backend (reference or WASM) into SoftmaxKernels. Every
 * argument is checked here, once, before the backend computes or allocates anything; missing
 * outputs are allocated here as plain typed arrays of the inputs' float type.
 */
import {
  REDUCTION_MEAN, REDUCTION_NONE, REDUCTION_SUM,
  type Backend, type ReductionCode,
} from './backend.js';
import type {
  CrossEntropyOptions, CrossEntropyResult, FloatArray, LinearSoftmaxOptions, LinearSoftmaxResult,
  Matrix, SoftmaxKernels,
} from './types.js';
import {
  checkBoolean, checkFloatArray, checkInt32, checkLabels, checkMatrix, checkNoOverlap,
  checkNumberInRange, checkOptions, describe, fail, isInt32Array, type DType,
} from './validate.js';

/** The largest vector softmaxJacobian accepts: its n×n result has at most 67M elements. */
export const MAX_JACOBIAN_LENGTH = 8192;

const CE_OPTIONS = ['reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'] as const;
const LINEAR_OPTIONS = ['bias', 'reg', 'inputGrad', 'out'] as const;
const LINEAR_OUT = ['dW', 'db', 'dX'] as const;

function newArray<A extends FloatArray>(dtype: DType, n: number): A {
  return (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n)) as A;
}

function newMatrix<A extends FloatArray>(dtype: DType, rows: number, cols: number): Matrix<A> {
  return { data: newArray<A>(dtype, rows * cols), rows, cols };
}

function reductionCode(fn: string, v: unknown): ReductionCode {
  if (v === undefined || v === 'mean') return REDUCTION_MEAN;
  if (v === 'sum') return REDUCTION_SUM;
  if (v === 'none') return REDUCTION_NONE;
  return fail(fn, 'options.reduction', `must be 'mean', 'sum' or 'none', got ${describe(v)}`);
}

/**
 * Wraps a backend with validation. `guard` runs first on every call (the WASM kernels use it to
 * refuse calls after dispose()).
 */
export function createKernels(backend: Backend, guard: (fn: string) => void = () => {}): SoftmaxKernels {
  function rowwise(fn: 'softmax' | 'logSoftmax') {
    return <A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A> => {
      guard(fn);
      const dt = checkMatrix(fn, 'x', x);
      if (out !== undefined) {
        checkMatrix(fn, 'out', out, dt, x.rows, x.cols);
        checkNoOverlap(fn, 'out', out.data, [['x', x.data, true]]);
      }
      const o = out ?? newMatrix<A>(dt, x.rows, x.cols);
      backend[fn](x, o);
      return o;
    };
  }

  return {
    softmax: rowwise('softmax'),
    logSoftmax: rowwise('logSoftmax'),

    softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A> {
      const fn = 'softmaxBackward';
      guard(fn);
      const dt = checkMatrix(fn, 'y', y);
      checkMatrix(fn, 'dy', dy, dt, y.rows, y.cols);
      if (out !== undefined) {
        checkMatrix(fn, 'out', out, dt, y.rows, y.cols);
        checkNoOverlap(fn, 'out', out.data, [['y', y.data, true], ['dy', dy.data, true]]);
      }
      const o = out ?? newMatrix<A>(dt, y.rows, y.cols);
      backend.softmaxBackward(y, dy, o);
      return o;
    },

    softmaxJacobian<A extends FloatArray>(y: A): Matrix<A> {
      const fn = 'softmaxJacobian';
      guard(fn);
      const dt = checkFloatArray(fn, 'y', y);
      if (y.length > MAX_JACOBIAN_LENGTH) {
        fail(fn, 'y', `has length ${y.length}; the n×n Jacobian is meant for small vectors (n ≤ ${MAX_JACOBIAN_LENGTH}); use softmaxBackward for a Jacobian-vector product`);
      }
      const o = newMatrix<A>(dt, y.length, y.length);
      backend.softmaxJacobian(y, o);
      return o;
    },

    softmaxCrossEntropy<A extends FloatArray>(
      logits: Matrix<A>, labels: Int32Array | Matrix<A>, options?: CrossEntropyOptions<A>,
    ): CrossEntropyResult<A> {
      const fn = 'softmaxCrossEntropy';
      guard(fn);
      const dt = checkMatrix(fn, 'logits', logits);
      const { rows: n, cols: c } = logits;
      const opt = checkOptions(fn, options, CE_OPTIONS);
      const reduction = reductionCode(fn, opt.reduction);
      const smoothing = checkNumberInRange(fn, 'options.labelSmoothing', opt.labelSmoothing, 0, 1, 0);
      const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
      const weights = opt.weights === undefined ? null : (checkFloatArray(fn, 'options.weights', opt.weights, dt, c), opt.weights as A);
      const ignoreIndex = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);

      let intLabels: Int32Array | null = null;
      let targets: Matrix<A> | null = null;
      if (isInt32Array(labels)) {
        intLabels = checkLabels(fn, 'labels', labels, n, c, ignoreIndex);
      } else if (labels !== null && typeof labels === 'object' && !ArrayBuffer.isView(labels) && 'data' in labels) {
        checkMatrix(fn, 'labels', labels, dt, n, c);
        if (ignoreIndex !== undefined) fail(fn, 'options.ignoreIndex', `applies only to integer labels (Int32Array); labels here are ${n}×${c} probability rows`);
        targets = labels as Matrix<A>;
      } else {
        fail(fn, 'labels', `must be an Int32Array of ${n} class indices or a ${n}×${c} matrix of target probabilities, got ${describe(labels)}`);
      }

      let gradOut: Matrix<A> | null = null;
      if (opt.gradOut !== undefined) {
        if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
        checkMatrix(fn, 'options.gradOut', opt.gradOut, dt, n, c);
        gradOut = opt.gradOut as Matrix<A>;
        checkNoOverlap(fn, 'options.gradOut', gradOut.data, [
          ['logits', logits.data, true], ['labels', intLabels ?? targets?.data, false], ['options.weights', weights, false],
        ]);
      }
      const grad = wantGrad ? gradOut ?? newMatrix<A>(dt, n, c) : null;
      const losses = reduction === REDUCTION_NONE ? newArray<A>(dt, n) : null;
      const loss = backend.softmaxCrossEntropy({
        logits, labels: intLabels, targets, weights,
        // -1 is never a valid label, so it means "ignore nothing" when the caller gave no ignoreIndex.
        ignoreIndex: ignoreIndex ?? -1,
        smoothing, reduction, losses, grad,
      });
      const result: CrossEntropyResult<A> = { loss };
      if (losses) result.losses = losses;
      if (grad) result.grad = grad;
      return result;
    },

    linearSoftmaxLoss<A extends FloatArray>(
      X: Matrix<A>, labels: Int32Array, W: Matrix<A>, options?: LinearSoftmaxOptions<A>,
    ): LinearSoftmaxResult<A> {
      const fn = 'linearSoftmaxLoss';
      guard(fn);
      const dt = checkMatrix(fn, 'X', X);
      const { rows: n, cols: d } = X;
      checkMatrix(fn, 'W', W, dt);
      if (W.rows !== d) fail(fn, 'W', `must be D×C with D = X.cols = ${d}, got ${W.rows}×${W.cols}`);
      const c = W.cols;
      checkLabels(fn, 'labels', labels, n, c);
      const opt = checkOptions(fn, options, LINEAR_OPTIONS);
      const bias = opt.bias === undefined ? null : (checkFloatArray(fn, 'options.bias', opt.bias, dt, c), opt.bias as A);
      const reg = checkNumberInRange(fn, 'options.reg', opt.reg, 0, Infinity, 0);
      const inputGrad = opt.inputGrad === undefined ? undefined : checkBoolean(fn, 'options.inputGrad', opt.inputGrad, false);
      const out = checkOptions(fn, opt.out, LINEAR_OUT, 'options.out') as LinearSoftmaxOptions<A>['out'] & object;
      if (out.dW !== undefined) checkMatrix(fn, 'options.out.dW', out.dW, dt, d, c);
      if (out.db !== undefined) checkFloatArray(fn, 'options.out.db', out.db, dt, c);
      if (out.dX !== undefined) {
        if (inputGrad === false) fail(fn, 'options.out.dX', 'was given together with inputGrad: false; drop one of them');
        checkMatrix(fn, 'options.out.dX', out.dX, dt, n, d);
      }
      const inputs = [['X', X.data], ['labels', labels], ['W', W.data], ['options.bias', bias]] as const;
      const outs = [['options.out.dW', out.dW?.data], ['options.out.db', out.db], ['options.out.dX', out.dX?.data]] as const;
      for (const [name, arr] of outs) {
        if (!arr) continue;
        checkNoOverlap(fn, name, arr, [
          ...inputs.map(([iname, iarr]) => [iname, iarr,
            (name === 'options.out.dW' && iname === 'W') || (name === 'options.out.dX' && iname === 'X')] as const),
          ...outs.filter(([oname]) => oname !== name).map(([oname, oarr]) => [oname, oarr, false] as const),
        ]);
      }
      const dW = out.dW ?? newMatrix<A>(dt, d, c);
      const db = out.db ?? newArray<A>(dt, c);
      const dX = inputGrad || out.dX ? out.dX ?? newMatrix<A>(dt, n, d) : null;
      const loss = backend.linearSoftmaxLoss({ X, labels, W, bias, reg, dW, db, dX });
      const result: LinearSoftmaxResult<A> = { loss, dW, db };
      if (dX) result.dX = dX;
      return result;
    },
  };
}
