// Raw softmax_f32/_f64 and log_softmax exports (assembly/softmax.ts, row.ts) against the float64
// reference's row functions, both dtypes: sizes around the SIMD widths, long rows, aliasing, special rows.
import { describe, expect, it } from 'vitest';
import { BYTES, DTYPES, relErr, TOL } from '../support/index.js';
import { ex, COLS, alloc, put, get, rounded, normals, uniform, refSoftmax, resetHeap, useRawModule } from './raw_module.js';

useRawModule();


describe.each(DTYPES)('softmax / log_softmax (%s)', (dt) => {
  /** Asserts each row's error against the reference within TOL; returns the largest. */
  function checkRows(got: Float64Array, want: Float64Array, rows: number, cols: number, what: string): number {
    let worst = 0;
    for (let i = 0; i < rows; i++) {
      const e = relErr(got.subarray(i * cols, (i + 1) * cols), want.subarray(i * cols, (i + 1) * cols));
      expect(e, `${what} row ${i}`).toBeLessThanOrEqual(TOL[dt]);
      worst = Math.max(worst, e);
    }
    return worst;
  }

  for (const log of [false, true]) {
    const name = `${log ? 'log_' : ''}softmax_${dt}` as const;
    it(`${name} matches f64 for cols 1..9, 15..17, 31..33, 1000, 4099 (3 data scales)`, () => {
      let worst = 0;
      for (const cols of COLS) {
        for (const [k, scale] of [1, 10, 100].entries()) {
          const rows = 3;
          const x = rounded(dt, normals(rows * cols, cols * 7 + k, scale));
          resetHeap();
          const px = put(dt, x);
          const po = alloc(x.length * BYTES[dt]);
          ex[name](px, po, rows, cols);
          worst = Math.max(worst, checkRows(get(dt, po, x.length), refSoftmax(x, rows, cols, log), rows, cols, `cols ${cols} scale ${scale}`));
          expect(Array.from(get(dt, px, x.length))).toEqual(Array.from(x)); // input untouched
        }
      }
      expect(worst).toBeGreaterThan(0);
    });

    it(`${name} on the edges of its blocked sum (${log ? 'rest groups' : 'exp-sum blocks'}, sizes read from the module)`, () => {
      // a row's sum is its block sums in block order, then a tail shorter than 32 bytes: lengths one
      // element around whole blocks and around the 32-byte tail
      const block = (log ? ex.rest_group_bytes() : ex.expsum_block_bytes()) / BYTES[dt];
      const tail = 32 / BYTES[dt];
      for (const j of [1, 2, 3]) {
        for (const d of [-tail - 1, -tail, -1, 0, 1, tail - 1, tail, tail + 1]) {
          const cols = j * block + d, rows = 2;
          const x = rounded(dt, normals(rows * cols, cols, 5));
          resetHeap();
          const px = put(dt, x);
          const po = alloc(x.length * BYTES[dt]);
          ex[name](px, po, rows, cols);
          checkRows(get(dt, po, x.length), refSoftmax(x, rows, cols, log), rows, cols, `cols ${cols} (${j} blocks ${d >= 0 ? '+' : ''}${d})`);
        }
      }
    });

    it(`${name}: 5000 cols, logits up to ±1e4 and nearly-uniform rows`, () => {
      const cols = 5000;
      for (const [seed, lo, hi] of [[1, -1e4, 1e4], [2, -1, 1], [3, -1e-3, 1e-3], [4, 9990, 10000]] as const) {
        const rows = 2;
        const x = rounded(dt, uniform(rows * cols, seed, lo, hi));
        resetHeap();
        const px = put(dt, x);
        const po = alloc(x.length * BYTES[dt]);
        ex[name](px, po, rows, cols);
        checkRows(get(dt, po, x.length), refSoftmax(x, rows, cols, log), rows, cols, `[${lo}, ${hi}]`);
      }
    });

    it(`${name}: one row of 131072 keeps the f32 sum accurate (blocked two-level summation)`, () => {
      const cols = 131072;
      const x = rounded(dt, uniform(cols, 11, -10, 10));
      resetHeap();
      const px = put(dt, x);
      const po = alloc(cols * BYTES[dt]);
      ex[name](px, po, 1, cols);
      // one running f32 sum per lane would be off by ~6e-6 here; blocks of 4 KiB keep it ~2e-7
      expect(relErr(get(dt, po, cols), refSoftmax(x, 1, cols, log))).toBeLessThanOrEqual(dt === 'f32' ? 2e-6 : TOL.f64);
    });

    it(`${name} in place (out == x) equals the separate-output result`, () => {
      for (const cols of [3, 17, 1000]) {
        const rows = 4;
        const x = rounded(dt, normals(rows * cols, cols, 3));
        resetHeap();
        const px = put(dt, x);
        const po = alloc(x.length * BYTES[dt]);
        ex[name](px, po, rows, cols);
        ex[name](px, px, rows, cols);
        expect(Array.from(get(dt, px, x.length))).toEqual(Array.from(get(dt, po, x.length)));
      }
    });

    it(`${name}: masked, +Inf and NaN rows (any position) leave the other rows alone`, () => {
      for (const cols of [1, 3, 4, 7, 16, 37]) {
        for (const pos of [0, Math.floor(cols / 2), cols - 1]) {
          const x = Array.from(rounded(dt, normals(7 * cols, cols + pos, 2)));
          const set = (r: number, v: number, all = false) => {
            for (let j = 0; j < cols; j++) if (all || j === pos) x[r * cols + j] = v;
          };
          set(0, -Infinity, true); // fully masked
          set(1, -Infinity); // one masked class
          set(2, Infinity); // +Inf → NaN row
          set(3, NaN); // NaN → NaN row
          set(4, -Infinity, true);
          set(4, NaN); // NaN among −∞ → NaN row
          set(5, 88.5); // large but finite
          resetHeap();
          const px = put(dt, x);
          const po = alloc(x.length * BYTES[dt]);
          ex[name](px, po, 7, cols);
          const got = get(dt, po, x.length);
          const want = refSoftmax(x, 7, cols, log);
          for (let i = 0; i < 7; i++) {
            const g = got.subarray(i * cols, (i + 1) * cols), w = want.subarray(i * cols, (i + 1) * cols);
            expect(relErr(g, w), `cols ${cols} pos ${pos} row ${i}: ${Array.from(g)}`).toBeLessThanOrEqual(TOL[dt]);
          }
          // the fully masked row is exactly 0 / −∞
          for (let j = 0; j < cols; j++) expect(got[j]).toBe(log ? -Infinity : 0);
          for (let j = 0; j < cols; j++) expect(got[2 * cols + j]).toBeNaN();
          for (let j = 0; j < cols; j++) expect(got[3 * cols + j]).toBeNaN();
          for (let j = 0; j < cols; j++) expect(got[4 * cols + j]).toBeNaN();
        }
      }
    });

    it(`${name}: dominant class has a small absolute error; rows = 0 and cols = 0 do nothing`, () => {
      // (x − m) − log s at the class that takes (almost) all the mass: ≈ −Σ_others e, not log(p) noise
      const x = [0, -40, -50, -60, 1e4, 1e4 - 30];
      resetHeap();
      const px = put(dt, x);
      const po = alloc(x.length * BYTES[dt]);
      ex[name](px, po, 1, x.length);
      const got = get(dt, po, x.length);
      const want = refSoftmax(x, 1, x.length, log);
      const abs = dt === 'f32' ? 1.2e-7 : 2e-16;
      expect(Math.abs(got[4] - want[4])).toBeLessThanOrEqual(abs);
      expect(Math.abs(got[5] - want[5])).toBeLessThanOrEqual(log ? 30 * abs : abs);
      const before = Array.from(get(dt, po, x.length));
      ex[name](px, po, 0, 6);
      ex[name](px, po, 6, 0);
      expect(Array.from(get(dt, po, x.length))).toEqual(before);
    });
  }
});
