/**
 * Minibatch training of a linear softmax classifier (scores = X·W + b) on any SoftmaxKernels:
 * SGD with momentum (optionally Nesterov) or Adam, a learning-rate schedule, L2 `reg`, seeded
 * shuffling, early stopping on a validation set, and per-epoch history.
 *
 * The parts live beside this file: options.ts (validation, defaults), schedules.ts, optimizers.ts,
 * early_stopping.ts, workspace.ts (buffers allocated once; in WASM memory with the WASM kernels, so
 * each step's `linearSoftmaxLoss(X, y, W, { bias, reg, out: { dW, db } })` copies nothing) and
 * model.ts (the returned model, save/load). This file is the loop.
 */
import { SoftmaxInputError } from '../errors.js';
import type { FloatArray, Matrix, SoftmaxKernels } from '../types.js';
import { fail } from '../validate.js';
import { EarlyStopper } from './early_stopping.js';
import { createModel, measure } from './model.js';
import { adam, sgd } from './optimizers.js';
import { FN, parseTrainArgs, type TrainConfig } from './options.js';
import { Rng } from './rng.js';
import { learningRate } from './schedules.js';
import type { EpochRecord, LabelledSet, SoftmaxClassifier, TrainData, TrainOptions } from './types.js';
import { newArray } from '../alloc.js';
import { createWorkspace, gatherRows } from './workspace.js';

export type {
  EarlyStopping, EpochRecord, LabelledSet, LrSchedule, SavedSoftmaxClassifier, SoftmaxClassifier, TrainData, TrainOptions,
} from './types.js';

/** The seeded validation split: training row indices and the held-out set (or the explicit one). */
function split<A extends FloatArray>(cfg: TrainConfig<A>, rng: Rng): { trainIdx: Int32Array; val: LabelledSet<A> | null } {
  const { N, D, X, y, dt, validationSplit } = cfg;
  if (validationSplit === 0) {
    const trainIdx = new Int32Array(N);
    for (let i = 0; i < N; i++) trainIdx[i] = i;
    return { trainIdx, val: cfg.validation };
  }
  const perm = rng.permutation(N);
  const nVal = Math.round(N * validationSplit);
  if (nVal === 0 || nVal === N) {
    fail(FN, 'options.validationSplit', `= ${validationSplit} of ${N} samples leaves ${nVal === 0 ? 'no validation sample' : 'no training sample'}`);
  }
  const valIdx = perm.slice(N - nVal).sort();
  const vX = newArray<A>(FN, dt, nVal * D);
  gatherRows(X.data, D, valIdx, nVal, vX);
  return { trainIdx: perm.slice(0, N - nVal).sort(), val: { X: { data: vX, rows: nVal, cols: D }, y: Int32Array.from(valIdx, (i) => y[i]) } };
}

/**
 * Trains a linear softmax classifier, scores = X·W + b, by minibatch gradient descent on the mean
 * cross-entropy + reg·ΣW², with gradients from `kernels.linearSoftmaxLoss`.
 * @param kernels `reference` or the WASM kernels from `loadWasm()` (the model keeps using them for
 *   `predictProba` and `evaluate`).
 * @param data `{ X, y, classes }`: X row-major N×D (Float32Array or Float64Array; the model has the
 *   same float type), y an Int32Array of N labels in [0, classes).
 * @param options see {@link TrainOptions}.
 * @returns the model `{ W, b, predict, predictProba, evaluate, toJSON, history, … }`.
 * @throws SoftmaxInputError on bad data or options, before any work.
 * @example
 * const X = matrix(new Float64Array([0, 0, 0, 1, 1, 0, 1, 1]), 4, 2);
 * const y = new Int32Array([0, 1, 1, 1]); // OR
 * const m = trainSoftmaxClassifier(reference, { X, y, classes: 2 }, { epochs: 200, batchSize: 4, lr: 0.5 });
 * m.predict(X); // → Int32Array [0, 1, 1, 1]
 */
