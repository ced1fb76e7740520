/**
 * The oracle of the fuzz: one call on one engine, its outcome (a result, or SoftmaxInputError for a
 * bad argument, nothing else, within hangMs), its answer against the float64 reference (tolerances of
 * tests/support, relative to the largest magnitude or to a floor of terms that cancel), and nothing
 * else changed (inputs, guard bytes, live alloc() matrices; a sane instance after an error).
 */
import {
  SoftmaxInputError, matrix, reference, type FloatArray, type Matrix, type SoftmaxKernels,
} from '../../src/index.js';
import { TINY_NORMAL, TOL, bytesOf, errorVsLargest, sameBits, type DT } from '../support/index.js';
import { describeError, violation, type FuzzContext } from './context.js';
import type { Builder } from './storage.js';

export const tag = (v: unknown) => Object.prototype.toString.call(v).slice(8, -1);
export const dtTag = (dt: DT) => (dt === 'f32' ? 'Float32Array' : 'Float64Array');

// -------------------------------------------------------------------------------------------------
// Comparison
// -------------------------------------------------------------------------------------------------

/** Error of `got` against `want` relative to the largest finite |want| (at least the smallest normal). */
export function arrayError(dt: DT, got: ArrayLike<number>, want: ArrayLike<number>, floor = 0): { err: number; at: number } {
  if (got.length !== want.length) return { err: Infinity, at: -1 };
  return errorVsLargest(got, want, Math.max(TINY_NORMAL[dt], Number.isFinite(floor) ? floor : 0));
}

/** A scalar's error relative to max(|want|, magnitude, the smallest normal number of dt): the f32
 * kernels form the loss's terms in f32, where subnormal terms carry only a few bits. */
export function scalarError(dt: DT, got: number, want: number, magnitude: number): number {
  return errorVsLargest([got], [want], Math.max(Number.isFinite(magnitude) ? magnitude : 0, TINY_NORMAL[dt])).err;
}

export interface CallInfo { fn: string; engine: 'reference' | 'wasm'; dt: DT; bad: string | null; strict: boolean; why?: string }

/** A copy of c for one output that is compared non-strictly, with the reason (counted in the stats). */
export const relaxed = (c: CallInfo, why: string): CallInfo => ({ ...c, strict: false, why });

/**
 * `floor`: where an output is a sum of terms that may cancel (a gradient, a dot product), the error is
 * measured relative to the largest |term| too, not only to the largest |output|: rounding is relative
 * to the terms, and an output that is exactly 0 in float64 by cancellation comes out as ±ε·|term|.
 */
export function checkArray(ctx: FuzzContext, c: CallInfo, what: string, got: unknown, want: FloatArray, floor = 0): void {
  if (tag(got) !== dtTag(c.dt)) violation(`${c.fn}/${c.engine}`, `${what} is a ${tag(got)}, expected a ${dtTag(c.dt)}`);
  const g = got as FloatArray;
  if (g.length !== want.length) violation(`${c.fn}/${c.engine}`, `${what} has length ${g.length}, expected ${want.length}`);
  if (!c.strict) { countRelaxed(ctx, c, what); return; }
  const { err, at } = arrayError(c.dt, g, want, floor);
  const key = `${c.fn} ${what} ${c.dt}`;
  if (Number.isFinite(err)) ctx.stats.worst[key] = Math.max(ctx.stats.worst[key] ?? 0, err);
  if (!(err <= TOL[c.dt])) {
    violation(`${c.fn}/${c.engine}/${c.dt}`, `${what} differs from the reference: error ${err} at [${at}]: got ${g[at]}, reference ${want[at]}`);
  }
}

export function countRelaxed(ctx: FuzzContext, c: CallInfo, what: string): void {
  const key = `${c.fn} ${what} (${c.dt}): ${c.why ?? 'non-strict'}`;
  ctx.stats.relaxed[key] = (ctx.stats.relaxed[key] ?? 0) + 1;
}

export function checkScalar(ctx: FuzzContext, c: CallInfo, what: string, got: unknown, want: number, magnitude: number): void {
  if (typeof got !== 'number') violation(`${c.fn}/${c.engine}`, `${what} is ${typeof got}, expected a number`);
  if (!c.strict) { countRelaxed(ctx, c, what); return; }
  const err = scalarError(c.dt, got, want, magnitude);
  const key = `${c.fn} ${what} ${c.dt}`;
  if (Number.isFinite(err)) ctx.stats.worst[key] = Math.max(ctx.stats.worst[key] ?? 0, err);
  if (!(err <= TOL[c.dt])) violation(`${c.fn}/${c.engine}/${c.dt}`, `${what} = ${got}, reference ${want} (error ${err}, magnitude ${magnitude})`);
}

export function checkMatrixResult(ctx: FuzzContext, c: CallInfo, what: string, got: unknown, want: Matrix<FloatArray>, same?: unknown, floor = 0): void {
  if (same !== undefined && got !== same) violation(`${c.fn}/${c.engine}`, `${what}: the given output object was not returned`);
  const m = got as Matrix<FloatArray>;
  if (m === null || typeof m !== 'object') violation(`${c.fn}/${c.engine}`, `${what} is not a matrix`);
  if (m.rows !== want.rows || m.cols !== want.cols) violation(`${c.fn}/${c.engine}`, `${what} is ${m.rows}×${m.cols}, expected ${want.rows}×${want.cols}`);
  checkArray(ctx, c, what, m.data, want.data, floor);
}

