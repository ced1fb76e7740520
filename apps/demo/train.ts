/**
 * `npm start`, the training part: a linear softmax classifier on the MNIST digits (8,000 train /
 * 2,000 test) with the WASM f32 kernels, with progress, final test accuracy and time per epoch;
 * then the same epoch (same seed, same batches) on the float64 TypeScript reference, for the speed
 * ratio. Run alone with `tsx apps/demo/train.ts`.
 */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { loadWasm, reference, trainSoftmaxClassifier, type SoftmaxKernels, type TrainOptions } from 'softmax-wasm';
import { loadDigits } from '../datasets/index.js';
import { Progress } from '../shared/progress.js';
import { RECIPES } from '../shared/recipes.js';

export interface TrainingDemoResult {
  testAccuracy: number;
  epochs: number;
  /** First epoch whose test accuracy reached 90%, or null. */
  epochTo90: number | null;
  /** Median epoch time on the WASM f32 kernels, ms. */
  wasmEpochMs: number;
  /** The best of two epochs on the reference (the first one includes the JIT warming up), ms. */
  referenceEpochMs: number;
  /** referenceEpochMs / wasmEpochMs. */
  speedup: number;
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Trains on the digits with the WASM kernels, then times the reference on the same epochs.
 * @param write where the lines go (default stdout, with a progress bar when it is a terminal).
 * @param wasm WASM kernels to use (default: a fresh `loadWasm()`, disposed at the end).
 */
export async function runTrainingDemo(
  write: { write(s: string): boolean; isTTY?: boolean; columns?: number } = process.stdout,
  wasm?: SoftmaxKernels,
): Promise<TrainingDemoResult> {
  const line = (s: string) => write.write(`${s}\n`);
  const t0 = performance.now();
  const ds = loadDigits({ dtype: 'f32' });
  const loadMs = performance.now() - t0;
  const r = RECIPES.digits;
  line(`== Training a linear softmax classifier on the MNIST digits (${ds.description})`);
  line(`   loaded in ${loadMs.toFixed(0)} ms; momentum SGD, lr ${r.lr.sgd} (${r.schedule}), batch ${r.batchSize}, reg ${r.reg}, seed 1`);

  const own = wasm === undefined;
  const k = wasm ?? await loadWasm();
  const data = { X: ds.train.X, y: ds.train.y, classes: ds.classes };
  const base: TrainOptions<Float32Array> = {
    epochs: r.epochs, batchSize: r.batchSize, lr: r.lr.sgd, reg: r.reg, schedule: r.schedule, seed: 1,
  };
  let model;
  try {
    const progress = new Progress(write, r.epochs, r.batchSize);
    model = trainSoftmaxClassifier(k, data, {
      ...base, test: ds.test,
      onBatch: (e, b, n, loss) => progress.batch(e, b, n, loss),
      onEpoch: (rec) => progress.epoch(rec),
    });
  } finally {
    if (own) (k as { dispose?: () => void }).dispose?.();
  }
  const h = model.history;
  const testAccuracy = h[h.length - 1].testAccuracy!;
  const to90 = h.find((rec) => rec.testAccuracy! >= 0.9)?.epoch ?? null;
  const wasmEpochMs = median(h.map((rec) => rec.seconds * 1000));
  line(`test accuracy ${(100 * testAccuracy).toFixed(2)}% on the 2,000 held-out digits after ${h.length} epochs` +
    `${to90 ? ` (≥ 90% from epoch ${to90})` : ''}; WASM f32: ${wasmEpochMs.toFixed(1)} ms per epoch (median)`);

  // The same first epochs on the reference: same seed, so the same shuffles and batches.
  const ref = trainSoftmaxClassifier(reference, data, { ...base, epochs: 2 });
  const referenceEpochMs = Math.min(...ref.history.map((rec) => rec.seconds * 1000));
  const speedup = referenceEpochMs / wasmEpochMs;
  line(`reference (TypeScript, float64 math): ${referenceEpochMs.toFixed(1)} ms per epoch (best of 2) → the WASM f32 kernels train ${speedup.toFixed(1)}× faster`);
  return { testAccuracy, epochs: h.length, epochTo90: to90, wasmEpochMs, referenceEpochMs, speedup };
}

// Run directly: tsx apps/demo/train.ts
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await runTrainingDemo();
}
