/**
 * The training worker: loads the WASM kernels (the inlined builds, on every core where the page is
 * cross-origin isolated), decodes the digits and runs trainSoftmaxClassifier on them, posting every
 * epoch's record as it comes (trainSoftmaxClassifier is synchronous, so running it here keeps the
 * page free to draw the plot while it trains). Then it times what is fast: the same full-batch
 * gradient of the trained model on plain JavaScript, WebAssembly on 1 thread and on all of them.
 */
import { loadWasm, matrix, reference, trainSoftmaxClassifier, type Matrix, type SoftmaxKernels, type WasmKernels } from 'softmax-wasm';
import { parseDigits } from './digits.js';
import type { SpeedRow, TrainRequest, WorkerMessage } from './protocol.js';

const scope = self as unknown as {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<TrainRequest>) => void) | null;
};
const post = (m: WorkerMessage, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

let kernels: WasmKernels | null = null;

scope.onmessage = async (e) => {
  const req = e.data;
  try {
    let t0 = performance.now();
    kernels ??= await loadWasm({ threads: 'auto' }); // all cores where the page is cross-origin isolated
    const wasmMs = performance.now() - t0;
    t0 = performance.now();
    const ds = parseDigits(req.buffer);
    const decodeMs = performance.now() - t0;
    post({ type: 'ready', wasmMs, decodeMs, nTrain: ds.train.y.length, nTest: ds.test.y.length, features: ds.features, classes: ds.classes,
      threads: kernels.threads, threadsUnavailable: kernels.threadsUnavailable });

    t0 = performance.now();
    const model = trainSoftmaxClassifier(kernels, { X: ds.train.X, y: ds.train.y, classes: ds.classes }, {
      epochs: req.epochs, batchSize: req.batchSize, optimizer: req.optimizer, lr: req.lr, reg: req.reg,
      schedule: req.schedule, seed: req.seed, test: ds.test,
      onEpoch: (record) => post({ type: 'epoch', record, epochs: req.epochs }),
    });
    const trainMs = performance.now() - t0;
    const { loss, accuracy } = model.evaluate(ds.test.X, ds.test.y);
    const predictions = model.predict(ds.test.X);
    const W = Float32Array.from(model.W.data), b = Float32Array.from(model.b);
    post({
      type: 'done', W, b, features: ds.features, classes: ds.classes, history: model.history,
      testAccuracy: accuracy, testLoss: loss, predictions, trainMs, memoryBytes: kernels.memoryBytes(),
    }, [W.buffer, b.buffer, predictions.buffer]);
    measureSpeed(kernels, ds.train.X, ds.train.y, model.W, model.b);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? `${err.message}` : String(err) });
  }
};

/**
 * One linearSoftmaxLoss call over the 8,000 training digits (8,000×784 · 784×10 in float32: scores,
 * softmax, cross-entropy, dW, db): the work of a full-batch gradient step. Each engine is warmed up
 * once, then timed until 400 ms (at least 3 calls unless they take 1.5 s; at most 50); the median is posted.
 */
function measureSpeed(k: WasmKernels, X: Matrix<Float32Array>, y: Int32Array, W: Matrix<Float32Array>, b: Float32Array): void {
  const Wc = matrix(Float32Array.from(W.data), W.rows, W.cols); // (the model's W is the trainer's; a copy of our own)
  const time = (engine: string, threads: number, kk: SoftmaxKernels, rows: number): void => {
    const call = () => kk.linearSoftmaxLoss(X, y, Wc, { bias: b }).loss;
    const loss = call();
    const ms: number[] = [];
    for (let spent = 0; ms.length < 50 && (spent < 400 || (ms.length < 3 && spent < 1500));) {
      const t0 = performance.now();
      call();
      const t = performance.now() - t0;
      ms.push(t);
      spent += t;
    }
    ms.sort((a, c) => a - c);
    const row: SpeedRow = { engine, threads, ms: ms[ms.length >> 1], runs: ms.length, loss };
    post({ type: 'speed', row, rows });
  };
  const rows = k.threads > 1 ? 3 : 2;
  time('plain JavaScript', 1, reference, rows);
  void loadWasm({ threads: 1 }).then((one) => {
    time('WebAssembly SIMD', 1, one, rows);
    one.dispose();
    if (k.threads > 1) time('WebAssembly SIMD', k.threads, k, rows);
  }).catch((err: unknown) => post({ type: 'error', message: `speed: ${err instanceof Error ? err.message : String(err)}` }));
}
