/**
 * ort-1t and ort-2t: onnxruntime-node (its bundled CPU execution provider, MLAS kernels) with
 * `intraOpNumThreads` 1 and 2 (`interOpNumThreads` 1, sequential execution, all graph
 * optimizations). The graphs are built in JS by bench/engines/onnx-model.ts (no onnx Python
 * package), per op in bench/engines/ort-graphs.ts: Softmax, LogSoftmax, Exp; OneHot + LogSoftmax +
 * Exp → mean cross-entropy and (p − onehot)/N; Gemm scores, the same CE, reg·ΣW², dW = Gemm(Xᵀ,
 * ds, W; beta 2·reg), db = ReduceSum(ds). One InferenceSession per workload, created before timing.
 * f32 only: f64 rows are skipped.
 *
 * The timed call is the binding's synchronous `run` (`onnxruntime-node/dist/binding.js`), which is
 * what the public `session.run` calls after a `setImmediate` hop: the harness times synchronous
 * calls, and the hop would only add event-loop latency to ORT's figure. prepare() also runs the
 * public async `session.run` once and requires the same results, so both paths compute the same
 * thing. If onnxruntime-node does not load, both columns are skipped with the reason.
 */
import { createRequire } from 'node:module';
import type { Case, InProcessEngine } from '../harness.js';
import type { Workload } from '../workloads.js';
import { ORT_GRAPHS, type OrtLike, type OrtResults as Results } from './ort-graphs.js';
import { peerSupports } from './peer.js';

// The bench package's types when it is installed; `any` in a checkout without it.
// @ts-ignore: a peer of the bench package (bench/package.json), absent until it is installed: then `any`
type Ort = typeof import('onnxruntime-node');
type OrtTensor = InstanceType<Ort['Tensor']>;
type Feeds = Record<string, OrtTensor>;

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Feeds, fetches: Record<string, null>, options: object): Results;
  dispose(): void;
}
interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

let loading: { ort: Ort; binding: Binding; version: string } | string | null = null;

/** Loads onnxruntime-node once; a string says why it could not. */
function loadOrt(): { ort: Ort; binding: Binding; version: string } | string {
  if (loading) return loading;
  try {
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as Ort;
    const binding = require('onnxruntime-node/dist/binding.js') as Binding;
    binding.initOrt();
    const version = (require('onnxruntime-node/package.json') as { version: string }).version;
    loading = { ort, binding, version };
  } catch (e) {
    loading = `onnxruntime-node did not load (${(e as Error).message.split('\n')[0].slice(0, 160)})`;
  }
  return loading;
}

export function ortEngine(threads: number): InProcessEngine {
  let lib: Exclude<ReturnType<typeof loadOrt>, string> | null = null;
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } as const;
  return {
    kind: 'inprocess',
    name: `ort-${threads}t`,
    title: `onnxruntime-node CPU EP, intraOpNumThreads ${threads}, f32 graphs built in JS (bench/engines/onnx-model.ts), session.run's synchronous binding call timed`,
    init() {
      const r = loadOrt();
      if (typeof r === 'string') return Promise.resolve(r);
      lib = r;
      return Promise.resolve();
    },
    info: () => (lib ? `onnxruntime-node ${lib.version}, CPU EP, intraOpNumThreads ${threads}` : undefined),
    supports(w: Workload) {
      return w.dtype === 'f32' ? peerSupports('the ORT peer', ORT_GRAPHS, w) : 'the ORT peer runs f32 graphs only';
    },
    async prepare(w: Workload): Promise<Case> {
      const { ort, binding } = lib!;
      const g = ORT_GRAPHS[w.op]!(ort as unknown as OrtLike, w);
      const feeds = g.feeds as Feeds;
      const fetches = Object.fromEntries(g.outputs.map((o) => [o, null])) as Record<string, null>;
      // The public API once: the reference result of the synchronous path below.
      const session = await ort.InferenceSession.create(g.model, options);
      const expected = g.check((await session.run(feeds)) as unknown as Results);
      await session.release();
      const native = new binding.binding.InferenceSession();
      native.loadModel(g.model.buffer as ArrayBuffer, g.model.byteOffset, g.model.byteLength, options);
      let last: Results = native.run(feeds, fetches, {});
      const got = g.check(last);
      const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-30, Math.abs(b));
      if (rel(got.checksum, expected.checksum) > 1e-6 || rel(got.loss ?? 0, expected.loss ?? 0) > 1e-6) {
        native.dispose();
        throw new Error(`ORT binding run differs from session.run (checksum ${got.checksum} vs ${expected.checksum})`);
      }
      return {
        run: () => g.sink((last = native.run(feeds, fetches, {}))),
        check: () => g.check(last),
        dispose: () => native.dispose(),
      };
    },
  };
}
