/** plain-js: the fused typed-array JS loops of bench/plain-js.ts as a bench engine. */
import { digest } from '../check.js';
import type { InProcessEngine } from '../harness.js';
import { crossEntropy, expInto, linearSoftmax, logSoftmaxRows, softmaxBackwardRows, softmaxRows, type Float } from '../plain-js.js';
import type { Workload } from '../workloads.js';
import { peerSupports, type PeerCases } from './peer.js';

const like = (w: Workload, n: number): Float => (w.dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));

/** One row op of x into a preallocated out. */
const rows = (f: (x: Float, out: Float, w: Workload) => void) => (w: Workload) => {
  const { x } = w.data();
  const out = like(w, x.length);
  return { run: () => (f(x, out, w), out[0]), check: () => digest(out) };
};

export const PLAIN_JS_CASES: PeerCases = {
  softmax: rows((x, out, w) => softmaxRows(x, out, w.rows, w.cols)),
  logSoftmax: rows((x, out, w) => logSoftmaxRows(x, out, w.rows, w.cols)),
  softmaxBackward: rows((x, out, w) => softmaxBackwardRows(x, w.data().dy as Float, out, w.rows, w.cols)),
  exp: rows((x, out) => expInto(x, out)),
  softmaxCrossEntropy(w) {
    const { x, labels } = w.data();
    const grad = like(w, w.rows * w.cols);
    let loss = NaN;
    return { run: () => (loss = crossEntropy(x, labels!, grad, w.rows, w.cols)), check: () => digest(grad, loss) };
  },
  linearSoftmaxLoss(w) {
    const { x, labels, W } = w.data();
    const dW = like(w, w.d * w.cols), db = like(w, w.cols), scores = new Float64Array(w.cols);
    let loss = NaN;
    return {
      run: () => (loss = linearSoftmax(x, labels!, W!, w.rows, w.d, w.cols, w.options.reg ?? 0, dW, db, scores)),
      check: () => digest(dW, loss),
    };
  },
};

export function plainJsEngine(): InProcessEngine {
  return {
    kind: 'inprocess',
    name: 'plain-js',
    title: 'fused typed-array JS loops with Math.exp (bench/plain-js.ts)',
    supports: (w) => peerSupports('plain JS', PLAIN_JS_CASES, w),
    prepare: (w) => PLAIN_JS_CASES[w.op]!(w),
  };
}
