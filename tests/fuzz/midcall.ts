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
 *
 * Layout: ./midcall/plan.ts (the plan, context and statistics), ./midcall/arrays.ts (the call's
 * arrays and SAB-clone aliases), ./midcall/oracle.ts (the answer of a call that returned); this file:
 * the actions, the argument objects of getters, the call and its outcome.
 */
import fc from 'fast-check';
import {
  SoftmaxInputError, loadWasm, reference, type FloatArray, type Matrix, type SoftmaxKernels, type WasmKernels, type WasmMatrix,
} from '../../src/index.js';
import { Rng, detach, revoked } from '../support/index.js';
import { aliasOutput, makeArrays } from './midcall/arrays.js';
import { checkReturned } from './midcall/oracle.js';
import { fail, planArb, type Action, type Arr, type MidcallContext, type Plan } from './midcall/plan.js';

export { createMidcallContext, formatMidcallStats, type MidcallContext, type MidcallStats } from './midcall/plan.js';

function runPlan(ctx: MidcallContext, plan: Plan, kw: WasmKernels): void {
  const { fn, dt, rows: n } = plan;
  const lg = plan.logits;
  // softmax / logSoftmax get a third argument { temperature } in some plans (a getter like any other)
  const tempered = (fn === 'softmax' || fn === 'logSoftmax') && lg.temperature !== undefined;
  const fnKey = tempered ? `${fn}+T` : fn;
  const c = plan.cols;
  const d = plan.inner;
  const engineK: SoftmaxKernels = plan.engine === 'wasm' ? kw : reference;
  const extraAllocs: WasmMatrix[] = [];
  const { args, arrays } = makeArrays(plan, kw);
  const outs = arrays.filter((a) => a.role === 'out');
  const outOutAlias = aliasOutput(ctx, plan, arrays);

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
          detach(target.buffer!);
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
    const proxy = revoked();
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
    checkReturned(ctx, { plan, k, tempered, args, values, result, fired, rngGiven });
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
