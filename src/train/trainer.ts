/**
 * Minibatch training of a linear softmax classifier (scores = X·W + b) on any SoftmaxKernels:
 * SGD with momentum (optionally Nesterov) or Adam, a learning-rate schedule, L2 `reg`, seeded
 * shuffling, early stopping on a validation set, and per-epoch history.
 *
 * The hot loop allocates no buffers: the minibatch X and labels, W, b, dW and db are allocated once.
 * With WASM kernels (anything with `alloc()`) they live in WASM memory, so each step's
 * `linearSoftmaxLoss` call passes pointers and copies nothing; the optimizer updates W and b in place
 * there. With `reference` they are plain typed arrays. Gradients come from
 * `linearSoftmaxLoss(X, y, W, { bias, reg, out: { dW, db } })`.
 */
import { SoftmaxInputError } from '../errors.js';
import type { FloatArray, LinearSoftmaxOptions, Matrix, SoftmaxKernels, WasmKernels, WasmMatrix } from '../types.js';
import { checkLabels, checkMatrix, checkOptions, describe, fail, type DType } from '../validate.js';
import { argmaxRows, linearScores } from './linear.js';
import { Rng } from './rng.js';

const FN = 'trainSoftmaxClassifier';

/** Training data: N samples of D features (row-major N×D), N labels in [0, classes). */
export interface TrainData<A extends FloatArray = FloatArray> {
  X: Matrix<A>;
  y: Int32Array;
  classes: number;
}

/** A labelled set used only for measuring (validation or test). Same float type and D as the training X. */
export interface LabelledSet<A extends FloatArray = FloatArray> {
  X: Matrix<A>;
  y: Int32Array;
}

/**
 * Learning-rate schedule over the run (`lr` is the starting rate):
 * - `'constant'`;
 * - `'step'` / `{ type: 'step', every, gamma }`: lr·gamma^⌊(epoch−1)/every⌋, per epoch; defaults
 *   every = ⌈epochs/3⌉, gamma = 0.1;
 * - `'cosine'` / `{ type: 'cosine', minLr }`: minLr + (lr − minLr)·(1 + cos(π·t/T))/2 per step t of T
 *   steps in all; default minLr = 0.
 */
export type LrSchedule =
  | 'constant' | 'step' | 'cosine'
  | { type: 'constant' }
  | { type: 'step'; every?: number; gamma?: number }
  | { type: 'cosine'; minLr?: number };

/** Early stopping on the validation set: stop after `patience` epochs without improvement. */
export interface EarlyStopping {
  /** Epochs without improvement before stopping. Default 3. */
  patience?: number;
  /** What counts as better: lower `'valLoss'` (default) or higher `'valAccuracy'`. */
  monitor?: 'valLoss' | 'valAccuracy';
  /** An improvement must exceed this. Default 0. */
  minDelta?: number;
  /** Return the weights of the best epoch (default true) instead of the last. */
  restoreBest?: boolean;
}

/** One epoch of the history. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean minibatch objective over the epoch, as optimized: cross-entropy + reg·ΣW². */
  loss: number;
  /** Learning rate at the epoch's last step. */
  lr: number;
  /** Wall time of the epoch's training steps (evaluation excluded), in seconds. */
  seconds: number;
  /** Training samples per second over those steps. */
  samplesPerSecond: number;
  /** Accuracy on the whole training set after the epoch (with `evalTrain: true`). */
  trainAccuracy?: number;
  /** Mean cross-entropy (no reg term) and accuracy on the validation set, when there is one. */
  valLoss?: number;
  valAccuracy?: number;
  /** The same on `options.test`, when given (reported only, never used for a decision). */
  testLoss?: number;
  testAccuracy?: number;
}

