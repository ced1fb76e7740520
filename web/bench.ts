/**
 * The in-page benchmark: median milliseconds per call of the WASM f32 kernels (zero-copy: alloc()
 * inputs and outputs; and with plain typed arrays, copied in and out per call), the `reference`
 * kernels (plain TypeScript, float64 math) and fused plain-JS loops, on three workloads with seeded
 * data. Each cell times batches of calls of ≥ 5 ms (the browser's clock is coarse: 0.1 ms) and
 * reports the median per call.
 */
import { matrix, reference, type Matrix, type WasmKernels, type WasmMatrix } from '../src/index.js';
import { Rng } from '../src/train/rng.js';
import { crossEntropy, linearSoftmax, softmaxRows } from '../bench/plain-js.js';

export type EngineName = 'wasm' | 'wasmCopy' | 'reference' | 'plainJs';

export const ENGINES: Array<{ name: EngineName; title: string }> = [
  { name: 'wasm', title: 'WASM f32, zero-copy' },
  { name: 'wasmCopy', title: 'WASM f32, copy in/out' },
  { name: 'reference', title: 'reference (TS, f64 math)' },
  { name: 'plainJs', title: 'plain JS f32' },
];

interface Workload {
  id: string;
  label: string;
  /** Builds one engine's call; `out()` returns the result compared against the reference. */
  prepare(k: WasmKernels, engine: EngineName): { run: () => number; out: () => ArrayLike<number>; dispose?: () => void };
}

export interface BenchRow {
  id: string;
  label: string;
  /** Median ms per call, per engine. */
  ms: Record<EngineName, number>;
  /** max |wasm − reference| / max |reference| over the main output. */
  maxRelDiff: number;
}

const gauss = (n: number, seed: number, scale = 1): Float32Array => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => scale * r.gauss());
};
const labelsOf = (n: number, c: number, seed: number): Int32Array => {
  const r = new Rng(seed);
  return Int32Array.from({ length: n }, () => r.int(c));
};

/** Copies src into a fresh alloc() block (the zero-copy path); all blocks are freed by `free`. */
function arena(k: WasmKernels) {
  const blocks: Array<{ free(): void }> = [];
  return {
    f32(rows: number, cols: number, src?: Float32Array): WasmMatrix<Float32Array> {
      const m = k.alloc('f32', rows, cols);
      blocks.push(m);
      if (src) m.data.set(src);
      return m;
    },
    /** Labels in an alloc('i32') block; its data is re-derived per call (memory may grow). */
    labels(src: Int32Array): () => Int32Array {
      const m = k.alloc('i32', 1, src.length);
      blocks.push(m);
      m.data.set(src);
      return () => m.data;
    },
    free: () => { for (const b of blocks) b.free(); },
  };
}

