// Raw cross_entropy_f32/_f64 exports (assembly/cross_entropy.ts, cross_entropy/) against the float64
// reference's softmaxCrossEntropy, both dtypes: every combination of options, special rows, empty problems.
import { describe, expect, it } from 'vitest';
import type { ReductionCode } from '../../src/backend.js';
import { softmaxCrossEntropy } from '../../src/reference/cross_entropy.js';
import type { Matrix } from '../../src/types.js';
import { BYTES, DTYPES, relErr, TOL } from '../support/index.js';
import { ex, alloc, put, putI32, get, rounded, normals, uniform, refSoftmax, resetHeap, useRawModule } from './raw_module.js';

useRawModule();

const mat = (data: Float64Array, rows: number, cols: number): Matrix<Float64Array> => ({ data, rows, cols });


interface CEOpts {
  labels: Int32Array | null;
  targets: Float64Array | null;
  weights: Float64Array | null;
  ignore: number;
  eps: number;
  reduction: ReductionCode;
}
/** The reference's softmaxCrossEntropy: { loss, losses, grad }. */
function refCE(z: Float64Array, rows: number, C: number, o: CEOpts): { loss: number; losses: Float64Array; grad: Float64Array } {
  const losses = new Float64Array(rows);
  const grad = new Float64Array(rows * C);
  const loss = softmaxCrossEntropy({
    logits: mat(z, rows, C), labels: o.labels, targets: o.targets ? mat(o.targets, rows, C) : null, weights: o.weights,
    ignoreIndex: o.ignore, smoothing: o.eps, reduction: o.reduction, losses, grad: mat(grad, rows, C),
  });
  return { loss, losses, grad };
}

