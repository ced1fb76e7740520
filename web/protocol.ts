/** Messages between the page (main.ts) and the training worker (train.worker.ts). */
import type { EpochRecord } from '../src/index.js';

/** What the page asks for: the options handed to trainSoftmaxClassifier. */
export interface TrainRequest {
  type: 'train';
  /** digits.bin (transferred). */
  buffer: ArrayBuffer;
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  reg: number;
  schedule: 'constant' | 'step' | 'cosine';
  seed: number;
}

export type WorkerMessage =
  | { type: 'ready'; wasmMs: number; decodeMs: number; nTrain: number; nTest: number; features: number; classes: number; threads: number; threadsUnavailable?: string }
  | { type: 'epoch'; record: EpochRecord; epochs: number }
  | {
    type: 'done';
    /** W (D×C, row-major) and b of the trained model. */
    W: Float32Array;
    b: Float32Array;
    features: number;
    classes: number;
    history: EpochRecord[];
    testAccuracy: number;
    testLoss: number;
    /** Predicted class of every test digit. */
    predictions: Int32Array;
    /** Wall time of trainSoftmaxClassifier, ms. */
    trainMs: number;
    memoryBytes: number;
  }
  | { type: 'error'; message: string };
