/**
 * The WASM engine: the Backend (src/backend.ts) that runs each public op on the raw kernels of
 * src/wasm/abi.ts. Each method is one declarative marshalling plan (a `Call`, src/wasm/marshal.ts):
 * which arrays go in, which come out, how much workspace the kernel needs, then the raw call with
 * the slots' pointers. Arguments arrive validated and normalized (src/api.ts), outputs allocated.
 */
import { REDUCTION_MEAN, type AxisArgs, type Backend, type CrossEntropyArgs, type LinearSoftmaxArgs, type NllLossArgs, type SampleArgs } from '../backend.js';
import type { FloatArray, Matrix } from '../types.js';
import { dtypeOf } from '../validate.js';
import type { SoftmaxWasmExports } from './abi.js';
import { Arena } from './arena.js';
import { Call, ptr, type CallTarget } from './marshal.js';
import type { MatrixHome } from './wasm_matrix.js';

/** The engine of one instance; it is also the home of that instance's alloc() matrices. */
export class WasmEngine implements Backend, CallTarget, MatrixHome {
  readonly arena: Arena;
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

  argmax<A extends FloatArray>(x: Matrix<A>, out: Int32Array, selectLast = false): void {
    const call = new Call(this, 'argmax');
    const sx = call.in(x.data), so = call.out(out);
    const k = this.exports[`${selectLast ? 'argmax_last' : 'argmax'}${this.suffix(x.data)}`];
    call.run(() => k(sx.ptr, x.rows, x.cols, so.ptr));
  }

  topK<A extends FloatArray>(x: Matrix<A>, kk: number, values: Matrix<A>, indices: Int32Array, largest = true): void {
    const call = new Call(this, 'topK');
    const sx = call.in(x.data), sv = call.out(values.data), si = call.out(indices);
    const work = call.workspace(this.exports.topk_scratch_bytes(x.cols));
    const k = this.exports[`${largest ? 'topk' : 'topk_smallest'}${this.suffix(x.data)}`];
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

  // ---- the tensor round (docs/tensors.md) ----

  nllLoss<A extends FloatArray>(a: NllLossArgs<A>): number {
    const call = new Call(this, 'nllLoss');
    const sx = call.in(a.x), slab = call.in(a.labels), sw = call.opt(a.weights);
    const sloss = call.opt(a.losses, false), sg = call.opt(a.grad, false);
    const k = this.exports[`nll_loss${this.suffix(a.x)}`];
    return call.run(() => k(sx.ptr, a.outer, a.classes, a.inner, slab.ptr, ptr(sw), a.ignoreIndex, a.reduction, ptr(sloss), ptr(sg)));
  }

  softmaxAxis<A extends FloatArray>(a: AxisArgs<A>): void {
    const call = new Call(this, a.log ? 'logSoftmax' : 'softmax');
    const sx = call.in(a.x), so = call.out(a.out);
    const k = this.exports[`${a.log ? 'log_softmax_axis' : 'softmax_axis'}${this.suffix(a.x)}`];
    call.run(() => k(sx.ptr, so.ptr, a.outer, a.size, a.inner, a.invT, a.inner));
  }

  crossEntropyAxis<A extends FloatArray>(a: CrossEntropyArgs<A>, inner: number): number {
    const { rows: outer, cols: C } = a.logits;
    const n = outer * inner;
    // the 'mean' denominator, in position order (as assembly/cross_entropy.ts ce_denominator)
    let D = 1;
    if (a.reduction === REDUCTION_MEAN) {
      if (a.labels) {
        D = 0;
        for (let t = 0; t < n; t++) { const y = a.labels[t]; if (y !== a.ignoreIndex) D += a.weights ? a.weights[y] : 1; }
      } else D = n;
      if (D === 0) { a.grad?.data.fill(0); return NaN; } // nothing to average: loss NaN, gradient 0
    }
    const call = new Call(this, 'softmaxCrossEntropy');
    const sl = call.in(a.logits.data);
    const slab = call.opt(a.labels), stg = call.opt(a.targets?.data ?? null), sw = call.opt(a.weights);
    const sloss = call.opt(a.losses, false), sg = call.opt(a.grad?.data ?? null, false);
    const l64 = call.workspace(n * 8);
    const k = this.exports[`cross_entropy_axis${this.suffix(a.logits.data)}`];
    const total = call.run(() => k(sl.ptr, outer, C, inner, inner, ptr(slab), ptr(stg), ptr(sw), a.ignoreIndex,
      a.smoothing, 1 / D, ptr(sloss), ptr(sg), l64.ptr));
    return a.reduction === REDUCTION_MEAN ? total / D : total;
  }
}
