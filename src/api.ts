/**
 * The public, validating layer: turns a Backend (reference or WASM) into SoftmaxKernels. Every
 * argument is read and checked here, once, through a CallSnapshot (src/snapshot.ts), before the
 * backend computes or allocates anything; missing outputs are allocated here as plain typed arrays of
 * the inputs' float type. A new function follows the same pattern: `snapshot(fn, ...args)`, read
 * every argument with s.matrix / s.array / s.labels / s.options, `s.seal()`, then the backend.
 */
import {
  REDUCTION_MEAN, REDUCTION_NONE, REDUCTION_SUM,
  type Backend, type ReductionCode,
} from './backend.js';
import type {
  CrossEntropyOptions, CrossEntropyResult, FloatArray, LinearScoresOptions, LinearSoftmaxOptions, LinearSoftmaxResult,
  Matrix, SoftmaxKernels,
} from './types.js';
import { CallSnapshot, type Held } from './snapshot.js';
import {
  checkBoolean, checkInt32, checkNumberInRange, describe, dtypeOf, fail, isInt32Array, lengthOf, type DType,
} from './validate.js';
import { withLogits, type LogitsMethods } from './api_logits.js';
import { withTensors } from './api_tensors.js';

/** The label value ignored when the caller gives no ignoreIndex: PyTorch's default `ignore_index` (torch/nn/functional.py). */
export const DEFAULT_IGNORE_INDEX = -100;

/** The largest vector softmaxJacobian accepts: its n×n result has at most 67M elements. */
export const MAX_JACOBIAN_LENGTH = 8192;

const CE_OPTIONS = ['reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'] as const;
const LINEAR_OPTIONS = ['bias', 'reg', 'inputGrad', 'out'] as const;
const LINEAR_OUT = ['dW', 'db', 'dX'] as const;
const SCORES_OPTIONS = ['bias', 'out'] as const;

function newArray<A extends FloatArray>(fn: string, dtype: DType, n: number): A {
  try {
    return (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n)) as A;
  } catch (e) {
    return fail(fn, 'size', `needs a result of ${n} ${dtype} elements, which this JavaScript engine cannot allocate (${(e as Error).message})`);
  }
}

function newMatrix<A extends FloatArray>(fn: string, dtype: DType, rows: number, cols: number): Matrix<A> {
  return { data: newArray<A>(fn, dtype, rows * cols), rows, cols };
}

export function reductionCode(fn: string, v: unknown): ReductionCode {
  if (v === undefined || v === 'mean') return REDUCTION_MEAN;
  if (v === 'sum') return REDUCTION_SUM;
  if (v === 'none') return REDUCTION_NONE;
  return fail(fn, 'options.reduction', `must be 'mean', 'sum' or 'none', got ${describe(v)}`);
}

/**
 * Wraps a backend with validation. `guard` runs first on every call and again when the arguments
 * have been read (the WASM kernels use it to refuse calls after dispose(), also a dispose() from a
 * getter). Each call reads its arguments through one CallSnapshot (src/snapshot.ts): every property
 * once, in the order documented in docs/readme/rel.md, then seal() re-checks and stages, and only
 * then does the backend run; no user code runs from seal() until the call returns.
 */