export const WORKLOADS: Workload[] = [
  {
    id: 'softmax-1x32000', label: 'softmax 1×32000',
    prepare(k, engine) {
      const R = 1, C = 32000;
      const x = gauss(R * C, 11);
      if (engine === 'wasm') {
        const a = arena(k);
        const xm = a.f32(R, C, x), om = a.f32(R, C);
        return { run: () => k.softmax(xm, om).data[0], out: () => om.data, dispose: a.free };
      }
      const xm = matrix(x, R, C);
      if (engine === 'plainJs') {
        const out = new Float32Array(R * C);
        return { run: () => (softmaxRows(x, out, R, C), out[0]), out: () => out };
      }
      const kk = engine === 'wasmCopy' ? k : reference;
      let out: Matrix<Float32Array> = xm;
      return { run: () => (out = kk.softmax(xm)).data[0], out: () => out.data };
    },
  },
  {
    id: 'cross-entropy-256x1000', label: 'cross-entropy + grad 256×1000',
    prepare(k, engine) {
      const N = 256, C = 1000;
      const x = gauss(N * C, 21), y = labelsOf(N, C, 22);
      if (engine === 'wasm') {
        const a = arena(k);
        const lm = a.f32(N, C, x), gm = a.f32(N, C), yv = a.labels(y);
        return { run: () => k.softmaxCrossEntropy(lm, yv(), { gradOut: gm }).loss, out: () => gm.data, dispose: a.free };
      }
      if (engine === 'plainJs') {
        const grad = new Float32Array(N * C);
        return { run: () => crossEntropy(x, y, grad, N, C), out: () => grad };
      }
      const kk = engine === 'wasmCopy' ? k : reference;
      const lm = matrix(x, N, C);
      let g: ArrayLike<number> = [];
      return { run: () => { const r = kk.softmaxCrossEntropy(lm, y); g = r.grad!.data; return r.loss; }, out: () => g };
    },
  },
  {
    id: 'linear-softmax-256x784x10', label: 'linearSoftmaxLoss 256×784×10',
    prepare(k, engine) {
      const N = 256, D = 784, C = 10, reg = 5e-6;
      const X = gauss(N * D, 31), W = gauss(D * C, 32, 0.01), y = labelsOf(N, C, 33);
      if (engine === 'wasm') {
        const a = arena(k);
        const Xm = a.f32(N, D, X), Wm = a.f32(D, C, W), dWm = a.f32(D, C), dbm = a.f32(1, C), yv = a.labels(y);
        return {
          run: () => k.linearSoftmaxLoss(Xm, yv(), Wm, { reg, out: { dW: dWm, db: dbm.data } }).loss,
          out: () => dWm.data, dispose: a.free,
        };
      }
      if (engine === 'plainJs') {
        const dW = new Float32Array(D * C), db = new Float32Array(C), s = new Float64Array(C);
        return { run: () => linearSoftmax(X, y, W, N, D, C, reg, dW, db, s), out: () => dW };
      }
      const kk = engine === 'wasmCopy' ? k : reference;
      const Xm = matrix(X, N, D), Wm = matrix(W, D, C);
      let dW: ArrayLike<number> = [];
      return { run: () => { const r = kk.linearSoftmaxLoss(Xm, y, Wm, { reg }); dW = r.dW.data; return r.loss; }, out: () => dW };
    },
  },
];

let sink = 0;

/** Median ms per call of `run`: 40 ms of warm-up, then batches of ≥ 5 ms for about `budgetMs` (≥ 7 batches). */
export function timeCall(run: () => number, budgetMs = 450): number {
  let t0 = performance.now(), n = 0;
  do { sink += run(); n++; } while (performance.now() - t0 < 40 && n < 2000);
  const per = (performance.now() - t0) / n;
  const reps = Math.max(1, Math.ceil(5 / Math.max(per, 1e-4)));
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 7 || (performance.now() - start < budgetMs && samples.length < 61)) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) sink += run();
    samples.push((performance.now() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  const m = samples.length >> 1;
  return samples.length % 2 ? samples[m] : (samples[m - 1] + samples[m]) / 2;
}

const relDiff = (a: ArrayLike<number>, r: ArrayLike<number>): number => {
  let num = 0, den = 0;
  for (let i = 0; i < r.length; i++) {
    num = Math.max(num, Math.abs(a[i] - r[i]));
    den = Math.max(den, Math.abs(r[i]));
  }
  return a.length === r.length ? num / den : NaN;
};

/** Runs every workload on every engine; `onCell` is called after each measurement (the page yields there). */
export async function runBench(k: WasmKernels, onCell: (rows: BenchRow[]) => void | Promise<void>): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const w of WORKLOADS) {
    const row: BenchRow = { id: w.id, label: w.label, ms: { wasm: NaN, wasmCopy: NaN, reference: NaN, plainJs: NaN }, maxRelDiff: NaN };
    rows.push(row);
    const outputs: Partial<Record<EngineName, Float64Array>> = {};
    for (const { name } of ENGINES) {
      const c = w.prepare(k, name);
      try {
        row.ms[name] = timeCall(c.run);
        outputs[name] = Float64Array.from(c.out());
      } finally {
        c.dispose?.();
      }
      if (outputs.wasm && outputs.reference) row.maxRelDiff = relDiff(outputs.wasm, outputs.reference);
      await onCell(rows);
    }
  }
  if (sink === 42.4242) console.log(sink); // keeps the results alive
  return rows;
}
