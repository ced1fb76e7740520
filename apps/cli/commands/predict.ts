/**
 * `softmax-wasm predict`: loads a model saved by `train --save` (model.toJSON(), read back bit for
 * bit with loadSoftmaxClassifier) and evaluates it on a dataset's held-out split: accuracy, loss and
 * the first predictions beside their labels.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSoftmaxClassifier, type SavedSoftmaxClassifier } from 'softmax-wasm';
import { DATASETS, loadDataset, type DatasetName } from '../../datasets/index.js';
import { CommandFailed, UsageError, choice, num, parse, type Io } from '../args.js';
import { ENGINES, loadEngine } from '../engine.js';
import { DATASET_ALIASES } from './train.js';

/** The dataset a model's input width belongs to. */
const BY_FEATURES: Record<number, DatasetName> = { 784: 'digits', 4: 'iris' };

export const PREDICT_HELP = `Usage: softmax-wasm predict --model FILE [options]

Loads a model written by 'softmax-wasm train --save FILE' (the JSON of model.toJSON(), which the
library's loadSoftmaxClassifier reads bit for bit) and evaluates it on the dataset's held-out split:
test accuracy and loss, then the first predictions beside the true labels.

Options:
  --model FILE      the saved model (required)
  --dataset NAME    digits or iris (default: the one whose input width the model has)
  --show N          print the first N predictions (default 10, 0 for none)
  --engine NAME     wasm (WASM SIMD kernels, default) or reference (plain TypeScript, float64 math)
  -h, --help        this help
`;

export async function predictCommand(argv: string[], io: Io): Promise<number> {
  const cmd = 'predict';
  const { values: v } = parse(cmd, argv, { model: { type: 'string' }, dataset: { type: 'string' }, show: { type: 'string' }, engine: { type: 'string' } });
  if (v.help) { io.out.write(PREDICT_HELP); return 0; }
  const s = (k: string) => v[k] as string | undefined;
  if (s('model') === undefined) throw new UsageError('--model FILE is required (a model written by softmax-wasm train --save FILE)', cmd);
  const show = num(cmd, 'show', s('show'), 10, { lo: 0, hi: 100000, int: true })!;
  const engineName = choice(cmd, 'engine', s('engine'), ENGINES, 'wasm');
  const path = resolve(s('model')!);
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new CommandFailed(`cannot read --model ${path}: ${(e as Error).message}`); }
  let saved: SavedSoftmaxClassifier;
  try { saved = JSON.parse(text) as SavedSoftmaxClassifier; } catch (e) { throw new CommandFailed(`--model ${path} is not JSON: ${(e as Error).message}`); }
  const dataset = s('dataset') !== undefined ? choice<DatasetName>(cmd, 'dataset', s('dataset'), DATASETS, 'digits', DATASET_ALIASES)
    : BY_FEATURES[saved?.features];
  if (dataset === undefined) throw new UsageError(`the model has ${saved?.features} inputs, which no dataset here has: pass --dataset`, cmd);

  const engine = await loadEngine(engineName);
  try {
    const model = loadSoftmaxClassifier(engine.kernels, saved); // SoftmaxInputError (exit 1) names what is wrong
    let ds;
    try { ds = loadDataset(dataset, { dtype: saved.dtype }); } catch (e) { throw new CommandFailed((e as Error).message); }
    if (ds.features !== model.W.rows || ds.classes !== model.classes) {
      throw new CommandFailed(`the model is ${model.W.rows} inputs → ${model.classes} classes; ${dataset} is ${ds.features} → ${ds.classes}`);
    }
    const X = ds.test.X as never;
    const test = model.evaluate(X, ds.test.y);
    const hits = Math.round(test.accuracy * ds.test.y.length);
    io.out.write(`${ds.description}\nmodel ${path} (${saved.dtype}, ${model.W.rows} → ${model.classes}), on ${engine.name}\n`);
    io.out.write(`test accuracy ${(100 * test.accuracy).toFixed(2)}% (${hits}/${ds.test.y.length}), test loss ${test.loss.toFixed(4)}\n`);
    if (show > 0) {
      const pred = model.predict(X);
      const n = Math.min(show, pred.length);
      const rows = Array.from({ length: n }, (_, i) => `${pred[i]}${pred[i] === ds.test.y[i] ? '' : `≠${ds.test.y[i]}`}`);
      io.out.write(`first ${n} predictions (≠ the true label where wrong): ${rows.join(' ')}\n`);
    }
    return 0;
  } finally {
    engine.dispose();
  }
}
