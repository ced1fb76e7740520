/**
 * The op registry of the bench: for every public op of softmax-wasm (and the raw exp kernel), the
 * arrays a workload of it reads, the outputs a zero-copy caller preallocates, the call through the
 * `SoftmaxKernels` interface, what a timed call returns and the digest of its result.
 *
 * The library's engines (reference, wasm, wasm-zc, the threaded columns, in Node and in the browser
 * page) run `call` on their kernels; the peers (plain JS, TF.js, NumPy, ONNX Runtime) key their own
 * versions by op name and skip the ops they do not have. No Node imports: the page uses it as is.
 */
import type { Matrix, SoftmaxKernels } from '../src/types.js';
import { digest, type Check } from './check.js';

export type Float = Float32Array | Float64Array;

export type OpName =
  | 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'logSoftmaxBackward' | 'softmaxJacobian'
  | 'softmaxCrossEntropy' | 'linearSoftmaxLoss' | 'linearScores' | 'exp'
  | 'logSumExp' | 'argmax' | 'topK' | 'sample';

/** The options a workload passes to its op (only those its op reads). */
export interface OpOptions {
  /** linearSoftmaxLoss: L2 strength (CS231n convention). */
  reg?: number;
  /** linearSoftmaxLoss / linearScores: a bias of length C. */
  bias?: boolean;
  /** linearSoftmaxLoss: also dX. */
  inputGrad?: boolean;
  /** softmaxCrossEntropy: per-class weights of length C. */
  weights?: boolean;
  /** softmaxCrossEntropy: PyTorch's label_smoothing. */
  labelSmoothing?: number;
  /** topK: k. */
  k?: number;
  /** sample: temperature, top-p and the seed of each call's fresh Rng (the same tokens every call). */
  temperature?: number;
  topP?: number;
  seed?: number;
}

/** What an op's argument builder and call need of a workload. */
export interface OpShape {
  op: OpName;
  /** N (rows of x, X, logits). */
  rows: number;
  /** C (classes, row length). */
  cols: number;
  /** D (features) of the linear ops; 0 for the others. */
  d: number;
  options: OpOptions;
}

/** The input arrays: x is the main input (x, y of the backward ops, logits, X). */
export type InputName = 'x' | 'W' | 'labels' | 'dy' | 'bias' | 'weights';

/** An op's inputs as matrices (plain arrays, or alloc() blocks whose `data` is re-derived per call). */
export type Args = Partial<Record<Exclude<InputName, 'labels'>, Matrix<Float>>> & { x: Matrix<Float>; labels?: Matrix<Int32Array> };

/** Preallocated outputs by name (float unless the op says 'i32'). */
export type Outs = Record<string, Matrix<Float> | Matrix<Int32Array>>;

/** The raw exp kernel (assembly/exp.ts), which the public API does not expose: x ≤ 0 elementwise. */
export interface ExpKernel {
  exp(x: Matrix<Float>, out?: Matrix<Float>): Matrix<Float>;
}

export interface OpDef<K = SoftmaxKernels, R = unknown> {
  op: OpName;
  /** Which kernels `call` takes: the public API, or the raw exp kernel. */
  api: 'kernels' | 'exp';
  /** The input arrays and their [rows, cols]. */
  inputs(s: OpShape): Partial<Record<InputName, [number, number]>>;
  /** The outputs a zero-copy caller preallocates: [rows, cols] (Int32 with a third entry 'i32'). */
  outputs(s: OpShape): Record<string, [number, number] | [number, number, 'i32']>;
  /** Makes the seeded Gaussian x a valid input of the op (probabilities, log-probabilities, x ≤ 0), in place. */
  shapeX?(x: Float, rows: number, cols: number): void;
  /** Floating-point operations of the GEMMs (2·n·d·c each); row ops have none. */
  flops?(s: OpShape): number;
  call(k: K, a: Args, out: Outs | undefined, s: OpShape): R;
  /** The number a timed call returns (the harness sinks it). */
  sink(r: R): number;
  check(r: R): Check;
}

/** A new options object of the entries of `o` that are set (no key with an undefined value); undefined when none is. */
function options<T extends object>(o: T): T | undefined {
  let r: Partial<T> | undefined;
  for (const key in o) if (o[key] !== undefined) (r ??= {} as Partial<T>)[key] = o[key];
  return r as T | undefined;
}

