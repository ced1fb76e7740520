/**
 * Public types of the trainer: the data it takes, its options, the per-epoch history and the model
 * it returns.
 */
import type { FloatArray, Matrix } from '../types.js';

/** Training data: N samples of D features (row-major N×D), N labels in [0, classes). */
export interface TrainData<A extends FloatArray = FloatArray> {
  /** The features, N×D row-major: one sample per row. */
  X: Matrix<A>;
  /** The N labels, each in [0, classes). */
  y: Int32Array;
  /** C, the number of classes (the model's W is D×C). */
  classes: number;
}

/** A labelled set used only for measuring (validation or test). Same float type and D as the training X. */
export interface LabelledSet<A extends FloatArray = FloatArray> {
  /** The features, M×D row-major (D as in the training X). */
  X: Matrix<A>;
  /** The M labels, each in [0, classes). */
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
  /** Mean cross-entropy (no reg term) on the validation set, when there is one. */
  valLoss?: number;
  /** Accuracy in [0, 1] on the validation set, when there is one. */
  valAccuracy?: number;
  /** Mean cross-entropy on `options.test`, when given (reported only, never used for a decision). */
  testLoss?: number;
  /** Accuracy in [0, 1] on `options.test`, when given (reported only). */
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
  /** Adam's β₁, the decay of the first-moment average. Default 0.9. */
  beta1?: number;
  /** Adam's β₂, the decay of the second-moment average. Default 0.999. */
  beta2?: number;
  /** Adam's ε, added to the square root of the second moment. Default 1e-8. */
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
  /** C, the number of classes. */
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
  /** The most likely class of each row: the kernels' argmax of the scores (first index on ties). */
  predict(X: Matrix<A>): Int32Array;
  /** Mean cross-entropy (no reg term) and accuracy in [0, 1] on a labelled set. */
  evaluate(X: Matrix<A>, y: Int32Array): { loss: number; accuracy: number };
  /** A JSON-safe copy of the model (W and b bit-exact); `JSON.stringify(model)` uses it. Load it with loadSoftmaxClassifier. */
  toJSON(): SavedSoftmaxClassifier<DTypeOf<A>>;
}

/** The `dtype` tag of a float array type: 'f32', 'f64', or either for the union. */
export type DTypeOf<A extends FloatArray> = A extends Float64Array ? 'f64' : A extends Float32Array ? 'f32' : 'f32' | 'f64';

/** The float array type of a `dtype` tag. */
export type ArrayOf<D extends 'f32' | 'f64'> = D extends 'f64' ? Float64Array : Float32Array;

/** A saved model, from `model.toJSON()` (JSON-safe; see loadSoftmaxClassifier). */
export interface SavedSoftmaxClassifier<D extends 'f32' | 'f64' = 'f32' | 'f64'> {
  /** Always `'softmax-wasm/linear-softmax-classifier'`: what this object is. */
  format: 'softmax-wasm/linear-softmax-classifier';
  /** The format's version, 1. */
  version: 1;
  /** The float type of W and b: `'f32'` (Float32Array) or `'f64'` (Float64Array). */
  dtype: D;
  /** D. */
  features: number;
  /** C. */
  classes: number;
  /** W (D×C, row-major) as base64 of its little-endian bytes. */
  W: string;
  /** b (C) as base64 of its little-endian bytes. */
  b: string;
  /** The epoch W and b come from (see {@link SoftmaxClassifier.bestEpoch}). */
  bestEpoch: number;
  /** The training history, one record per epoch run. */
  history: EpochRecord[];
}
