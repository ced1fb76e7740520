// Raw softmax_backward / softmax_jacobian exports (assembly/softmax_backward.ts) against the float64
// reference (src/reference/softmax_backward.ts), both dtypes, all sizes, out aliasing y or dy.
import { describe, expect, it } from 'vitest';
import { softmaxBackward } from '../../src/reference/softmax_backward.js';
import type { Matrix } from '../../src/types.js';
import { BYTES, DTYPES, relErr, TOL } from '../support/index.js';
import { ex, COLS, alloc, put, get, rounded, normals, refSoftmax, resetHeap, useRawModule } from './raw_module.js';

useRawModule();

const mat = (data: Float64Array, rows: number, cols: number): Matrix<Float64Array> => ({ data, rows, cols });

function refBackward(y: Float64Array, dy: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  softmaxBackward(mat(y, rows, cols), mat(dy, rows, cols), mat(out, rows, cols));
  return out;
}

describe.each(DTYPES)('softmax_backward / softmax_jacobian (%s)', (dt) => {
  const back = `softmax_backward_${dt}` as const;
  const jac = `softmax_jacobian_${dt}` as const;

  it(`${back} matches f64 for all sizes; out may alias y or dy`, () => {
    for (const cols of COLS) {
      const rows = 3;
      const y = rounded(dt, refSoftmax(normals(rows * cols, cols, 2), rows, cols, false));
      const dy = rounded(dt, normals(rows * cols, cols + 1));
      const want = refBackward(y, dy, rows, cols);
      for (const alias of ['none', 'y', 'dy'] as const) {
        resetHeap();
        const py = put(dt, y), pdy = put(dt, dy);
        const po = alias === 'y' ? py : alias === 'dy' ? pdy : alloc(y.length * BYTES[dt]);
        ex[back](py, pdy, po, rows, cols);
        const got = get(dt, po, y.length);
        for (let i = 0; i < rows; i++) {
          const e = relErr(got.subarray(i * cols, (i + 1) * cols), want.subarray(i * cols, (i + 1) * cols));
          expect(e, `cols ${cols} alias ${alias} row ${i}`).toBeLessThanOrEqual(TOL[dt]);
        }
        if (alias !== 'y') expect(Array.from(get(dt, py, y.length))).toEqual(Array.from(y));
        if (alias !== 'dy') expect(Array.from(get(dt, pdy, y.length))).toEqual(Array.from(dy));
      }
    }
  });

  it(`${jac} matches diag(y) − y yᵀ`, () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100]) {
      const y = rounded(dt, refSoftmax(normals(n, n, 2), 1, n, false));
      resetHeap();
      const py = put(dt, y);
      const po = alloc(n * n * BYTES[dt]);
      ex[jac](py, po, n);
      const got = get(dt, po, n * n);
      const want = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) want[i * n + j] = (i === j ? y[i] : 0) - y[i] * y[j];
      expect(relErr(got, want), `n ${n}`).toBeLessThanOrEqual(TOL[dt]);
    }
  });
});