/** Options of {@link trainSoftmaxClassifier}; every field is optional. */
export interface TrainOptions<A extends FloatArray = FloatArray> {
  /** Passes over the training set. Default 20. */
  epochs?: number;
  /** Minibatch size (the last batch of an epoch may be smaller). Default 64. */
  batchSize?: number;
  /** `'sgd'` (default; with momentum) or `'adam'`. */
  optimizer?: 'sgd' | 'adam';
  /** Starting learning rate. Default 0.05 for SGD, 0.001 for Adam. */
  lr?: number;
  /** SGD momentum μ in [0, 1): v ← μ·v − lr·g, θ ← θ + v. Default 0.9. */
  momentum?: number;
  /** Nesterov momentum (CS231n form). Default false. */
  nesterov?: boolean;
  /** Adam's β₁, β₂, ε. Defaults 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Learning-rate schedule. Default `'constant'`. */
  schedule?: LrSchedule;
  /** L2 strength ≥ 0: the loss gets reg·ΣW² (not the bias), as in linearSoftmaxLoss. Default 0. */
  reg?: number;
  /** Seed of the run: initial weights, validation split and shuffles. Same seed, same result. Default 1. */
  seed?: number;
  /** Shuffle the training set every epoch. Default true. */
  shuffle?: boolean;
  /** Initial weights: W ~ initScale·N(0, 1), b = 0. Default 0.001. */
  initScale?: number;
  /** Fraction in [0, 1) of the data held out (seeded) as a validation set. Default 0. */
  validationSplit?: number;
  /** An explicit validation set instead of `validationSplit`. */
  validation?: LabelledSet<A>;
  /** Early stopping on the validation set (needs `validationSplit` or `validation`). */
  earlyStopping?: EarlyStopping | boolean;
  /** A held-out set measured after every epoch for the history only. */
  test?: LabelledSet<A>;
  /** Also measure accuracy on the whole training set after every epoch. Default false. */
  evalTrain?: boolean;
  /** Called after every epoch; return `false` to stop training. */
  onEpoch?: (record: EpochRecord) => void | boolean;
  /** Called after every minibatch step with (epoch, batch, batches per epoch, the batch's loss);
   * epoch and batch are 1-based. For progress bars. */
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
}

/** A trained linear softmax classifier. */
export interface SoftmaxClassifier<A extends FloatArray = FloatArray> {
  /** Weights, D×C (plain typed array). */
  W: Matrix<A>;
  /** Bias, length C. */
  b: A;
  classes: number;
  /** One record per epoch run. */
  history: EpochRecord[];
  /** The epoch whose weights W and b are (the best one under early stopping with restoreBest). */
  bestEpoch: number;
  /** True when early stopping or onEpoch ended the run before `epochs`. */
  stoppedEarly: boolean;
  /** scores = X·W + b, N×C. */
  scores(X: Matrix<A>): Matrix<A>;
  /** softmax(X·W + b), N×C, with the kernels the model was trained with. */
  predictProba(X: Matrix<A>): Matrix<A>;
  /** The most likely class of each row. */
  predict(X: Matrix<A>): Int32Array;
  /** Mean cross-entropy (no reg term) and accuracy in [0, 1] on a labelled set. */
  evaluate(X: Matrix<A>, y: Int32Array): { loss: number; accuracy: number };
}

// ---------------------------------------------------------------------------------------------
// Option checks

function checkNum(arg: string, v: unknown, dflt: number, lo: number, hi: number, opts: { int?: boolean; loOpen?: boolean; hiOpen?: boolean } = {}): number {
  if (v === undefined) return dflt;
  const ok = typeof v === 'number' && Number.isFinite(v) && (opts.loOpen ? v > lo : v >= lo) && (opts.hiOpen ? v < hi : v <= hi) &&
    (!opts.int || Number.isInteger(v));
  if (!ok) {
    const range = `${opts.loOpen ? '(' : '['}${lo}, ${hi === Infinity ? '∞' : hi}${opts.hiOpen || hi === Infinity ? ')' : ']'}`;
    fail(FN, arg, `must be ${opts.int ? 'an integer' : 'a finite number'} in ${range}, got ${describe(v)}`);
  }
  return v as number;
}

function checkBool(arg: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(FN, arg, `must be true or false, got ${describe(v)}`);
  return v;
}

