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
  CrossEntropyOptions, CrossEntropyResult, FloatArray, LinearScoresOptions, LinearSoftmaxOptions, LinearSoftmaxResult,
  Matrix, SoftmaxKernels,
} from './types.js';
import {
  checkBoolean, checkInt32, checkLabels, checkNoOverlap, checkNumberInRange, checkOptions, describe,
  dtypeOf, fail, floatArg, isInt32Array, matrixArg, type DType,
} from './validate.js';
import { withLogits, type LogitsMethods } from './api_logits.js';

/** The largest vector softmaxJacobian accepts: its n×n result has at most 67M elements. */
export const MAX_JACOBIAN_LENGTH = 8192;

const CE_OPTIONS = ['reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'] as const;
const LINEAR_OPTIONS = ['bias', 'reg', 'inputGrad', 'out'] as const;
const LINEAR_OUT = ['dW', 'db', 'dX'] as const;
const SCORES_OPTIONS = ['bias', 'out'] as const;

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
 * refuse calls after dispose()). The backend gets snapshots of the arguments (see matrixArg): every
 * property of a caller's object is read once, during validation.
 */
export function createKernels(backend: Backend, guard: (fn: string) => void = () => {}): SoftmaxKernels {
  function rowwise(fn: 'softmax' | 'logSoftmax') {
    return <A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A> => {
      guard(fn);
      const sx = matrixArg<A>(fn, 'x', x);
      const dt = dtypeOf(sx.data)!;
      let so: Matrix<A> | null = null;
      if (out !== undefined) {
        so = matrixArg<A>(fn, 'out', out, dt, sx.rows, sx.cols);
        checkNoOverlap(fn, 'out', so.data, [['x', sx.data, true]]);
      }
      const o = so ?? newMatrix<A>(dt, sx.rows, sx.cols);
      backend[fn](sx, o);
      return so ? out! : o;
    };
  }

  return withLogits(backend, guard, {
    softmax: rowwise('softmax'),
    logSoftmax: rowwise('logSoftmax'),

    softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A> {
      const fn = 'softmaxBackward';
      guard(fn);
      const sy = matrixArg<A>(fn, 'y', y);
      const dt = dtypeOf(sy.data)!;
      const sdy = matrixArg<A>(fn, 'dy', dy, dt, sy.rows, sy.cols);
      let so: Matrix<A> | null = null;
      if (out !== undefined) {
        so = matrixArg<A>(fn, 'out', out, dt, sy.rows, sy.cols);
        checkNoOverlap(fn, 'out', so.data, [['y', sy.data, true], ['dy', sdy.data, true]]);
      }
      const o = so ?? newMatrix<A>(dt, sy.rows, sy.cols);
      backend.softmaxBackward(sy, sdy, o);
      return so ? out! : o;
    },

    softmaxJacobian<A extends FloatArray>(y: A): Matrix<A> {
      const fn = 'softmaxJacobian';
      guard(fn);
      const sy = floatArg<A>(fn, 'y', y);
      const dt = dtypeOf(sy)!;
      if (sy.length > MAX_JACOBIAN_LENGTH) {
        fail(fn, 'y', `has length ${sy.length}; the n×n Jacobian is meant for small vectors (n ≤ ${MAX_JACOBIAN_LENGTH}); use softmaxBackward for a Jacobian-vector product`);
      }
      const o = newMatrix<A>(dt, sy.length, sy.length);
      backend.softmaxJacobian(sy, o);
      return o;
    },

    softmaxCrossEntropy<A extends FloatArray>(
      logits: Matrix<A>, labels: Int32Array | Matrix<A>, options?: CrossEntropyOptions<A>,
    ): CrossEntropyResult<A> {
      const fn = 'softmaxCrossEntropy';
      guard(fn);
      const sl = matrixArg<A>(fn, 'logits', logits);
      const dt = dtypeOf(sl.data)!;
      const { rows: n, cols: c } = sl;
      const opt = checkOptions(fn, options, CE_OPTIONS);
      const reduction = reductionCode(fn, opt.reduction);
      const smoothing = checkNumberInRange(fn, 'options.labelSmoothing', opt.labelSmoothing, 0, 1, 0);
      const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
      const weights = opt.weights === undefined ? null : floatArg<A>(fn, 'options.weights', opt.weights, dt, c);
      const ignoreIndex = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);

      let intLabels: Int32Array | null = null;
      let targets: Matrix<A> | null = null;
      if (isInt32Array(labels)) {
        intLabels = checkLabels(fn, 'labels', labels, n, c, ignoreIndex);
      } else if (labels !== null && typeof labels === 'object' && !ArrayBuffer.isView(labels) && 'data' in labels) {
        targets = matrixArg<A>(fn, 'labels', labels, dt, n, c);
        if (ignoreIndex !== undefined) fail(fn, 'options.ignoreIndex', `applies only to integer labels (Int32Array); labels here are ${n}×${c} probability rows`);
      } else {
        fail(fn, 'labels', `must be an Int32Array of ${n} class indices or a ${n}×${c} matrix of target probabilities, got ${describe(labels)}`);
      }

      let gradOut: Matrix<A> | null = null;
      if (opt.gradOut !== undefined) {
        if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
        gradOut = matrixArg<A>(fn, 'options.gradOut', opt.gradOut, dt, n, c);
        checkNoOverlap(fn, 'options.gradOut', gradOut.data, [
          ['logits', sl.data, true], ['labels', intLabels ?? targets?.data, false], ['options.weights', weights, false],
        ]);
      }
      const grad = wantGrad ? gradOut ?? newMatrix<A>(dt, n, c) : null;
      const losses = reduction === REDUCTION_NONE ? newArray<A>(dt, n) : null;
      const loss = backend.softmaxCrossEntropy({
        logits: sl, labels: intLabels, targets, weights,
        // -1 is never a valid label, so it means "ignore nothing" when the caller gave no ignoreIndex.
        ignoreIndex: ignoreIndex ?? -1,
        smoothing, reduction, losses, grad,
      });
      const result: CrossEntropyResult<A> = { loss };
      if (losses) result.losses = losses;
      if (grad) result.grad = gradOut ? opt.gradOut as Matrix<A> : grad;
      return result;
    },

    linearSoftmaxLoss<A extends FloatArray>(
      X: Matrix<A>, labels: Int32Array, W: Matrix<A>, options?: LinearSoftmaxOptions<A>,
    ): LinearSoftmaxResult<A> {
      const fn = 'linearSoftmaxLoss';
      guard(fn);
      const sX = matrixArg<A>(fn, 'X', X);
      const dt = dtypeOf(sX.data)!;
      const { rows: n, cols: d } = sX;
      const sW = matrixArg<A>(fn, 'W', W, dt);
      if (sW.rows !== d) fail(fn, 'W', `must be D×C with D = X.cols = ${d}, got ${sW.rows}×${sW.cols}`);
      const c = sW.cols;
      const sLabels = checkLabels(fn, 'labels', labels, n, c);
      const opt = checkOptions(fn, options, LINEAR_OPTIONS);
      const bias = opt.bias === undefined ? null : floatArg<A>(fn, 'options.bias', opt.bias, dt, c);
      const reg = checkNumberInRange(fn, 'options.reg', opt.reg, 0, Infinity, 0);
      const inputGrad = opt.inputGrad === undefined ? undefined : checkBoolean(fn, 'options.inputGrad', opt.inputGrad, false);
      const out = checkOptions(fn, opt.out, LINEAR_OUT, 'options.out') as LinearSoftmaxOptions<A>['out'] & object;
      const oW = out.dW === undefined ? null : matrixArg<A>(fn, 'options.out.dW', out.dW, dt, d, c);
      const ob = out.db === undefined ? null : floatArg<A>(fn, 'options.out.db', out.db, dt, c);
      let oX: Matrix<A> | null = null;
      if (out.dX !== undefined) {
        if (inputGrad === false) fail(fn, 'options.out.dX', 'was given together with inputGrad: false; drop one of them');
        oX = matrixArg<A>(fn, 'options.out.dX', out.dX, dt, n, d);
      }
      const inputs = [['X', sX.data], ['labels', sLabels], ['W', sW.data], ['options.bias', bias]] as const;
      const outs = [['options.out.dW', oW?.data], ['options.out.db', ob], ['options.out.dX', oX?.data]] as const;
      for (const [name, arr] of outs) {
        if (!arr) continue;
        checkNoOverlap(fn, name, arr, [
          ...inputs.map(([iname, iarr]) => [iname, iarr,
            (name === 'options.out.dW' && iname === 'W') || (name === 'options.out.dX' && iname === 'X')] as const),
          ...outs.filter(([oname]) => oname !== name).map(([oname, oarr]) => [oname, oarr, false] as const),
        ]);
      }
      const dW = oW ?? newMatrix<A>(dt, d, c);
      const db = ob ?? newArray<A>(dt, c);
      const dX = inputGrad || oX ? oX ?? newMatrix<A>(dt, n, d) : null;
      const loss = backend.linearSoftmaxLoss({ X: sX, labels: sLabels, W: sW, bias, reg, dW, db, dX });
      // The caller's own objects come back where the caller gave them.
      const result: LinearSoftmaxResult<A> = { loss, dW: oW ? out.dW! : dW, db: ob ? out.db! : db };
      if (dX) result.dX = oX ? out.dX! : dX;
      return result;
    },

    linearScores<A extends FloatArray>(X: Matrix<A>, W: Matrix<A>, options?: LinearScoresOptions<A>): Matrix<A> {
      const fn = 'linearScores';
      guard(fn);
      const sX = matrixArg<A>(fn, 'X', X);
      const dt = dtypeOf(sX.data)!;
      const sW = matrixArg<A>(fn, 'W', W, dt);
      if (sW.rows !== sX.cols) fail(fn, 'W', `must be D×C with D = X.cols = ${sX.cols}, got ${sW.rows}×${sW.cols}`);
      const c = sW.cols;
      const opt = checkOptions(fn, options, SCORES_OPTIONS);
      const bias = opt.bias === undefined ? null : floatArg<A>(fn, 'options.bias', opt.bias, dt, c);
      let so: Matrix<A> | null = null;
      if (opt.out !== undefined) {
        so = matrixArg<A>(fn, 'options.out', opt.out, dt, sX.rows, c);
        checkNoOverlap(fn, 'options.out', so.data, [['X', sX.data, false], ['W', sW.data, false], ['options.bias', bias, false]]);
      }
      const o = so ?? newMatrix<A>(dt, sX.rows, c);
      backend.linearScores(sX, sW, bias, o);
      return so ? opt.out as Matrix<A> : o;
    },
  } as Omit<SoftmaxKernels, LogitsMethods>); // the overloads of SoftmaxKernels narrow the result types; these bodies return the general ones
}
