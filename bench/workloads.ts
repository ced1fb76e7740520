/**
 * The bench workloads: one op of the registry (bench/ops.ts) on one shape and dtype, with fixed
 * seeded data: x ~ N(0, 1) (made a valid input where the op needs one: probabilities for the
 * backward ops, x ≤ 0 for exp), W ~ 0.01·N(0, 1), dy ~ N(0, 1), bias ~ 0.1·N(0, 1), class
 * weights uniform in [0.5, 1.5), labels uniform in [0, C). f64 workloads hold exactly the values of
 * their f32 twin (widened), so the two dtypes and every engine (NumPy reads the same bytes) see the
 * same problem. Row labels name the op, its options and the shape: "linearSoftmaxLoss 500×3073×10 f32".
 * No Node imports: the browser page uses it too.
 */
import { Rng } from '../src/train/rng.js';
import { declaredRows, OPS, type BenchSpec as Spec, type Float, type InputName, type OpName, type OpOptions, type OpShape } from './ops.js';

export type DType = 'f32' | 'f64';
export type { Float };

/** The arrays of one workload, by input name (bench/ops.ts `InputName`). */
export type WorkloadData = Partial<Record<InputName, Float | Int32Array>> & { x: Float; labels?: Int32Array; W?: Float };

export interface Workload extends OpShape {
  /** Unique, readable id, also the table's row label: "softmax 1×131072 f32". */
  id: string;
  dtype: DType;
  /** Floating-point operations of the GEMMs (2·n·d·c each); 0 for row ops. */
  flops: number;
  /** Bytes of the main input x; a row kernel reads and writes this much. */
  bytes: number;
  /** A short note on the shape ("CIFAR-10", "LLM vocabulary"). */
  note: string;
  seed: number;
  /** The data, generated on first use and cached. */
  data(): WorkloadData;
  /** Drops the cached data (the f32 twin keeps its own). */
  release(): void;
}

/** A seeded uniform [0, 1) generator: the library's mulberry32 Rng (src/train/rng.ts). */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** n samples of scale·N(0, 1) (Box–Muller, both outputs used) as f32. */
export function gaussianF32(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const rad = Math.sqrt(-2 * Math.log(1 - r()));
    const th = 2 * Math.PI * r();
    out[i] = scale * rad * Math.cos(th);
    if (i + 1 < n) out[i + 1] = scale * rad * Math.sin(th);
  }
  return out;
}

/** n labels uniform in [0, c). */
export function uniformLabels(n: number, c: number, seed: number): Int32Array {
  const r = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(c - 1, Math.floor(r() * c));
  return out;
}

export type { Spec };

/** The options that label a row (the defaults of the standard rows, reg and sampling settings, do not). */
function tags(o: OpOptions): string {
  const t: string[] = [];
  if (o.bias) t.push('+bias');
  if (o.inputGrad) t.push('+inputGrad');
  if (o.weights) t.push('+weights');
  if (o.labelSmoothing) t.push(`+labelSmoothing ${o.labelSmoothing}`);
  if (o.k) t.push(`k=${o.k}`);
  if (o.temperature !== undefined) t.push(`T=${o.temperature}${o.topP !== undefined ? ` top-p ${o.topP}` : ''}`);
  if (o.topK !== undefined) t.push(`top-k ${o.topK}`);
  if (o.decoding) t.push('+decoding');
  if (o.topLogProbs !== undefined) t.push(`top-logprobs ${o.topLogProbs}`);
  if (o.n !== undefined) t.push(`n=${o.n}`);
  return t.length ? ` ${t.join(' ')}` : '';
}

// Seeds of softmax, softmaxCrossEntropy and linearSoftmaxLoss rows keep the key their data has
// always had, so those rows see the same numbers as before the registry.
const SEED_KEY: Partial<Record<OpName, number>> = { softmax: 49, softmaxCrossEntropy: 50, linearSoftmaxLoss: 51 };

