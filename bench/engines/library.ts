/**
 * The columns of softmax-wasm itself (reference, wasm, wasm-zc, wasm-relaxed-zc and the threaded
 * ones, in Node and in the browser page): every op of the registry (bench/ops.ts) called through
 * the `SoftmaxKernels` interface. Two ways to call, as a user would:
 * - plain: inputs are ordinary typed arrays, results come back in new arrays (the plain API);
 * - zero-copy: inputs and outputs are `alloc()` matrices filled before timing, the outputs passed
 *   as `out` / `gradOut` / `out: { dW, db, dX }`, the labels an alloc('i32') block whose `data` is
 *   re-derived per call (memory may grow); nothing is copied or allocated per call.
 * The exp kernel is not public: the WASM columns time the raw export `exp_f32` / `exp_f64` of a
 * module of the same build on its own memory (zero-copy); the reference column Math.exp in float64.
 * No Node imports: the browser page builds its columns with it too.
 */
import type { Matrix, SoftmaxKernels, WasmKernels } from '../../src/types.js';
import type { SoftmaxWasmExports } from '../../src/wasm/abi.js';
import { RawArena } from '../../tests/support/arena.js';
import type { Case, InProcessEngine } from '../harness.js';
import { expInto } from '../plain-js.js';
import { OPS, buildArgs, type Allocate, type ExpKernel, type Float } from '../ops.js';
import type { Workload } from '../workloads.js';

/** Ordinary typed arrays. */
export const plainAllocate: Allocate = (dtype, rows, cols) => {
  const n = rows * cols;
  const data = dtype === 'f32' ? new Float32Array(n) : dtype === 'f64' ? new Float64Array(n) : new Int32Array(n);
  return { data, rows, cols } as Matrix<Float> | Matrix<Int32Array>;
};

/** exp in float64 (Math.exp), results in new arrays of the input's type: the reference column's exp. */
export const mathExp: ExpKernel = {
  exp(x, out) {
    const o = out ?? (plainAllocate(x.data instanceof Float32Array ? 'f32' : 'f64', x.rows, x.cols) as Matrix<Float>);
    expInto(x.data, o.data);
    return o;
  },
};

/** The raw exp export of `ex`, on matrices that live in its memory (from {@link rawAllocator}). */
export function rawExp(ex: SoftmaxWasmExports): ExpKernel {
  return {
    exp(x, out) {
      if (!out || x.data.buffer !== ex.memory.buffer || out.data.buffer !== ex.memory.buffer) {
        throw new Error('the raw exp kernel runs on matrices in its own memory (rawAllocator)');
      }
      const f = x.data instanceof Float32Array ? ex.exp_f32 : ex.exp_f64;
      f(x.data.byteOffset, out.data.byteOffset, x.data.length);
      return out;
    },
  };
}

/** Matrices bump-allocated in `ex`'s memory from its heap base (the tests' RawArena), 16-byte aligned; `reset()` frees everything. */
export function rawAllocator(ex: SoftmaxWasmExports): Allocate & { reset(): void } {
  const arena = new RawArena(() => ex);
  arena.reset();
  const allocate: Allocate = (dtype, rows, cols) => {
    const n = rows * cols, ptr = arena.alloc(n * (dtype === 'f64' ? 8 : 4));
    const Ctor = dtype === 'f32' ? Float32Array : dtype === 'f64' ? Float64Array : Int32Array;
    // a view re-derived on access: memory.grow detaches the old buffer
    return { get data() { return new Ctor(ex.memory.buffer, ptr, n); }, rows, cols } as Matrix<Float> | Matrix<Int32Array>;
  };
  return Object.assign(allocate, { reset: () => arena.reset() });
}

/** One op of workload `w` on `kernels`: arguments built once, the call timed; `zeroCopy` passes preallocated outputs. */
export function opCase(kernels: unknown, w: Workload, allocate: Allocate, zeroCopy: boolean, dispose?: () => void): Case {
  const def = OPS[w.op];
  const { args, outs } = buildArgs(w, w.data(), allocate, zeroCopy);
  let r: unknown;
  return { run: () => def.sink(r = def.call(kernels, args, outs, w)), check: () => def.check(r), dispose };
}

/** alloc() blocks of `k`, all freed by `free()`. */
export function wasmAllocator(k: WasmKernels): Allocate & { free(): void } {
  const blocks: Array<{ free(): void }> = [];
  const allocate: Allocate = (dtype, rows, cols) => {
    const m = k.alloc(dtype as 'f32', rows, cols);
    blocks.push(m);
    return m;
  };
  return Object.assign(allocate, { free: () => { for (const b of blocks.splice(0)) b.free(); } });
}

/** What a library column loads once. */
export interface Loaded {
  kernels: SoftmaxKernels;
  /** Zero-copy: the instance's alloc(); absent for the plain API. */
  alloc?: WasmKernels;
  /** The exp kernel and where its matrices live, or why this column has none. */
  exp: { kernel: ExpKernel; allocate?: Allocate & { reset(): void } } | string;
  info?: string;
  dispose?(): void;
}

export interface LibraryColumn {
  name: string;
  title: string;
  /** false for the reference: the baseline the report compares everyone with, not one of the timed columns of ours. */
  ours?: boolean;
  /** Loads the column's kernels; a string says why the column is unavailable (→ skipped). */
  load(): Promise<Loaded | string>;
}

/** A bench engine over one library column. */
export function libraryEngine(col: LibraryColumn): InProcessEngine {
  let l: Loaded | null = null;
  return {
    kind: 'inprocess',
    name: col.name,
    title: col.title,
    ours: col.ours ?? true,
    async init() {
      const r = await col.load();
      if (typeof r === 'string') return r;
      l = r;
    },
    info: () => l?.info,
    supports(w: Workload) {
      return OPS[w.op].api !== 'exp' || typeof l!.exp !== 'string' ? true : l!.exp;
    },
    prepare(w: Workload): Case {
      const { kernels, alloc, exp } = l!;
      if (OPS[w.op].api === 'exp') {
        const e = exp as Exclude<Loaded['exp'], string>;
        return opCase(e.kernel, w, e.allocate ?? plainAllocate, !!e.allocate, () => e.allocate?.reset());
      }
      if (!alloc) return opCase(kernels, w, plainAllocate, false);
      const a = wasmAllocator(alloc);
      return opCase(kernels, w, a, true, a.free);
    },
    close() {
      l?.dispose?.();
      l = null;
    },
  };
}
