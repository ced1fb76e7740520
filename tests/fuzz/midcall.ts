/**
 * Fuzz property for user code that runs in the middle of a call (issue 15): every property of every
 * argument (matrix data/rows/cols, options, nested gradOut / out) may be a getter, and 0–3 of them
 * run an action when read: change a label (to another class or out of range), write an input value,
 * detach or shrink a buffer, grow WASM memory (alloc), free an alloc() matrix, dispose the instance,
 * throw; an argument may be a revoked Proxy; arrays live in plain, shared, resizable or WASM memory,
 * and outputs may be views of a structured clone of an input's or another output's SharedArrayBuffer
 * (the same memory through a distinct object).
 *
 * Functions: softmax and logSoftmax (also with a third argument { temperature }), softmaxBackward,
 * softmaxCrossEntropy, linearSoftmaxLoss, linearScores (options bias, out), logSumExp and argmax
 * (optional out), topK (k = cols + 1 is a bad input), sample (temperature, topK, topP, minP, logProbs,
 * and seed, rng, a Proxy around an Rng whose traps are hook slots (a bad input), uniforms, or the
 * instance's own generator; a uniform written out of [0, 1) by an action is a bad input) and
 * logSoftmaxBackward (optional out).
 *
 * The oracle: the call throws SoftmaxInputError exactly when an action made the call invalid (a bad
 * label, a detached/shrunk/freed array, dispose, a throwing getter, a revoked Proxy) or two outputs
 * share memory; otherwise it returns the float64 reference's answer on the input values as they were
 * after the last getter ran (values are read at seal time); indices (argmax, topK) exactly. For
 * sample the oracle is the same engine on clean copies (a WASM instance no action touches, or the
 * reference) with the same options and randomness, indices and log-probabilities exactly equal (the
 * f64 reference may pick the neighbouring token at a rounding tie of the running sum); with the
 * instance's own generator, whose draws cannot be replayed, each index must be a token and its
 * log-probability the reference's log softmax(x / T) there. No other exception (TypeError, a WASM
 * trap) may escape, and a failed call leaves every output that is still readable unchanged.
 */
import fc from 'fast-check';
import {
  SoftmaxInputError, loadWasm, reference, type FloatArray, type Matrix, type SoftmaxKernels, type WasmKernels, type WasmMatrix,
} from '../../src/index.js';
import { Rng } from '../../src/train/rng.js';
import { gaussian, rng } from '../helpers.js';

type DT = 'f32' | 'f64';
const TOL: Record<DT, number> = { f32: 2e-5, f64: 1e-10 };
type Fn = 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'softmaxCrossEntropy' | 'linearSoftmaxLoss'
  | 'linearScores' | 'logSumExp' | 'argmax' | 'topK' | 'sample' | 'logSoftmaxBackward';
const FNS: readonly Fn[] = ['softmax', 'logSoftmax', 'softmaxBackward', 'softmaxCrossEntropy', 'linearSoftmaxLoss',
  'linearScores', 'logSumExp', 'argmax', 'topK', 'sample', 'logSoftmaxBackward'];
/** sample's source of randomness; 'rngProxy' is a Proxy around an Rng whose traps are hook slots (must be rejected). */
type Source = 'none' | 'seed' | 'rng' | 'rngProxy' | 'uniforms';
type Storage = 'plain' | 'shared' | 'resizable' | 'alloc';
type Action = 'none' | 'labelBad' | 'labelValid' | 'writeInput' | 'detach' | 'shrink' | 'grow' | 'free' | 'dispose' | 'throw';
const FATAL: ReadonlySet<Action> = new Set(['labelBad', 'detach', 'shrink', 'free', 'dispose', 'throw']);

export interface MidcallStats { runs: number; threw: number; ok: number; fired: Record<string, number>; aliasIn: number; aliasOut: number; revoked: number;
  /** Per function (softmax/logSoftmax with a temperature option as softmax+T / logSoftmax+T): [returned, threw]. */
  perFn: Record<string, [number, number]> }

export interface MidcallContext {
  wasm: WasmKernels;
  /** A second instance no action touches: the oracle of sample() on the WASM engine. */
  fresh: WasmKernels;
  stats: MidcallStats;
  onCall?: (what: string) => void;
}

