/**
 * Registry entries of softmax and logSoftmax (row-wise, optional temperature): kernels
 * assembly/softmax.ts and assembly/logits/softmax_temperature.ts, reference src/reference/softmax.ts
 * and src/reference/logits.ts.
 */
import { newMatrix } from '../alloc.js';
import { logSoftmax as refLogSoftmax, softmax as refSoftmax } from '../reference/softmax.js';
import { logSoftmaxTemperature, softmaxTemperature } from '../reference/logits.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { checkTemperature, dtypeOf } from '../validate.js';
import { defineOp, type BenchShape, type Float } from './op.js';
import { isTensorCall, softmaxTensor } from './tensors.js';
import { softmaxAxis } from '../reference/axis.js';
import type { Tensor } from '../types_tensors.js';

/** Options of softmax / logSoftmax. */
export interface SoftmaxOptions {
  /** The axis to normalize along (default −1, the last; negative counts from the end, as PyTorch's `dim`).
   * A matrix is the tensor [rows, cols]. See docs/tensors.md. */
  axis?: number;
  /** T > 0 (finite): softmax of x / T, 1/T folded into the exp pass. Default 1 (the plain kernel, bit for bit). */
  temperature?: number;
}

export interface SoftmaxMethods {
  /**
   * Softmax of an N-d tensor along `options.axis` (default −1), with `options.temperature`; the
   * result has x's shape (`out` may alias x). A non-last axis is computed in place of a transpose
   * (docs/tensors.md).
   * @example
   * reference.softmax(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]), undefined, { axis: 0 }).data
   * // ≈ [0.11920292202211755, 0.11920292202211755, 0.8807970779778823, 0.8807970779778823]
   */
  softmax<A extends FloatArray>(x: Tensor<A>, out?: Tensor<A>, options?: SoftmaxOptions): Tensor<A>;
  /**
   * Log-softmax of an N-d tensor along `options.axis` (default −1), with `options.temperature`.
   * @example
   * reference.logSoftmax(tensor(new Float64Array([0, 0]), [2, 1]), undefined, { axis: 0 }).data // ≈ [-0.6931471805599453, -0.6931471805599453]
   */
  logSoftmax<A extends FloatArray>(x: Tensor<A>, out?: Tensor<A>, options?: SoftmaxOptions): Tensor<A>;
  /**
   * Row-wise numerically stable softmax: `out[i, j] = exp(x[i, j] − max_i) / Σ_k exp(x[i, k] − max_i)`.
   * A row that is all `-Infinity` gives 0 everywhere; `+Infinity` or `NaN` in a row gives NaN in that row.
   * @param x logits, row-major N×C.
   * @param out optional N×C result of the same float type; may alias `x`.
   * @returns `out`, or a new matrix.
   * @example
   * reference.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3)).data
   * // ≈ [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]
   */
  softmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A>;
  /**
   * Row-wise softmax of x / T with `options.temperature` (T > 0); see the two-argument form.
   * @example
   * reference.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3), undefined, { temperature: 2 }).data
   * // ≈ [0.1863237232258476, 0.30719588571849843, 0.506480391055654]
   */
  softmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>, options?: SoftmaxOptions): Matrix<A>;

  /**
   * Row-wise log-softmax, `x[i, j] − max_i − log Σ_k exp(x[i, k] − max_i)`, stable and precise at the
   * dominant class. A row that is all `-Infinity` gives `-Infinity` everywhere.
   * @param x logits, row-major N×C.
   * @param out optional N×C result of the same float type; may alias `x`.
   * @returns `out`, or a new matrix.
   * @example
   * reference.logSoftmax(matrix(new Float64Array([1, 2, 3]), 1, 3)).data // → Float64Array [-2.4076, -1.4076, -0.4076]
   */
  logSoftmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>): Matrix<A>;
  /**
   * Row-wise log-softmax of x / T with `options.temperature` (T > 0).
   * @example
   * reference.logSoftmax(matrix(new Float64Array([1, 2, 3]), 1, 3), undefined, { temperature: 2 }).data // → Float64Array [-1.6803, -1.1803, -0.6803]
   */
  logSoftmax<A extends FloatArray>(x: Matrix<A>, out?: Matrix<A>, options?: SoftmaxOptions): Matrix<A>;
}

/** The Backend arguments of softmax / logSoftmax: out may be x; temperature 1 is the plain kernel. */
export interface SoftmaxArgs {
  x: Matrix<FloatArray>; out: Matrix<FloatArray>; temperature: number;
  /** The positions after the axis (absent or 1: rows of x); > 1: x is (rows, cols, inner) over rows·cols·inner elements (docs/tensors.md). */
  inner?: number;
}