function checkFn<F>(arg: string, v: unknown): F | null {
  if (v === undefined) return null;
  if (typeof v !== 'function') fail(FN, arg, `must be a function, got ${describe(v)}`);
  return v as F;
}

const TRAIN_OPTIONS = ['epochs', 'batchSize', 'optimizer', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'epsilon',
  'schedule', 'reg', 'seed', 'shuffle', 'initScale', 'validationSplit', 'validation', 'earlyStopping', 'test',
  'evalTrain', 'onEpoch', 'onBatch'] as const;

type Sched = { kind: 'constant' } | { kind: 'step'; every: number; gamma: number } | { kind: 'cosine'; minLr: number };

function checkSchedule(v: unknown, epochs: number): Sched {
  if (v === undefined || v === 'constant') return { kind: 'constant' };
  if (v === 'step') return { kind: 'step', every: Math.ceil(epochs / 3), gamma: 0.1 };
  if (v === 'cosine') return { kind: 'cosine', minLr: 0 };
  if (v !== null && typeof v === 'object') {
    const type = (v as { type?: unknown }).type;
    if (type === 'constant') { checkOptions(FN, v, ['type'], 'options.schedule'); return { kind: 'constant' }; }
    if (type === 'step') {
      const o = checkOptions(FN, v, ['type', 'every', 'gamma'], 'options.schedule');
      return { kind: 'step', every: checkNum('options.schedule.every', o.every, Math.ceil(epochs / 3), 1, Infinity, { int: true }),
        gamma: checkNum('options.schedule.gamma', o.gamma, 0.1, 0, 1, { loOpen: true }) };
    }
    if (type === 'cosine') {
      const o = checkOptions(FN, v, ['type', 'minLr'], 'options.schedule');
      return { kind: 'cosine', minLr: checkNum('options.schedule.minLr', o.minLr, 0, 0, Infinity) };
    }
  }
  return fail(FN, 'options.schedule', `must be 'constant', 'step', 'cosine' or { type, … } of one of them, got ${describe(v)}`);
}