export function createKernels(backend: Backend, guard: (fn: string) => void = () => {}): SoftmaxKernels {
  const snapshot = (fn: string, ...positional: unknown[]): CallSnapshot => new CallSnapshot(fn, backend, guard, positional);

  function rowwise(fn: 'softmax' | 'logSoftmax') {
    return <A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A> => {
      guard(fn);
      const s = snapshot(fn, x, out);
      const sx = s.matrix<A>('x', x);
      const dt = dtypeOf(sx.data)!;
      const so = out === undefined ? null
        : s.matrix<A>('out', out, { dtype: dt, rows: sx.rows, cols: sx.cols, out: true, mayAlias: ['x'] });
      s.seal();
      const o = so ?? newMatrix<A>(fn, dt, sx.rows, sx.cols);
      if (sx.rows * sx.cols > 0) backend[fn](sx, o);
      return so ? out! : o;
    };
  }

  /** softmaxBackward and logSoftmaxBackward: y and dy N×C, out optional (may alias y or dy). */
  function backward(fn: 'softmaxBackward' | 'logSoftmaxBackward') {
    return <A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A> => {
      guard(fn);
      const s = snapshot(fn, y, dy, out);
      const sy = s.matrix<A>('y', y);
      const dt = dtypeOf(sy.data)!;
      const sdy = s.matrix<A>('dy', dy, { dtype: dt, rows: sy.rows, cols: sy.cols });
      const so = out === undefined ? null
        : s.matrix<A>('out', out, { dtype: dt, rows: sy.rows, cols: sy.cols, out: true, mayAlias: ['y', 'dy'] });
      s.seal();
      const o = so ?? newMatrix<A>(fn, dt, sy.rows, sy.cols);
      if (sy.rows * sy.cols > 0) backend[fn](sy, sdy, o);
      return so ? out! : o;
    };
  }

  return withTensors(backend, guard, withLogits(backend, guard, {
    softmax: rowwise('softmax'),
    logSoftmax: rowwise('logSoftmax'),

    softmaxBackward: backward('softmaxBackward'),
    logSoftmaxBackward: backward('logSoftmaxBackward'),

    softmaxJacobian<A extends FloatArray>(y: A): Matrix<A> {
      const fn = 'softmaxJacobian';
      guard(fn);
      const s = snapshot(fn, y);
      const hy = s.array<A>('y', y);
      const n = lengthOf(hy.data);
      if (n > MAX_JACOBIAN_LENGTH) {
        fail(fn, 'y', `has length ${n}; the n×n Jacobian is meant for small vectors (n ≤ ${MAX_JACOBIAN_LENGTH}); use softmaxBackward for a Jacobian-vector product`);
      }
      s.seal();
      const o = newMatrix<A>(fn, dtypeOf(hy.data)!, n, n);
      if (n > 0) backend.softmaxJacobian(hy.data, o);
      return o;
    },

    softmaxCrossEntropy<A extends FloatArray>(
      logits: Matrix<A>, labels: Int32Array | Matrix<A>, options?: CrossEntropyOptions<A>,
    ): CrossEntropyResult<A> {
      const fn = 'softmaxCrossEntropy';
      guard(fn);
      const s = snapshot(fn, logits, labels, options);
      // Read order: logits; labels; options (own keys, then each option in CE_OPTIONS order); gradOut.
      const sl = s.matrix<A>('logits', logits);
      const dt = dtypeOf(sl.data)!;
      const { rows: n, cols: c } = sl;
      let ignoreIndex: number | undefined;
      let intLabels: Held<Int32Array> | null = null;
      let targets: Matrix<A> | null = null;
      if (isInt32Array(labels)) {
        intLabels = s.labels('labels', labels, n, () => c, () => ignoreIndex);
      } else if (s.isPlainObject('labels', labels) && s.read('labels', () => 'data' in labels)) {
        targets = s.matrix<A>('labels', labels, { dtype: dt, rows: n, cols: c });
      } else {
        fail(fn, 'labels', `must be an Int32Array of ${n} class indices or a ${n}×${c} matrix of target probabilities, got ${describe(labels)}`);
      }
      const opt = s.options('options', options, CE_OPTIONS);
      const reduction = reductionCode(fn, opt.reduction);
      const weights = opt.weights === undefined ? null : s.array<A>('options.weights', opt.weights, { dtype: dt, length: c });
      const givenIgnore = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);
      if (targets && givenIgnore !== undefined) fail(fn, 'options.ignoreIndex', `applies only to integer labels (Int32Array); labels here are ${n}×${c} probability rows`);
      // PyTorch's default ignore_index (torch/nn/functional.py cross_entropy: ignore_index=-100).
      ignoreIndex = givenIgnore ?? DEFAULT_IGNORE_INDEX;
      const smoothing = checkNumberInRange(fn, 'options.labelSmoothing', opt.labelSmoothing, 0, 1, 0);
      const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
      let gradOut: Matrix<A> | null = null;
      if (opt.gradOut !== undefined) {
        if (!wantGrad) fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
        gradOut = s.matrix<A>('options.gradOut', opt.gradOut, { dtype: dt, rows: n, cols: c, out: true, mayAlias: ['logits'] });
      }
      s.seal();
      const grad = wantGrad ? gradOut ?? newMatrix<A>(fn, dt, n, c) : null;
      const losses = reduction === REDUCTION_NONE ? newArray<A>(fn, dt, n) : null;
      // N×0 probability rows: every per-sample loss is an empty sum (0); no need to walk N empty rows.
      const loss = targets && c === 0 ? 0 : backend.softmaxCrossEntropy({
        logits: sl, labels: intLabels?.data ?? null, targets, weights: weights?.data ?? null,
        ignoreIndex,
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
      const s = snapshot(fn, X, labels, W, options);
      // Read order: X; labels; W; options (own keys, then bias, reg, inputGrad, out); out (own keys,
      // then dW, db, dX).
      const sX = s.matrix<A>('X', X);
      const dt = dtypeOf(sX.data)!;
      const { rows: n, cols: d } = sX;
      let c = 0;
      const sLabels = s.labels('labels', labels, n, () => c);
      const sW = s.matrix<A>('W', W, { dtype: dt });
      if (sW.rows !== d) fail(fn, 'W', `must be D×C with D = X.cols = ${d}, got ${sW.rows}×${sW.cols}`);
      c = sW.cols;
      const opt = s.options('options', options, LINEAR_OPTIONS);
      const bias = opt.bias === undefined ? null : s.array<A>('options.bias', opt.bias, { dtype: dt, length: c });
      const reg = checkNumberInRange(fn, 'options.reg', opt.reg, 0, Infinity, 0);
      const inputGrad = opt.inputGrad === undefined ? undefined : checkBoolean(fn, 'options.inputGrad', opt.inputGrad, false);
      const out = s.options('options.out', opt.out, LINEAR_OUT);
      const oW = out.dW === undefined ? null
        : s.matrix<A>('options.out.dW', out.dW, { dtype: dt, rows: d, cols: c, out: true, mayAlias: ['W'] });
      const ob = out.db === undefined ? null : s.array<A>('options.out.db', out.db, { dtype: dt, length: c, out: true });
      let oX: Matrix<A> | null = null;
      if (out.dX !== undefined) {
        if (inputGrad === false) fail(fn, 'options.out.dX', 'was given together with inputGrad: false; drop one of them');
        oX = s.matrix<A>('options.out.dX', out.dX, { dtype: dt, rows: n, cols: d, out: true, mayAlias: ['X'] });
      }
      s.seal();
      const dW = oW ?? newMatrix<A>(fn, dt, d, c);
      const db = ob?.data ?? newArray<A>(fn, dt, c);
      const dX = inputGrad || oX ? oX ?? newMatrix<A>(fn, dt, n, d) : null;
      const loss = backend.linearSoftmaxLoss({ X: sX, labels: sLabels.data, W: sW, bias: bias?.data ?? null, reg, dW, db, dX });
      // The caller's own objects come back where the caller gave them.
      const result: LinearSoftmaxResult<A> = {
        loss, dW: oW ? out.dW as Matrix<A> : dW, db: ob ? out.db as A : db,
      };
      if (dX) result.dX = oX ? out.dX as Matrix<A> : dX;
      return result;
    },

    linearScores<A extends FloatArray>(X: Matrix<A>, W: Matrix<A>, options?: LinearScoresOptions<A>): Matrix<A> {
      const fn = 'linearScores';
      guard(fn);
      const s = snapshot(fn, X, W, options);
      // Read order: X; W; options (own keys, then bias, out).
      const sX = s.matrix<A>('X', X);
      const dt = dtypeOf(sX.data)!;
      const sW = s.matrix<A>('W', W, { dtype: dt });
      if (sW.rows !== sX.cols) fail(fn, 'W', `must be D×C with D = X.cols = ${sX.cols}, got ${sW.rows}×${sW.cols}`);
      const c = sW.cols;
      const opt = s.options('options', options, SCORES_OPTIONS);
      const bias = opt.bias === undefined ? null : s.array<A>('options.bias', opt.bias, { dtype: dt, length: c });
      const so = opt.out === undefined ? null
        : s.matrix<A>('options.out', opt.out, { dtype: dt, rows: sX.rows, cols: c, out: true });
      s.seal();
      const o = so ?? newMatrix<A>(fn, dt, sX.rows, c);
      if (sX.rows * c > 0) backend.linearScores(sX, sW, bias?.data ?? null, o);
      return so ? opt.out as Matrix<A> : o;
    },
  } as Omit<SoftmaxKernels, LogitsMethods>)); // the overloads of SoftmaxKernels narrow the result types; these bodies return the general ones
}
