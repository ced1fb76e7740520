/**
 * The WASM engine: a Backend that marshals validated arguments into linear memory and calls the
 * raw kernels (src/wasm/abi.ts), plus loadWasm(), which builds the public WasmKernels around it.
 *
 * Per call: arrays that already live in this instance's memory (alloc() matrices or views of them)
 * are passed by pointer; every other array is copied into the arena's scratch block (an output that
 * is the very same array as an input shares that input's staging slot), the kernel runs, and staged
 * outputs are copied back into the caller's arrays. The scratch block is reused across calls.
 */
import { createKernels } from '../api.js';
import type { Backend, CrossEntropyArgs, LinearSoftmaxArgs, SampleArgs } from '../backend.js';
import { SoftmaxInputError } from '../errors.js';
import type { FloatArray, LoadWasmOptions, Matrix, WasmKernels, WasmMatrix } from '../types.js';
import { checkSize, describe, dtypeOf, fail, typedArrayCtor } from '../validate.js';
import type { SoftmaxWasmExports } from './abi.js';
import { Arena, MAX_MEMORY_BYTES, fmtBytes } from './arena.js';
import { checkLoadOptions, chooseBuild, instantiateKernels } from './loader.js';
import { describeBuild } from './select_build.js';
import { loadThreaded } from './threaded.js';

type NumArray = Float32Array | Float64Array | Int32Array;
interface Slot { arr: NumArray; ptr: number; offset: number; staged: boolean; copyIn: boolean; copyOut: boolean }

/** One call's marshalling plan: arrays in, arrays out, kernel workspace; then run; then copy out. */
class Call {
  private readonly slots: Slot[] = [];
  private bytes = 0;

  constructor(private readonly engine: WasmEngine, private readonly fn: string) {}

  private slot(arr: NumArray, input: boolean): Slot {
    const same = this.slots.find((s) => s.arr.buffer === arr.buffer && s.arr.byteOffset === arr.byteOffset && s.arr.byteLength === arr.byteLength);
    if (same) { // an output that is exactly an input (validated as allowed): share its slot
      if (input) same.copyIn = true; else same.copyOut = true;
      return same;
    }
    const memory = this.engine.memory;
    let s: Slot;
    if (arr.buffer === memory.buffer && arr.byteLength > 0) {
      if (!this.engine.arena.owns(arr.byteOffset, arr.byteLength)) {
        fail(this.fn, 'an argument', `is a view of WASM memory outside any live alloc() block (${describe(arr)} at byte ${arr.byteOffset}); was its matrix freed?`);
      }
      s = { arr, ptr: arr.byteOffset, offset: 0, staged: false, copyIn: false, copyOut: false };
    } else {
      s = { arr, ptr: 0, offset: this.bytes, staged: true, copyIn: input, copyOut: !input };
      this.bytes += Math.ceil(arr.byteLength / 16) * 16;
    }
    this.slots.push(s);
    return s;
  }

  in(arr: NumArray): Slot { return this.slot(arr, true); }
  out(arr: NumArray): Slot { return this.slot(arr, false); }
  opt(arr: NumArray | null, input = true): Slot | null { return arr ? this.slot(arr, input) : null; }

  /** Reserves `bytes` of kernel workspace; returns a slot whose ptr is set by run(). */
  workspace(bytes: number): Slot {
    const s: Slot = { arr: new Int32Array(0), ptr: 0, offset: this.bytes, staged: true, copyIn: false, copyOut: false };
    this.bytes += Math.ceil(bytes / 16) * 16;
    this.slots.push(s);
    return s;
  }

  /** Stages inputs, runs `kernel` (which reads slot pointers), copies outputs back. */
  run<T>(kernel: () => T): T {
    if (this.bytes > MAX_MEMORY_BYTES) {
      throw new SoftmaxInputError(`${this.fn}: this problem needs ${fmtBytes(this.bytes)} of WASM memory, more than the 4 GiB WebAssembly address space can hold`, 'size');
    }
    const base = this.engine.arena.scratch(this.bytes, this.fn);
    const buffer = this.engine.memory.buffer; // after any growth
    for (const s of this.slots) {
      if (!s.staged) continue;
      s.ptr = base + s.offset;
      // Nothing to copy for an empty array, which may be a view that this call's growth detached.
      if (s.copyIn && s.arr.length > 0) new (typedArrayCtor(s.arr))(buffer, s.ptr, s.arr.length).set(s.arr as never);
    }
    const result = kernel();
    const after = this.engine.memory.buffer;
    for (const s of this.slots) {
      if (s.staged && s.copyOut && s.arr.length > 0) s.arr.set(new (typedArrayCtor(s.arr))(after, s.ptr, s.arr.length) as never);
    }
    return result;
  }
}