export function trainSoftmaxClassifier<A extends FloatArray>(
  kernels: SoftmaxKernels, data: TrainData<A>, options?: TrainOptions<A>,
): SoftmaxClassifier<A> {
  const cfg = parseTrainArgs(kernels, data, options);
  const { dt, X, y, N, D, C, epochs } = cfg;

  // --- split (seeded) and sizes
  const rng = new Rng(cfg.seed);
  const { trainIdx, val } = split(cfg, rng);
  const nTrain = trainIdx.length;
  const B = Math.min(cfg.batchSize, nTrain);
  const rem = nTrain % B;
  const batches = Math.ceil(nTrain / B);
  const totalSteps = batches * epochs;

  const ws = createWorkspace<A>(kernels, dt, nTrain, B, D, C, cfg.reg);
  try {
    if (X.data.length !== N * D) { // a view of WASM memory that the allocation above grew (and so detached)
      fail(FN, 'data.X', 'was detached when WASM memory grew; pass the alloc() matrix itself (its data is re-derived), not a view taken from it');
    }
    // Stage the training rows once; from here on `order` indexes rows of the stage.
    const v0 = ws.views();
    gatherRows(X.data, D, trainIdx, nTrain, v0.stage);
    const yTrain = Int32Array.from(trainIdx, (i) => y[i]);
    const order = new Int32Array(nTrain);
    for (let i = 0; i < nTrain; i++) order[i] = i;
    const batchAt = nTrain * D; // element offset of the minibatch in the stage
    for (let i = 0; i < D * C; i++) v0.W.data[i] = cfg.initScale * rng.gauss();
    const opt = cfg.optimizer === 'sgd' ? sgd([D * C, C], cfg.momentum, cfg.nesterov) : adam([D * C, C], cfg.beta1, cfg.beta2, cfg.epsilon);

    // Measuring buffers, allocated once. Measuring calls kernels that may grow WASM memory, so the
    // workspace's views are taken again before each use.
    const measureOn = (set: LabelledSet<A> | null, rows: number) => {
      const scores: Matrix<A> = { data: newArray<A>(FN, dt, rows * C), rows, cols: C };
      const pred = new Int32Array(rows);
      return (s: LabelledSet<A> | null = set) => {
        const v = ws.views();
        return measure(kernels, v.W, v.b, s!, scores, pred);
      };
    };
    const measureVal = val && measureOn(val, val.X.rows);
    const measureTest = cfg.test && measureOn(cfg.test, cfg.test.X.rows);
    const measureTrain = cfg.evalTrain ? measureOn(null, nTrain) : null;
    const early = cfg.early && new EarlyStopper<A>(cfg.early, (n) => newArray<A>(FN, dt, n), D * C, C);

    const history: EpochRecord[] = [];
    let stoppedEarly = false, step = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (cfg.shuffle) rng.shuffle(order);
      let lossSum = 0, lr = cfg.lr;
      const t0 = performance.now();
      for (let bi = 0; bi < batches; bi++) {
        // --- the hot loop: gather the batch, loss + gradients into preallocated outputs, update in place
        let v = ws.views();
        const from = bi * B;
        const tail = bi === batches - 1 && rem !== 0;
        const Xcur = tail ? v.Xtail! : v.Xb;
        const ycur = tail ? v.ytail! : v.yb;
        const n = Xcur.rows;
        const stage = v.stage;
        for (let r = 0; r < n; r++) {
          const i = order[from + r];
          stage.copyWithin(batchAt + r * D, i * D, (i + 1) * D);
          ycur[r] = yTrain[i];
        }
        const loss = kernels.linearSoftmaxLoss(Xcur, ycur, v.W, v.lossOptions).loss;
        v = ws.views();
        lossSum += loss * n;
        lr = learningRate(cfg.schedule, cfg.lr, epoch, step, totalSteps);
        step++;
        opt.update(0, v.W.data, v.dW.data, lr, step);
        opt.update(1, v.b, v.db, lr, step);
        if (cfg.onBatch) cfg.onBatch(epoch, bi + 1, batches, loss);
      }
      const seconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = { epoch, loss: lossSum / nTrain, lr, seconds, samplesPerSecond: nTrain / seconds };
      if (!Number.isFinite(rec.loss)) {
        throw new SoftmaxInputError(`${FN}: the loss became ${rec.loss} in epoch ${epoch}; the learning rate (${cfg.lr}) is probably too large`, 'options.lr');
      }
      if (measureTrain) {
        const stagedX = { data: ws.views().stage.subarray(0, nTrain * D) as A, rows: nTrain, cols: D };
        rec.trainAccuracy = measureTrain({ X: stagedX, y: yTrain }).accuracy;
      }
      if (measureVal) ({ loss: rec.valLoss, accuracy: rec.valAccuracy } = measureVal());
      if (measureTest) ({ loss: rec.testLoss, accuracy: rec.testAccuracy } = measureTest());
      history.push(rec);
      const v = ws.views();
      let stop = early ? early.observe(rec, v.W.data, v.b) : false;
      if (cfg.onEpoch && cfg.onEpoch(rec) === false) stop = true;
      if (stop) {
        stoppedEarly = epoch < epochs;
        break;
      }
    }

    // --- copy the result out of the workspace (WASM memory is freed below)
    const v = ws.views();
    const useBest = early !== null && early.restore;
    const W = { data: newArray<A>(FN, dt, D * C), rows: D, cols: C };
    const b = newArray<A>(FN, dt, C);
    W.data.set(useBest ? early.W : v.W.data);
    b.set(useBest ? early.b : v.b);
    const bestEpoch = useBest ? early.epoch : history.length;
    return createModel(kernels, dt, W, b, history, bestEpoch, stoppedEarly);
  } finally {
    ws.free();
  }
}
