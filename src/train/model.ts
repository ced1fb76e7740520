/**
 * The linear softmax classifier as a model object: scores, probabilities, predictions and
 * evaluation for trained weights, whether they come from trainSoftmaxClassifier, from the caller's
 * own training (softmaxClassifier) or from a saved model (toJSON / loadSoftmaxClassifier, bit-exact).
 */
import { SoftmaxInputError } from '../errors.js';
import type { FloatArray, Matrix, SoftmaxKernels } from '../types.js';
import { checkFloatArray, checkLabels, checkMatrix, checkOptions, describe, fail, floatArg, matrixArg, type DType } from '../validate.js';
import type { ArrayOf, DTypeOf, EpochRecord, LabelledSet, SavedSoftmaxClassifier, SoftmaxClassifier } from './types.js';
import { newArray } from '../alloc.js';

/** The `format` tag of a saved model. */
export const SAVED_MODEL_FORMAT = 'softmax-wasm/linear-softmax-classifier';

/** Mean cross-entropy and accuracy of (W, b) on a set; `scores` is a preallocated N×C buffer, `pred` N entries. */
export function measure<A extends FloatArray>(k: SoftmaxKernels, W: Matrix<A>, b: A, set: LabelledSet<A>, scores: Matrix<A>, pred: Int32Array): { loss: number; accuracy: number } {
  k.linearScores(set.X, W, { bias: b, out: scores });
  k.argmax(scores, pred);
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === set.y[i]) hits++;
  const n = set.y.length;
  const loss = n ? k.softmaxCrossEntropy(scores, set.y, { grad: false }).loss : NaN;
  return { loss, accuracy: n ? hits / n : NaN };
}

function checkKernels(fn: string, k: unknown): asserts k is SoftmaxKernels {
  if (k === null || typeof k !== 'object' || typeof (k as SoftmaxKernels).softmax !== 'function') {
    fail(fn, 'kernels', `must be SoftmaxKernels (reference or await loadWasm()), got ${describe(k)}`);
  }
}

/** The model over W (D×C) and b (C), which it owns; `k` computes its probabilities and losses. */
export function createModel<A extends FloatArray>(k: SoftmaxKernels, dt: DType, W: Matrix<A>, b: A, history: EpochRecord[], bestEpoch: number, stoppedEarly: boolean): SoftmaxClassifier<A> {
  const D = W.rows, C = W.cols;
  const scores = (X: Matrix<A>): Matrix<A> => {
    checkMatrix('predict', 'X', X, dt, null, D);
    return k.linearScores(X, W, { bias: b });
  };
  return {
    W, b, classes: C, history, bestEpoch, stoppedEarly,
    scores,
    predictProba(X) {
      const s = scores(X);
      return k.softmax(s, s);
    },
    predict(X) { return k.argmax(scores(X)); },
    evaluate(X, y) {
      checkMatrix('evaluate', 'X', X, dt, null, D);
      checkLabels('evaluate', 'y', y, X.rows, C);
      return measure(k, W, b, { X, y }, { data: newArray<A>('evaluate', dt, X.rows * C), rows: X.rows, cols: C }, new Int32Array(X.rows));
    },
    toJSON() {
      const saved: SavedSoftmaxClassifier = { format: SAVED_MODEL_FORMAT, version: 1, dtype: dt, features: D, classes: C, W: toBase64(W.data), b: toBase64(b), bestEpoch, history };
      return saved as SavedSoftmaxClassifier<DTypeOf<A>>; // dt is A's tag (createModel's callers pass the two together)
    },
  };
}

/**
 * A classifier over weights trained elsewhere (by hand, another library, an earlier run):
 * scores = X·W + b. W and b are copied, so later changes to the caller's arrays do not reach the model.
 * @param kernels `reference` or the WASM kernels (used by predictProba and evaluate).
 * @param params `{ W, b? }`: W row-major D×C (Float32Array or Float64Array: the model's float type),
 *   b of length C (default zeros).
 * @returns the model, with `history: []`.
 * @example
 * const m = softmaxClassifier(reference, { W: matrix(new Float64Array([1, -1, -1, 1]), 2, 2) });
 * m.predict(matrix(new Float64Array([3, 0, 0, 3]), 2, 2)); // → Int32Array [0, 1]
 */
export function softmaxClassifier<A extends FloatArray>(kernels: SoftmaxKernels, params: { W: Matrix<A>; b?: A }): SoftmaxClassifier<A> {
  const fn = 'softmaxClassifier';
  checkKernels(fn, kernels);
  const p = checkOptions(fn, params, ['W', 'b'], 'params');
  if (p.W === undefined) fail(fn, 'params.W', 'is missing: give the D×C weight matrix');
  const W = matrixArg<A>(fn, 'params.W', p.W);
  const dt = checkFloatArray(fn, 'params.W.data', W.data);
  if (W.cols < 1) fail(fn, 'params.W', `must have at least one column (one per class), got ${W.rows}×${W.cols}`);
  const b = p.b === undefined ? newArray<A>(fn, dt, W.cols) : floatArg<A>(fn, 'params.b', p.b, dt, W.cols);
  const Wc = { data: W.data.slice() as A, rows: W.rows, cols: W.cols };
  return createModel(kernels, dt, Wc, b.slice() as A, [], 0, false);
}

