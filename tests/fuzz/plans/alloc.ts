/** The fuzz plan of alloc(): valid, invalid and beyond-4-GiB sizes; kept matrices (a pool that fragments the arena) must keep their contents, freed ones refuse their data. */
import fc from 'fast-check';
import { SoftmaxInputError, type WasmMatrix } from '../../../src/index.js';
import type { DT } from '../../support/index.js';
import { describeError, violation, type FuzzContext } from '../context.js';
import { materialize, seedArb, type ArbValue } from '../generators.js';
import { checkWasmState, dtTag, execute, tag, type CallInfo } from '../oracle.js';
import { Builder } from '../storage.js';

export const allocArb = fc.record({
  dtype: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>('f32', 'f64') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('f16', 'F32', 'float32', null, 32, undefined) }),
  size: fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 })) },
    { weight: 1, arbitrary: fc.constantFrom<[unknown, unknown]>([-1, 2], [1.5, 2], [NaN, 1], [2, '3'], [2 ** 31, 1], [1, 2 ** 31], [null, 1], [1, -0.5]) },
    { weight: 1, arbitrary: fc.constantFrom<[unknown, unknown]>([65536, 65536], [2 ** 31 - 1, 2 ** 31 - 1], [2 ** 30, 4], [2 ** 29, 9], [70000, 70000]) },
  ),
  keep: fc.boolean(),
  freeIndex: fc.option(fc.nat(), { nil: null }),
  seed: seedArb,
});
export type AllocPlan = ArbValue<typeof allocArb>;

export function runAlloc(ctx: FuzzContext, p: AllocPlan): void {
  const [rows, cols] = p.size;
  const sizeOk = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1;
  const dtOk = p.dtype === 'f32' || p.dtype === 'f64';
  const bytes = sizeOk(rows) && sizeOk(cols) ? (rows as number) * (cols as number) * (p.dtype === 'f64' ? 8 : 4) : 0;
  const valid = dtOk && sizeOk(rows) && sizeOk(cols) && bytes < 2 ** 31; // the huge ones are > 4 GiB
  if (dtOk && sizeOk(rows) && sizeOk(cols) && !valid && bytes < 2 ** 32) throw new Error(`fuzz plan bug: ${bytes} bytes is neither small nor beyond 4 GiB`);
  ctx.stats.allocs++;
  const before = ctx.wasm.memoryBytes();
  const b = new Builder(ctx, 'f32', p.seed);
  const c: CallInfo = { fn: 'alloc', engine: 'wasm', dt: (p.dtype === 'f64' ? 'f64' : 'f32'), bad: valid ? null : 'args', strict: true };
  let made: WasmMatrix | null = null;
  execute(ctx, c, b, () => (ctx.wasm.alloc as (...a: unknown[]) => WasmMatrix)(p.dtype, rows, cols), !valid, (res) => {
    const m = res as WasmMatrix;
    made = m;
    const d = m.data;
    if (m.rows !== rows || m.cols !== cols || d.length !== (rows as number) * (cols as number) || tag(d) !== dtTag(p.dtype as DT)) {
      violation('alloc', `returned ${m.rows}×${m.cols} ${tag(d)}(${d.length})`);
    }
    for (let i = 0; i < d.length; i++) if (d[i] !== 0 || Object.is(d[i], -0)) violation('alloc', `not zero-filled at [${i}]: ${d[i]}`);
  });
  if (!valid && ctx.wasm.memoryBytes() !== before) violation('alloc', `memory grew from ${before} to ${ctx.wasm.memoryBytes()} on a refused alloc()`);
  if (made) {
    const m = made as WasmMatrix;
    if (p.keep) {
      const pattern = materialize(p.dtype as DT, rows as number, cols as number, { seed: p.seed, kind: 'gauss', scale: 1, inject: [[0.5, NaN], [0.1, -0]], rowFill: [] });
      m.data.set(pattern);
      ctx.pool.push({ m, pattern });
      if (ctx.pool.length > 6) ctx.pool.shift()!.m.free();
    } else {
      m.free();
      m.free(); // idempotent
      let threw: unknown = null;
      try { void m.data; } catch (e) { threw = e; }
      if (!(threw instanceof SoftmaxInputError)) violation('alloc', `data of a freed matrix: expected SoftmaxInputError, got ${threw === null ? 'no error' : describeError(threw)}`);
    }
  }
  if (p.freeIndex !== null && ctx.pool.length > 0) {
    const [victim] = ctx.pool.splice(p.freeIndex % ctx.pool.length, 1);
    victim.m.free();
  }
  checkWasmState(ctx, 'alloc');
}
