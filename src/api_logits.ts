/**
 * The validating layer of the logits toolkit (temperature, logSumExp, argmax, topK, sample; its
 * logSoftmaxBackward shares softmaxBackward's body in src/api.ts), hooked into createKernels
 * (src/api.ts) by withLogits(). Same contract as the rest of the API: every argument is checked here, once, before the backend computes or allocates
 * anything, and every failure is a SoftmaxInputError naming the argument and the value seen.
 */
import type { Backend } from './backend.js';
import { Rng } from './train/rng.js';
import type { ArgmaxOptions, FloatArray, Matrix, SampleOptions, TopKOptions, SampleResult, SoftmaxKernels, SoftmaxOptions, TopKResult } from './types.js';
import { CallSnapshot } from './snapshot.js';
import { checkBoolean, describe, dtypeOf, fail, type DType } from './validate.js';

/** The methods withLogits adds or wraps. */
export type LogitsMethods = 'logSumExp' | 'argmax' | 'topK' | 'sample';

const SOFTMAX_OPTIONS = ['temperature'] as const;
const ARGMAX_OPTIONS = ['selectLastIndex'] as const;
const TOPK_OPTIONS = ['largest'] as const;
const SAMPLE_OPTIONS = ['temperature', 'topK', 'topP', 'minP', 'seed', 'rng', 'uniforms', 'logProbs'] as const;

function newArray<A extends FloatArray>(dtype: DType, n: number): A {
  return (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n)) as A;
}

/** temperature: undefined → 1; must be finite and > 0 (≥ 0 when zeroOk), 1/T finite in the float type. */
export function checkTemperature(fn: string, v: unknown, dt: DType, zeroOk: boolean): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isFinite(v) || !(zeroOk ? v >= 0 : v > 0)) {
    fail(fn, 'options.temperature', `must be a finite number ${zeroOk ? '≥ 0 (0 = argmax)' : '> 0'}, got ${describe(v)}`);
  }
  if (v > 0) {
    const inv = 1 / v;
    if (!Number.isFinite(dt === 'f32' ? Math.fround(inv) : inv) || (dt === 'f32' ? Math.fround(inv) : inv) === 0) {
      fail(fn, 'options.temperature', `= ${v} makes 1/T leave the ${dt} range; use a temperature in [${dt === 'f32' ? '3e-38, 3e38' : '6e-308, 1e308'}]`);
    }
  }
  return v;
}

/**
 * Adds the logits toolkit to the core kernels: softmax / logSoftmax get `options.temperature`
 * (T = 1 or none → the plain kernel), and the new methods are validated here, through a
 * CallSnapshot like every other function (src/snapshot.ts: every argument read once, then seal()).
 * Each kernels object has its own generator for sample() calls that give no seed, rng or uniforms
 * (seeded 0 when the object is made), so there is no state shared between instances.
 */
