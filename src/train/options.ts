/**
 * Validation of trainSoftmaxClassifier's arguments: everything is checked here, before any work,
 * with the shared checks of src/validate.ts, and turned into a {@link TrainConfig} with every default
 * filled in.
 */
import type { FloatArray, Matrix, SoftmaxKernels } from '../types.js';
import {
  checkBoolean, checkFunction, checkLabels, checkMatrix, checkNumber, checkOptions, describe, fail, type DType,
} from '../validate.js';
import { parseEarlyStopping } from './early_stopping.js';
import { parseSchedule, type Schedule } from './schedules.js';
import type { EarlyStopping, LabelledSet, TrainData, TrainOptions } from './types.js';

export const FN = 'trainSoftmaxClassifier';

const TRAIN_OPTIONS = ['epochs', 'batchSize', 'optimizer', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'epsilon',
  'schedule', 'reg', 'seed', 'shuffle', 'initScale', 'validationSplit', 'validation', 'earlyStopping', 'test',
  'evalTrain', 'onEpoch', 'onBatch'] as const;

/** The validated data and options of one training run. */
export interface TrainConfig<A extends FloatArray> {
  dt: DType;
  X: Matrix<A>;
  y: Int32Array;
  /** N, D, C. */
  N: number;
  D: number;
  C: number;
  epochs: number;
  /** The requested batch size (the trainer caps it at the number of training rows). */
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  schedule: Schedule;
  reg: number;
  seed: number;
  shuffle: boolean;
  initScale: number;
  validationSplit: number;
  validation: LabelledSet<A> | null;
  test: LabelledSet<A> | null;
  evalTrain: boolean;
  early: Required<EarlyStopping> | null;
  onEpoch: NonNullable<TrainOptions['onEpoch']> | null;
  onBatch: NonNullable<TrainOptions['onBatch']> | null;
}

/** A `{ X, y }` set with X of float type `dt` and D columns, labels in [0, classes). Other keys are allowed. */
export function checkLabelledSet<A extends FloatArray>(fn: string, arg: string, v: unknown, dt: DType, d: number, classes: number): LabelledSet<A> {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || Array.isArray(v)) fail(fn, arg, `must be { X, y }, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  checkMatrix(fn, `${arg}.X`, o.X, dt, null, d);
  const X = o.X as Matrix<A>;
  checkLabels(fn, `${arg}.y`, o.y, X.rows, classes);
  return { X, y: o.y as Int32Array };
}

/** Checks the kernels, the data and every option; throws SoftmaxInputError before anything is allocated. */
export function parseTrainArgs<A extends FloatArray>(kernels: unknown, data: TrainData<A>, options: TrainOptions<A> | undefined): TrainConfig<A> {
  if (kernels === null || typeof kernels !== 'object' || typeof (kernels as SoftmaxKernels).linearSoftmaxLoss !== 'function') {
    fail(FN, 'kernels', `must be SoftmaxKernels (reference or await loadWasm()), got ${describe(kernels)}`);
  }
  if (data === null || typeof data !== 'object') fail(FN, 'data', `must be { X, y, classes }, got ${describe(data)}`);
  if (data.classes === undefined) fail(FN, 'data.classes', 'is missing: give the number of classes C (labels are in [0, C))');
  const C = checkNumber(FN, 'data.classes', data.classes, NaN, { min: 1, max: 2 ** 31 - 1, int: true });
  const dt = checkMatrix(FN, 'data.X', data.X);
  const X = data.X;
  const { rows: N, cols: D } = X;
  checkLabels(FN, 'data.y', data.y, N, C);

  const o = checkOptions(FN, options, TRAIN_OPTIONS);
  const num = (key: string, dflt: number, bounds: Parameters<typeof checkNumber>[4]): number =>
    checkNumber(FN, `options.${key}`, o[key], dflt, bounds);
  const epochs = num('epochs', 20, { min: 1, max: 1e9, int: true });
  const optimizer = o.optimizer ?? 'sgd';
  if (optimizer !== 'sgd' && optimizer !== 'adam') fail(FN, 'options.optimizer', `must be 'sgd' or 'adam', got ${describe(optimizer)}`);
  const lr = num('lr', optimizer === 'sgd' ? 0.05 : 0.001, { min: 0, max: Infinity, minOpen: true });
  if (optimizer === 'adam' && (o.momentum !== undefined || o.nesterov !== undefined)) {
    fail(FN, 'options.momentum', "and options.nesterov apply to optimizer 'sgd' only (Adam has beta1/beta2)");
  }
  if (optimizer === 'sgd' && (o.beta1 !== undefined || o.beta2 !== undefined || o.epsilon !== undefined)) {
    fail(FN, 'options.beta1', "beta2 and epsilon apply to optimizer 'adam' only");
  }
  const unitOpen = { min: 0, max: 1, maxOpen: true };
  const cfg: TrainConfig<A> = {
    dt, X, y: data.y, N, D, C, epochs, optimizer, lr,
    momentum: num('momentum', 0.9, unitOpen),
    nesterov: checkBoolean(FN, 'options.nesterov', o.nesterov, false),
    beta1: num('beta1', 0.9, unitOpen),
    beta2: num('beta2', 0.999, unitOpen),
    epsilon: num('epsilon', 1e-8, { min: 0, max: Infinity, minOpen: true }),
    schedule: parseSchedule(FN, o.schedule, epochs),
    reg: num('reg', 0, { min: 0, max: Infinity }),
    seed: num('seed', 1, { min: -(2 ** 53), max: 2 ** 53, int: true }),
    shuffle: checkBoolean(FN, 'options.shuffle', o.shuffle, true),
    initScale: num('initScale', 0.001, { min: 0, max: Infinity }),
    validationSplit: num('validationSplit', 0, unitOpen),
    validation: null,
    test: null,
    evalTrain: false,
    early: null,
    onEpoch: null,
    onBatch: null,
    batchSize: 0,
  };
  if (o.validation !== undefined && o.validationSplit !== undefined) {
    fail(FN, 'options.validation', 'was given together with options.validationSplit; use one of them');
  }
  cfg.validation = o.validation === undefined ? null : checkLabelledSet<A>(FN, 'options.validation', o.validation, dt, D, C);
  cfg.test = o.test === undefined ? null : checkLabelledSet<A>(FN, 'options.test', o.test, dt, D, C);
  cfg.evalTrain = checkBoolean(FN, 'options.evalTrain', o.evalTrain, false);
  cfg.onEpoch = checkFunction(FN, 'options.onEpoch', o.onEpoch);
  cfg.onBatch = checkFunction(FN, 'options.onBatch', o.onBatch);
  cfg.early = parseEarlyStopping(FN, o.earlyStopping);
  if (cfg.early && !cfg.validation && cfg.validationSplit === 0) {
    fail(FN, 'options.earlyStopping', 'needs a validation set: give options.validationSplit (e.g. 0.1) or options.validation');
  }
  if (cfg.validationSplit === 0 && N === 0) fail(FN, 'data.X', 'has no rows; training needs at least one sample');
  // The batch size is checked after the split in the original order of checks (its cap depends on it).
  cfg.batchSize = num('batchSize', 64, { min: 1, max: 2 ** 31 - 1, int: true });
  return cfg;
}