function checkSet(arg: string, v: unknown, dt: DType, d: number, classes: number): LabelledSet<FloatArray> {
  // Other keys (e.g. `classes`, as in TrainData) are allowed: only X and y are read.
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || Array.isArray(v)) fail(FN, arg, `must be { X, y }, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  checkMatrix(FN, `${arg}.X`, o.X, dt, null, d);
  const X = o.X as Matrix<FloatArray>;
  checkLabels(FN, `${arg}.y`, o.y, X.rows, classes);
  return { X, y: o.y as Int32Array };
}

// ---------------------------------------------------------------------------------------------
// Buffers: allocated once per run

/**
 * The training rows, the minibatch, parameters and gradients; in WASM memory when the kernels can
 * alloc(). The training rows are copied once into the same typed array as the minibatch (`stage`:
 * nTrain rows, then B rows of minibatch), so gathering a shuffled batch is a `copyWithin` per row:
 * a memmove, no allocation.
 */
interface Workspace<A extends FloatArray> {
  /** nTrain + B rows of D: the training rows (in the order of `trainIdx`), then the minibatch. */
  stage: A;
  /** The full minibatch (B×D, the last B rows of `stage`) and the smaller last one (rem×D), or null. */
  Xb: Matrix<A>;
  Xtail: Matrix<A> | null;
  yb: Int32Array;
  ytail: Int32Array | null;
  W: Matrix<A>;
  b: A;
  dW: Matrix<A>;
  db: A;
  /** The options object passed to every linearSoftmaxLoss call. */
  lossOptions: LinearSoftmaxOptions<A> & { out: { dW: Matrix<A>; db: A } };
  /** Re-derives the views after WASM memory growth (old views detach); a no-op otherwise. */
  refresh(): void;
  free(): void;
}

function hasAlloc(k: SoftmaxKernels): k is WasmKernels {
  return typeof (k as Partial<WasmKernels>).alloc === 'function';
}

function newArray<A extends FloatArray>(dt: DType, n: number): A {
  return (dt === 'f32' ? new Float32Array(n) : new Float64Array(n)) as A;
}

function workspace<A extends FloatArray>(k: SoftmaxKernels, dt: DType, nTrain: number, B: number, D: number, C: number, reg: number): Workspace<A> {
  const rem = nTrain % B;
  const ws = {
    lossOptions: { reg, bias: null as unknown as A, out: { dW: null as unknown as Matrix<A>, db: null as unknown as A } },
  } as Workspace<A>;
  /** Points every field at the given arrays. */
  const wire = (stage: A, y: Int32Array, w: A, dw: A, b: A, db: A): void => {
    const xb = stage.subarray(nTrain * D, (nTrain + B) * D) as A;
    ws.stage = stage;
    ws.Xb = { data: xb, rows: B, cols: D };
    ws.Xtail = rem ? { data: xb.subarray(0, rem * D) as A, rows: rem, cols: D } : null;
    ws.yb = y;
    ws.ytail = rem ? y.subarray(0, rem) : null;
    ws.W = { data: w, rows: D, cols: C };
    ws.dW = { data: dw, rows: D, cols: C };
    ws.b = b;
    ws.db = db;
    ws.lossOptions.bias = b;
    ws.lossOptions.out.dW = ws.dW;
    ws.lossOptions.out.db = db;
  };
  if (!hasAlloc(k)) {
    wire(newArray<A>(dt, (nTrain + B) * D), new Int32Array(B), newArray<A>(dt, D * C), newArray<A>(dt, D * C),
      newArray<A>(dt, C), newArray<A>(dt, C));
    ws.refresh = () => {};
    ws.free = () => {};
    return ws;
  }
  const blocks: WasmMatrix[] = [];
  const alloc = (rows: number, cols: number, type: DType = dt): WasmMatrix<A> => {
    const m = k.alloc(type, rows, cols) as unknown as WasmMatrix<A>;
    blocks.push(m);
    return m;
  };
  let mStage: WasmMatrix<A>, mY: WasmMatrix<A>, mW: WasmMatrix<A>, mB: WasmMatrix<A>, mdW: WasmMatrix<A>, mdb: WasmMatrix<A>;
  try {
    mStage = alloc(nTrain + B, D); mW = alloc(D, C); mdW = alloc(D, C); mB = alloc(1, C); mdb = alloc(1, C);
    mY = alloc(1, B, 'f32'); // 4 bytes per entry: the labels live here as an Int32Array view
  } catch (e) {
    for (const m of blocks) m.free();
    throw e;
  }
  let buffer: ArrayBufferLike | null = null;
  ws.refresh = () => {
    const w = mW.data;
    if (w.buffer === buffer) return;
    buffer = w.buffer;
    const y = mY.data;
    wire(mStage.data, new Int32Array(y.buffer, y.byteOffset, B), w, mdW.data, mB.data, mdb.data);
  };
  ws.free = () => { for (const m of blocks) m.free(); };
  ws.refresh();
  return ws;
}

/** Copies rows idx[0 … count) of src (row length D) into dst, densely (setup only, not the hot loop). */
function gatherRows(src: FloatArray, D: number, idx: Int32Array, count: number, dst: FloatArray): void {
  for (let r = 0; r < count; r++) dst.set(src.subarray(idx[r] * D, (idx[r] + 1) * D), r * D);
}

// ---------------------------------------------------------------------------------------------
// Optimizers: state in float64, parameters updated in place in their own float type

interface Optimizer {
  /** θ ← update(θ, g) for one parameter with state slot `slot`; `t` is the 1-based step. */
  update(slot: number, theta: FloatArray, g: FloatArray, lr: number, t: number): void;
}

function sgd(sizes: number[], mu: number, nesterov: boolean): Optimizer {
  const v = sizes.map((n) => new Float64Array(n));
  return {
    update(slot, theta, g, lr) {
      const vs = v[slot];
      const n = vs.length;
      if (mu === 0) {
        for (let i = 0; i < n; i++) theta[i] -= lr * g[i];
      } else if (!nesterov) {
        for (let i = 0; i < n; i++) {
          const vi = mu * vs[i] - lr * g[i];
          vs[i] = vi;
          theta[i] += vi;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const prev = vs[i];
          const vi = mu * prev - lr * g[i];
          vs[i] = vi;
          theta[i] += -mu * prev + (1 + mu) * vi;
        }
      }
    },
  };
}

function adam(sizes: number[], b1: number, b2: number, eps: number): Optimizer {
  const m = sizes.map((n) => new Float64Array(n));
  const v = sizes.map((n) => new Float64Array(n));
  return {
    update(slot, theta, g, lr, t) {
      const ms = m[slot], vs = v[slot];
      const n = ms.length;
      const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const mi = (ms[i] = b1 * ms[i] + (1 - b1) * gi);
        const vi = (vs[i] = b2 * vs[i] + (1 - b2) * gi * gi);
        theta[i] -= (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Mean cross-entropy and accuracy of (W, b) on a set; `scores` is a preallocated N×C buffer. */
function measure<A extends FloatArray>(k: SoftmaxKernels, W: Matrix<A>, b: A, set: LabelledSet<A>, scores: Matrix<A>, pred: Int32Array): { loss: number; accuracy: number } {
  linearScores(set.X, W, b, scores);
  argmaxRows(scores, pred);
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === set.y[i]) hits++;
  const n = set.y.length;
  const loss = n ? k.softmaxCrossEntropy(scores, set.y, { grad: false }).loss : NaN;
  return { loss, accuracy: n ? hits / n : NaN };
}

function makeModel<A extends FloatArray>(k: SoftmaxKernels, dt: DType, W: Matrix<A>, b: A, classes: number, history: EpochRecord[], bestEpoch: number, stoppedEarly: boolean): SoftmaxClassifier<A> {
  const D = W.rows, C = W.cols;
  const scores = (X: Matrix<A>): Matrix<A> => {
    checkMatrix('predict', 'X', X, dt, null, D);
    return linearScores(X, W, b, { data: newArray<A>(dt, X.rows * C), rows: X.rows, cols: C });
  };
  return {
    W, b, classes, history, bestEpoch, stoppedEarly,
    scores,
    predictProba(X) {
      const s = scores(X);
      return k.softmax(s, s);
    },
    predict(X) { return argmaxRows(scores(X)); },
    evaluate(X, y) {
      checkMatrix('evaluate', 'X', X, dt, null, D);
      checkLabels('evaluate', 'y', y, X.rows, classes);
      return measure(k, W, b, { X, y }, { data: newArray<A>(dt, X.rows * C), rows: X.rows, cols: C }, new Int32Array(X.rows));
    },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Trains a linear softmax classifier, scores = X·W + b, by minibatch gradient descent on the mean
 * cross-entropy + reg·ΣW², with gradients from `kernels.linearSoftmaxLoss`.
 * @param kernels `reference` or the WASM kernels from `loadWasm()` (the model keeps using them for
 *   `predictProba` and `evaluate`).
 * @param data `{ X, y, classes }`: X row-major N×D (Float32Array or Float64Array; the model has the
 *   same float type), y an Int32Array of N labels in [0, classes).
 * @param options see {@link TrainOptions}.
 * @returns the model `{ W, b, predict, predictProba, evaluate, history, … }`.
 * @throws SoftmaxInputError on bad data or options, before any work.
 * @example
 * const X = matrix(new Float64Array([0, 0, 0, 1, 1, 0, 1, 1]), 4, 2);
 * const y = new Int32Array([0, 1, 1, 1]); // OR
 * const m = trainSoftmaxClassifier(reference, { X, y, classes: 2 }, { epochs: 200, batchSize: 4, lr: 0.5 });
 * m.predict(X); // Int32Array [0, 1, 1, 1]
 */
export function trainSoftmaxClassifier<A extends FloatArray>(
  kernels: SoftmaxKernels, data: TrainData<A>, options?: TrainOptions<A>,
): SoftmaxClassifier<A> {
  // --- validate everything first
  if (kernels === null || typeof kernels !== 'object' || typeof kernels.linearSoftmaxLoss !== 'function') {
    fail(FN, 'kernels', `must be SoftmaxKernels (reference or await loadWasm()), got ${describe(kernels)}`);
  }
  if (data === null || typeof data !== 'object') fail(FN, 'data', `must be { X, y, classes }, got ${describe(data)}`);
  if (data.classes === undefined) fail(FN, 'data.classes', 'is missing: give the number of classes C (labels are in [0, C))');
  const classes = checkNum('data.classes', data.classes, NaN, 1, 2 ** 31 - 1, { int: true });
  const dt = checkMatrix(FN, 'data.X', data.X);
  const X = data.X;
  const { rows: N, cols: D } = X;
  checkLabels(FN, 'data.y', data.y, N, classes);
  const y = data.y;
  const C = classes;

  const o = checkOptions(FN, options, TRAIN_OPTIONS);
  const epochs = checkNum('options.epochs', o.epochs, 20, 1, 1e9, { int: true });
  const optimizer = o.optimizer ?? 'sgd';
  if (optimizer !== 'sgd' && optimizer !== 'adam') fail(FN, 'options.optimizer', `must be 'sgd' or 'adam', got ${describe(optimizer)}`);
  const lr0 = checkNum('options.lr', o.lr, optimizer === 'sgd' ? 0.05 : 0.001, 0, Infinity, { loOpen: true });
  if (optimizer === 'adam' && (o.momentum !== undefined || o.nesterov !== undefined)) {
    fail(FN, 'options.momentum', "and options.nesterov apply to optimizer 'sgd' only (Adam has beta1/beta2)");
  }
  if (optimizer === 'sgd' && (o.beta1 !== undefined || o.beta2 !== undefined || o.epsilon !== undefined)) {
    fail(FN, 'options.beta1', "beta2 and epsilon apply to optimizer 'adam' only");
  }
  const momentum = checkNum('options.momentum', o.momentum, 0.9, 0, 1, { hiOpen: true });
  const nesterov = checkBool('options.nesterov', o.nesterov, false);
  const beta1 = checkNum('options.beta1', o.beta1, 0.9, 0, 1, { hiOpen: true });
  const beta2 = checkNum('options.beta2', o.beta2, 0.999, 0, 1, { hiOpen: true });
  const epsilon = checkNum('options.epsilon', o.epsilon, 1e-8, 0, Infinity, { loOpen: true });
  const sched = checkSchedule(o.schedule, epochs);
  const reg = checkNum('options.reg', o.reg, 0, 0, Infinity);
  const seed = checkNum('options.seed', o.seed, 1, -(2 ** 53), 2 ** 53, { int: true });
  const shuffle = checkBool('options.shuffle', o.shuffle, true);
  const initScale = checkNum('options.initScale', o.initScale, 0.001, 0, Infinity);
  const validationSplit = checkNum('options.validationSplit', o.validationSplit, 0, 0, 1, { hiOpen: true });
  if (o.validation !== undefined && o.validationSplit !== undefined) {
    fail(FN, 'options.validation', 'was given together with options.validationSplit; use one of them');
  }
  const explicitVal = o.validation === undefined ? null : checkSet('options.validation', o.validation, dt, D, C) as LabelledSet<A>;
  const test = o.test === undefined ? null : checkSet('options.test', o.test, dt, D, C) as LabelledSet<A>;
  const evalTrain = checkBool('options.evalTrain', o.evalTrain, false);
  const onEpoch = checkFn<NonNullable<TrainOptions['onEpoch']>>('options.onEpoch', o.onEpoch);
  const onBatch = checkFn<NonNullable<TrainOptions['onBatch']>>('options.onBatch', o.onBatch);
  let early: Required<EarlyStopping> | null = null;
  if (o.earlyStopping !== undefined && o.earlyStopping !== false) {
    const e = o.earlyStopping === true ? {} : checkOptions(FN, o.earlyStopping, ['patience', 'monitor', 'minDelta', 'restoreBest'], 'options.earlyStopping');
    const monitor = e.monitor ?? 'valLoss';
    if (monitor !== 'valLoss' && monitor !== 'valAccuracy') fail(FN, 'options.earlyStopping.monitor', `must be 'valLoss' or 'valAccuracy', got ${describe(monitor)}`);
    early = {
      patience: checkNum('options.earlyStopping.patience', e.patience, 3, 1, 1e9, { int: true }),
      monitor,
      minDelta: checkNum('options.earlyStopping.minDelta', e.minDelta, 0, 0, Infinity),
      restoreBest: checkBool('options.earlyStopping.restoreBest', e.restoreBest, true),
    };
    if (!explicitVal && validationSplit === 0) {
      fail(FN, 'options.earlyStopping', 'needs a validation set: give options.validationSplit (e.g. 0.1) or options.validation');
    }
  }

  // --- split (seeded) and initial weights
  const rng = new Rng(seed);
  let trainIdx: Int32Array;
  let val: LabelledSet<A> | null = explicitVal;
  if (validationSplit > 0) {
    const perm = rng.permutation(N);
    const nVal = Math.round(N * validationSplit);
    if (nVal === 0 || nVal === N) {
      fail(FN, 'options.validationSplit', `= ${validationSplit} of ${N} samples leaves ${nVal === 0 ? 'no validation sample' : 'no training sample'}`);
    }
    const valIdx = perm.slice(N - nVal).sort();
    trainIdx = perm.slice(0, N - nVal).sort();
    const vX = newArray<A>(dt, nVal * D);
    gatherRows(X.data, D, valIdx, nVal, vX);
    val = { X: { data: vX, rows: nVal, cols: D }, y: Int32Array.from(valIdx, (i) => y[i]) };
  } else {
    if (N === 0) fail(FN, 'data.X', 'has no rows; training needs at least one sample');
    trainIdx = new Int32Array(N);
    for (let i = 0; i < N; i++) trainIdx[i] = i;
  }
  const nTrain = trainIdx.length;
  const B = Math.min(checkNum('options.batchSize', o.batchSize, 64, 1, 2 ** 31 - 1, { int: true }), nTrain);
  const rem = nTrain % B;
  const batches = Math.ceil(nTrain / B);
  const totalSteps = batches * epochs;

  const ws = workspace<A>(kernels, dt, nTrain, B, D, C, reg);
  try {
    if (X.data.length !== N * D) { // a view of WASM memory that the allocation above grew (and so detached)
      fail(FN, 'data.X', 'was detached when WASM memory grew; pass the alloc() matrix itself (its data is re-derived), not a view taken from it');
    }
    // Stage the training rows once; from here on `order` indexes rows of the stage.
    gatherRows(X.data, D, trainIdx, nTrain, ws.stage);
    const yTrain = Int32Array.from(trainIdx, (i) => y[i]);
    const order = new Int32Array(nTrain);
    for (let i = 0; i < nTrain; i++) order[i] = i;
    const batchAt = nTrain * D; // element offset of the minibatch in the stage
    for (let i = 0; i < D * C; i++) ws.W.data[i] = initScale * rng.gauss();
    const opt = optimizer === 'sgd' ? sgd([D * C, C], momentum, nesterov) : adam([D * C, C], beta1, beta2, epsilon);

    // Measuring buffers, allocated once.
    const mk = (set: LabelledSet<A> | null) => set && {
      set, scores: { data: newArray<A>(dt, set.X.rows * C), rows: set.X.rows, cols: C }, pred: new Int32Array(set.X.rows),
    };
    const valBuf = mk(val), testBuf = mk(test), trainBuf = evalTrain
      ? { scores: { data: newArray<A>(dt, nTrain * C), rows: nTrain, cols: C }, pred: new Int32Array(nTrain) } : null;
    const best = early ? { W: newArray<A>(dt, D * C), b: newArray<A>(dt, C), score: Infinity, epoch: 0 } : null;

    const history: EpochRecord[] = [];
    let stoppedEarly = false, wait = 0, step = 0;
    const lrAt = (epoch: number, t: number): number => {
      if (sched.kind === 'step') return lr0 * sched.gamma ** Math.floor((epoch - 1) / sched.every);
      if (sched.kind === 'cosine') return sched.minLr + ((lr0 - sched.minLr) * (1 + Math.cos((Math.PI * t) / totalSteps))) / 2;
      return lr0;
    };

    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (shuffle) rng.shuffle(order);
      let lossSum = 0, lr = lr0;
      const t0 = performance.now();
      for (let bi = 0; bi < batches; bi++) {
        // --- the hot loop: gather the batch, loss + gradients into preallocated outputs, update in place
        ws.refresh();
        const from = bi * B;
        const tail = bi === batches - 1 && rem !== 0;
        const Xcur = tail ? ws.Xtail! : ws.Xb;
        const ycur = tail ? ws.ytail! : ws.yb;
        const n = Xcur.rows;
        const stage = ws.stage;
        for (let r = 0; r < n; r++) {
          const i = order[from + r];
          stage.copyWithin(batchAt + r * D, i * D, (i + 1) * D);
          ycur[r] = yTrain[i];
        }
        const loss = kernels.linearSoftmaxLoss(Xcur, ycur, ws.W, ws.lossOptions).loss;
        ws.refresh();
        lossSum += loss * n;
        lr = lrAt(epoch, step);
        step++;
        opt.update(0, ws.W.data, ws.dW.data, lr, step);
        opt.update(1, ws.b, ws.db, lr, step);
        if (onBatch) onBatch(epoch, bi + 1, batches, loss);
      }
      const seconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = { epoch, loss: lossSum / nTrain, lr, seconds, samplesPerSecond: nTrain / seconds };
      if (!Number.isFinite(rec.loss)) {
        throw new SoftmaxInputError(`${FN}: the loss became ${rec.loss} in epoch ${epoch}; the learning rate (${lr0}) is probably too large`, 'options.lr');
      }
      // Measuring calls kernels that may grow WASM memory: views are re-derived before each use.
      if (trainBuf) {
        ws.refresh();
        const stagedX = { data: ws.stage.subarray(0, nTrain * D) as A, rows: nTrain, cols: D };
        rec.trainAccuracy = measure(kernels, ws.W, ws.b, { X: stagedX, y: yTrain }, trainBuf.scores, trainBuf.pred).accuracy;
      }
      if (valBuf) {
        ws.refresh();
        const m = measure(kernels, ws.W, ws.b, valBuf.set, valBuf.scores, valBuf.pred);
        rec.valLoss = m.loss;
        rec.valAccuracy = m.accuracy;
      }
      if (testBuf) {
        ws.refresh();
        const m = measure(kernels, ws.W, ws.b, testBuf.set, testBuf.scores, testBuf.pred);
        rec.testLoss = m.loss;
        rec.testAccuracy = m.accuracy;
      }
      ws.refresh();
      history.push(rec);
      let stop = false;
      if (early && best) {
        const score = early.monitor === 'valLoss' ? rec.valLoss! : -rec.valAccuracy!;
        if (score < best.score - early.minDelta) {
          best.score = score;
          best.epoch = epoch;
          best.W.set(ws.W.data);
          best.b.set(ws.b);
          wait = 0;
        } else if (++wait >= early.patience) {
          stop = true;
        }
      }
      if (onEpoch && onEpoch(rec) === false) stop = true;
      if (stop) {
        stoppedEarly = epoch < epochs;
        break;
      }
    }

    // --- copy the result out of the workspace (WASM memory is freed below)
    const useBest = early !== null && early.restoreBest && best !== null && best.epoch > 0;
    const W = { data: newArray<A>(dt, D * C), rows: D, cols: C };
    const b = newArray<A>(dt, C);
    W.data.set(useBest ? best!.W : ws.W.data);
    b.set(useBest ? best!.b : ws.b);
    const bestEpoch = useBest ? best!.epoch : history.length;
    return makeModel(kernels, dt, W, b, C, history, bestEpoch, stoppedEarly);
  } finally {
    ws.free();
  }
}