export async function createMidcallContext(): Promise<MidcallContext> {
  return { wasm: await loadWasm(), stats: { runs: 0, threw: 0, ok: 0, fired: {}, aliasIn: 0, aliasOut: 0, revoked: 0, perFn: {} }, fresh: await loadWasm() };
}

export function formatMidcallStats(s: MidcallStats): string {
  return `midcall: ${s.runs} runs, ${s.ok} returned, ${s.threw} threw SoftmaxInputError; revoked Proxies ${s.revoked}, ` +
    `SAB-clone aliases input/output ${s.aliasIn}, output/output ${s.aliasOut}; actions fired: ${JSON.stringify(s.fired)}; ` +
    `per function [returned, threw]: ${JSON.stringify(s.perFn)}`;
}

const planArb = fc.record({
  fn: fc.constantFrom<Fn>(...FNS),
  engine: fc.constantFrom<'wasm' | 'reference'>('wasm', 'wasm', 'reference'),
  dt: fc.constantFrom<DT>('f32', 'f64'),
  rows: fc.integer({ min: 1, max: 9 }),
  cols: fc.integer({ min: 1, max: 19 }),
  inner: fc.integer({ min: 1, max: 7 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  storage: fc.array(fc.constantFrom<Storage>('plain', 'shared', 'shared', 'resizable', 'alloc', 'alloc'), { minLength: 8, maxLength: 8 }),
  hooks: fc.array(fc.record({
    slot: fc.nat(),
    action: fc.constantFrom<Action>('labelBad', 'labelValid', 'writeInput', 'detach', 'shrink', 'grow', 'free', 'dispose', 'throw'),
    target: fc.nat(),
  }), { maxLength: 3 }),
  /** An output made a view of a structured clone of another array's SAB: [output index, other index, element shift]. */
  alias: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 })) }),
  revoke: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  targets: fc.boolean(),
  opts: fc.record({ reduction: fc.constantFrom('mean', 'sum', 'none', undefined), smoothing: fc.boolean(), weights: fc.boolean(), reg: fc.boolean(), bias: fc.boolean(), dX: fc.boolean() }),
  /** The functions added with the logits toolkit: optional outputs, softmax's temperature, topK's k (k = cols + 1 is bad), sample's options. */
  logits: fc.record({
    out: fc.boolean(),
    temperature: fc.constantFrom<number | undefined>(undefined, undefined, 1, 0.5, 2.5),
    k: fc.nat(),
    sampleT: fc.constantFrom<number | undefined>(undefined, 0, 0.7, 1.5),
    topK: fc.constantFrom<number | undefined>(undefined, 1, 3, 50),
    topP: fc.constantFrom<number | undefined>(undefined, 0.5, 0.9, 1),
    minP: fc.constantFrom<number | undefined>(undefined, 0, 0.05, 0.5),
    source: fc.constantFrom<Source>('none', 'seed', 'rng', 'rngProxy', 'uniforms', 'uniforms'),
    logProbs: fc.boolean(),
  }),
});
type Plan = typeof planArb extends fc.Arbitrary<infer T> ? T : never;

interface Arr { name: string; role: 'in' | 'out'; dt: DT | 'i32'; n: number; storage: Storage; view: () => FloatArray | Int32Array;
  buffer?: ArrayBufferLike & { resize?: (n: number) => void }; alloc?: { free(): void } }

class FuzzFail extends Error { override name = 'MidcallViolation'; }
const fail = (m: string): never => { throw new FuzzFail(m); };

