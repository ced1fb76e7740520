/**
 * Registry entries of the backward passes: softmaxBackward and logSoftmaxBackward (per row) and
 * softmaxJacobian (one vector). Kernels assembly/softmax_backward.ts and
 * assembly/log_softmax_backward.ts; reference src/reference/softmax_backward.ts.
 */
import { newMatrix } from '../alloc.js';
import { logSoftmaxBackward as refLogBackward, softmaxBackward as refBackward, softmaxJacobian as refJacobian } from '../reference/softmax_backward.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { dtypeOf, fail, lengthOf } from '../validate.js';
import { defineOp, type Float } from './op.js';

/** The largest vector softmaxJacobian accepts: its n×n result has at most 67M elements. */
export const MAX_JACOBIAN_LENGTH = 8192;

export interface BackwardMethods {
  /**
   * Softmax backward (a Jacobian-vector product per row): `dx = y ⊙ (dy − Σ_j dy_j·y_j)`.
   * @param y softmax outputs, N×C.
   * @param dy upstream gradient d loss / d y, N×C.
   * @param out optional N×C result; may alias `y` or `dy`.
   * @returns `out` (d loss / d x), or a new matrix.
   * @example
   * const y = reference.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3));
   * reference.softmaxBackward(y, matrix(new Float64Array([1, 0, 0]), 1, 3)).data // → Float64Array [0.0819, -0.0220, -0.0599]
   */
  softmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A>;

  /**
   * Log-softmax backward: dx = dy − exp(y)·Σ_j dy_j per row (y = logSoftmax output).
   * @param out optional N×C; may alias `y` or `dy`. @returns `out`, or a new matrix.
   * @example
   * const y = reference.logSoftmax(matrix(new Float64Array([1, 2, 3]), 1, 3));
   * reference.logSoftmaxBackward(y, matrix(new Float64Array([1, 0, 0]), 1, 3)).data // → Float64Array [0.9100, -0.2447, -0.6652]
   */
  logSoftmaxBackward<A extends FloatArray>(y: Matrix<A>, dy: Matrix<A>, out?: Matrix<A>): Matrix<A>;

  /**
   * The full softmax Jacobian `diag(y) − y yᵀ` of one probability vector (meant for small vectors:
   * the result is n×n).
   * @param y a softmax output vector, length n.
   * @returns a new n×n matrix of the same float type.
   * @example
   * reference.softmaxJacobian(new Float64Array([0.25, 0.75])).data // → Float64Array [0.1875, -0.1875, -0.1875, 0.1875]
   */
  softmaxJacobian<A extends FloatArray>(y: A): Matrix<A>;
}

/** The Backend arguments of the two backward passes: out may be y or dy. */
export interface BackwardArgs { y: Matrix<FloatArray>; dy: Matrix<FloatArray>; out: Matrix<FloatArray> }
/** The Backend arguments of softmaxJacobian: out is n×n and never aliases y. */
export interface JacobianArgs { y: FloatArray; out: Matrix<FloatArray> }

/** Row-wise softmax of x (rows×cols) in place, in float64: a valid y of the backward ops. */
function toProbabilities(x: Float, rows: number, cols: number, log = false): void {
  for (let i = 0; i < rows; i++) {
    const row = x.subarray(i * cols, (i + 1) * cols);
    let m = -Infinity, s = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, row[j]);
    for (let j = 0; j < cols; j++) s += Math.exp(row[j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) row[j] = log ? row[j] - lse : Math.exp(row[j] - lse);
  }
}

