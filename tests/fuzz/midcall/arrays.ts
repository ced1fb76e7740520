/**
 * The arrays of one mid-call plan: seeded values for the plan's function, each in the storage the
 * plan gives it (plain, shared, resizable or WASM memory), and the alias of an output through a
 * structured clone of another array's SharedArrayBuffer.
 */
import { Rng, resizable, type DT } from '../../support/index.js';
import type { WasmKernels } from '../../../src/index.js';
import type { Arr, MidcallContext, Plan } from './plan.js';

/** The arrays of the call by argument name, and all of them in creation order. */
export function makeArrays(plan: Plan, kw: WasmKernels): { args: Record<string, Arr>; arrays: Arr[] } {
  const { fn, dt, rows: n, cols: c, inner: d } = plan;
  const lg = plan.logits;
  const r = new Rng(plan.seed);
  const arrays: Arr[] = [];
  let storageIx = 0;

  function mk(name: string, role: 'in' | 'out', len: number, kind: DT | 'i32', fill: (i: number) => number): Arr {
    let storage = plan.storage[storageIx++ % plan.storage.length];
    if (plan.engine === 'reference' && storage === 'alloc') storage = 'plain';
    const K = kind === 'i32' ? Int32Array : kind === 'f32' ? Float32Array : Float64Array;
    const a: Arr = { name, role, dt: kind, n: len, storage, view: () => new K(0) };
    if (storage === 'alloc' && kind === 'i32') {
      // labels / argmax's out in WASM memory: an alloc('i32') block (its data on the current buffer when read)
      const m = kw.alloc('i32', 1, len);
      a.alloc = m;
      a.view = () => m.data;
    } else if (storage === 'alloc') {
      const m = kw.alloc(kind as DT, 1, len);
      a.alloc = m;
      a.view = () => m.data;
    } else {
      const bytes = len * K.BYTES_PER_ELEMENT;
      const buf = storage === 'shared' ? new SharedArrayBuffer(bytes + 16)
        : storage === 'resizable' ? resizable(bytes + 16, bytes + 64)
          : new ArrayBuffer(bytes + 16);
      a.buffer = buf;
      const v = new K(buf as ArrayBuffer, 8, len);
      a.view = () => v;
    }
    const v = a.view();
    for (let i = 0; i < len; i++) v[i] = fill(i);
    arrays.push(a);
    return a;
  }
  const gauss = () => r.gauss() * 2;
  // ---- arrays of the call
  const args: Record<string, Arr> = {};
  if (fn === 'softmax' || fn === 'logSoftmax') {
    args.x = mk('x', 'in', n * c, dt, gauss);
    args.out = mk('out', 'out', n * c, dt, () => 7);
  } else if (fn === 'softmaxBackward') {
    const ys = new Float64Array(n * c).map(() => Math.exp(r.gauss()));
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < c; j++) s += ys[i * c + j]; for (let j = 0; j < c; j++) ys[i * c + j] /= s; }
    args.y = mk('y', 'in', n * c, dt, (i) => ys[i]);
    args.dy = mk('dy', 'in', n * c, dt, gauss);
    args.out = mk('out', 'out', n * c, dt, () => 7);
  } else if (fn === 'softmaxCrossEntropy') {
    args.logits = mk('logits', 'in', n * c, dt, gauss);
    if (plan.targets) args.labels = mk('labels', 'in', n * c, dt, () => r.next());
    else args.labels = mk('labels', 'in', n, 'i32', () => Math.floor(r.next() * c));
    if (plan.opts.weights) args.weights = mk('options.weights', 'in', c, dt, () => 0.5 + r.next());
    args.gradOut = mk('options.gradOut', 'out', n * c, dt, () => 7);
  } else if (fn === 'linearSoftmaxLoss') {
    args.X = mk('X', 'in', n * d, dt, gauss);
    args.labels = mk('labels', 'in', n, 'i32', () => Math.floor(r.next() * c));
    args.W = mk('W', 'in', d * c, dt, () => r.gauss() * 0.5);
    if (plan.opts.bias) args.bias = mk('options.bias', 'in', c, dt, gauss);
    args.dW = mk('options.out.dW', 'out', d * c, dt, () => 7);
    args.db = mk('options.out.db', 'out', c, dt, () => 7);
    if (plan.opts.dX) args.dX = mk('options.out.dX', 'out', n * d, dt, () => 7);
  } else if (fn === 'linearScores') {
    args.X = mk('X', 'in', n * d, dt, gauss);
    args.W = mk('W', 'in', d * c, dt, () => r.gauss() * 0.5);
    if (plan.opts.bias) args.bias = mk('options.bias', 'in', c, dt, gauss);
    if (lg.out) args.out = mk('options.out', 'out', n * c, dt, () => 7);
  } else if (fn === 'logSumExp' || fn === 'argmax' || fn === 'topK' || fn === 'sample') {
    args.x = mk(fn === 'sample' ? 'logits' : 'x', 'in', n * c, dt, gauss);
    if (fn === 'logSumExp' && lg.out) args.out = mk('out', 'out', n, dt, () => 7);
    if (fn === 'argmax' && lg.out) args.out = mk('out', 'out', n, 'i32', () => 7);
    if (fn === 'sample' && lg.source === 'uniforms') args.uniforms = mk('options.uniforms', 'in', n, dt, () => Math.min(r.next(), 0.999));
  } else {
    // logSoftmaxBackward: y = log-probabilities
    const ys = new Float64Array(n * c).map(() => r.gauss());
    for (let i = 0; i < n; i++) {
      let m = -Infinity; for (let j = 0; j < c; j++) m = Math.max(m, ys[i * c + j]);
      let s = 0; for (let j = 0; j < c; j++) s += Math.exp(ys[i * c + j] - m);
      for (let j = 0; j < c; j++) ys[i * c + j] -= m + Math.log(s);
    }
    args.y = mk('y', 'in', n * c, dt, (i) => ys[i]);
    args.dy = mk('dy', 'in', n * c, dt, gauss);
    if (lg.out) args.out = mk('out', 'out', n * c, dt, () => 7);
  }
  return { args, arrays };
}

/** Makes one output (by plan.alias) a view of a clone of another array's SAB; true when two outputs then overlap. */
export function aliasOutput(ctx: MidcallContext, plan: Plan, arrays: Arr[]): boolean {
  let outOutAlias = false;
  const outs = arrays.filter((a) => a.role === 'out');
  if (plan.alias && outs.length > 0) {
    const o = outs[plan.alias[0] % outs.length];
    const other = arrays[plan.alias[1] % arrays.length];
    if (o !== other && other.storage === 'shared' && other.dt === o.dt) {
      const K = o.dt === 'f32' ? Float32Array : Float64Array;
      const shift = plan.alias[2];
      const clone = structuredClone(other.buffer as SharedArrayBuffer) as unknown as ArrayBuffer;
      const byteStart = 8 + shift * K.BYTES_PER_ELEMENT;
      if (byteStart + o.n * K.BYTES_PER_ELEMENT <= clone.byteLength) {
        const v = new K(clone, byteStart, o.n);
        v.fill(7);
        o.storage = 'shared'; o.buffer = clone; o.alloc?.free(); o.alloc = undefined;
        o.view = () => v;
        const otherEnd = 8 + other.n * (other.dt === 'f64' ? 8 : 4);
        const overlaps = o.n > 0 && other.n > 0 && byteStart < otherEnd;
        if (other.role === 'out' && overlaps) { outOutAlias = true; ctx.stats.aliasOut++; } else if (overlaps) ctx.stats.aliasIn++;
      }
    }
  }
  return outOutAlias;
}
