/**
 * wasm-zc: the WASM SIMD kernels on the zero-copy path — inputs are `alloc()` matrices filled once
 * before timing, outputs are `alloc()` matrices passed as `out` / `gradOut` / `out: { dW, db }`, and
 * the labels an alloc('i32') block (its data re-derived per call: memory may grow).
 * Nothing is copied or allocated per call; this is how a training loop should call the kernels.
 * wasm-relaxed-zc: the same calls on the relaxed-SIMD build (build/softmax.relaxed.wasm,
 * relaxed_madd in GEMM and exp); skipped where the engine has no relaxed SIMD (plain Node 20: run
 * `npm run bench -- --relaxed`, which re-runs node with --experimental-wasm-relaxed-simd).
 */
import { loadWasm, type Matrix, type WasmKernels, type WasmMatrix } from '../../src/index.js';
import { relaxedSimdSupported } from '../../src/wasm/loader.js';
import { digest, type Case, type InProcessEngine } from '../harness.js';
import type { Float, Workload } from '../workloads.js';

/** The zero-copy calls of workload `w` on the kernels `kk` (also the threaded zero-copy columns'). */
export function zeroCopyCase(kk: WasmKernels, w: Workload): Case {
  const { x, labels, W } = w.data();
  const blocks: Array<{ free(): void }> = [];
  const alloc = (rows: number, cols: number, src?: Float): WasmMatrix<Float> => {
    const m = kk.alloc(w.dtype, rows, cols) as WasmMatrix<Float>;
    blocks.push(m);
    if (src) m.data.set(src);
    return m;
  };
  const dispose = (): void => { for (const b of blocks) b.free(); };
  let labelsView = (): Int32Array => new Int32Array(0);
  if (labels) {
    const lb = kk.alloc('i32', 1, labels.length);
    blocks.push(lb);
    labelsView = () => lb.data;
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
}

export function wasmZeroCopyEngine(simd: 'baseline' | 'relaxed' = 'baseline'): InProcessEngine {
  let k: WasmKernels | null = null;
  const relaxed = simd === 'relaxed';
  return {
    kind: 'inprocess',
    name: relaxed ? 'wasm-relaxed-zc' : 'wasm-zc',
    title: relaxed
      ? 'softmax-wasm zero-copy on the relaxed-SIMD build (build/softmax.relaxed.wasm: relaxed_madd)'
      : 'softmax-wasm zero-copy: alloc() inputs and outputs (out / gradOut / out.dW, out.db), nothing copied per call',
    async init() {
      if (relaxed && !relaxedSimdSupported()) {
        return 'relaxed SIMD not available in this engine (Node 20 needs --experimental-wasm-relaxed-simd: npm run bench -- --relaxed)';
      }
      k = await loadWasm({ simd }).catch((e: Error) => {
        throw new Error(`${e.message} (build the kernels first: npm run asbuild)`);
      });
    },
    prepare: (w: Workload): Case => zeroCopyCase(k!, w),
    close() {
      k?.dispose();
      k = null;
    },
  };
}