describe.each(DTYPES)('cross_entropy (%s)', (dt) => {
  const ce = `cross_entropy_${dt}` as const;

  /** Runs the kernel on fresh copies; gradMode: 'off' | 'on' | 'alias' (grad written over logits). */
  function run(z: Float64Array, rows: number, C: number, o: CEOpts, gradMode: 'off' | 'on' | 'alias') {
    resetHeap();
    const pz = put(dt, z);
    const pl = o.labels ? putI32(o.labels) : 0;
    const pt = o.targets ? put(dt, o.targets) : 0;
    const pw = o.weights ? put(dt, o.weights) : 0;
    const pls = o.reduction === 2 ? alloc(rows * BYTES[dt]) : 0;
    const pg = gradMode === 'on' ? alloc(rows * C * BYTES[dt]) : gradMode === 'alias' ? pz : 0;
    const loss = ex[ce](pz, rows, C, pl, pt, pw, o.ignore, o.eps, o.reduction, pls, pg);
    return {
      loss,
      losses: pls ? get(dt, pls, rows) : null,
      grad: pg ? get(dt, pg, rows * C) : null,
      logits: gradMode === 'alias' ? null : get(dt, pz, rows * C),
    };
  }

  function check(z: Float64Array, rows: number, C: number, o: CEOpts, label: string) {
    const want = refCE(z, rows, C, o);
    for (const gradMode of ['off', 'on', 'alias'] as const) {
      const got = run(z, rows, C, o, gradMode);
      const what = `${label} grad ${gradMode}`;
      if (Number.isNaN(want.loss)) expect(got.loss, what).toBeNaN();
      else if (!Number.isFinite(want.loss)) expect(got.loss, what).toBe(want.loss);
      else expect(Math.abs(got.loss - want.loss) / Math.max(1, Math.abs(want.loss)), what).toBeLessThanOrEqual(TOL[dt]);
      if (got.losses) expect(relErr(got.losses, want.losses), what).toBeLessThanOrEqual(TOL[dt]);
      if (got.grad) {
        for (let i = 0; i < rows; i++) {
          const g = got.grad.subarray(i * C, (i + 1) * C), w = want.grad.subarray(i * C, (i + 1) * C);
          // relative to the largest gradient of the whole matrix (a row's gradient can be all tiny)
          let scale = 0;
          for (const v of want.grad) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
          for (let j = 0; j < C; j++) {
            if (Number.isNaN(w[j])) expect(g[j], `${what} [${i}, ${j}]`).toBeNaN();
            else expect(Math.abs(g[j] - w[j]) / (scale || 1), `${what} [${i}, ${j}]`).toBeLessThanOrEqual(TOL[dt]);
          }
        }
      }
      if (got.logits) expect(Array.from(got.logits)).toEqual(Array.from(z));
    }
  }

  const SHAPES: [number, number][] = [[7, 10], [5, 37], [3, 1000], [4, 1], [6, 3]];

  it('integer labels: every combination of weights, ignore_index, smoothing, reduction and grad', () => {
    for (const [rows, C] of SHAPES) {
      const z = rounded(dt, normals(rows * C, rows * C, 3));
      const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7 + 3) % C);
      const weights = rounded(dt, uniform(C, C, 0.2, 2));
      for (const useW of [false, true]) {
        for (const ignore of [-1, -100, labels[1]]) {
          const lab = labels.slice();
          if (ignore === -100) lab[rows - 1] = -100;
          for (const eps of [0, 0.1, 1]) {
            for (const reduction of [0, 1, 2] as const) {
              check(z, rows, C, { labels: lab, targets: null, weights: useW ? weights : null, ignore, eps, reduction },
                `${rows}x${C} w ${useW} ignore ${ignore} eps ${eps} red ${reduction}`);
            }
          }
        }
      }
    }
  });

  it('probability rows: every combination of weights, smoothing, reduction and grad', () => {
    for (const [rows, C] of SHAPES) {
      const z = rounded(dt, normals(rows * C, rows * C + 1, 3));
      const q = rounded(dt, refSoftmax(normals(rows * C, 5, 2), rows, C, false));
      // one one-hot row: most of its targets are exactly 0
      for (let j = 0; j < C; j++) q[j] = j === C - 1 ? 1 : 0;
      const weights = rounded(dt, uniform(C, C + 2, 0.2, 2));
      for (const useW of [false, true]) {
        for (const eps of [0, 0.25]) {
          for (const reduction of [0, 1, 2] as const) {
            check(z, rows, C, { labels: null, targets: q, weights: useW ? weights : null, ignore: -1, eps, reduction },
              `${rows}x${C} w ${useW} eps ${eps} red ${reduction}`);
          }
        }
      }
    }
  });

  it('special rows: fully masked, masked label, masked class with zero weight, NaN and +Inf', () => {
    const C = 9;
    const rows = 6;
    const z = Array.from(rounded(dt, normals(rows * C, 77, 2)));
    for (let j = 0; j < C; j++) z[j] = -Infinity; // row 0 fully masked
    z[1 * C + 2] = -Infinity; // row 1: its label's logit is masked → loss +∞
    z[2 * C + 4] = -Infinity; // row 2: a masked class that is not the label (ε = 0: costs nothing)
    z[3 * C + 8] = NaN; // row 3: NaN
    z[4 * C + 0] = Infinity; // row 4: +∞
    const labels = Int32Array.from([1, 2, 0, 5, 3, 4]);
    const zz = Float64Array.from(z);
    const weights = Float64Array.from({ length: C }, (_, c) => (c === 4 ? 0 : 1 + c / 10));
    for (const eps of [0, 0.2]) {
      for (const useW of [false, true]) {
        for (const reduction of [0, 1, 2] as const) {
          check(zz, rows, C, { labels, targets: null, weights: useW ? weights : null, ignore: -100, eps, reduction },
            `eps ${eps} w ${useW} red ${reduction}`);
        }
      }
    }
    // probability rows with the same logits; a target of exactly 0 on the masked class of row 2
    const q = new Float64Array(rows * C).fill(1 / C);
    for (let j = 0; j < C; j++) q[2 * C + j] = j === 4 ? 0 : 1 / (C - 1);
    for (const reduction of [0, 1, 2] as const) {
      check(zz, rows, C, { labels: null, targets: q, weights: null, ignore: -1, eps: 0, reduction }, `prob red ${reduction}`);
    }
  });

  it("mean over nothing (all rows ignored) is NaN with a zero gradient; rows = 0", () => {
    const C = 5, rows = 4;
    const z = rounded(dt, normals(rows * C, 5));
    const labels = new Int32Array(rows).fill(-100);
    const o: CEOpts = { labels, targets: null, weights: null, ignore: -100, eps: 0.1, reduction: 0 };
    check(z, rows, C, o, 'all ignored');
    const got = run(z, rows, C, o, 'on');
    expect(got.loss).toBeNaN();
    expect(Array.from(got.grad!).every((v) => v === 0)).toBe(true);
    expect(run(z, 0, C, { ...o, reduction: 1 }, 'on').loss).toBe(0);
    expect(run(z, 0, C, o, 'on').loss).toBeNaN();
  });

  it('matches a hand-computed value (logits [1, 2, 3], label 2)', () => {
    const z = Float64Array.from([1, 2, 3]);
    const got = run(z, 1, 3, { labels: Int32Array.from([2]), targets: null, weights: null, ignore: -1, eps: 0, reduction: 0 }, 'on');
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(Math.abs(got.loss - (lse - 3))).toBeLessThan(dt === 'f32' ? 1e-6 : 1e-15);
    expect(Math.abs(got.grad![2] - (Math.exp(3 - lse) - 1))).toBeLessThan(dt === 'f32' ? 1e-6 : 1e-15);
  });
});