const SOFTMAX_OPTIONS = ['temperature'] as const;
const first = (r: Matrix<Float>): number => r.data[0];
const rowsByCols = (s: BenchShape): { x: [number, number] } => ({ x: [s.rows, s.cols] });
const sameAsX = (s: BenchShape): { out: [number, number] } => ({ out: [s.rows, s.cols] });

function rowwise<const N extends 'softmax' | 'logSoftmax'>(name: N, kernel: 'softmax' | 'log_softmax', summary: string) {
  const plain = name === 'softmax' ? refSoftmax : refLogSoftmax;
  const tempered = name === 'softmax' ? softmaxTemperature : logSoftmaxTemperature;
  return defineOp({
    name,
    summary,
    signature: `${name}(x, out?, { temperature? })`,
    api(ctx, s, x: unknown, out: unknown, options: unknown) {
      // a Tensor, or options naming an axis (./tensors.ts)
      if (isTensorCall(x, options)) return softmaxTensor(name, ctx, s, x, out, options);
      // Read order: x; out; options (temperature).
      const sx = s.matrix('x', x);
      const dt = dtypeOf(sx.data)!;
      const so = out === undefined ? null
        : s.matrix('out', out, { dtype: dt, rows: sx.rows, cols: sx.cols, out: true, mayAlias: ['x'] });
      const opt = s.options('options', options, SOFTMAX_OPTIONS);
      const temperature = checkTemperature(name, opt.temperature, dt, false);
      s.seal();
      const o = so ?? newMatrix(name, dt, sx.rows, sx.cols);
      if (sx.rows * sx.cols > 0) ctx.run({ x: sx, out: o, temperature });
      return so ? out : o;
    },
    reference: (a: SoftmaxArgs) => ((a.inner ?? 1) > 1
      ? softmaxAxis({ x: a.x.data, out: a.out.data, outer: a.x.rows, size: a.x.cols, inner: a.inner!, invT: 1 / a.temperature, log: name === 'logSoftmax' })
      : a.temperature === 1 ? plain(a.x, a.out) : tempered(a.x, a.out, 1 / a.temperature)),
    wasm(w, a) {
      const c = w.call();
      const sx = c.in(a.x.data), so = c.out(a.out.data);
      const { rows, cols } = a.x;
      const inner = a.inner ?? 1;
      if (inner > 1) {
        // another axis than the last: SIMD across the inner positions (assembly/axis/softmax.ts)
        const k = w.kernel(`${kernel}_axis`, a.x.data);
        c.run(() => k(sx.ptr, so.ptr, rows, cols, inner, 1 / a.temperature, inner));
      } else if (a.temperature === 1) {
        const k = w.kernel(kernel, a.x.data);
        c.run(() => k(sx.ptr, so.ptr, rows, cols));
      } else {
        const k = w.kernel(`${kernel}_temperature`, a.x.data);
        c.run(() => k(sx.ptr, so.ptr, rows, cols, 1 / a.temperature));
      }
    },
    kernels: {
      [kernel]: { params: 'x, out, rows, cols', by: 'rows', args: ['in', 'out', 'rows', 'cols'], longRow: true },
      [`${kernel}_temperature`]: { params: 'x, out, rows, cols, invT', by: 'rows', args: ['in', 'out', 'rows', 'cols', 'scalar'] },
      [`${kernel}_axis`]: { params: 'x, out, outer, C, inner, s, count', by: 'positions' },
    },
    bench: {
      inputs: rowsByCols, outputs: sameAsX,
      call: (k: SoftmaxMethods, a, out) => k[name](a.x, out?.out as Matrix<Float> | undefined),
      sink: first, result: (r) => ({ out: r.data }),
      standard: name === 'softmax'
        ? [
          { rows: 1, cols: 131072, note: 'LLM-vocabulary logits' },
          { rows: 1, cols: 32000, note: 'LLM-vocabulary logits' },
          { rows: 256, cols: 1000 },
          { rows: 4096, cols: 10 },
        ]
        : [{ rows: 256, cols: 1000 }],
      tiny: [{ rows: 3, cols: 37 }],
    },
    digest: {
      rows: (k: SoftmaxMethods, { r, c, x }) => [
        [`${name} ${r}x${c}`, () => k[name](x)],
        ...(name === 'softmax' ? [[`softmax T=0.7 ${r}x${c}`, () => k.softmax(x, undefined, { temperature: 0.7 })] as [string, () => unknown]] : []),
      ],
    },
  });
}

export const softmax = rowwise('softmax', 'softmax', 'Row-wise stable softmax (optionally of x / T).');
export const logSoftmax = rowwise('logSoftmax', 'log_softmax', 'Row-wise log-softmax (optionally of x / T).');

/** This family's entries, in registry order. */
export const SOFTMAX_OPS = [softmax, logSoftmax] as const;
