/**
 * The browser peers of the bench page, on their threaded SIMD WebAssembly builds with the same
 * thread count as the page's wasm-zc-tN column, loaded from this server's node_modules (no network):
 * - ort-web-tN: onnxruntime-web's wasm execution provider (`ort.env.wasm.numThreads`), the graphs of
 *   bench/engines/ort-graphs.ts; `session.run` is asynchronous, so its calls are awaited one by one.
 * - tfjs-wasm-tN: @tensorflow/tfjs-backend-wasm with `setThreadsCount` (its threaded-simd module
 *   where the page is cross-origin isolated), the cases of bench/engines/tf-cases.ts, gradients
 *   registered from tfjs-core.
 * Both are f32 only.
 */
import type { Case, InProcessEngine } from '../harness.js';
import { ORT_GRAPHS, type OrtLike, type OrtResults } from '../engines/ort-graphs.js';
import { peerSupports } from '../engines/peer.js';
import { tfColumn, type TF } from '../engines/tf-cases.js';
import type { Workload } from '../workloads.js';

const F32_ONLY = 'the browser peers run f32 only';

/** The bench package's node_modules (bench/node_modules) as the page's server serves it (scripts/bench/bench-web.mjs defines it). */
declare const __NODE_MODULES__: string;
const modules = (dir: string): string => new URL(`${__NODE_MODULES__}${dir}`, location.href).href;

/** A case whose timed call may be asynchronous (ORT's session.run). */
export type PageCase = Omit<Case, 'run'> & { run(): number | Promise<number> };
export type PageEngine = Omit<InProcessEngine, 'prepare'> & { prepare(w: Workload): PageCase | Promise<PageCase> };

interface OrtWeb extends OrtLike {
  env: { wasm: { numThreads?: number; wasmPaths?: string; proxy?: boolean } };
  InferenceSession: { create(model: Uint8Array, options: object): Promise<{ run(feeds: object): Promise<OrtResults>; release(): Promise<void> }> };
}

export function ortWebEngine(threads: number): PageEngine {
  let ort: OrtWeb | null = null;
  let version = '?';
  return {
    kind: 'inprocess',
    name: `ort-web-t${threads}`,
    title: `onnxruntime-web wasm EP (threaded SIMD build), numThreads ${threads}, the graphs of bench/engines/ort-graphs.ts, session.run awaited`,
    async init() {
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      ort = (await import('onnxruntime-web/wasm')) as unknown as OrtWeb;
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.wasmPaths = modules('onnxruntime-web/dist/');
      version = ((ort as unknown as { env: { versions?: { web?: string } } }).env.versions?.web) ?? '?';
    },
    info: () => `onnxruntime-web ${version}, numThreads ${threads}, crossOriginIsolated ${globalThis.crossOriginIsolated}`,
    supports: (w) => (w.dtype === 'f32' ? peerSupports('onnxruntime-web', ORT_GRAPHS, w) : F32_ONLY),
    async prepare(w) {
      const g = ORT_GRAPHS[w.op]!(ort!, w);
      const session = await ort!.InferenceSession.create(g.model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      let last = await session.run(g.feeds);
      return {
        run: async () => g.sink((last = await session.run(g.feeds))),
        check: () => g.check(last),
        dispose: () => void session.release(),
      };
    },
  };
}

export function tfjsThreadedEngine(threads: number): PageEngine {
  let tf: TF | null = null;
  let col: ReturnType<typeof tfColumn> | null = null;
  let info = '';
  return {
    kind: 'inprocess',
    name: `tfjs-wasm-t${threads}`,
    title: `TF.js tfjs-backend-wasm threaded SIMD, setThreadsCount(${threads}), valueAndGrads, dataSync() in the timed call`,
    async init() {
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      const core = (await import('@tensorflow/tfjs-core')) as unknown as TF;
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
      // @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(modules('@tensorflow/tfjs-backend-wasm/dist/'));
      wasm.setThreadsCount(threads);
      core.enableProdMode();
      const failure: string[] = [];
      const warn = console.warn;
      console.warn = (...a: unknown[]) => { failure.push(a.map(String).join(' ')); warn(...a); };
      const ok = await core.setBackend('wasm').finally(() => { console.warn = warn; });
      if (!ok) return `the TF.js wasm backend did not initialize${failure.length ? `: ${failure.join('; ').slice(0, 300)}` : ''}`;
      await core.ready();
      tf = core;
      col = tfColumn(tf);
      info = `TF.js ${tf.version_core}, wasm backend: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'OFF'}, ` +
        `threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 'off'}`;
    },
    info: () => info,
    supports: (w) => (w.dtype === 'f32' ? peerSupports('TF.js', col?.cases ?? {}, w, ['bias']) : F32_ONLY),
    prepare: (w) => col!.prepare(w),
  };
}
