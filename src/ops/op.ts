/**
 * The shape of one entry of the op registry (src/ops/index.ts lists them). An entry says, in one
 * place, everything about one public op: its public body (every argument read and checked through
 * the call's CallSnapshot, the results allocated), the float64 reference function, the WASM
 * marshalling plan, its kernels and how the thread pool splits each, its bench workloads and its
 * digest cases. The public API (src/api.ts), both engines, the forwarding backend of loadWasm, the
 * threaded dispatch, bench/ops.ts, scripts/numerics/digest.ts and docs/ops.md are derived from the list.
 * The op's public signature and JSDoc sit beside the entry, in its family file (`…Methods`), and
 * src/types.ts assembles SoftmaxKernels from them.
 */
import type { CallSnapshot } from '../snapshot.js';
import type { Rng } from '../train/rng.js';
import type { FloatArray, Matrix } from '../types_core.js';
import type { Call } from '../wasm/marshal.js';

/** What an op's public body gets besides the snapshot and the caller's arguments. */
export interface ApiContext<Args> {
  /** The engine's computation of this op (the Backend method); returns its number (a loss) if any. */
  run(args: Args): number;
  /** This kernels object's own generator (sample() without seed, rng or uniforms). */
  readonly rng: Rng;
}

/** A raw kernel of the WASM module: pointers and sizes in, a number (or nothing) out. */
export type RawKernel = (...a: number[]) => number;

/** What an op's WASM plan gets: a new marshalling plan (src/wasm/marshal.ts) and the exports. */
export interface WasmContext {
  /** A new Call (slots in, out, workspace; then run()) named after the op for its messages. */
  call(): Call;
  /** The export `<base>_f32` or `<base>_f64`, by the float type of `like`. */
  kernel(base: string, like: FloatArray): RawKernel;
  /** Any export by its full name (e.g. a scratch-size function). */
  raw(name: string): RawKernel;
}

/**
 * How an argument of a row kernel advances from one row to the next, for the pool's row chunks:
 * 'in' / 'out' one row of a rows×cols matrix of T; 'outElem' one T; 'outI32' one i32; 'rows' the
 * chunk's row count; 'cols' and 'scalar' unchanged.
 */
export type RowArg = 'in' | 'out' | 'outElem' | 'outI32' | 'rows' | 'cols' | 'scalar';

/** How the thread pool (src/wasm/threaded.ts) runs one kernel of an op. */
export type Split =
  /** Chunks of whole rows, each computed by the single call's code (bit-identical for any thread
   * count); `args`: how each parameter advances per row. `longRow`: fewer than 4 long rows go in
   * blocks of one row instead (softmax, log-softmax). */
  | { by: 'rows'; args: readonly RowArg[]; longRow?: boolean }
  /** Chunks of whole rows with each row's loss kept as an f64, added by the caller in row order. */
  | { by: 'rowLosses' }
  /** The linear classifier's own split (src/wasm/threaded_linear.ts): the phases of
   * assembly/linear_softmax/, linearScores by rows or column panels. */
  | { by: 'phases' }
  /** The axis kernels (assembly/axis/): chunks of inner positions (multiples of 16) of every outer
   * block, each position computed by the single call's code (docs/tensors.md). */
  | { by: 'positions' }
  /** As 'positions', each position's loss kept as an f64, added by the caller in position order. */
  | { by: 'positionLosses' }
  /** Always the single call on the calling thread; `why` says why. */
  | { by: 'caller'; why: string };

/**
 * One WASM kernel of an op, exported as `<base>_f32` and `<base>_f64`: its raw parameters (names,
 * comma-separated: the ABI, which tests/abi.test.ts checks against the modules, so a new kernel needs
 * no line in src/wasm/abi.ts) and how the pool runs it.
 */
export type Kernel = Split & { params: string };

// ---- bench (bench/ops.ts, bench/workloads.ts) ----

/** The input arrays of a bench workload: x is the main input (x, y of the backward ops, logits, X). */
export type InputName = 'x' | 'W' | 'labels' | 'dy' | 'bias' | 'weights';

/** The options a bench workload passes to its op (only those its op reads). */
export interface BenchOptions {
  /** linearSoftmaxLoss: L2 strength. */ reg?: number;
  /** linearSoftmaxLoss / linearScores: a bias of length C. */ bias?: boolean;
  /** linearSoftmaxLoss: also dX. */ inputGrad?: boolean;
  /** softmaxCrossEntropy: class weights of length C. */ weights?: boolean;
  /** softmaxCrossEntropy: label smoothing. */ labelSmoothing?: number;
  /** topK: k. */ k?: number;
  /** sample: temperature, top-p and the seed of each call's fresh Rng. */ temperature?: number;
  topP?: number;
  seed?: number;
  /** sample / filter: top-k, top-N log-probs, draws per row, and the decoding load (src/ops/sample.ts benchOptions). */
  topK?: number;
  topLogProbs?: number;
  n?: number;
  decoding?: boolean;
}

