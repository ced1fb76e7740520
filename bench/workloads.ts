/**
 * The bench workloads of issue 3, with fixed seeded data: X ~ N(0, 1), W ~ 0.01·N(0, 1), labels
 * uniform in [0, C). f64 workloads hold exactly the values of their f32 twin (widened), so the two
 * dtypes and every engine (NumPy reads the same bytes) see the same problem.
 *
 * - S1 row softmax (op 'softmax'): x is rows×cols.
 * - S2 mean cross-entropy + gradient w.r.t. the logits (op 'crossEntropy'): logits rows×cols, labels.
 * - S3 linear softmax classifier loss + dW + db (op 'linearSoftmax', reg 5e-6): X n×d, W d×c, labels.
 */
import { Rng } from '../src/train/rng.js';

export type DType = 'f32' | 'f64';
export type Op = 'softmax' | 'crossEntropy' | 'linearSoftmax';
export type Float = Float32Array | Float64Array;

/** The arrays of one workload. `x` is the S1 input, the S2 logits or the S3 X. */
export interface WorkloadData {
  x: Float;
  labels?: Int32Array;
  W?: Float;
}

export interface Workload {
  /** Unique, readable id, also the table's row label: "S1 softmax 1×131072 f32". */
  id: string;
  group: 'S1' | 'S2' | 'S3';
  op: Op;
  dtype: DType;
  /** S1/S2: the matrix is rows×cols. S3: rows = n, cols = c (the scores), plus d. */
  rows: number;
  cols: number;
  /** S3 only: the feature count D. */
  d: number;
  /** S3 only: L2 strength (CS231n convention: + reg·ΣW², dW += 2·reg·W). */
  reg: number;
  /** S3: floating-point operations of the two GEMMs (2·n·d·c each); 0 for S1/S2. */
  flops: number;
  /** Bytes of the main input (S1 x, S2 logits, S3 X); an S1/S2 kernel reads and writes this much. */
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

const shape = (a: number, b: number): string => `${a}×${b}`;

interface Spec { group: 'S1' | 'S2' | 'S3'; rows: number; cols: number; d?: number; note?: string }

function f32Data(spec: Spec, seed: number): WorkloadData {
  if (spec.group === 'S3') {
    const d = spec.d!;
    return {
      x: gaussianF32(spec.rows * d, seed),
      W: gaussianF32(d * spec.cols, seed + 1, 0.01),
      labels: uniformLabels(spec.rows, spec.cols, seed + 2),
    };
  }
  const data: WorkloadData = { x: gaussianF32(spec.rows * spec.cols, seed) };
  if (spec.group === 'S2') data.labels = uniformLabels(spec.rows, spec.cols, seed + 2);
  return data;
}

/** Builds one workload; `twin` is the f32 workload whose data an f64 workload widens. */
function makeWorkload(spec: Spec, dtype: DType, twin?: Workload): Workload {
  const { group, rows, cols } = spec;
  const d = spec.d ?? 0;
  const op: Op = group === 'S1' ? 'softmax' : group === 'S2' ? 'crossEntropy' : 'linearSoftmax';
  const label = group === 'S1' ? `softmax ${shape(rows, cols)}`
    : group === 'S2' ? `cross-entropy ${shape(rows, cols)}`
      : `linear N=${rows} D=${d} C=${cols}`;
  const elem = dtype === 'f32' ? 4 : 8;
  // Seed from the shape, so a workload's data does not depend on which others exist.
  const seed = (group.charCodeAt(1) * 1_000_003 + rows * 7919 + cols * 104_729 + d * 15_485_863) >>> 0;
  let cache: WorkloadData | null = null;
  return {
    id: `${group} ${label} ${dtype}`,
    group, op, dtype, rows, cols, d,
    reg: group === 'S3' ? 5e-6 : 0,
    flops: group === 'S3' ? 4 * rows * d * cols : 0,
    bytes: (group === 'S3' ? rows * d : rows * cols) * elem,
    note: spec.note ?? '',
    seed,
    data() {
      if (cache) return cache;
      if (dtype === 'f32') {
        cache = f32Data(spec, seed);
      } else {
        const src = twin ? twin.data() : f32Data(spec, seed);
        cache = { x: Float64Array.from(src.x) };
        if (src.W) cache.W = Float64Array.from(src.W);
        if (src.labels) cache.labels = src.labels;
      }
      return cache;
    },
    release() { cache = null; },
  };
}

function build(specs: Spec[], f64Groups: Array<Spec['group']>): Workload[] {
  const out: Workload[] = [];
  const f32 = new Map<Spec, Workload>();
  for (const s of specs) {
    const w = makeWorkload(s, 'f32');
    f32.set(s, w);
    out.push(w);
  }
  for (const s of specs) if (f64Groups.includes(s.group)) out.push(makeWorkload(s, 'f64', f32.get(s)));
  return out;
}

/** The workloads of issue 3: S1, S2, S3 in f32, and S3 again in f64. */
export function standardWorkloads(): Workload[] {
  return build([
    { group: 'S1', rows: 1, cols: 131072, note: 'LLM-vocabulary logits' },
    { group: 'S1', rows: 1, cols: 32000, note: 'LLM-vocabulary logits' },
    { group: 'S1', rows: 256, cols: 1000 },
    { group: 'S1', rows: 4096, cols: 10 },
    { group: 'S2', rows: 4096, cols: 1000 },
    { group: 'S2', rows: 256, cols: 10 },
    { group: 'S3', rows: 500, d: 3073, cols: 10, note: 'CIFAR-10 / CS231n' },
    { group: 'S3', rows: 256, d: 784, cols: 10, note: 'MNIST minibatch' },
    { group: 'S3', rows: 64, d: 512, cols: 10000, note: 'large class count' },
  ], ['S3']);
}

/** Tiny shapes with remainders (not multiples of the SIMD width), for tests/bench.test.ts. */
export function tinyWorkloads(): Workload[] {
  return build([
    { group: 'S1', rows: 3, cols: 37 },
    { group: 'S2', rows: 5, cols: 7 },
    { group: 'S3', rows: 6, d: 13, cols: 5 },
  ], ['S1', 'S2', 'S3']);
}

/** Keeps the workloads whose id contains one of the comma-separated substrings (case-insensitive). */
export function filterWorkloads(all: Workload[], filter?: string): Workload[] {
  if (!filter) return all;
  const parts = filter.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  return all.filter((w) => parts.some((p) => w.id.toLowerCase().includes(p)));
}
