/** plain-js: the fused typed-array JS loops of bench/plain-js.ts as a bench engine. */
import { digest, type Case, type InProcessEngine } from '../harness.js';
import { crossEntropy, linearSoftmax, softmaxRows, type Float } from '../plain-js.js';
import type { Workload } from '../workloads.js';

export function plainJsEngine(): InProcessEngine {
  return {
    kind: 'inprocess',
    name: 'plain-js',
    title: 'fused typed-array JS loops with Math.exp (bench/engines/plain-js.ts)',
    prepare(w: Workload): Case {
      const { x, labels, W } = w.data();
      const alloc = (n: number): Float => (w.dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));
      if (w.op === 'softmax') {
        const out = alloc(w.rows * w.cols);
        return { run: () => (softmaxRows(x, out, w.rows, w.cols), out[0]), check: () => digest(out) };
      }
      if (w.op === 'crossEntropy') {
        const grad = alloc(w.rows * w.cols);
        let loss = NaN;
        return { run: () => (loss = crossEntropy(x, labels!, grad, w.rows, w.cols)), check: () => digest(grad, loss) };
      }
      const dW = alloc(w.d * w.cols), db = alloc(w.cols), scores = new Float64Array(w.cols);
      let loss = NaN;
      return {
        run: () => (loss = linearSoftmax(x, labels!, W!, w.rows, w.d, w.cols, w.reg, dW, db, scores)),
        check: () => digest(dW, loss),
      };
    },
  };
}
