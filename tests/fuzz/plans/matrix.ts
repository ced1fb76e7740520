/** The fuzz plan of matrix(): every kind of data and size, valid exactly when the data is a float array of rows·cols elements. */
import fc from 'fast-check';
import { matrix, type FloatArray, type Matrix } from '../../../src/index.js';
import { detachedArray } from '../../support/index.js';
import { violation, type FuzzContext } from '../context.js';
import type { ArbValue } from '../generators.js';
import { execute, type CallInfo } from '../oracle.js';
import { Builder, SubF32, foreignCtor } from '../storage.js';

export const matrixArb = fc.record({
  data: fc.constantFrom('f32', 'f64', 'sub', 'shared', 'subclass', 'crossRealm', 'array', 'int32', 'null', 'detached', 'proxy', 'dataView', 'uint8'),
  len: fc.integer({ min: 0, max: 40 }),
  rows: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, NaN, Infinity, '2', null, 2 ** 31, 2 ** 31 - 1, -0, 2n) }),
  cols: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-3, 0.5, NaN, -Infinity, '4', undefined, 2 ** 32, -0) }),
  matchLen: fc.boolean(),
});
export type MatrixPlan = ArbValue<typeof matrixArb>;

export function runMatrix(ctx: FuzzContext, p: MatrixPlan): void {
  const sizeOk = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1;
  const len = p.matchLen && sizeOk(p.rows) && sizeOk(p.cols) && (p.rows as number) * (p.cols as number) <= 64 ? (p.rows as number) * (p.cols as number) : p.len;
  let data: unknown;
  let floatOk = true;
  switch (p.data) {
    case 'f32': data = new Float32Array(len); break;
    case 'f64': data = new Float64Array(len); break;
    case 'sub': data = new Float32Array(len + 4).subarray(2, 2 + len); break;
    case 'shared': data = new Float64Array(new SharedArrayBuffer(8 * (len + 1)), 8, len); break;
    case 'subclass': data = new SubF32(len); break;
    case 'crossRealm': data = new foreignCtor.f64(len); break;
    case 'array': data = new Array(len).fill(0); floatOk = false; break;
    case 'int32': data = new Int32Array(len); floatOk = false; break;
    case 'uint8': data = new Uint8Array(len); floatOk = false; break;
    case 'null': data = null; floatOk = false; break;
    case 'detached': data = detachedArray('f32', len); floatOk = false; break;
    case 'proxy': data = new Proxy(new Float32Array(len), {}); floatOk = false; break;
    case 'dataView': data = new DataView(new ArrayBuffer(len * 4)); floatOk = false; break;
  }
  const valid = floatOk && sizeOk(p.rows) && sizeOk(p.cols) && (p.rows as number) * (p.cols as number) === len;
  const b = new Builder(ctx, 'f32', 1);
  const c: CallInfo = { fn: 'matrix', engine: 'reference', dt: 'f32', bad: valid ? null : 'args', strict: true };
  execute(ctx, c, b, () => matrix(data as FloatArray, p.rows as number, p.cols as number), !valid, (res) => {
    const m = res as Matrix<FloatArray>;
    if (m.data !== data || m.rows !== p.rows || m.cols !== p.cols) violation('matrix', 'did not return { data, rows, cols } as given');
  });
}
