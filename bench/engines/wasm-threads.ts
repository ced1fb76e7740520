/**
 * wasm-zc-t2 / wasm-t2 / wasm-zc-tall: softmax-wasm with loadWasm({ threads }) — the zero-copy
 * calls of wasm-zc (alloc() inputs and outputs) or the plain API of wasm (typed arrays copied in,
 * new arrays out), on 2 threads or on every core ('auto'), baseline SIMD like the wasm column.
 * Results are bit-identical to the one-thread columns (the digest check compares them).
 */
import os from 'node:os';
import { loadWasm, matrix, type CrossEntropyResult, type LinearSoftmaxResult, type Matrix, type WasmKernels, type WasmMatrix } from '../../src/index.js';
import { digest, type Case, type InProcessEngine } from '../harness.js';
import type { Float, Workload } from '../workloads.js';

export function wasmThreadsEngine(threads: number | 'auto', api: 'zc' | 'plain'): InProcessEngine {
  let k: WasmKernels | null = null;
  const t = threads === 'auto' ? 'all' : String(threads);
  return {
    kind: 'inprocess',
    name: api === 'zc' ? `wasm-zc-t${t}` : `wasm-t${t}`,
    title: `softmax-wasm ${api === 'zc' ? 'zero-copy' : 'plain API'} with loadWasm({ threads: ${threads === 'auto' ? `'auto'` : threads} })`
      + (threads === 'auto' ? ` (${os.availableParallelism()} cores here)` : ''),
    async init() {
      k = await loadWasm({ simd: 'baseline', threads });
      if (threads !== 'auto' && k.threads < threads) return `only ${k.threads} thread(s): ${k.threadsUnavailable}`;
    },
    info: () => (k ? `${k.threads} threads` : undefined),
    prepare(w: Workload): Case {
      const kk = k!;
      const { x, labels, W } = w.data();
      if (api === 'plain') {
        if (w.op === 'softmax') {
          const xm = matrix<Float>(x, w.rows, w.cols);
          let out: Matrix<Float> | undefined;
          return { run: () => (out = kk.softmax(xm)).data[0], check: () => digest(out!.data) };
        }
        if (w.op === 'crossEntropy') {
          const lm = matrix<Float>(x, w.rows, w.cols);
          let r: CrossEntropyResult<Float> | undefined;
          return { run: () => (r = kk.softmaxCrossEntropy(lm, labels!)).loss, check: () => digest(r!.grad!.data, r!.loss) };
        }
        const Xm = matrix<Float>(x, w.rows, w.d), Wm = matrix<Float>(W!, w.d, w.cols);
        let r: LinearSoftmaxResult<Float> | undefined;
        return { run: () => (r = kk.linearSoftmaxLoss(Xm, labels!, Wm, { reg: w.reg })).loss, check: () => digest(r!.dW.data, r!.loss) };
      }
      const blocks: WasmMatrix[] = [];
      const alloc = (rows: number, cols: number, src?: Float): WasmMatrix<Float> => {
        const m = kk.alloc(w.dtype, rows, cols) as WasmMatrix<Float>;
        blocks.push(m);
        if (src) m.data.set(src);
        return m;
      };
      const dispose = (): void => { for (const b of blocks) b.free(); };
      let labelsView = (): Int32Array => new Int32Array(0);
      if (labels) {
        const lb = kk.alloc('f32', 1, labels.length);
        blocks.push(lb);
        labelsView = () => { const d = lb.data; return new Int32Array(d.buffer, d.byteOffset, labels.length); };
        labelsView().set(labels);
      }
      if (w.op === 'softmax') {
        const xm = alloc(w.rows, w.cols, x), om = alloc(w.rows, w.cols);
        return { run: () => kk.softmax<Float>(xm, om).data[0], check: () => digest(om.data), dispose };
      }
      if (w.op === 'crossEntropy') {
        const lm = alloc(w.rows, w.cols, x), gm = alloc(w.rows, w.cols);
        let loss = NaN;
        return { run: () => (loss = kk.softmaxCrossEntropy<Float>(lm, labelsView(), { gradOut: gm }).loss), check: () => digest(gm.data, loss), dispose };
      }
      const Xm = alloc(w.rows, w.d, x), Wm = alloc(w.d, w.cols, W), dWm = alloc(w.d, w.cols), dbm = alloc(1, w.cols);
      let loss = NaN;
      return {
        run: () => (loss = kk.linearSoftmaxLoss<Float>(Xm, labelsView(), Wm as Matrix<Float>, { reg: w.reg, out: { dW: dWm, db: dbm.data } }).loss),
        check: () => digest(dWm.data, loss),
        dispose,
      };
    },
    close() { k?.dispose(); k = null; },
  };
}
