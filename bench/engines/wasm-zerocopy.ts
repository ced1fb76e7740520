/**
 * wasm-zc: the WASM SIMD kernels on the zero-copy path — inputs are `alloc()` matrices filled once
 * before timing, outputs are `alloc()` matrices passed as `out` / `gradOut` / `out: { dW, db }`, and
 * the labels are an Int32Array view of an alloc() block (re-derived per call: memory may grow).
 * Nothing is copied or allocated per call; this is how a training loop should call the kernels.
 */
import { loadWasm, type Matrix, type WasmKernels, type WasmMatrix } from '../../src/index.js';
import { digest, type Case, type InProcessEngine } from '../harness.js';
import type { Float, Workload } from '../workloads.js';

export function wasmZeroCopyEngine(): InProcessEngine {
  let k: WasmKernels | null = null;
  return {
    kind: 'inprocess',
    name: 'wasm-zc',
    title: 'softmax-wasm zero-copy: alloc() inputs and outputs (out / gradOut / out.dW, out.db), nothing copied per call',
    async init() {
      k = await loadWasm().catch((e: Error) => {
        throw new Error(`${e.message} (build the kernels first: npm run asbuild)`);
      });
    },
    prepare(w: Workload): Case {
      const kk = k!;
      const { x, labels, W } = w.data();
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
        const lb = kk.alloc('f32', 1, labels.length); // 4-byte cells, used as i32
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
        return {
          run: () => (loss = kk.softmaxCrossEntropy<Float>(lm, labelsView(), { gradOut: gm }).loss),
          check: () => digest(gm.data, loss),
          dispose,
        };
      }
      const Xm = alloc(w.rows, w.d, x), Wm = alloc(w.d, w.cols, W), dWm = alloc(w.d, w.cols), dbm = alloc(1, w.cols);
      let loss = NaN;
      return {
        run: () => (loss = kk.linearSoftmaxLoss<Float>(Xm, labelsView(), Wm as Matrix<Float>, { reg: w.reg, out: { dW: dWm, db: dbm.data } }).loss),
        check: () => digest(dWm.data, loss),
        dispose,
      };
    },
    close() {
      k?.dispose();
      k = null;
    },
  };
}
