/**
 * The digits packed for the browser demo (apps/web/, which reads them with its digits.ts): the
 * `mnist` package's 21 MB of JSON is more than a page should fetch and parse. Written by
 * scripts/demo/pack-digits.mjs in a checkout, and on the fly by `softmax-wasm demo --web` from an
 * installed package.
 *
 * The rows are loadDigits()'s own (./digits.ts), so the file holds exactly the fixed split the Node
 * side uses: the first 8,000 rows are the training set, the last 2,000 the test set, in the same
 * (seeded) order. Pixels are stored as uint8 k ∈ 0…255: the package stores round(k/255, 3), and every
 * value v is checked to be fround(round(k/255·1000)/1000) with k = round(v·255), so the page rebuilds
 * bit-identical float32 features with a 256-entry lookup table.
 *
 * Layout (little-endian), 7.9 MB:
 *   0  magic "DGT1" (4 bytes)
 *   4  u32 N = 10000      8  u32 nTrain = 8000      12  u32 D = 784      16  u32 classes = 10
 *  20  N labels (uint8), then N×D pixels (uint8, row-major)
 */
import { loadDigits } from './digits.js';

export const DIGITS_BIN_HEADER = 20;

/** The float32 value the `mnist` package stores for pixel k (its 3-decimal rounding). */
export const pixelValue = (k: number): number => Math.fround(Math.round((k / 255) * 1000) / 1000);

/** The digits in the DGT1 layout above; throws if a pixel would not round-trip exactly. */
export function packDigitsBin(): { bytes: Uint8Array; N: number; nTrain: number; D: number } {
  const ds = loadDigits({ dtype: 'f32' });
  const D = ds.features;
  const nTrain = ds.train.y.length;
  const N = nTrain + ds.test.y.length;
  const buf = new Uint8Array(DIGITS_BIN_HEADER + N + N * D);
  const view = new DataView(buf.buffer);
  buf.set([...'DGT1'].map((c) => c.charCodeAt(0)), 0);
  view.setUint32(4, N, true);
  view.setUint32(8, nTrain, true);
  view.setUint32(12, D, true);
  view.setUint32(16, ds.classes, true);
  buf.set(ds.train.y, DIGITS_BIN_HEADER);
  buf.set(ds.test.y, DIGITS_BIN_HEADER + nTrain);
  const px = DIGITS_BIN_HEADER + N;
  let bad = 0;
  const put = (X: Float32Array, row0: number) => {
    for (let i = 0; i < X.length; i++) {
      const k = Math.round(X[i] * 255);
      if (!(k >= 0 && k <= 255) || pixelValue(k) !== X[i]) bad++;
      buf[px + row0 * D + i] = k;
    }
  };
  put(ds.train.X.data, 0);
  put(ds.test.X.data, nTrain);
  if (bad) throw new Error(`digits: ${bad} pixel values are not round(k/255, 3) for an integer k; the uint8 packing would not be exact`);
  return { bytes: buf, N, nTrain, D };
}
