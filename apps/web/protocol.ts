/** Messages between the page (main.ts) and the training worker (train.worker.ts). */
import type { EpochRecord } from 'softmax-wasm';

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
  /** One row of the speed comparison, as it is measured (after training). */
  | { type: 'speed'; row: SpeedRow; rows: number }
  | { type: 'error'; message: string };

/** One engine's time for the same work: a full-batch gradient of the classifier over the training digits. */
export interface SpeedRow {
  /** What runs: 'plain JavaScript' (the library's float64 reference, plain TypeScript), 'WebAssembly SIMD'. */
  engine: string;
  threads: number;
  /** Median wall time of one call, ms; and how many calls were timed. */
  ms: number;
  runs: number;
  /** The loss it computed (the rows agree within float32 rounding). */
  loss: number;
}