export function withLogits(backend: Backend, guard: (fn: string) => void, core: Omit<SoftmaxKernels, LogitsMethods>): SoftmaxKernels {
  const snapshot = (fn: string, ...positional: unknown[]): CallSnapshot => new CallSnapshot(fn, backend, guard, positional);
  const ownRng = new Rng(0);
  const next = Rng.prototype.next; // the library's own draw, whatever a subclass overrides

  function tempered(fn: 'softmax' | 'logSoftmax') {
    const plain = core[fn] as <A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>) => Matrix<A>;
    return <A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>, options?: SoftmaxOptions): Matrix<A> => {
      if (options === undefined) return plain(x, out);
      guard(fn);
      const s = snapshot(fn, x, out, options);
      // Read order: x; out; options (temperature).
      const sx = s.matrix<A>('x', x);
      const dt = dtypeOf(sx.data)!;
      const so = out === undefined ? null
        : s.matrix<A>('out', out, { dtype: dt, rows: sx.rows, cols: sx.cols, out: true, mayAlias: ['x'] });
      const opt = s.options('options', options, SOFTMAX_OPTIONS);
      const T = checkTemperature(fn, opt.temperature, dt, false);
      s.seal();
      const o = so ?? { data: newArray<A>(dt, sx.rows * sx.cols), rows: sx.rows, cols: sx.cols };
      if (sx.rows * sx.cols > 0) {
        if (T === 1) backend[fn](sx, o);
        else if (fn === 'softmax') backend.softmaxTemperature(sx, o, 1 / T);
        else backend.logSoftmaxTemperature(sx, o, 1 / T);
      }
      return so ? out! : o;
    };
  }

  return {
    ...core,
    softmax: tempered('softmax') as SoftmaxKernels['softmax'],
    logSoftmax: tempered('logSoftmax') as SoftmaxKernels['logSoftmax'],

    logSumExp<A extends FloatArray>(x: Matrix<A>, out?: A): A {
      const fn = 'logSumExp';
      guard(fn);
      const s = snapshot(fn, x, out);
      const sx = s.matrix<A>('x', x);
      const dt = dtypeOf(sx.data)!;
      const so = out === undefined ? null : s.array<A>('out', out, { dtype: dt, length: sx.rows, out: true });
      s.seal();
      const o = so?.data ?? newArray<A>(dt, sx.rows);
      if (sx.rows > 0) backend.logSumExp(sx, o);
      return so ? out! : o;
    },

    argmax<A extends FloatArray>(x: Matrix<A>, out?: Int32Array, options?: ArgmaxOptions): Int32Array {
      const fn = 'argmax';
      guard(fn);
      const s = snapshot(fn, x, out, options);
      // Read order: x; out; options (selectLastIndex).
      const sx = s.matrix<A>('x', x);
      const so = out === undefined ? null : s.int32('out', out, { length: sx.rows, out: true });
      const opt = s.options('options', options, ARGMAX_OPTIONS);
      const last = checkBoolean(fn, 'options.selectLastIndex', opt.selectLastIndex, false);
      s.seal();
      const o = so?.data ?? new Int32Array(sx.rows);
      if (sx.rows > 0) backend.argmax(sx, o, last);
      return so ? out! : o;
    },

    topK<A extends FloatArray>(x: Matrix<A>, k: number, options?: TopKOptions): TopKResult<A> {
      const fn = 'topK';
      guard(fn);
      const s = snapshot(fn, x, k, options);
      // Read order: x; k; options (largest).
      const sx = s.matrix<A>('x', x);
      const dt = dtypeOf(sx.data)!;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > sx.cols) {
        fail(fn, 'k', `must be an integer in [1, ${sx.cols}] (1 ≤ k ≤ x.cols), got ${describe(k)}`);
      }
      const opt = s.options('options', options, TOPK_OPTIONS);
      const largest = checkBoolean(fn, 'options.largest', opt.largest, true);
      s.seal();
      const values: Matrix<A> = { data: newArray<A>(dt, sx.rows * k), rows: sx.rows, cols: k };
      const indices: Matrix<Int32Array> = { data: new Int32Array(sx.rows * k), rows: sx.rows, cols: k };
      if (sx.rows > 0) backend.topK(sx, k, values, indices.data, largest);
      return { values, indices };
    },

    sample<A extends FloatArray>(logits: Matrix<A>, options?: SampleOptions<A>): SampleResult<A> {
      const fn = 'sample';
      guard(fn);
      const s = snapshot(fn, logits, options);
      // Read order: logits; options (own keys, then each option in SAMPLE_OPTIONS order).
      const sl = s.matrix<A>('logits', logits);
      const dt = dtypeOf(sl.data)!;
      const n = sl.rows;
      const opt = s.options('options', options, SAMPLE_OPTIONS);
      const temperature = checkTemperature(fn, opt.temperature, dt, true);
      let topK = 0;
      if (opt.topK !== undefined) {
        const v = opt.topK;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(fn, 'options.topK', `must be an integer ≥ 1 (values ≥ C keep every token), got ${describe(v)}`);
        topK = Math.min(v, 2 ** 31 - 1);
      }
      let topP = 1;
      if (opt.topP !== undefined) {
        const v = opt.topP;
        if (typeof v !== 'number' || !(v > 0 && v <= 1)) fail(fn, 'options.topP', `must be a number in (0, 1], got ${describe(v)}`);
        topP = v;
      }
      let logMinP = -Infinity;
      if (opt.minP !== undefined) {
        const v = opt.minP;
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(fn, 'options.minP', `must be a number in [0, 1], got ${describe(v)}`);
        logMinP = v === 0 ? -Infinity : Math.log(v);
      }
      const wantLogProbs = checkBoolean(fn, 'options.logProbs', opt.logProbs, false);
      const given = (['seed', 'rng', 'uniforms'] as const).filter((key) => opt[key] !== undefined);
      if (given.length > 1) fail(fn, `options.${given[1]}`, `was given together with options.${given[0]}; pass one source of randomness`);
      const u = opt.uniforms === undefined ? null : s.array<FloatArray>('options.uniforms', opt.uniforms, { length: n });
      let rng: Rng = ownRng;
      if (opt.seed !== undefined) {
        const v = opt.seed;
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(fn, 'options.seed', `must be an integer (a safe integer; its low 32 bits seed the generator), got ${describe(v)}`);
        rng = new Rng(v);
      } else if (opt.rng !== undefined) {
        // A brand check, not instanceof: instanceof runs a Proxy's getPrototypeOf trap (and throws on a
        // revoked one), and a Proxy that passed would run its traps when next() reads the state after seal().
        if (!Rng.isRng(opt.rng)) fail(fn, 'options.rng', `must be the library's Rng (import { Rng } from 'softmax-wasm'; new Rng(seed)), not a Proxy or a look-alike; got ${describe(opt.rng)}`);
        rng = opt.rng;
      }
      s.seal();
      // uniforms: one per row in [0, 1), read into a Float64Array before anything is drawn or computed
      const uniforms = new Float64Array(n);
      if (u) {
        for (let i = 0; i < n; i++) {
          const v = u.data[i];
          if (!(v >= 0 && v < 1)) fail(fn, `options.uniforms[${i}]`, `= ${describe(v)} is outside [0, 1)`);
          uniforms[i] = v;
        }
      } else if (temperature > 0) {
        for (let i = 0; i < n; i++) uniforms[i] = next.call(rng);
      }
      const indices = new Int32Array(n);
      const logProbs = wantLogProbs ? newArray<A>(dt, n) : null;
      const filteredLogProbs = wantLogProbs ? newArray<A>(dt, n) : null;
      if (n > 0) backend.sample({ logits: sl, temperature, topK, topP, logMinP, uniforms, indices, logProbs, filteredLogProbs });
      const result: SampleResult<A> = { indices };
      if (logProbs) result.logProbs = logProbs;
      if (filteredLogProbs) result.filteredLogProbs = filteredLogProbs;
      return result;
    },

  };
}