/** Row-wise softmax of x (rows×cols) in place, in float64: the valid y of softmaxBackward / softmaxJacobian. */
function toProbabilities(x: Float, rows: number, cols: number, log = false): void {
  for (let i = 0; i < rows; i++) {
    const row = x.subarray(i * cols, (i + 1) * cols);
    let m = -Infinity, s = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, row[j]);
    for (let j = 0; j < cols; j++) s += Math.exp(row[j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) row[j] = log ? row[j] - lse : Math.exp(row[j] - lse);
  }
}

const rowsByCols = (s: OpShape): { x: [number, number] } => ({ x: [s.rows, s.cols] });
const sameAsX = (s: OpShape): { out: [number, number] } => ({ out: [s.rows, s.cols] });
const mat = (r: Matrix<Float>): Check => digest(r.data);
const first = (r: Matrix<Float>): number => r.data[0];

function define<K, R>(d: OpDef<K, R>): OpDef<unknown, unknown> {
  return d as unknown as OpDef<unknown, unknown>;
}

const rowwise = (op: 'softmax' | 'logSoftmax') => define<SoftmaxKernels, Matrix<Float>>({
  op, api: 'kernels', inputs: rowsByCols, outputs: sameAsX,
  call: (k, a, out) => k[op](a.x, out?.out as Matrix<Float> | undefined),
  sink: first, check: mat,
});

const backward = (op: 'softmaxBackward' | 'logSoftmaxBackward') => define<SoftmaxKernels, Matrix<Float>>({
  op, api: 'kernels',
  inputs: (s) => ({ x: [s.rows, s.cols], dy: [s.rows, s.cols] }),
  outputs: sameAsX,
  shapeX: (x, rows, cols) => toProbabilities(x, rows, cols, op === 'logSoftmaxBackward'),
  call: (k, a, out) => k[op](a.x, a.dy!, out?.out as Matrix<Float> | undefined),
  sink: first, check: mat,
});

type CE = { loss: number; grad?: Matrix<Float> };
type Linear = { loss: number; dW: Matrix<Float>; db: Float };

const linearInputs = (s: OpShape): Partial<Record<InputName, [number, number]>> => ({
  x: [s.rows, s.d], W: [s.d, s.cols], ...(s.options.bias ? { bias: [1, s.cols] as [number, number] } : {}),
});
const gemmFlops = (products: number) => (s: OpShape): number => 2 * products * s.rows * s.d * s.cols;

