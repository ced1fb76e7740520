/**
 * The ops of the bench, from the op registry (src/ops/: each entry's `bench` says the arrays a
 * workload of it reads, the outputs a zero-copy caller preallocates, the call through the
 * `SoftmaxKernels` interface, what a timed call returns and what its digest covers), plus the raw
 * exp kernel, which is not public.
 *
 * The library's engines (reference, wasm, wasm-zc, the threaded columns, in Node and in the browser
 * page) run `call` on their kernels; the peers (plain JS, TF.js, NumPy, ONNX Runtime) key their own
 * versions by op name and skip the ops they do not have. No Node imports: the page uses it as is.
 */
import { ENTRIES, type OpName as PublicOp } from '../src/ops/index.js';
import type { BenchArgs, BenchOptions, BenchOuts, BenchShape, BenchSpec as EntryBench, Float, InputName } from '../src/ops/op.js';
import type { Matrix, SoftmaxKernels } from '../src/types.js';
import { digest, type Check } from './check.js';

export type { Float, InputName };
/** Every public op (the registry's) and the raw exp kernel. */
export type OpName = PublicOp | 'exp';
/** The options a workload passes to its op (only those its op reads). */
export type OpOptions = BenchOptions;
/** What an op's argument builder and call need of a workload. */
export type OpShape = BenchShape & { op: OpName };
/** An op's inputs as matrices (plain arrays, or alloc() blocks whose `data` is re-derived per call). */
export type Args = BenchArgs;
/** Preallocated outputs by name (float unless the op says 'i32'). */
export type Outs = BenchOuts;

/** The raw exp kernel (assembly/exp.ts), which the public API does not expose: x ≤ 0 elementwise. */
export interface ExpKernel {
  exp(x: Matrix<Float>, out?: Matrix<Float>): Matrix<Float>;
}

/** An op of the bench: its registry entry's `bench` (src/ops/op.ts BenchSpec) with the agreement check's digest. */
export interface OpDef<K = SoftmaxKernels, R = unknown> extends Omit<EntryBench<K, R>, 'result' | 'standard' | 'tiny' | 'inputs' | 'outputs' | 'flops' | 'call'> {
  op: OpName;
  /** Which kernels `call` takes: the public API, or the raw exp kernel. */
  api: 'kernels' | 'exp';
  inputs(s: OpShape): ReturnType<EntryBench<K, R>['inputs']>;
  outputs(s: OpShape): ReturnType<EntryBench<K, R>['outputs']>;
  flops?(s: OpShape): number;
  call(k: K, a: Args, out: Outs | undefined, s: OpShape): R;
  check(r: R): Check;
}

/** A public op's bench definition, from its registry entry (src/ops/). */
function fromRegistry(name: PublicOp): OpDef<unknown, unknown> {
  const b = ENTRIES.find((e) => e.name === name)!.bench as unknown as EntryBench<unknown, unknown>;
  return {
    op: name, api: 'kernels', inputs: b.inputs, outputs: b.outputs, shapeX: b.shapeX, flops: b.flops, call: b.call, sink: b.sink,
    check: (r) => { const { out, loss } = b.result(r); return digest(out, loss); },
  };
}

const expOp: OpDef<ExpKernel, Matrix<Float>> = {
  op: 'exp', api: 'exp', inputs: (s) => ({ x: [s.rows, s.cols] }), outputs: (s) => ({ out: [s.rows, s.cols] }),
  // the kernel's domain is x ≤ 0 (what softmax feeds it): −|x|·4 spans [−20, 0]
  shapeX: (x) => { for (let i = 0; i < x.length; i++) x[i] = -4 * Math.abs(x[i]); },
  call: (k, a, out) => k.exp(a.x, out?.out as Matrix<Float> | undefined),
  sink: (r) => r.data[0], check: (r) => digest(r.data),
};

/**
 * Every op, by name: the registry's in its order, with the raw exp kernel after linearScores (the
 * place its workloads' seeds have always come from).
 */
export const OPS = Object.fromEntries(ENTRIES.flatMap((e) => [
  [e.name, fromRegistry(e.name)] as const,
  ...(e.name === 'linearScores' ? [['exp', expOp as unknown as OpDef<unknown, unknown>] as const] : []),
])) as Record<OpName, OpDef<unknown, unknown>>;

/** A bench row of an op. */
export interface BenchSpec { op: OpName; rows: number; cols: number; d?: number; options?: OpOptions; note?: string; f64?: boolean }

/**
 * The bench rows every op declares, in registry order: its standard rows (`npm run bench`) or its
 * tiny ones (tests); the raw exp kernel's rows (declared here) follow the softmax family's.
 */
export function declaredRows(which: 'standard' | 'tiny'): BenchSpec[] {
  const exp: BenchSpec[] = which === 'standard'
    ? [{ op: 'exp', rows: 1, cols: 131072, note: 'the raw kernel (not public): x ≤ 0' }]
    : [{ op: 'exp', rows: 3, cols: 37 }];
  return ENTRIES.flatMap((e) => [
    ...e.bench[which].map((r): BenchSpec => ({ op: e.name, ...r })),
    ...(e.name === 'softmaxJacobian' ? exp : []),
  ]);
}

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