/** What an op's bench functions need of a workload. */
export interface BenchShape {
  op: string;
  /** N (rows of x, X, logits). */
  rows: number;
  /** C (classes, row length). */
  cols: number;
  /** D (features) of the linear ops; 0 for the others. */
  d: number;
  options: BenchOptions;
}

export type Float = FloatArray;
/** An op's bench inputs as matrices (plain arrays, or alloc() blocks). */
export type BenchArgs = Partial<Record<Exclude<InputName, 'labels'>, Matrix<Float>>> & { x: Matrix<Float>; labels?: Matrix<Int32Array> };
/** Preallocated outputs by name. */
export type BenchOuts = Record<string, Matrix<Float> | Matrix<Int32Array>>;

/** One bench row of an op: its shape and options; `f64` also runs it in f64 in `npm run bench`. */
export interface BenchRow { rows: number; cols: number; d?: number; options?: BenchOptions; note?: string; f64?: boolean }

export interface BenchSpec<K, R> {
  /** The input arrays and their [rows, cols]. */
  inputs(s: BenchShape): Partial<Record<InputName, [number, number]>>;
  /** The outputs a zero-copy caller preallocates: [rows, cols] (Int32 with a third entry 'i32'). */
  outputs(s: BenchShape): Record<string, [number, number] | [number, number, 'i32']>;
  /** Makes the seeded Gaussian x a valid input (probabilities, log-probabilities), in place. */
  shapeX?(x: Float, rows: number, cols: number): void;
  /** Floating-point operations of the GEMMs (2·n·d·c each); row ops have none. */
  flops?(s: BenchShape): number;
  call(k: K, a: BenchArgs, out: BenchOuts | undefined, s: BenchShape): R;
  /** The number a timed call returns (the harness sinks it). */
  sink(r: R): number;
  /** What the agreement check digests: the main output and the loss. */
  result(r: R): { out: ArrayLike<number>; loss?: number };
  /** The rows of `npm run bench`. */
  standard: readonly BenchRow[];
  /** Tiny shapes with remainders, f32 and f64 (tests/bench.test.ts). */
  tiny: readonly BenchRow[];
}

// ---- digest (scripts/numerics/digest.ts) ----

/** A named computation whose result's bytes the digest hashes. */
export type DigestCase = [label: string, run: () => unknown];

/** The seeded inputs of one row shape r×c of the digest (x in ±20, dy in ±3, probability rows, weights > 0). */
export interface DigestRows { r: number; c: number; x: Matrix<Float>; dy: Matrix<Float>; labels: Int32Array; probs: Matrix<Float>; w: Float }
/** The seeded inputs of one linear shape n×d×c. */
export interface DigestLinear { n: number; d: number; c: number; X: Matrix<Float>; W: Matrix<Float>; b: Float; y: Int32Array }

export interface DigestSpec<K> {
  rows?(k: K, s: DigestRows): DigestCase[];
  linear?(k: K, s: DigestLinear): DigestCase[];
}

// ---- the entry ----

export interface Op<Name extends string, Args, K = unknown> {
  name: Name;
  /** One line for the docs table. */
  summary: string;
  /** The call as the docs table shows it. */
  signature: string;
  /** The public method: reads every argument through `s` in the documented order, `s.seal()`,
   * allocates the results the caller did not give, calls `ctx.run` (unless there is nothing to
   * compute) and returns the result. */
  api(ctx: ApiContext<Args>, s: CallSnapshot, ...args: never[]): unknown;
  /** The float64 reference (src/reference/): computes into the outputs of `a`. */
  reference(a: Args): number | void;
  /** The WASM engine's marshalling plan and kernel call. */
  wasm(w: WasmContext, a: Args): number | void;
  /** The op's kernels by base name (exported as `<base>_f32` / `<base>_f64`): parameters and how the pool runs each. */
  kernels: Readonly<Record<string, Kernel>>;
  bench: BenchSpec<K, never>;
  digest: DigestSpec<K>;
}

/** An entry with its name's literal type kept (so the Backend type can be derived from the list). */
export function defineOp<const Name extends string, Args, K, R>(op: Omit<Op<Name, Args, K>, 'bench' | 'api'> & {
  api(ctx: ApiContext<Args>, s: CallSnapshot, ...args: any[]): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
  bench: BenchSpec<K, R>;
}): Op<Name, Args, K> {
  return op as unknown as Op<Name, Args, K>;
}
