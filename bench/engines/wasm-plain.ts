/**
 * wasm: the WASM SIMD kernels through the plain API — typed arrays in (copied into WASM memory on
 * every call), results in new typed arrays (copied out), as `k.softmax(matrix(x, r, c))` is called.
 */
import { loadWasm, matrix, type CrossEntropyResult, type LinearSoftmaxResult, type Matrix, type WasmKernels } from '../../src/index.js';
import { digest, type Case, type InProcessEngine } from '../harness.js';
import type { Float, Workload } from '../workloads.js';

/** The plain-API calls of workload `w` on the kernels `kk` (also the threaded plain column's). */
export function plainCase(kk: WasmKernels, w: Workload): Case {
  const { x, labels, W } = w.data();
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
  return {
    run: () => (r = kk.linearSoftmaxLoss(Xm, labels!, Wm, { reg: w.reg })).loss,
    check: () => digest(r!.dW.data, r!.loss),
  };
}

export function wasmPlainEngine(): InProcessEngine {
  let k: WasmKernels | null = null;
  return {
    kind: 'inprocess',
    name: 'wasm',
    title: 'softmax-wasm plain API: typed arrays copied in, results in new arrays',
    async init() {
      k = await loadWasm({ simd: 'baseline' }).catch((e: Error) => {
        throw new Error(`${e.message} (build the kernels first: npm run asbuild)`);
      });
    },
    prepare: (w: Workload): Case => plainCase(k!, w),
    close() {
      k?.dispose();
      k = null;
    },
  };
}
