/**
 * The packed MNIST digits (apps/web/public/digits.bin, written by scripts/demo/pack-digits.mjs): the same
 * 10,000 images and fixed 8,000/2,000 split as apps/datasets/digits.ts, pixels stored as uint8 and
 * turned back into exactly the float32 values Node's loadDigits() gives.
 */
import type { Matrix } from 'softmax-wasm';

export interface DigitSplit {
  X: Matrix<Float32Array>;
  y: Int32Array;
}

export interface Digits {
  train: DigitSplit;
  test: DigitSplit;
  classes: number;
  features: number;
  side: number;
}

const HEADER = 20;

/** Pixel k (0…255) as the `mnist` package stores it: k/255 rounded to 3 decimals, as float32. */
const LUT = Float32Array.from({ length: 256 }, (_, k) => Math.round((k / 255) * 1000) / 1000);

/** The raw contents of digits.bin: uint8 labels and pixels (see scripts/demo/pack-digits.mjs for the layout). */
export interface RawDigits {
  N: number;
  nTrain: number;
  D: number;
  classes: number;
  labels: Uint8Array;
  /** N×D, 0…255. */
  pixels: Uint8Array;
}

export function readDigits(buf: ArrayBuffer): RawDigits {
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < HEADER || magic !== 'DGT1') throw new Error(`digits.bin: bad header ${JSON.stringify(magic)} (re-run node scripts/demo/pack-digits.mjs --force)`);
  const N = view.getUint32(4, true), nTrain = view.getUint32(8, true), D = view.getUint32(12, true);
  const classes = view.getUint32(16, true);
  if (bytes.length !== HEADER + N + N * D) throw new Error(`digits.bin: ${bytes.length} bytes, expected ${HEADER + N + N * D}`);
  return { N, nTrain, D, classes, labels: bytes.subarray(HEADER, HEADER + N), pixels: bytes.subarray(HEADER + N) };
}

/** Decodes digits.bin into float32 training and test sets (the values of Node's loadDigits()). */
export function parseDigits(buf: ArrayBuffer): Digits {
  const { N, nTrain, D, classes, labels, pixels } = readDigits(buf);
  const take = (from: number, count: number): DigitSplit => {
    const X = new Float32Array(count * D);
    const src = pixels.subarray(from * D, (from + count) * D);
    for (let i = 0; i < X.length; i++) X[i] = LUT[src[i]];
    return { X: { data: X, rows: count, cols: D }, y: Int32Array.from(labels.subarray(from, from + count)) };
  };
  return { train: take(0, nTrain), test: take(nTrain, N - nTrain), classes, features: D, side: Math.round(Math.sqrt(D)) };
}

/** Fetches digits.bin next to the page. */
export async function fetchDigits(url: URL | string = new URL('digits.bin', document.baseURI)): Promise<ArrayBuffer> {
  const r = await fetch(url);
  // (softmax-wasm demo --web answers 404 with what to install; a checkout packs them with scripts/demo/pack-digits.mjs)
  if (!r.ok) throw new Error(`could not fetch ${String(url)}: HTTP ${r.status}: ${(await r.text()).slice(0, 300) || 'run node scripts/demo/pack-digits.mjs'}`);
  return r.arrayBuffer();
}