function backward<const N extends 'softmaxBackward' | 'logSoftmaxBackward'>(name: N, kernel: string, summary: string) {
  const ref = name === 'softmaxBackward' ? refBackward : refLogBackward;
  return defineOp({
    name,
    summary,
    signature: `${name}(y, dy, out?)`,
    api(ctx, s, y: unknown, dy: unknown, out: unknown) {
      // Read order: y; dy; out.
      const sy = s.matrix('y', y);
      const dt = dtypeOf(sy.data)!;
      const sdy = s.matrix('dy', dy, { dtype: dt, rows: sy.rows, cols: sy.cols });
      const so = out === undefined ? null
        : s.matrix('out', out, { dtype: dt, rows: sy.rows, cols: sy.cols, out: true, mayAlias: ['y', 'dy'] });
      s.seal();
      const o = so ?? newMatrix(name, dt, sy.rows, sy.cols);
      if (sy.rows * sy.cols > 0) ctx.run({ y: sy, dy: sdy, out: o });
      return so ? out : o;
    },
    reference: (a: BackwardArgs) => ref(a.y, a.dy, a.out),
    wasm(w, a) {
      const c = w.call();
      const sy = c.in(a.y.data), sdy = c.in(a.dy.data), so = c.out(a.out.data);
      const k = w.kernel(kernel, a.y.data);
      c.run(() => k(sy.ptr, sdy.ptr, so.ptr, a.y.rows, a.y.cols));
    },
    kernels: { [kernel]: { params: 'y, dy, out, rows, cols', by: 'rows', args: ['in', 'in', 'out', 'rows', 'cols'] } },
    bench: {
      inputs: (s) => ({ x: [s.rows, s.cols], dy: [s.rows, s.cols] }),
      outputs: (s) => ({ out: [s.rows, s.cols] }),
      shapeX: (x, rows, cols) => toProbabilities(x, rows, cols, name === 'logSoftmaxBackward'),
      call: (k: BackwardMethods, a, out) => k[name](a.x, a.dy!, out?.out as Matrix<Float> | undefined),
      sink: (r) => r.data[0], result: (r) => ({ out: r.data }),
      standard: [{ rows: 256, cols: 1000 }],
      tiny: [{ rows: 3, cols: 37 }],
    },
    digest: {
      rows: (k: BackwardMethods & { softmax(x: Matrix<Float>): Matrix<Float>; logSoftmax(x: Matrix<Float>): Matrix<Float> }, { r, c, x, dy }) => {
        if (name === 'softmaxBackward') {
          const y = k.softmax(x);
          return [[`softmaxBackward ${r}x${c}`, () => k.softmaxBackward(y, dy)]];
        }
        return [[`logSoftmaxBackward ${r}x${c}`, () => k.logSoftmaxBackward(k.logSoftmax(x), dy)]];
      },
    },
  });
}

export const softmaxBackward = backward('softmaxBackward', 'softmax_backward', 'Softmax backward: dx = y ⊙ (dy − Σ dy⊙y) per row.');
export const logSoftmaxBackward = backward('logSoftmaxBackward', 'log_softmax_backward', 'Log-softmax backward: dx = dy − exp(y)·Σ dy per row.');

export const softmaxJacobian = defineOp({
  name: 'softmaxJacobian',
  summary: 'The n×n Jacobian diag(y) − y yᵀ of one softmax vector.',
  signature: 'softmaxJacobian(y)',
  api(ctx, s, y: unknown) {
    const fn = 'softmaxJacobian';
    const hy = s.array('y', y);
    const n = lengthOf(hy.data);
    if (n > MAX_JACOBIAN_LENGTH) {
      fail(fn, 'y', `has length ${n}; the n×n Jacobian is meant for small vectors (n ≤ ${MAX_JACOBIAN_LENGTH}); use softmaxBackward for a Jacobian-vector product`);
    }
    s.seal();
    const o = newMatrix(fn, dtypeOf(hy.data)!, n, n);
    if (n > 0) ctx.run({ y: hy.data, out: o });
    return o;
  },
  reference: (a: JacobianArgs) => refJacobian(a.y, a.out),
  wasm(w, a) {
    const c = w.call();
    const sy = c.in(a.y), so = c.out(a.out.data);
    const k = w.kernel('softmax_jacobian', a.y);
    c.run(() => k(sy.ptr, so.ptr, a.y.length));
  },
  kernels: { softmax_jacobian: { params: 'y, out, n', by: 'caller', why: 'one small vector (n ≤ 8192): a single call' } },
  bench: {
    inputs: (s) => ({ x: [1, s.cols] }), outputs: () => ({}),
    shapeX: (x, rows, cols) => toProbabilities(x, rows, cols),
    call: (k: BackwardMethods, a) => k.softmaxJacobian(a.x.data),
    sink: (r) => r.data[0], result: (r) => ({ out: r.data }),
    standard: [{ rows: 1, cols: 256, note: 'one 256-vector, 256×256 result' }],
    tiny: [{ rows: 1, cols: 37 }],
  },
  digest: {
    rows: (k: BackwardMethods, { r, c, x }) => (r * c <= 4096
      ? [[`softmaxJacobian ${c}`, () => k.softmaxJacobian(x.data.subarray(0, Math.min(c, 64)))]] : []),
  },
});

/** This family's entries, in registry order. */
export const BACKWARD_OPS = [softmaxBackward, logSoftmaxBackward, softmaxJacobian] as const;