const ptr = (s: Slot | null): number => (s ? s.ptr : 0);

class WasmEngine implements Backend {
  readonly arena: Arena;
  /** Drops the cached views of the live alloc() matrices; run by dispose(). */
  readonly dropViews = new Set<() => void>();
  constructor(readonly exports: SoftmaxWasmExports) {
    this.arena = new Arena(exports.memory, exports.heap_base());
  }

  get memory(): WebAssembly.Memory { return this.exports.memory; }

  private suffix(a: FloatArray): '_f32' | '_f64' { return dtypeOf(a) === 'f64' ? '_f64' : '_f32'; }

  private rowwise(fn: string, kernel: 'softmax' | 'log_softmax', x: Matrix<FloatArray>, out: Matrix<FloatArray>): void {
    const call = new Call(this, fn);
    const sx = call.in(x.data);
    const so = call.out(out.data);
    const k = this.exports[`${kernel}${this.suffix(x.data)}`];
    call.run(() => k(sx.ptr, so.ptr, x.rows, x.cols));
  }

  softmax<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>): void { this.rowwise('softmax', 'softmax', x, out); }
  logSoftmax<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>): void { this.rowwise('logSoftmax', 'log_softmax', x, out); }

  softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out: Matrix<A>): void {
    const call = new Call(this, 'softmaxBackward');
    const sy = call.in(y.data), sdy = call.in(dy.data), so = call.out(out.data);
    const k = this.exports[`softmax_backward${this.suffix(y.data)}`];
    call.run(() => k(sy.ptr, sdy.ptr, so.ptr, y.rows, y.cols));
  }

  softmaxJacobian<A extends FloatArray>(y: A, out: Matrix<A>): void {
    const call = new Call(this, 'softmaxJacobian');
    const sy = call.in(y), so = call.out(out.data);
    const k = this.exports[`softmax_jacobian${this.suffix(y)}`];
    call.run(() => k(sy.ptr, so.ptr, y.length));
  }

  softmaxCrossEntropy<A extends FloatArray>(a: CrossEntropyArgs<A>): number {
    const call = new Call(this, 'softmaxCrossEntropy');
    const sl = call.in(a.logits.data);
    const slab = call.opt(a.labels), stg = call.opt(a.targets?.data ?? null), sw = call.opt(a.weights);
    const sloss = call.opt(a.losses, false), sg = call.opt(a.grad?.data ?? null, false);
    const k = this.exports[`cross_entropy${this.suffix(a.logits.data)}`];
    return call.run(() => k(sl.ptr, a.logits.rows, a.logits.cols, ptr(slab), ptr(stg), ptr(sw),
      a.ignoreIndex, a.smoothing, a.reduction, ptr(sloss), ptr(sg)));
  }

  linearSoftmaxLoss<A extends FloatArray>(a: LinearSoftmaxArgs<A>): number {
    const fn = 'linearSoftmaxLoss';
    const { rows: n, cols: d } = a.X;
    const c = a.W.cols;
    const sfx = this.suffix(a.X.data);
    const call = new Call(this, fn);
    const sX = call.in(a.X.data), slab = call.in(a.labels), sW = call.in(a.W.data), sb = call.opt(a.bias);
    const sdW = call.out(a.dW.data), sdb = call.out(a.db), sdX = call.opt(a.dX?.data ?? null, false);
    // A double, so a workspace beyond 4 GiB is reported as such (run() refuses it) rather than wrapped.
    const work = call.workspace(this.exports[`linear_softmax_scratch_bytes${sfx}`](n, d, c));
    const k = this.exports[`linear_softmax_loss${sfx}`];
    return call.run(() => k(sX.ptr, slab.ptr, sW.ptr, ptr(sb), n, d, c, a.reg, sdW.ptr, sdb.ptr, ptr(sdX), work.ptr));
  }

  linearScores<A extends FloatArray>(X: Matrix<A>, W: Matrix<A>, bias: A | null, out: Matrix<A>): void {
    const call = new Call(this, 'linearScores');
    const sX = call.in(X.data), sW = call.in(W.data), sb = call.opt(bias), so = call.out(out.data);
    const k = this.exports[`linear_scores${this.suffix(X.data)}`];
    call.run(() => k(sX.ptr, sW.ptr, ptr(sb), X.rows, X.cols, W.cols, so.ptr));
  }

  // ---- logits toolkit (assembly/logits/) ----

  softmaxTemperature<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>, invT: number): void { this.tempered('softmax', 'softmax_temperature', x, out, invT); }
  logSoftmaxTemperature<A extends FloatArray>(x: Matrix<A>, out: Matrix<A>, invT: number): void { this.tempered('logSoftmax', 'log_softmax_temperature', x, out, invT); }

  private tempered(fn: string, kernel: 'softmax_temperature' | 'log_softmax_temperature', x: Matrix<FloatArray>, out: Matrix<FloatArray>, invT: number): void {
    const call = new Call(this, fn);
    const sx = call.in(x.data), so = call.out(out.data);
    const k = this.exports[`${kernel}${this.suffix(x.data)}`];
    call.run(() => k(sx.ptr, so.ptr, x.rows, x.cols, invT));
  }

  logSumExp<A extends FloatArray>(x: Matrix<A>, out: A): void {
    const call = new Call(this, 'logSumExp');
    const sx = call.in(x.data), so = call.out(out);
    const k = this.exports[`log_sum_exp${this.suffix(x.data)}`];
    call.run(() => k(sx.ptr, x.rows, x.cols, so.ptr));
  }

  argmax<A extends FloatArray>(x: Matrix<A>, out: Int32Array): void {
    const call = new Call(this, 'argmax');
    const sx = call.in(x.data), so = call.out(out);
    const k = this.exports[`argmax${this.suffix(x.data)}`];
    call.run(() => k(sx.ptr, x.rows, x.cols, so.ptr));
  }

  topK<A extends FloatArray>(x: Matrix<A>, kk: number, values: Matrix<A>, indices: Int32Array): void {
    const call = new Call(this, 'topK');
    const sx = call.in(x.data), sv = call.out(values.data), si = call.out(indices);
    const work = call.workspace(this.exports.topk_scratch_bytes(x.cols));
    const k = this.exports[`topk${this.suffix(x.data)}`];
    call.run(() => k(sx.ptr, x.rows, x.cols, kk, sv.ptr, si.ptr, work.ptr));
  }

  sample<A extends FloatArray>(a: SampleArgs<A>): void {
    const x = a.logits;
    const sfx = this.suffix(x.data);
    const call = new Call(this, 'sample');
    const sx = call.in(x.data), su = call.in(a.uniforms), so = call.out(a.indices);
    const slp = call.opt(a.logProbs, false), sflp = call.opt(a.filteredLogProbs, false);
    const work = call.workspace(this.exports[`sample_scratch_bytes${sfx}`](x.cols));
    const k = this.exports[`sample${sfx}`];
    call.run(() => k(sx.ptr, x.rows, x.cols, a.temperature, a.topK, a.topP, a.logMinP, su.ptr, so.ptr,
      ptr(slp), ptr(sflp), work.ptr, 0));
  }

  logSoftmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out: Matrix<A>): void {
    const call = new Call(this, 'logSoftmaxBackward');
    const sy = call.in(y.data), sdy = call.in(dy.data), so = call.out(out.data);
    const k = this.exports[`log_softmax_backward${this.suffix(y.data)}`];
    call.run(() => k(sy.ptr, sdy.ptr, so.ptr, y.rows, y.cols));
  }

  /**
   * A zero-filled matrix in linear memory whose `data` view is re-derived after memory growth. The
   * matrix reaches the memory only through `current()` (the instance's live engine, null once
   * disposed), so a matrix kept after dispose() does not keep the linear memory alive.
   */
  alloc(dtype: unknown, rows: unknown, cols: unknown, current: () => WasmEngine | null): WasmMatrix {
    if (dtype !== 'f32' && dtype !== 'f64' && dtype !== 'i32') fail('alloc', 'dtype', `must be 'f32', 'f64' or 'i32', got ${describe(dtype)}`);
    const r = checkSize('alloc', 'rows', rows), c = checkSize('alloc', 'cols', cols);
    const C = dtype === 'f32' ? Float32Array : dtype === 'f64' ? Float64Array : Int32Array;
    const n = r * c;
    if (n * C.BYTES_PER_ELEMENT > MAX_MEMORY_BYTES) {
      fail('alloc', 'rows', `× cols = ${r}×${c} ${dtype} needs ${fmtBytes(n * C.BYTES_PER_ELEMENT)}, more than the 4 GiB WebAssembly address space`);
    }
    const p = this.arena.alloc(n * C.BYTES_PER_ELEMENT, 'alloc');
    new Uint8Array(this.memory.buffer, p, n * C.BYTES_PER_ELEMENT).fill(0);
    let view: Float32Array | Float64Array | Int32Array | null = null;
    let freed = false;
    const drop = (): void => { view = null; };
    this.dropViews.add(drop);
    return {
      rows: r, cols: c,
      get data() {
        const engine = current();
        if (freed || engine === null) {
          view = null;
          throw new SoftmaxInputError(`alloc: this ${r}×${c} ${dtype} matrix was ${freed ? 'freed' : 'disposed with its instance'}; its data is gone`, 'data');
        }
        const buffer = engine.memory.buffer;
        if (view === null || view.buffer !== buffer) view = new C(buffer, p, n);
        return view;
      },
      free() {
        const engine = current();
        view = null;
        if (freed || engine === null) { freed = true; return; }
        freed = true;
        engine.dropViews.delete(drop);
        engine.arena.free(p);
      },
    } as WasmMatrix;
  }
}