/**
 * The model saved by `model.toJSON()` (or `JSON.parse(JSON.stringify(model))`), bit for bit: W and b
 * are stored as base64 of their little-endian bytes, so −0, NaN payloads and every f32/f64 value
 * round-trip exactly.
 * @param kernels `reference` or the WASM kernels.
 * @param saved the object from `toJSON()`, or its JSON text.
 * @param dtype optional: the float type the caller expects ('f32' or 'f64'); a saved model of the
 *   other type is a SoftmaxInputError. It also gives the result its precise type when `saved` is
 *   JSON text (a typed `saved` object gives it by itself).
 * @returns the model: `SoftmaxClassifier<Float32Array>` or `<Float64Array>` where the saved object's
 *   type or `dtype` says which (else `SoftmaxClassifier<FloatArray>`; its W.data is the saved type).
 * @example
 * const model = softmaxClassifier(reference, { W: matrix(new Float32Array([0.1, -0.2, 1 / 3, 0]), 2, 2) });
 * const again = loadSoftmaxClassifier(reference, JSON.stringify(model), 'f32');
 * again.W.data; // → Float32Array [0.1, -0.2, 0.33333334, 0] (the same bits as model.W.data)
 */
export function loadSoftmaxClassifier<D extends 'f32' | 'f64'>(kernels: SoftmaxKernels, saved: SavedSoftmaxClassifier<D> | string, dtype: D): SoftmaxClassifier<ArrayOf<D>>;
export function loadSoftmaxClassifier(kernels: SoftmaxKernels, saved: SavedSoftmaxClassifier<'f32'>): SoftmaxClassifier<Float32Array>;
export function loadSoftmaxClassifier(kernels: SoftmaxKernels, saved: SavedSoftmaxClassifier<'f64'>): SoftmaxClassifier<Float64Array>;
export function loadSoftmaxClassifier(kernels: SoftmaxKernels, saved: SavedSoftmaxClassifier | string): SoftmaxClassifier<FloatArray>;
export function loadSoftmaxClassifier(kernels: SoftmaxKernels, saved: SavedSoftmaxClassifier | string, dtype?: 'f32' | 'f64'): SoftmaxClassifier<FloatArray> {
  const fn = 'loadSoftmaxClassifier';
  if (dtype !== undefined && dtype !== 'f32' && dtype !== 'f64') fail(fn, 'dtype', `must be 'f32', 'f64' or undefined, got ${describe(dtype)}`);
  checkKernels(fn, kernels);
  let obj: unknown = saved;
  if (typeof saved === 'string') {
    try { obj = JSON.parse(saved); } catch (e) { fail(fn, 'saved', `is not valid JSON (${(e as Error).message})`); }
  }
  const o = checkOptions(fn, obj, ['format', 'version', 'dtype', 'features', 'classes', 'W', 'b', 'bestEpoch', 'history'], 'saved');
  if (o.format !== SAVED_MODEL_FORMAT) fail(fn, 'saved.format', `must be '${SAVED_MODEL_FORMAT}', got ${describe(o.format)}`);
  if (o.version !== 1) fail(fn, 'saved.version', `must be 1 (the only format version so far), got ${describe(o.version)}`);
  if (o.dtype !== 'f32' && o.dtype !== 'f64') fail(fn, 'saved.dtype', `must be 'f32' or 'f64', got ${describe(o.dtype)}`);
  const dt = o.dtype;
  if (dtype !== undefined && dt !== dtype) fail(fn, 'saved.dtype', `is '${dt}', but dtype '${dtype}' was asked for`);
  const dims = (key: 'features' | 'classes', min: number): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 2 ** 31 - 1) fail(fn, `saved.${key}`, `must be an integer ≥ ${min}, got ${describe(v)}`);
    return v;
  };
  const D = dims('features', 0), C = dims('classes', 1);
  const W = fromBase64<FloatArray>(fn, 'saved.W', o.W, dt, D * C);
  const b = fromBase64<FloatArray>(fn, 'saved.b', o.b, dt, C);
  const history = o.history === undefined ? [] : o.history;
  if (!Array.isArray(history)) fail(fn, 'saved.history', `must be an array of epoch records, got ${describe(history)}`);
  const bestEpoch = o.bestEpoch === undefined ? history.length : o.bestEpoch;
  if (typeof bestEpoch !== 'number' || !Number.isInteger(bestEpoch) || bestEpoch < 0) fail(fn, 'saved.bestEpoch', `must be a non-negative integer, got ${describe(bestEpoch)}`);
  return createModel(kernels, dt, { data: W, rows: D, cols: C }, b, history as EpochRecord[], bestEpoch, false);
}

function toBase64(a: FloatArray): string {
  const n = a.length, size = a.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(n * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    if (size === 4) view.setFloat32(i * 4, a[i], true);
    else view.setFloat64(i * 8, a[i], true);
  }
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64<A extends FloatArray>(fn: string, arg: string, v: unknown, dt: DType, length: number): A {
  if (typeof v !== 'string') fail(fn, arg, `must be a base64 string, got ${describe(v)}`);
  let bin: string;
  try { bin = atob(v); } catch { throw new SoftmaxInputError(`${fn}: ${arg} is not valid base64`, arg); }
  const size = dt === 'f32' ? 4 : 8;
  if (bin.length !== length * size) fail(fn, arg, `must hold ${length} ${dt} values (${length * size} bytes), got ${bin.length} bytes`);
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = newArray<A>(fn, dt, length);
  for (let i = 0; i < length; i++) out[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return out;
}
