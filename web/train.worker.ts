/**
 * The training worker: loads the WASM kernels (loadWasm() finds softmax.wasm next to the bundled
 * module and compiles it while streaming), decodes the digits and runs trainSoftmaxClassifier on
 * them, posting every epoch's record as it comes (trainSoftmaxClassifier is synchronous, so running
 * it here keeps the page free to draw the plot while it trains).
 */
import { loadWasm, trainSoftmaxClassifier, type WasmKernels } from '../src/index.js';
import { parseDigits } from './digits.js';
import type { TrainRequest, WorkerMessage } from './protocol.js';

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
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? `${err.message}` : String(err) });
  }
};