function runPlan(ctx: MidcallContext, plan: Plan, kw: WasmKernels): void {
  const { fn, dt, rows: n } = plan;
  const lg = plan.logits;
  // softmax / logSoftmax get a third argument { temperature } in some plans (a getter like any other)
  const tempered = (fn === 'softmax' || fn === 'logSoftmax') && lg.temperature !== undefined;
  const fnKey = tempered ? `${fn}+T` : fn;
  const c = fn === 'linearSoftmaxLoss' ? plan.cols : plan.cols;
  const d = plan.inner;
  const r = rng(plan.seed);
  const g = gaussian(r);
  const C = dt === 'f32' ? Float32Array : Float64Array;
  const engineK: SoftmaxKernels = plan.engine === 'wasm' ? kw : reference;
  const arrays: Arr[] = [];
  const extraAllocs: WasmMatrix[] = [];
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
        : storage === 'resizable' ? new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(bytes + 16, { maxByteLength: bytes + 64 })
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
  const gauss = () => g() * 2;

  // ---- arrays of the call
  const args: Record<string, Arr> = {};
  if (fn === 'softmax' || fn === 'logSoftmax') {
    args.x = mk('x', 'in', n * c, dt, gauss);
    args.out = mk('out', 'out', n * c, dt, () => 7);
  } else if (fn === 'softmaxBackward') {
    const ys = new Float64Array(n * c).map(() => Math.exp(g()));
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < c; j++) s += ys[i * c + j]; for (let j = 0; j < c; j++) ys[i * c + j] /= s; }
    args.y = mk('y', 'in', n * c, dt, (i) => ys[i]);
    args.dy = mk('dy', 'in', n * c, dt, gauss);
    args.out = mk('out', 'out', n * c, dt, () => 7);
  } else if (fn === 'softmaxCrossEntropy') {
    args.logits = mk('logits', 'in', n * c, dt, gauss);
    if (plan.targets) args.labels = mk('labels', 'in', n * c, dt, () => r());
    else args.labels = mk('labels', 'in', n, 'i32', () => Math.floor(r() * c));
    if (plan.opts.weights) args.weights = mk('options.weights', 'in', c, dt, () => 0.5 + r());
    args.gradOut = mk('options.gradOut', 'out', n * c, dt, () => 7);
  } else if (fn === 'linearSoftmaxLoss') {
    args.X = mk('X', 'in', n * d, dt, gauss);
    args.labels = mk('labels', 'in', n, 'i32', () => Math.floor(r() * c));
    args.W = mk('W', 'in', d * c, dt, () => g() * 0.5);
    if (plan.opts.bias) args.bias = mk('options.bias', 'in', c, dt, gauss);
    args.dW = mk('options.out.dW', 'out', d * c, dt, () => 7);
    args.db = mk('options.out.db', 'out', c, dt, () => 7);
    if (plan.opts.dX) args.dX = mk('options.out.dX', 'out', n * d, dt, () => 7);
  } else if (fn === 'linearScores') {
    args.X = mk('X', 'in', n * d, dt, gauss);
    args.W = mk('W', 'in', d * c, dt, () => g() * 0.5);
    if (plan.opts.bias) args.bias = mk('options.bias', 'in', c, dt, gauss);
    if (lg.out) args.out = mk('options.out', 'out', n * c, dt, () => 7);
  } else if (fn === 'logSumExp' || fn === 'argmax' || fn === 'topK' || fn === 'sample') {
    args.x = mk(fn === 'sample' ? 'logits' : 'x', 'in', n * c, dt, gauss);
    if (fn === 'logSumExp' && lg.out) args.out = mk('out', 'out', n, dt, () => 7);
    if (fn === 'argmax' && lg.out) args.out = mk('out', 'out', n, 'i32', () => 7);
    if (fn === 'sample' && lg.source === 'uniforms') args.uniforms = mk('options.uniforms', 'in', n, dt, () => Math.min(r(), 0.999));
  } else {
    // logSoftmaxBackward: y = log-probabilities
    const ys = new Float64Array(n * c).map(() => g());
    for (let i = 0; i < n; i++) {
      let m = -Infinity; for (let j = 0; j < c; j++) m = Math.max(m, ys[i * c + j]);
      let s = 0; for (let j = 0; j < c; j++) s += Math.exp(ys[i * c + j] - m);
      for (let j = 0; j < c; j++) ys[i * c + j] -= m + Math.log(s);
    }
    args.y = mk('y', 'in', n * c, dt, (i) => ys[i]);
    args.dy = mk('dy', 'in', n * c, dt, gauss);
    if (lg.out) args.out = mk('out', 'out', n * c, dt, () => 7);
  }

  // ---- aliases through a structured clone of a SAB
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

  // ---- the values the engine must see: captured after every action (the last capture wins)
  const capture = (): Map<Arr, Float64Array> => {
    const m = new Map<Arr, Float64Array>();
    for (const a of arrays) {
      if (a.role !== 'in') continue;
      try { m.set(a, Float64Array.from(a.view() as ArrayLike<number>)); } catch { /* gone */ }
    }
    return m;
  };
  let values = capture();
  let fatal = false;
  let growWithRefAlloc = false;
  const fired: Action[] = [];

  const act = (h: Plan['hooks'][number]): void => {
    const target = arrays[h.target % arrays.length];
    fired.push(h.action);
    ctx.stats.fired[h.action] = (ctx.stats.fired[h.action] ?? 0) + 1;
    switch (h.action) {
      case 'labelBad': case 'labelValid': {
        const lab = args.labels;
        if (!lab || lab.dt !== 'i32') break;
        const v = lab.view() as Int32Array;
        if (v.length === 0) break;
        if (h.action === 'labelBad') { v[0] = [c, c + 5, -1, 2 ** 28, -(2 ** 31)][h.target % 5]; fatal = true; }
        else if (v.length > 1) v[1 + (h.target % (v.length - 1))] = h.target % c;
        break;
      }
      case 'writeInput': {
        if (target.role !== 'in' || target.dt === 'i32') break;
        const v = target.view();
        if (v.length > 0) v[h.target % v.length] = (h.target % 7) - 3;
        break;
      }
      case 'detach':
        if (target.storage === 'plain' || target.storage === 'resizable') {
          structuredClone(target.buffer, { transfer: [target.buffer as ArrayBuffer] });
          fatal = true;
        }
        break;
      case 'shrink':
        if (target.storage === 'resizable') { target.buffer!.resize!(4); fatal = true; }
        break;
      case 'grow':
        extraAllocs.push(kw.alloc('f32', 1, 1 << 18)); // 1 MiB: memory grows unless the arena has room
        if (plan.engine === 'reference' && arrays.some((a) => a.alloc)) growWithRefAlloc = true;
        break;
      case 'free':
        if (target.alloc) { target.alloc.free(); fatal = true; }
        break;
      case 'dispose':
        if (plan.engine === 'wasm') { kw.dispose(); fatal = true; }
        break;
      case 'throw':
        fatal = true;
        throw new Error('a getter of the caller threw');
    }
    values = capture();
  };

  // ---- argument objects: every property a getter; hooks attach to property slots by index
  const slots: string[] = [];
  const reads: number[] = [];
  const prop = <T>(o: Record<string, unknown>, key: string, value: () => T): void => {
    const ix = slots.length;
    slots.push(key);
    reads.push(0);
    Object.defineProperty(o, key, {
      enumerable: true,
      get: () => {
        if (++reads[ix] > 1) fail(`${fn} (${plan.engine}) read the property ${key} of an argument twice (contract: once)`);
        for (const h of plan.hooks) if (h.slot % totalSlots === ix) act(h);
        return value();
      },
    });
  };
  let totalSlots = 0;
  const matrixObj = (a: Arr, rr: number, cc: number): Matrix<FloatArray> => {
    const o: Record<string, unknown> = {};
    prop(o, 'data', () => a.view());
    prop(o, 'rows', () => rr);
    prop(o, 'cols', () => cc);
    return o as unknown as Matrix<FloatArray>;
  };
  let call: () => unknown;
  /** An options object of getters; a value that is a function is evaluated when read (arrays: their view at that moment). */
  const optionsObj = (entries: [string, unknown][]): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const [key, v] of entries) if (v !== undefined) prop(o, key, typeof v === 'function' ? v as () => unknown : () => v);
    return o;
  };
  let rngGiven: Rng | null = null;
  const k = (lg.k % (c + 1)) + 1; // topK: k = c + 1 is out of range
  if (fn === 'softmax' || fn === 'logSoftmax') {
    const x = matrixObj(args.x, n, c), out = matrixObj(args.out, n, c);
    if (tempered) {
      const o = optionsObj([['temperature', lg.temperature]]);
      call = () => engineK[fn](x, out, o);
    } else {
      call = () => engineK[fn](x, out);
    }
  } else if (fn === 'linearScores') {
    const X = matrixObj(args.X, n, d), W = matrixObj(args.W, d, c);
    const o = optionsObj([['bias', args.bias ? () => args.bias.view() : undefined], ['out', args.out ? matrixObj(args.out, n, c) : undefined]]);
    call = () => engineK.linearScores(X, W, o as never);
  } else if (fn === 'logSumExp' || fn === 'argmax') {
    const x = matrixObj(args.x, n, c);
    const out = args.out?.view();
    call = () => (fn === 'logSumExp' ? engineK.logSumExp(x, out as FloatArray | undefined) : engineK.argmax(x, out as Int32Array | undefined));
  } else if (fn === 'topK') {
    const x = matrixObj(args.x, n, c);
    call = () => engineK.topK(x, k);
  } else if (fn === 'sample') {
    const logits = matrixObj(args.x, n, c);
    let rngArg: unknown;
    if (lg.source === 'rng') rngArg = rngGiven = new Rng(plan.seed);
    else if (lg.source === 'rngProxy') {
      // every trap of the Proxy is one hook slot (the library must not trust it, nor touch it after reading the options)
      const ix = slots.length;
      slots.push('rng (Proxy traps)');
      reads.push(0);
      const fire = (): void => { for (const h of plan.hooks) if (h.slot % totalSlots === ix) act(h); };
      rngArg = new Proxy(new Rng(plan.seed), {
        get: (t, key) => { fire(); return Reflect.get(t, key); },
        set: (t, key, v) => { fire(); return Reflect.set(t, key, v); },
        has: (t, key) => { fire(); return Reflect.has(t, key); },
        getPrototypeOf: (t) => { fire(); return Reflect.getPrototypeOf(t); },
      });
    }
    const o = optionsObj([
      ['temperature', lg.sampleT], ['topK', lg.topK], ['topP', lg.topP], ['minP', lg.minP],
      ['seed', lg.source === 'seed' ? plan.seed : undefined], ['rng', rngArg],
      ['uniforms', args.uniforms ? () => args.uniforms.view() : undefined], ['logProbs', lg.logProbs || undefined],
    ]);
    call = () => engineK.sample(logits, o as never);
  } else if (fn === 'logSoftmaxBackward') {
    const y = matrixObj(args.y, n, c), dy = matrixObj(args.dy, n, c);
    const out = args.out ? matrixObj(args.out, n, c) : undefined;
    call = () => engineK.logSoftmaxBackward(y, dy, out);
  } else if (fn === 'softmaxBackward') {
    const y = matrixObj(args.y, n, c), dy = matrixObj(args.dy, n, c), out = matrixObj(args.out, n, c);
    call = () => engineK.softmaxBackward(y, dy, out);
  } else if (fn === 'softmaxCrossEntropy') {
    const logits = matrixObj(args.logits, n, c);
    const labels = plan.targets ? matrixObj(args.labels, n, c) : args.labels.view();
    const o: Record<string, unknown> = {};
    if (plan.opts.reduction) prop(o, 'reduction', () => plan.opts.reduction);
    if (args.weights) prop(o, 'weights', () => args.weights.view());
    if (plan.opts.smoothing) prop(o, 'labelSmoothing', () => 0.1);
    const gradOut = matrixObj(args.gradOut, n, c);
    prop(o, 'gradOut', () => gradOut);
    call = () => engineK.softmaxCrossEntropy(logits, labels as Int32Array, o as never);
  } else {
    const X = matrixObj(args.X, n, d), W = matrixObj(args.W, d, c);
    const o: Record<string, unknown> = {}, out: Record<string, unknown> = {};
    if (args.bias) prop(o, 'bias', () => args.bias.view());
    if (plan.opts.reg) prop(o, 'reg', () => 0.01);
    const dWm = matrixObj(args.dW, d, c);
    prop(out, 'dW', () => dWm);
    prop(out, 'db', () => args.db.view());
    if (args.dX) { const dXm = matrixObj(args.dX, n, d); prop(out, 'dX', () => dXm); }
    prop(o, 'out', () => out);
    call = () => engineK.linearSoftmaxLoss(X, args.labels.view() as Int32Array, W, o as never);
  }
  totalSlots = slots.length;
  // a revoked Proxy in place of one argument object
  let revokedArg = false;
  if (plan.revoke !== null) {
    revokedArg = true;
    ctx.stats.revoked++;
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const prev = call;
    const which = plan.revoke % 3;
    call = () => {
      if ((fn === 'softmax' || fn === 'logSoftmax') && which === 2) return engineK[fn](matrixObj(args.x, n, c), undefined, proxy as never);
      if (fn === 'softmax' || fn === 'logSoftmax') return engineK[fn](which === 0 ? proxy as never : matrixObj(args.x, n, c), proxy as never);
      if (fn === 'linearScores') return engineK.linearScores(which === 0 ? proxy as never : matrixObj(args.X, n, d), matrixObj(args.W, d, c), (which === 0 ? undefined : which === 1 ? proxy : { out: proxy }) as never);
      if (fn === 'logSumExp') return engineK.logSumExp(which === 0 ? proxy as never : matrixObj(args.x, n, c), which === 0 ? undefined : proxy as never);
      if (fn === 'argmax') return engineK.argmax(which === 0 ? proxy as never : matrixObj(args.x, n, c), which === 0 ? undefined : proxy as never);
      if (fn === 'topK') return engineK.topK(proxy as never, 1);
      if (fn === 'sample') return engineK.sample(which === 0 ? proxy as never : matrixObj(args.x, n, c), (which === 0 ? undefined : which === 1 ? proxy : { rng: proxy }) as never);
      if (fn === 'logSoftmaxBackward') return engineK.logSoftmaxBackward(matrixObj(args.y, n, c), proxy as never);
      if (fn === 'softmaxCrossEntropy') return engineK.softmaxCrossEntropy(matrixObj(args.logits, n, c), (which === 0 ? proxy : args.labels.view()) as never, proxy as never);
      if (fn === 'linearSoftmaxLoss') return engineK.linearSoftmaxLoss(matrixObj(args.X, n, d), args.labels.view() as Int32Array, matrixObj(args.W, d, c), { out: proxy } as never);
      return engineK.softmaxBackward(matrixObj(args.y, n, c), proxy as never);
    };
    void prev;
  }

  // ---- outputs before the call, to check that a failed call writes nothing
  const outBefore = new Map<Arr, Float64Array>();
  for (const a of outs) { try { outBefore.set(a, Float64Array.from(a.view() as ArrayLike<number>)); } catch { /* gone */ } }

  ctx.onCall?.(`midcall ${fn} ${plan.engine} ${dt} ${n}×${c} hooks ${JSON.stringify(plan.hooks)} alias ${JSON.stringify(plan.alias)}`);
  let result: unknown, error: unknown = null;
  try { result = call(); } catch (e) { error = e; }
  // bad inputs of the logits functions: k out of range, a Proxy as rng, a uniform (as it was after the last getter) outside [0, 1)
  const badInput = (fn === 'topK' && k > c) || (fn === 'sample' && lg.source === 'rngProxy')
    || (!!args.uniforms && Array.from(values.get(args.uniforms) ?? [0.5]).some((u) => !(u >= 0 && u < 1)));
  const mustThrow = revokedArg || outOutAlias || badInput;
  const per = (ctx.stats.perFn[fnKey] ??= [0, 0]);
  per[error === null ? 0 : 1]++;
  if (error !== null) {
    if (!(error instanceof SoftmaxInputError)) fail(`${fn} (${plan.engine}) leaked ${(error as Error)?.name}: ${(error as Error)?.message}; fired ${fired}`);
    if (!fatal && !mustThrow && !growWithRefAlloc) fail(`${fn} (${plan.engine}) threw ${(error as Error).message} but nothing made the call invalid (fired ${fired})`);
    ctx.stats.threw++;
    // nothing written: every output still readable is unchanged (a SAB-clone alias of an input may
    // have been changed by an action writing that input, so those are skipped)
    if (!plan.alias) {
      for (const [a, before] of outBefore) {
        let now: FloatArray | Int32Array;
        try { now = a.view(); } catch { continue; }
        if (now.length !== before.length) continue;
        for (let i = 0; i < before.length; i++) {
          if (!Object.is(now[i], before[i])) fail(`${fn} (${plan.engine}) threw but changed ${a.name}[${i}]: ${before[i]} → ${now[i]}`);
        }
      }
    }
  } else {
    if (fatal || mustThrow) fail(`${fn} (${plan.engine}) returned although the call was invalid (fired ${fired}, revoked ${revokedArg}, output alias ${outOutAlias})`);
    ctx.stats.ok++;
    // ---- the reference on clean copies of the values as seen at the end of reading
    const val = (a: Arr | undefined): FloatArray | null => (a ? new C(values.get(a)!) : null);
    const M = (a: Arr, rr: number, cc: number): Matrix<FloatArray> => ({ data: val(a)!, rows: rr, cols: cc });
    // error relative to the largest magnitude, at least 1 (the inputs are O(1): gradients that cancel to ~0 keep the absolute error of their O(1) terms)
    const cmp = (what: string, got: ArrayLike<number>, want: ArrayLike<number>): void => {
      let scale = 0;
      for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
      for (let i = 0; i < want.length; i++) {
        const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Math.abs(got[i] - want[i]) <= TOL[dt] * Math.max(scale, 1) || got[i] === want[i];
        if (!ok) fail(`${fn} (${plan.engine} ${dt}) ${what}[${i}] = ${got[i]}, reference ${want[i]} (fired ${fired}, alias ${JSON.stringify(plan.alias)})`);
      }
    };
    const exact = (what: string, got: ArrayLike<number>, want: ArrayLike<number>): void => {
      if (got.length !== want.length) fail(`${fn} (${plan.engine} ${dt}) ${what} has length ${got.length}, want ${want.length}`);
      for (let i = 0; i < want.length; i++) {
        if (got[i] !== want[i]) fail(`${fn} (${plan.engine} ${dt}) ${what}[${i}] = ${got[i]}, oracle ${want[i]} (fired ${fired}, alias ${JSON.stringify(plan.alias)})`);
      }
    };
    if ((fn === 'softmax' || fn === 'logSoftmax') && tempered) {
      cmp('out', args.out.view(), reference[fn](M(args.x, n, c), undefined, { temperature: lg.temperature }).data);
    } else if (fn === 'softmax' || fn === 'logSoftmax') {
      cmp('out', args.out.view(), reference[fn](M(args.x, n, c)).data);
    } else if (fn === 'linearScores') {
      const want = reference.linearScores(M(args.X, n, d), M(args.W, d, c), { bias: val(args.bias) ?? undefined });
      const got = args.out ? args.out.view() : (result as Matrix<FloatArray>).data;
      cmp('scores', got, want.data);
    } else if (fn === 'logSumExp') {
      cmp('out', args.out ? args.out.view() : result as FloatArray, reference.logSumExp(M(args.x, n, c)));
    } else if (fn === 'argmax') {
      exact('out', args.out ? args.out.view() : result as Int32Array, reference.argmax(M(args.x, n, c)));
    } else if (fn === 'topK') {
      const got = result as { values: Matrix<FloatArray>; indices: Matrix<Int32Array> }, want = reference.topK(M(args.x, n, c), k);
      exact('indices', got.indices.data, want.indices.data);
      cmp('values', got.values.data, want.values.data);
    } else if (fn === 'sample') {
      // Oracle: the same engine (a WASM instance no action touched, or the reference) on clean copies of the
      // values after the last getter, with the same options and the same randomness, must give the same
      // indices exactly: a comparison with the f64 reference could differ at a rounding tie of the running
      // sum. With the instance's own generator (no seed/rng/uniforms) the draws cannot be replayed: then each
      // index must be a valid token and its log-probability the reference's log softmax(x / T) at it.
      const got = result as { indices: Int32Array; logProbs?: FloatArray };
      const opts = { temperature: lg.sampleT, topK: lg.topK, topP: lg.topP, minP: lg.minP, logProbs: lg.logProbs || undefined };
      if (lg.source === 'none') {
        const lp = reference.logSoftmax(M(args.x, n, c), undefined, lg.sampleT ? { temperature: lg.sampleT } : undefined).data;
        for (let i = 0; i < n; i++) {
          const t = got.indices[i];
          if (!(Number.isInteger(t) && t >= 0 && t < c)) fail(`sample (${plan.engine} ${dt}) indices[${i}] = ${t} is not a token of ${c}`);
          if (got.logProbs) cmp(`logProbs[${i}]`, [got.logProbs[i]], [lg.sampleT === 0 ? 0 : lp[i * c + t]]);
        }
      } else {
        const oracleK: SoftmaxKernels = plan.engine === 'wasm' ? ctx.fresh : reference;
        const src = lg.source === 'seed' ? { seed: plan.seed } : lg.source === 'rng' ? { rng: new Rng(plan.seed) }
          : { uniforms: val(args.uniforms)! };
        const want = oracleK.sample(M(args.x, n, c), { ...opts, ...src } as never) as { indices: Int32Array; logProbs?: FloatArray };
        exact('indices', got.indices, want.indices);
        if (want.logProbs) exact('logProbs', got.logProbs!, want.logProbs);
        // the caller's generator advanced exactly as the clean one did
        if (rngGiven && rngGiven.next() !== (src as { rng: Rng }).rng.next()) fail(`sample (${plan.engine}) advanced the caller's rng differently from a clean call`);
      }
    } else if (fn === 'logSoftmaxBackward') {
      const got = args.out ? args.out.view() : (result as Matrix<FloatArray>).data;
      cmp('out', got, reference.logSoftmaxBackward(M(args.y, n, c), M(args.dy, n, c)).data);
    } else if (fn === 'softmaxBackward') {
      cmp('out', args.out.view(), reference.softmaxBackward(M(args.y, n, c), M(args.dy, n, c)).data);
    } else if (fn === 'softmaxCrossEntropy') {
      const labels = plan.targets ? M(args.labels, n, c) : Int32Array.from(values.get(args.labels)!);
      const want = reference.softmaxCrossEntropy(M(args.logits, n, c), labels as Int32Array, {
        reduction: plan.opts.reduction as 'mean', weights: val(args.weights) ?? undefined, labelSmoothing: plan.opts.smoothing ? 0.1 : undefined,
      });
      const got = result as { loss: number };
      cmp('loss', [got.loss], [want.loss]);
      cmp('grad', args.gradOut.view(), want.grad!.data);
    } else {
      const want = reference.linearSoftmaxLoss(M(args.X, n, d), Int32Array.from(values.get(args.labels)!), M(args.W, d, c), {
        bias: val(args.bias) ?? undefined, reg: plan.opts.reg ? 0.01 : undefined, inputGrad: !!args.dX,
      });
      const got = result as { loss: number };
      cmp('loss', [got.loss], [want.loss]);
      cmp('dW', args.dW.view(), want.dW.data);
      cmp('db', args.db.view(), want.db);
      if (args.dX) cmp('dX', args.dX.view(), want.dX!.data);
    }
  }
  for (const a of arrays) a.alloc?.free();
  for (const m of extraAllocs) m.free();
}

/** The async property (an action may dispose the instance: a fresh one is loaded after that). */
export function midcallProperty(ctx: MidcallContext): fc.IAsyncProperty<[Plan]> {
  return fc.asyncProperty(planArb, async (plan) => {
    ctx.stats.runs++;
    try {
      runPlan(ctx, plan, ctx.wasm);
    } finally {
      // after a dispose (or to be sure nothing leaked into the next run) the instance is replaced
      if (plan.hooks.some((h) => h.action === 'dispose')) {
        try { ctx.wasm.dispose(); } catch { /* already */ }
        ctx.wasm = await loadWasm();
      }
    }
    // the instance still answers a normal call correctly
    const x = { data: new Float64Array([1, 2, 3]), rows: 1, cols: 3 };
    const got = ctx.wasm.softmax(x).data, want = reference.softmax(x).data;
    for (let i = 0; i < 3; i++) if (Math.abs(got[i] - want[i]) > 1e-12) fail(`the WASM instance gives a wrong softmax after the run: ${got[i]} vs ${want[i]}`);
  });
}

export function disposeMidcallContext(ctx: MidcallContext): void { ctx.wasm.dispose(); ctx.fresh.dispose(); }
