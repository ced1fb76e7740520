/**
 * The trainer's buffers, allocated once per run: the training rows and the minibatch, the labels,
 * W, b, dW and db. With kernels that can alloc() (the WASM kernels) they live in WASM memory, so each
 * step's linearSoftmaxLoss call passes pointers and copies nothing; with `reference` they are plain
 * typed arrays.
 *
 * The training rows are copied once into the same array as the minibatch (`stage`: nTrain rows, then
 * B rows of minibatch), so gathering a shuffled batch is a `copyWithin` per row: a memmove, no
 * allocation. WASM views detach when memory grows; `views()` re-derives them (a buffer identity
 * check when nothing grew), so callers take fresh views before each use instead of keeping any.
 */
import type { FloatArray, LinearSoftmaxOptions, Matrix, SoftmaxKernels, WasmKernels, WasmMatrix } from '../types.js';
import { newArray } from '../alloc.js';
import type { DType } from '../validate.js';
import { FN } from './options.js';

/** The current views of the workspace (valid until the next kernel call). */
export interface WorkspaceViews<A extends FloatArray> {
  /** nTrain + B rows of D: the training rows (in the order of the training index), then the minibatch. */
  stage: A;
  /** The full minibatch (B×D, the last B rows of `stage`) and the smaller last one (rem×D), or null. */
  Xb: Matrix<A>;
  Xtail: Matrix<A> | null;
  yb: Int32Array;
  ytail: Int32Array | null;
  W: Matrix<A>;
  b: A;
  dW: Matrix<A>;
  db: A;
  /** The options object passed to every linearSoftmaxLoss call (bias b, out dW and db). */
  lossOptions: LinearSoftmaxOptions<A> & { out: { dW: Matrix<A>; db: A } };
}

export interface Workspace<A extends FloatArray> {
  /** The current views; re-derived only when WASM memory grew since the last call. */
  views(): WorkspaceViews<A>;
  free(): void;
}

function hasAlloc(k: SoftmaxKernels): k is WasmKernels {
  return typeof (k as Partial<WasmKernels>).alloc === 'function';
}

/** The workspace for nTrain training rows of D features, minibatches of B, C classes and L2 strength `reg`. */
export function createWorkspace<A extends FloatArray>(k: SoftmaxKernels, dt: DType, nTrain: number, B: number, D: number, C: number, reg: number): Workspace<A> {
  const rem = nTrain % B;
  const v = {
    lossOptions: { reg, bias: null as unknown as A, out: { dW: null as unknown as Matrix<A>, db: null as unknown as A } },
  } as WorkspaceViews<A>;
  /** Points every view at the given arrays. */
  const wire = (stage: A, y: Int32Array, w: A, dw: A, b: A, db: A): void => {
    const xb = stage.subarray(nTrain * D, (nTrain + B) * D) as A;
    v.stage = stage;
    v.Xb = { data: xb, rows: B, cols: D };
    v.Xtail = rem ? { data: xb.subarray(0, rem * D) as A, rows: rem, cols: D } : null;
    v.yb = y;
    v.ytail = rem ? y.subarray(0, rem) : null;
    v.W = { data: w, rows: D, cols: C };
    v.dW = { data: dw, rows: D, cols: C };
    v.b = b;
    v.db = db;
    v.lossOptions.bias = b;
    v.lossOptions.out.dW = v.dW;
    v.lossOptions.out.db = db;
  };
  if (!hasAlloc(k)) {
    wire(newArray<A>(FN, dt, (nTrain + B) * D), new Int32Array(B), newArray<A>(FN, dt, D * C), newArray<A>(FN, dt, D * C),
      newArray<A>(FN, dt, C), newArray<A>(FN, dt, C));
    return { views: () => v, free: () => {} };
  }
  const blocks: WasmMatrix<FloatArray | Int32Array>[] = [];
  const alloc = <M extends WasmMatrix<FloatArray | Int32Array>>(make: () => M): M => {
    const m = make();
    blocks.push(m);
    return m;
  };
  const free = (): void => { for (const m of blocks) m.free(); };
  let mStage: WasmMatrix<A>, mY: WasmMatrix<Int32Array>, mW: WasmMatrix<A>, mB: WasmMatrix<A>, mdW: WasmMatrix<A>, mdb: WasmMatrix<A>;
  const allocFloat = (rows: number, cols: number): WasmMatrix<A> => alloc(() => k.alloc(dt, rows, cols) as unknown as WasmMatrix<A>);
  try {
    mStage = allocFloat(nTrain + B, D); mW = allocFloat(D, C); mdW = allocFloat(D, C); mB = allocFloat(1, C); mdb = allocFloat(1, C);
    mY = alloc(() => k.alloc('i32', 1, B));
  } catch (e) {
    free();
    throw e;
  }
  let buffer: ArrayBufferLike | null = null;
  return {
    views() {
      const w = mW.data;
      if (w.buffer !== buffer) {
        buffer = w.buffer;
        wire(mStage.data, mY.data, w, mdW.data, mB.data, mdb.data);
      }
      return v;
    },
    free,
  };
}

/** Copies rows idx[0 … count) of src (row length D) into dst, densely (setup only, not the hot loop). */
export function gatherRows(src: FloatArray, D: number, idx: Int32Array, count: number, dst: FloatArray): void {
  for (let r = 0; r < count; r++) dst.set(src.subarray(idx[r] * D, (idx[r] + 1) * D), r * D);
}