function f32Data(s: OpShape, seed: number): WorkloadData {
  const shapes = OPS[s.op].inputs(s);
  const [xr, xc] = shapes.x!;
  const x = gaussianF32(xr * xc, seed);
  OPS[s.op].shapeX?.(x, xr, xc);
  const data: WorkloadData = { x };
  const n = (name: InputName): number => shapes[name]![0] * shapes[name]![1];
  if (shapes.W) data.W = gaussianF32(n('W'), seed + 1, 0.01);
  if (shapes.labels) data.labels = uniformLabels(n('labels'), s.cols, seed + 2);
  if (shapes.dy) data.dy = gaussianF32(n('dy'), seed + 3);
  if (shapes.bias) data.bias = gaussianF32(n('bias'), seed + 4, 0.1);
  if (shapes.weights) { const r = rng(seed + 5); data.weights = Float32Array.from({ length: n('weights') }, () => 0.5 + r()); }
  return data;
}

/** Builds one workload; `twin` is the f32 workload whose data an f64 workload widens. */
export function makeWorkload(spec: Spec, dtype: DType, twin?: Workload): Workload {
  const { op, rows, cols } = spec;
  const d = spec.d ?? 0;
  const shape: OpShape = { op, rows, cols, d, options: spec.options ?? {} };
  const elem = dtype === 'f32' ? 4 : 8;
  const [xr, xc] = OPS[op].inputs(shape).x!;
  // Seed from the op and the shape, so a workload's data does not depend on which others exist.
  const key = SEED_KEY[op] ?? 52 + Object.keys(OPS).indexOf(op);
  const seed = (key * 1_000_003 + rows * 7919 + cols * 104_729 + d * 15_485_863) >>> 0;
  let cache: WorkloadData | null = null;
  return {
    ...shape,
    id: `${op}${tags(shape.options)} ${d ? `${rows}×${d}×${cols}` : `${rows}×${cols}`} ${dtype}`,
    dtype,
    flops: OPS[op].flops?.(shape) ?? 0,
    bytes: xr * xc * elem,
    note: spec.note ?? '',
    seed,
    data() {
      if (cache) return cache;
      if (dtype === 'f32') {
        cache = f32Data(shape, seed);
      } else {
        const src = twin ? twin.data() : f32Data(shape, seed);
        const wide: Partial<Record<InputName, Float | Int32Array>> = {};
        for (const [name, a] of Object.entries(src) as Array<[InputName, Float | Int32Array]>) {
          wide[name] = a instanceof Float32Array ? Float64Array.from(a) : a;
        }
        cache = wide as WorkloadData;
      }
      return cache;
    },
    release() { cache = null; },
  };
}

function build(specs: Spec[], f64: (s: Spec) => boolean): Workload[] {
  const out: Workload[] = [];
  const f32 = new Map<Spec, Workload>();
  for (const s of specs) {
    const w = makeWorkload(s, 'f32');
    f32.set(s, w);
    out.push(w);
  }
  for (const s of specs) if (f64(s)) out.push(makeWorkload(s, 'f64', f32.get(s)));
  return out;
}

/** The rows of `npm run bench` (each op's `bench.standard` in the registry): f32, and f64 where a row asks for it. */
export function standardWorkloads(): Workload[] {
  return build(declaredRows('standard'), (s) => s.f64 === true);
}

/** Every op on tiny shapes with remainders (not multiples of the SIMD width), f32 and f64, for tests/bench.test.ts. */
export function tinyWorkloads(): Workload[] {
  return build(declaredRows('tiny'), () => true);
}

/** Keeps the workloads whose id contains one of the comma-separated substrings (case-insensitive). */
export function filterWorkloads(all: Workload[], filter?: string): Workload[] {
  if (!filter) return all;
  const parts = filter.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  return all.filter((w) => parts.some((p) => w.id.toLowerCase().includes(p)));
}
