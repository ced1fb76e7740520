/**
 * reference: the library's plain-TypeScript float64 kernels (`reference` from src/index.ts) through
 * the public API, results in new arrays. The baseline every other engine is checked against.
 */
import { matrix, reference, type CrossEntropyResult, type LinearSoftmaxResult } from '../../src/index.js';
import { digest, type Case, type InProcessEngine } from '../harness.js';
import type { Float, Workload } from '../workloads.js';

export function referenceEngine(): InProcessEngine {
  return {
    kind: 'inprocess',
    name: 'reference',
    title: 'softmax-wasm `reference` (plain TS, float64 math; the baseline of the agreement check)',
    prepare(w: Workload): Case {
      const { x, labels, W } = w.data();
      if (w.op === 'softmax') {
        const xm = matrix<Float>(x, w.rows, w.cols);
        let out = xm;
        return { run: () => (out = reference.softmax(xm)).data[0], check: () => digest(out.data) };
      }
      if (w.op === 'crossEntropy') {
        const lm = matrix<Float>(x, w.rows, w.cols);
        let r: CrossEntropyResult<Float> | undefined;
        return { run: () => (r = reference.softmaxCrossEntropy(lm, labels!)).loss, check: () => digest(r!.grad!.data, r!.loss) };
      }
      const Xm = matrix<Float>(x, w.rows, w.d), Wm = matrix<Float>(W!, w.d, w.cols);
      let r: LinearSoftmaxResult<Float> | undefined;
      return {
        run: () => (r = reference.linearSoftmaxLoss(Xm, labels!, Wm, { reg: w.reg })).loss,
        check: () => digest(r!.dW.data, r!.loss),
      };
    },
  };
}
