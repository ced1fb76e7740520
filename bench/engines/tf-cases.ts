/**
 * The TF.js peer's cases, by op name of the registry (bench/ops.ts), on any backend (tfjs-backend-wasm
 * and tfjs-backend-cpu in Node, the threaded wasm backend in the browser page). Inputs are uploaded
 * as tensors before timing; each timed call runs the op (gradients by `tf.valueAndGrads`) and reads
 * every result back with `dataSync()`, inside `tf.tidy` so nothing leaks:
 * - softmax, logSoftmax, exp, logSumExp, argmax, topK: tf.softmax / logSoftmax / exp / logSumExp /
 *   argMax / topk over the last axis
 * - softmaxCrossEntropy: tf.losses.softmaxCrossEntropy(oneHot(labels), logits) (mean over N), value
 *   and d/d logits
 * - linearSoftmaxLoss: softmaxCrossEntropy(oneHot, X·W + b) + reg·ΣW², value and d/dW, d/db (b = 0)
 * - linearScores: X·W + b
 * No Node imports.
 */
import { digest } from '../check.js';
import type { Case } from '../harness.js';
import type { Workload } from '../workloads.js';
import type { PeerCases } from './peer.js';

// The bench package's TF.js types when it is installed; `any` in a checkout without it (the root typecheck
// needs no bench install).
// @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
export type TF = typeof import('@tensorflow/tfjs-core');
export type Tensor = ReturnType<TF['tensor']>;

/** The cases of TF.js `t`: tensors uploaded by `up` (disposed with the case), each timed call in tf.tidy. */
export function tfCases(t: TF, up: <T extends Tensor>(v: T) => T): PeerCases {
  const x2d = (w: Workload, cols = w.cols): Tensor => up(t.tensor2d(w.data().x as Float32Array, [w.rows, cols], 'float32'));
  /** A timed tensor op whose result is read back. */
  const readBack = (f: () => Tensor): Case => {
    let out: ArrayLike<number> = [];
    return { run: () => t.tidy(() => { out = f().dataSync(); return out[0]; }), check: () => digest(out) };
  };
  /** One tensor op on x. */
  const unary = (f: (x: Tensor) => Tensor) => (w: Workload): Case => {
    const xt = x2d(w);
    return readBack(() => f(xt));
  };
  const onehot = (w: Workload): Tensor => up(t.tidy(() => t.cast(t.oneHot(t.tensor1d(w.data().labels!, 'int32'), w.cols), 'float32')));
  const linear = (w: Workload): { Xt: Tensor; Wt: Tensor; bt: Tensor } => ({
    Xt: x2d(w, w.d),
    Wt: up(t.tensor2d(w.data().W as Float32Array, [w.d, w.cols], 'float32')),
    bt: up(w.data().bias ? t.tensor1d(w.data().bias as Float32Array, 'float32') : t.zeros([w.cols], 'float32')),
  });
  return {
    softmax: unary((x) => t.softmax(x)),
    logSoftmax: unary((x) => t.logSoftmax(x)),
    exp: unary((x) => t.exp(x)),
    logSumExp: unary((x) => t.logSumExp(x, 1)),
    argmax: unary((x) => t.argMax(x, 1)),
    topK: (w) => unary((x) => t.topk(x, w.options.k!).indices)(w),
    softmaxCrossEntropy(w) {
      const lt = x2d(w), oh = onehot(w);
      const vg = t.valueAndGrads((l: Tensor) => t.losses.softmaxCrossEntropy(oh, l));
      let loss = NaN;
      let grad: ArrayLike<number> = [];
      return {
        run: () => t.tidy(() => {
          const { value, grads } = vg([lt]);
          loss = value.dataSync()[0];
          grad = grads[0].dataSync();
          return loss;
        }),
        check: () => digest(grad, loss),
      };
    },
    linearSoftmaxLoss(w) {
      const { Xt, Wt, bt } = linear(w), oh = onehot(w);
      const regT = up(t.scalar(w.options.reg ?? 0, 'float32'));
      const vg = t.valueAndGrads((Wv: Tensor, bv: Tensor) =>
        t.add(t.losses.softmaxCrossEntropy(oh, t.add(t.matMul(Xt, Wv), bv)), t.mul(regT, t.sum(t.square(Wv)))));
      let loss = NaN;
      let dW: ArrayLike<number> = [];
      return {
        run: () => t.tidy(() => {
          const { value, grads } = vg([Wt, bt]);
          loss = value.dataSync()[0];
          dW = grads[0].dataSync();
          return loss + grads[1].dataSync()[0];
        }),
        check: () => digest(dW, loss),
      };
    },
    linearScores(w) {
      const { Xt, Wt, bt } = linear(w);
      return readBack(() => t.add(t.matMul(Xt, Wt), bt));
    },
  };
}

/** A TF.js column's cases (tfCases of `t`) whose uploaded tensors live until the prepared case's dispose(): tfjs.ts and the browser page's tfjs-wasm-tN. */
export function tfColumn(t: TF): { cases: PeerCases; prepare(w: Workload): Promise<Case> } {
  const keep: Tensor[] = [];
  const cases = tfCases(t, (v) => (keep.push(v), v));
  return {
    cases,
    async prepare(w) {
      const c = await cases[w.op]!(w);
      return { ...c, dispose: () => { for (const v of keep.splice(0)) v.dispose(); } };
    },
  };
}