// -------------------------------------------------------------------------------------------------
// Running one call
// -------------------------------------------------------------------------------------------------

export function verifyUntouched(ctx: FuzzContext, c: CallInfo, b: Builder, threw: boolean): void {
  const where = `${c.fn}/${c.engine}`;
  for (const t of b.tracked) {
    if (!threw && t.role !== 'in') continue;
    let now: Uint8Array;
    try { now = bytesOf(t.view() as ArrayBufferView).slice(); } catch (e) { violation(where, `could not re-read ${t.name} after the call: ${describeError(e)}`); }
    if (!sameBits(now, t.before)) {
      violation(where, threw ? `${t.name} was modified by a call that threw` : `input ${t.name} was modified`);
    }
  }
  for (const g of b.guards) {
    if (!sameBits(g.read(), g.bytes)) violation(where, `${g.what} were written (outside every array of the call)`);
  }
  checkWasmState(ctx, where);
}

/** Every live alloc() matrix not given to a call still holds its pattern. */
export function checkWasmState(ctx: FuzzContext, where: string): void {
  for (const { m, pattern } of [...ctx.bystanders, ...ctx.pool]) {
    const d = m.data;
    for (let i = 0; i < pattern.length; i++) {
      if (!Object.is(d[i], pattern[i]) && !(Number.isNaN(d[i]) && Number.isNaN(pattern[i]))) {
        violation(where, `a live alloc() matrix (${m.rows}×${m.cols}) not passed to the call was overwritten at [${i}]`);
      }
    }
  }
}

/** After a thrown error the instance must still answer correctly. */
export function sanityCall(ctx: FuzzContext, where: string): void {
  const r = ctx.wasm.softmax(matrix(new Float32Array([0, 0, Math.log(2)]), 1, 3)).data;
  if (Math.abs(r[0] - 0.25) > 1e-6 || Math.abs(r[2] - 0.5) > 1e-6) violation(where, `the instance answers wrongly after an error: ${Array.from(r)}`);
}

/**
 * Runs `call` on one engine and checks the outcome: `expectError` → SoftmaxInputError and nothing
 * changed; otherwise `check(result)`. Counts the call.
 */
export function execute(ctx: FuzzContext, c: CallInfo, b: Builder, call: () => unknown, expectError: boolean,
  check: (result: unknown) => void): void {
  const s = ctx.stats;
  s.calls++;
  const pf = (s.perFunction[c.fn] ??= { calls: 0, bad: 0, nonStrict: 0 });
  pf.calls++;
  if (expectError) { s.badCalls++; pf.bad++; }
  if (!expectError && !c.strict) { s.nonStrict++; pf.nonStrict++; }
  const where = `${c.fn}/${c.engine}/${c.dt}${c.bad ? ` bad=${c.bad}` : ''}`;
  ctx.onCall?.(where);
  let result: unknown, error: unknown, threw = false;
  const t0 = performance.now();
  try { result = call(); } catch (e) { error = e; threw = true; }
  const ms = performance.now() - t0;
  s.maxCallMs = Math.max(s.maxCallMs, ms);
  if (ms > ctx.hangMs) violation(where, `the call took ${ms.toFixed(0)} ms`);
  if (threw && !(error instanceof SoftmaxInputError)) {
    const trap = error instanceof WebAssembly.RuntimeError ? ' (a WASM trap)' : '';
    violation(where, `threw something other than SoftmaxInputError${trap}: ${describeError(error)}`);
  }
  if (threw && !(typeof (error as Error).message === 'string' && (error as Error).message.length > 10)) {
    violation(where, 'SoftmaxInputError without a useful message');
  }
  if (expectError && !threw) violation(where, 'accepted a bad input (expected SoftmaxInputError)');
  if (!expectError && threw) violation(where, `rejected a valid input: ${describeError(error)}`);
  verifyUntouched(ctx, c, b, threw);
  if (threw) { if (c.engine === 'wasm') sanityCall(ctx, where); return; }
  check(result);
}

/** Calls k[fn](...args) as a method, as a detached function, or with extra trailing arguments. */
export function invoke(k: SoftmaxKernels, fn: keyof SoftmaxKernels, args: unknown[], style: string): unknown {
  const f = k[fn] as (...a: unknown[]) => unknown;
  if (style === 'detached') return f(...args);
  if (style === 'extraArgs') {
    // softmax / logSoftmax take options (temperature) third since the logits toolkit
    const arity = ({ softmax: 3, logSoftmax: 3, softmaxBackward: 3, softmaxJacobian: 1, softmaxCrossEntropy: 3, linearSoftmaxLoss: 4, linearScores: 3 } as Record<string, number>)[fn] ?? 0;
    const padded = [...args];
    while (padded.length < arity) padded.push(undefined);
    return f.call(k, ...padded, 'extra', 42);
  }
  return f.apply(k, args);
}

export function engines(bad: string | null, wasmOnly: readonly string[]): Array<'reference' | 'wasm'> {
  return bad !== null && wasmOnly.includes(bad) ? ['wasm'] : ['reference', 'wasm'];
}
export const kernels = (ctx: FuzzContext, e: 'reference' | 'wasm'): SoftmaxKernels => (e === 'wasm' ? ctx.wasm : reference);
