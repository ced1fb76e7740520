/**
 * The ONNX Runtime peer's graphs, by op name of the registry (bench/ops.ts): the model
 * (bench/engines/onnx-model.ts), its inputs as ORT tensors over the workload's own typed arrays
 * (the labels widened once to int64), the outputs to fetch, and how a result becomes a Check.
 * `ort` is either package's namespace (onnxruntime-node in Node, onnxruntime-web in the page: the
 * same Tensor API). f32 only. No Node imports.
 */
import { digest, type Check } from '../check.js';
import type { OpName } from '../ops.js';
import type { Workload } from '../workloads.js';
import { crossEntropyModel, linearSoftmaxModel, softmaxModel } from './onnx-model.js';

/** What the graphs need of an ORT package: its Tensor constructor. */
export interface OrtLike {
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => unknown;
}
export type OrtResults = Record<string, { data: unknown }>;

export interface OrtGraph {
  model: Uint8Array;
  feeds: Record<string, unknown>;
  outputs: string[];
  check(r: OrtResults): Check;
  sink(r: OrtResults): number;
}

const first = (r: OrtResults, name: string): number => (r[name].data as Float32Array)[0];

/** Softmax, LogSoftmax or Exp of x. */
const rowGraph = (op: 'Softmax' | 'LogSoftmax' | 'Exp') => (ort: OrtLike, w: Workload): OrtGraph => ({
  model: softmaxModel(w.rows, w.cols, op),
  feeds: { x: new ort.Tensor('float32', w.data().x as Float32Array, [w.rows, w.cols]) },
  outputs: ['p'],
  check: (r) => digest(r.p.data as Float32Array),
  sink: (r) => first(r, 'p'),
});

const int64Labels = (ort: OrtLike, w: Workload): unknown =>
  new ort.Tensor('int64', BigInt64Array.from(w.data().labels!, (v) => BigInt(v)), [w.rows]);

export const ORT_GRAPHS: Partial<Record<OpName, (ort: OrtLike, w: Workload) => OrtGraph>> = {
  softmax: rowGraph('Softmax'),
  logSoftmax: rowGraph('LogSoftmax'),
  exp: rowGraph('Exp'),
  softmaxCrossEntropy: (ort, w) => ({
    model: crossEntropyModel(w.rows, w.cols),
    feeds: { logits: new ort.Tensor('float32', w.data().x as Float32Array, [w.rows, w.cols]), labels: int64Labels(ort, w) },
    outputs: ['loss', 'grad'],
    check: (r) => digest(r.grad.data as Float32Array, first(r, 'loss')),
    sink: (r) => first(r, 'loss'),
  }),
  linearSoftmaxLoss: (ort, w) => ({
    model: linearSoftmaxModel(w.rows, w.d, w.cols, w.options.reg ?? 0),
    feeds: {
      X: new ort.Tensor('float32', w.data().x as Float32Array, [w.rows, w.d]),
      W: new ort.Tensor('float32', w.data().W as Float32Array, [w.d, w.cols]),
      b: new ort.Tensor('float32', (w.data().bias as Float32Array | undefined) ?? new Float32Array(w.cols), [w.cols]),
      labels: int64Labels(ort, w),
    },
    outputs: ['loss', 'dW', 'db'],
    check: (r) => digest(r.dW.data as Float32Array, first(r, 'loss')),
    sink: (r) => first(r, 'loss') + first(r, 'db'),
  }),
};
