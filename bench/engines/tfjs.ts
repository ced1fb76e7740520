/**
 * tfjs-wasm and tfjs-cpu: TensorFlow.js 4.22 (`@tensorflow/tfjs-core` in prod mode) on
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK, WASM SIMD; the .wasm files are read from node_modules,
 * nothing is downloaded) and on `@tensorflow/tfjs-backend-cpu` (plain JS). Inputs are uploaded as
 * tensors before timing; each timed call runs the op, gets gradients with `tf.valueAndGrads`, and
 * reads every result back with `dataSync()`, inside `tf.tidy` so nothing leaks.
 * - S1: tf.softmax(x)
 * - S2: tf.losses.softmaxCrossEntropy(oneHot(labels), logits) (mean over N), value and d/d logits
 * - S3: softmaxCrossEntropy(oneHot, X·W + b) + reg·ΣW², value and d/dW, d/db (b = 0)
 * TF.js has no float64, so f64 workloads are skipped. Gradients: tfjs-core alone registers none in
 * Node; importing the union package `@tensorflow/tfjs` registers all of them on the same tfjs-core
 * instance, exactly as a TF.js user gets them.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { digest, type Case, type InProcessEngine } from '../harness.js';
import type { Workload } from '../workloads.js';

type TF = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;

let loading: Promise<TF | string> | null = null;

/** Loads tfjs-core with both backends registered once; a string says why it could not. */
function loadTf(): Promise<TF | string> {
  loading ??= (async () => {
    try {
      const core = await import('@tensorflow/tfjs-core');
      const tf = ((core as { softmax?: unknown }).softmax ? core : (core as unknown as { default: TF }).default) as TF;
      await import('@tensorflow/tfjs-backend-cpu');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      const setWasmPaths = (wasm as { setWasmPaths?: (p: string) => void }).setWasmPaths
        ?? (wasm as unknown as { default: { setWasmPaths: (p: string) => void } }).default.setWasmPaths;
      setWasmPaths(dist);
      tf.enableProdMode();
      await import('@tensorflow/tfjs'); // registers every op's gradient on this tfjs-core
      return tf;
    } catch (e) {
      return `TF.js not installed (${(e as Error).message.split('\n')[0]})`;
    }
  })();
  return loading;
}

export function tfjsEngine(backend: 'wasm' | 'cpu'): InProcessEngine {
  let tf: TF | null = null;
  let info: string | undefined;
  const activate = (): void => {
    if (tf && tf.getBackend() !== backend) void tf.setBackend(backend);
  };
  return {
    kind: 'inprocess',
    name: `tfjs-${backend}`,
    title: backend === 'wasm'
      ? 'TF.js 4.22 tfjs-backend-wasm (XNNPACK, SIMD, 1 thread), valueAndGrads, dataSync() in the timed call'
      : 'TF.js 4.22 tfjs-backend-cpu (plain JS), valueAndGrads, dataSync() in the timed call',
    async init() {
      const t = await loadTf();
      if (typeof t === 'string') return t;
      tf = t;
      if (!(await tf.setBackend(backend))) return `the TF.js ${backend} backend did not initialize`;
      await tf.ready();
      const version = (tf.version_core as string | undefined) ?? '?';
      info = backend === 'wasm'
        ? `TF.js ${version}, wasm backend: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'OFF'}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}, prod mode`
        : `TF.js ${version}, cpu backend, prod mode`;
    },
    info: () => info,
    supports(w: Workload) {
      return w.dtype === 'f32' ? true : 'TF.js has no float64';
    },
    activate,
    prepare(w: Workload): Case {
      const t = tf!;
      activate();
      const { x, labels, W } = w.data();
      const keep: Tensor[] = [];
      const up = <T extends Tensor>(v: T): T => (keep.push(v), v);
      const dispose = (): void => { for (const v of keep) v.dispose(); };
      if (w.op === 'softmax') {
        const xt = up(t.tensor2d(x as Float32Array, [w.rows, w.cols], 'float32'));
        let out: ArrayLike<number> = [];
        return {
          run: () => t.tidy(() => { out = t.softmax(xt).dataSync(); return out[0]; }),
          check: () => digest(out),
          dispose,
        };
      }
      const c = w.cols;
      const onehot = up(t.tidy(() => t.cast(t.oneHot(t.tensor1d(labels!, 'int32'), c), 'float32')));
      if (w.op === 'crossEntropy') {
        const lt = up(t.tensor2d(x as Float32Array, [w.rows, c], 'float32'));
        const vg = t.valueAndGrads((l: Tensor) => t.losses.softmaxCrossEntropy(onehot, l));
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
          dispose,
        };
      }
      const Xt = up(t.tensor2d(x as Float32Array, [w.rows, w.d], 'float32'));
      const Wt = up(t.tensor2d(W as Float32Array, [w.d, c], 'float32'));
      const bt = up(t.zeros([c], 'float32'));
      const regT = up(t.scalar(w.reg, 'float32'));
      const vg = t.valueAndGrads((Wv: Tensor, bv: Tensor) =>
        t.add(t.losses.softmaxCrossEntropy(onehot, t.add(t.matMul(Xt, Wv), bv)), t.mul(regT, t.sum(t.square(Wv)))));
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
        dispose,
      };
    },
  };
}
