/**
 * Fuzz property for user code that runs in the middle of a call (issue 15): every property of every
 * argument (matrix data/rows/cols, options, nested gradOut / out) may be a getter, and 0–3 of them
 * run an action when read: change a label (to another class or out of range), write an input value,
 * detach or shrink a buffer, grow WASM memory (alloc), free an alloc() matrix, dispose the instance,
 * throw; an argument may be a revoked Proxy; arrays live in plain, shared, resizable or WASM memory,
 * and outputs may be views of a structured clone of an input's or another output's SharedArrayBuffer
 * (the same memory through a distinct object).
 *
 * The oracle: the call throws SoftmaxInputError exactly when an action made the call invalid (a bad
 * label, a detached/shrunk/freed array, dispose, a throwing getter, a revoked Proxy) or two outputs
 * share memory; otherwise it returns the float64 reference's answer on the input values as they were
 * after the last getter ran (values are read at seal time). No other exception (TypeError, a WASM
 * trap) may escape, and a failed call leaves every output that is still readable unchanged.
 */
import fc from 'fast-check';
import {
  SoftmaxInputError, loadWasm, reference, type FloatArray, type Matrix, type SoftmaxKernels, type WasmKernels, type WasmMatrix,
} from '../../src/index.js';
import { gaussian, rng } from '../helpers.js';

type DT = 'f32' | 'f64';
const TOL: Record<DT, number> = { f32: 2e-5, f64: 1e-10 };
type Fn = 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'softmaxCrossEntropy' | 'linearSoftmaxLoss';
type Storage = 'plain' | 'shared' | 'resizable' | 'alloc';
type Action = 'none' | 'labelBad' | 'labelValid' | 'writeInput' | 'detach' | 'shrink' | 'grow' | 'free' | 'dispose' | 'throw';
const FATAL: ReadonlySet<Action> = new Set(['labelBad', 'detach', 'shrink', 'free', 'dispose', 'throw']);

export interface MidcallStats { runs: number; threw: number; ok: number; fired: Record<string, number>; aliasIn: number; aliasOut: number; revoked: number }

export interface MidcallContext {
  wasm: WasmKernels;
  stats: MidcallStats;
  onCall?: (what: string) => void;
}

export async function createMidcallContext(): Promise<MidcallContext> {
  return { wasm: await loadWasm(), stats: { runs: 0, threw: 0, ok: 0, fired: {}, aliasIn: 0, aliasOut: 0, revoked: 0 } };
}

export function formatMidcallStats(s: MidcallStats): string {
  return `midcall: ${s.runs} runs, ${s.ok} returned, ${s.threw} threw SoftmaxInputError; revoked Proxies ${s.revoked}, ` +
    `SAB-clone aliases input/output ${s.aliasIn}, output/output ${s.aliasOut}; actions fired: ${JSON.stringify(s.fired)}`;
}

const planArb = fc.record({
  fn: fc.constantFrom<Fn>('softmax', 'logSoftmax', 'softmaxBackward', 'softmaxCrossEntropy', 'linearSoftmaxLoss'),
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
});
type Plan = typeof planArb extends fc.Arbitrary<infer T> ? T : never;

interface Arr { name: string; role: 'in' | 'out'; dt: DT | 'i32'; n: number; storage: Storage; view: () => FloatArray | Int32Array;
  buffer?: ArrayBufferLike & { resize?: (n: number) => void }; alloc?: WasmMatrix }

class FuzzFail extends Error { override name = 'MidcallViolation'; }
const fail = (m: string): never => { throw new FuzzFail(m); };

function runPlan(ctx: MidcallContext, plan: Plan, kw: WasmKernels): void {
  const { fn, dt, rows: n } = plan;
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
    if (kind === 'i32' && storage === 'alloc') storage = 'plain';
    if (plan.engine === 'reference' && storage === 'alloc') storage = 'plain';
    const K = kind === 'i32' ? Int32Array : kind === 'f32' ? Float32Array : Float64Array;
    const a: Arr = { name, role, dt: kind, n: len, storage, view: () => new K(0) };
    if (storage === 'alloc') {
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
  } else {
    args.X = mk('X', 'in', n * d, dt, gauss);
    args.labels = mk('labels', 'in', n, 'i32', () => Math.floor(r() * c));
    args.W = mk('W', 'in', d * c, dt, () => g() * 0.5);
    if (plan.opts.bias) args.bias = mk('options.bias', 'in', c, dt, gauss);
    args.dW = mk('options.out.dW', 'out', d * c, dt, () => 7);
    args.db = mk('options.out.db', 'out', c, dt, () => 7);
    if (plan.opts.dX) args.dX = mk('options.out.dX', 'out', n * d, dt, () => 7);
  }

  // ---- aliases through a structured clone of a SAB
  let outOutAlias = false;
  const outs = arrays.filter((a) => a.role === 'out');
  if (plan.alias) {
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
  if (fn === 'softmax' || fn === 'logSoftmax') {
    const x = matrixObj(args.x, n, c), out = matrixObj(args.out, n, c);
    call = () => engineK[fn](x, out);
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
      if (fn === 'softmax' || fn === 'logSoftmax') return engineK[fn](which === 0 ? proxy as never : matrixObj(args.x, n, c), proxy as never);
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
  const mustThrow = revokedArg || outOutAlias;
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
    if (fn === 'softmax' || fn === 'logSoftmax') {
      cmp('out', args.out.view(), reference[fn](M(args.x, n, c)).data);
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

export function disposeMidcallContext(ctx: MidcallContext): void { ctx.wasm.dispose(); }
