/**
 * tfjs-wasm and tfjs-cpu: TensorFlow.js 4.22 (`@tensorflow/tfjs-core` in prod mode) on
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK, WASM SIMD; the .wasm files are read from node_modules,
 * nothing is downloaded) and on `@tensorflow/tfjs-backend-cpu` (plain JS). Inputs are uploaded as
 * tensors before timing; each timed call runs the op, gets gradients with `tf.valueAndGrads`, and
 * reads every result back with `dataSync()`, inside `tf.tidy` so nothing leaks.
 * The ops are those of bench/engines/tf-cases.ts.
 * TF.js has no float64, so f64 workloads are skipped. Gradients: tfjs-core alone registers none in
 * Node; importing the union package `@tensorflow/tfjs` registers all of them on the same tfjs-core
 * instance, exactly as a TF.js user gets them.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Case, InProcessEngine } from '../harness.js';
import type { Workload } from '../workloads.js';
import { peerSupports } from './peer.js';
import { tfColumn, type TF } from './tf-cases.js';

let loading: Promise<TF | string> | null = null;

/** Loads tfjs-core with both backends registered once; a string says why it could not. */
function loadTf(): Promise<TF | string> {
  loading ??= (async () => {
    try {
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      const core = await import('@tensorflow/tfjs-core');
      const tf = ((core as { softmax?: unknown }).softmax ? core : (core as unknown as { default: TF }).default) as TF;
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      await import('@tensorflow/tfjs-backend-cpu');
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      const setWasmPaths = (wasm as { setWasmPaths?: (p: string) => void }).setWasmPaths
        ?? (wasm as unknown as { default: { setWasmPaths: (p: string) => void } }).default.setWasmPaths;
      setWasmPaths(dist);
      tf.enableProdMode();
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
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
  let col: ReturnType<typeof tfColumn> | null = null;
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
      col = tfColumn(tf);
      const version = (tf.version_core as string | undefined) ?? '?';
      info = backend === 'wasm'
        ? `TF.js ${version}, wasm backend: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'OFF'}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}, prod mode`
        : `TF.js ${version}, cpu backend, prod mode`;
    },
    info: () => info,
    supports(w: Workload) {
      return w.dtype === 'f32' ? peerSupports('TF.js', col?.cases ?? {}, w, ['bias']) : 'TF.js has no float64';
    },
    activate,
    async prepare(w: Workload): Promise<Case> {
      activate();
      return col!.prepare(w);
    },
  };
}