/**
 * Compiles and instantiates the WASM SIMD kernels. Each call makes an independent instance with its
 * own memory (no global state); instances are cheap to keep and should be reused.
 * @param options `{ wasm }`: the module's bytes, URL or Response, when the app hosts the file itself;
 *   `{ simd }`: 'auto' (default: the relaxed-SIMD build where the engine supports it, else the
 *   baseline), 'baseline' or 'relaxed' (throws where unsupported).
 * @returns the kernels, with alloc() / dispose() / memoryBytes() and `build` ('baseline' | 'relaxed').
 * @example
 * const k = await loadWasm();
 * k.softmax(matrix(new Float32Array([1, 2, 3]), 1, 3)).data; // ≈ [0.0900306, 0.2447285, 0.6652410]
 */
export async function loadWasm(options?: LoadWasmOptions): Promise<WasmKernels> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new SoftmaxInputError(`loadWasm: options must be an object or undefined, got ${describe(options)}`, 'options');
  }
  const opts = checkLoadOptions(options); // every option checked before anything starts
  const mt = await loadThreaded(opts); // options.threads (threaded.ts); exports null: one thread
  const exports = mt.exports ?? await instantiateKernels(opts);
  const build: WasmKernels['build'] = exports.simd_build?.() === 1 ? 'relaxed' : 'baseline';
  let engine: WasmEngine | null = new WasmEngine(exports);
  mt.attach(engine.arena);
  const current = (): WasmEngine | null => engine;
  const guard = (fn: string): void => {
    if (!engine) throw new SoftmaxInputError(`${fn}: this WasmKernels instance was disposed; call loadWasm() again`, 'this');
  };
  // Route through the current engine so dispose() can drop it.
  const backend: Backend = {
    softmax: (x, out) => engine!.softmax(x, out),
    logSoftmax: (x, out) => engine!.logSoftmax(x, out),
    softmaxBackward: (y, dy, out) => engine!.softmaxBackward(y, dy, out),
    softmaxJacobian: (y, out) => engine!.softmaxJacobian(y, out),
    softmaxCrossEntropy: (a) => engine!.softmaxCrossEntropy(a),
    linearSoftmaxLoss: (a) => engine!.linearSoftmaxLoss(a),
    linearScores: (X, W, bias, out) => engine!.linearScores(X, W, bias, out),
    softmaxTemperature: (x, out, invT) => engine!.softmaxTemperature(x, out, invT),
    logSoftmaxTemperature: (x, out, invT) => engine!.logSoftmaxTemperature(x, out, invT),
    logSumExp: (x, out) => engine!.logSumExp(x, out),
    argmax: (x, out) => engine!.argmax(x, out),
    topK: (x, k, values, indices) => engine!.topK(x, k, values, indices),
    sample: (a) => engine!.sample(a),
    logSoftmaxBackward: (y, dy, out) => engine!.logSoftmaxBackward(y, dy, out),
    // Every array outside the memory is copied into the scratch block before the kernel runs.
    stagesInputs: true,
    ownMemory: {
      isMemory: (b) => engine?.arena.isMemoryBuffer(b) ?? false,
      buffer: () => engine!.memory.buffer,
      blockId: (p, n) => engine!.arena.blockId(p, n),
    },
  };
  const api = createKernels(backend, guard);
  const kernels: WasmKernels = {
    ...api,
    alloc: ((dtype: 'f32' | 'f64' | 'i32', rows: number, cols: number) => {
      guard('alloc');
      return engine!.alloc(dtype, rows, cols, current);
    }) as WasmKernels['alloc'],
    dispose() {
      engine?.dropViews.forEach((drop) => drop());
      engine = null;
      mt.dispose();
    },
    memoryBytes() {
      guard('memoryBytes');
      return engine!.memory.buffer.byteLength;
    },
    build,
    buildReason: describeBuild(opts.wasm !== undefined, opts.simd, () => chooseBuild(opts.simd), build),
  } as WasmKernels;
  return mt.decorate(kernels);
}