/** Every op, by name. */
export const OPS: Record<OpName, OpDef<unknown, unknown>> = {
  softmax: rowwise('softmax'),
  logSoftmax: rowwise('logSoftmax'),
  softmaxBackward: backward('softmaxBackward'),
  logSoftmaxBackward: backward('logSoftmaxBackward'),
  softmaxJacobian: define<SoftmaxKernels, Matrix<Float>>({
    op: 'softmaxJacobian', api: 'kernels', inputs: (s) => ({ x: [1, s.cols] }), outputs: () => ({}),
    shapeX: (x, rows, cols) => toProbabilities(x, rows, cols),
    call: (k, a) => k.softmaxJacobian(a.x.data),
    sink: first, check: mat,
  }),
  softmaxCrossEntropy: define<SoftmaxKernels, CE>({
    op: 'softmaxCrossEntropy', api: 'kernels',
    inputs: (s) => ({ x: [s.rows, s.cols], labels: [1, s.rows], ...(s.options.weights ? { weights: [1, s.cols] as [number, number] } : {}) }),
    outputs: (s) => ({ grad: [s.rows, s.cols] }),
    call: (k, a, out, s) => k.softmaxCrossEntropy(a.x, a.labels!.data, options({
      weights: a.weights?.data, labelSmoothing: s.options.labelSmoothing, gradOut: out?.grad as Matrix<Float> | undefined,
    })),
    sink: (r) => r.loss,
    check: (r) => digest(r.grad!.data, r.loss),
  }),
  linearSoftmaxLoss: define<SoftmaxKernels, Linear>({
    op: 'linearSoftmaxLoss', api: 'kernels',
    inputs: (s) => ({ ...linearInputs(s), labels: [1, s.rows] }),
    outputs: (s) => ({ dW: [s.d, s.cols], db: [1, s.cols], ...(s.options.inputGrad ? { dX: [s.rows, s.d] as [number, number] } : {}) }),
    flops: (s) => gemmFlops(s.options.inputGrad ? 3 : 2)(s),
    call: (k, a, out, s) => k.linearSoftmaxLoss(a.x, a.labels!.data, a.W!, options({
      reg: s.options.reg, bias: a.bias?.data, inputGrad: s.options.inputGrad,
      out: out && options({ dW: out.dW as Matrix<Float>, db: out.db.data as Float, dX: out.dX as Matrix<Float> | undefined }),
    })),
    sink: (r) => r.loss,
    check: (r) => digest(r.dW.data, r.loss),
  }),
  linearScores: define<SoftmaxKernels, Matrix<Float>>({
    op: 'linearScores', api: 'kernels', inputs: linearInputs, outputs: sameAsX, flops: gemmFlops(1),
    call: (k, a, out) => k.linearScores(a.x, a.W!, options({ bias: a.bias?.data, out: out?.out as Matrix<Float> | undefined })),
    sink: first, check: mat,
  }),
  exp: define<ExpKernel, Matrix<Float>>({
    op: 'exp', api: 'exp', inputs: rowsByCols, outputs: sameAsX,
    // the kernel's domain is x ≤ 0 (what softmax feeds it): −|x|·4 spans [−20, 0]
    shapeX: (x) => { for (let i = 0; i < x.length; i++) x[i] = -4 * Math.abs(x[i]); },
    call: (k, a, out) => k.exp(a.x, out?.out as Matrix<Float> | undefined),
    sink: first, check: mat,
  }),
  logSumExp: define<SoftmaxKernels, Float>({
    op: 'logSumExp', api: 'kernels', inputs: rowsByCols, outputs: (s) => ({ out: [1, s.rows] }),
    call: (k, a, out) => k.logSumExp(a.x, out?.out.data as Float | undefined),
    sink: (r) => r[0], check: (r) => digest(r),
  }),
  argmax: define<SoftmaxKernels, Int32Array>({
    op: 'argmax', api: 'kernels', inputs: rowsByCols, outputs: (s) => ({ out: [1, s.rows, 'i32'] }),
    call: (k, a, out) => k.argmax(a.x, out?.out.data as Int32Array | undefined),
    sink: (r) => r[0], check: (r) => digest(r),
  }),
  topK: define<SoftmaxKernels, { indices: Matrix<Int32Array> }>({
    op: 'topK', api: 'kernels', inputs: rowsByCols, outputs: () => ({}),
    call: (k, a, _out, s) => k.topK(a.x, s.options.k!),
    sink: (r) => r.indices.data[0], check: (r) => digest(r.indices.data),
  }),
  sample: define<SoftmaxKernels, { indices: Int32Array }>({
    op: 'sample', api: 'kernels', inputs: rowsByCols, outputs: () => ({}),
    call: (k, a, _out, s) => k.sample(a.x, options({ temperature: s.options.temperature, topP: s.options.topP, seed: s.options.seed })),
    sink: (r) => r.indices[0], check: (r) => digest(r.indices),
  }),
};

/** A source of matrices: plain arrays (`matrix(new Float32Array(n), r, c)`) or alloc() blocks. */
export type Allocate = (dtype: 'f32' | 'f64' | 'i32', rows: number, cols: number) => Matrix<Float> | Matrix<Int32Array>;

/** An op's arguments over `allocate`d matrices filled from the workload's arrays, and (zero-copy) its outputs. */
export function buildArgs(s: OpShape & { dtype: 'f32' | 'f64' }, data: Partial<Record<InputName, Float | Int32Array>>,
  allocate: Allocate, withOutputs: boolean): { args: Args; outs?: Outs } {
  const def = OPS[s.op];
  const args: Record<string, Matrix<Float> | Matrix<Int32Array>> = {};
  for (const [name, [rows, cols]] of Object.entries(def.inputs(s)) as Array<[InputName, [number, number]]>) {
    const m = allocate(name === 'labels' ? 'i32' : s.dtype, rows, cols);
    (m.data as Float64Array).set(data[name]!);
    args[name] = m;
  }
  if (!withOutputs) return { args: args as Args };
  const outs: Outs = {};
  for (const [name, [rows, cols, i32]] of Object.entries(def.outputs(s))) outs[name] = allocate(i32 ?? s.dtype, rows, cols);
  return { args: args as Args, outs };
}
