/**
 * Numerical gradient checking, CS231n style ("grad_check_sparse"): for a few random coordinates i
 * of each parameter, the centered difference (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / 2h is compared with the
 * analytic gradient by the relative error |n − a| / (|n| + |a|). Works on any scalar loss: `f` reads
 * the parameters, which gradCheck perturbs in place and restores.
 *
 * Rules of thumb (float64, h = 1e-5): < 1e-7 is right; 1e-7…1e-4 deserves a look (kinks such as
 * max or ReLU, or tiny gradients); > 1e-4 is almost surely a bug. Float32 parameters cannot resolve
 * h = 1e-5: check in float64 (both engines accept Float64Array), or use h ≈ 1e-2 and expect ~1e-3.
 */
import type { CrossEntropyOptions, FloatArray, Matrix, SoftmaxKernels } from '../types.js';
import { checkFloatArray, checkOptions, describe, fail } from '../validate.js';
import { Rng } from './rng.js';

const FN = 'gradCheck';

/** One parameter: its current value (perturbed in place) and the analytic gradient at that value. */
export interface GradCheckParam {
  /** The parameter's current value, perturbed in place by gradCheck and restored exactly. */
  value: FloatArray | Matrix<FloatArray>;
  /** The analytic gradient of `f` at `value`, same length. */
  grad: FloatArray | Matrix<FloatArray>;
}

/** Options of {@link gradCheck}. */
export interface GradCheckOptions {
  /** Coordinates checked per parameter (all of them when the parameter is smaller). Default 10. */
  samples?: number;
  /** The difference formula: 2 (default) is the centered difference (f(x+h) − f(x−h)) / 2h of CS231n,
   * error O(h²); 4 is the five-point stencil (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h, error
   * O(h⁴), which resolves small gradient entries (|g| ≈ 1e-5) that cancellation blurs at order 2. */
  order?: 2 | 4;
  /** Step. Default 1e-5 for order 2, 1e-3 for order 4. */
  h?: number;
  /** Seed of the coordinate choice. Default 1. */
  seed?: number;
}

/** One checked coordinate. */
export interface GradCheckEntry {
  /** The parameter's name (its key, or p0, p1, … for an array of parameters). */
  param: string;
  /** The coordinate checked: an index into the parameter's data (row-major for a matrix). */
  index: number;
  /** The finite-difference estimate of the derivative there. */
  numeric: number;
  /** The analytic gradient's entry there. */
  analytic: number;
  /** |numeric − analytic| / (|numeric| + |analytic|), 0 when both are 0. */
  relError: number;
}

/** Result of {@link gradCheck}. */
export interface GradCheckResult {
  /** The worst relative error over every checked coordinate. */
  maxRelError: number;
  /** The coordinate with that error. */
  worst: GradCheckEntry;
  /** The worst relative error per parameter name. */
  perParam: Record<string, number>;
  /** Every checked coordinate, parameter by parameter. */
  checks: GradCheckEntry[];
}

const dataOf = (v: FloatArray | Matrix<FloatArray>): FloatArray => (ArrayBuffer.isView(v) ? v : v.data);

/**
 * Relative error as CS231n defines it, |a − b| / (|a| + |b|), 0 when both are 0.
 * @param a one value, e.g. a numerical derivative.
 * @param b the other, e.g. the analytic one.
 * @returns a number in [0, 1].
 * @example
 * relError(1.0001, 1); // → 4.9998e-5
 */
export function relError(a: number, b: number): number {
  const den = Math.abs(a) + Math.abs(b);
  return den === 0 ? 0 : Math.abs(a - b) / den;
}

/**
 * Checks analytic gradients against centered differences of `f` at a few random coordinates.
 * @param f the loss, evaluated at the current parameter values (it must read them on every call).
 * @param params `{ name: { value, grad } }` (or an array, named p0, p1, …): each value is perturbed
 *   in place and restored exactly; `grad` is the analytic gradient at the unperturbed values, same length.
 * @param options `{ samples, h, seed, order }`.
 * @returns `{ maxRelError, worst, perParam, checks }`.
 * @example
 * const w = new Float64Array([1, -2]);
 * const f = () => w[0] ** 2 + 3 * w[1];                      // gradient (2·w0, 3)
 * gradCheck(f, { w: { value: w, grad: new Float64Array([2, 3]) } }).maxRelError; // → < 1e-9
 */
export function gradCheck(
  f: () => number,
  params: Record<string, GradCheckParam> | GradCheckParam[],
  options?: GradCheckOptions,
): GradCheckResult {
  if (typeof f !== 'function') fail(FN, 'f', `must be a function returning the loss, got ${describe(f)}`);
  if (params === null || typeof params !== 'object') fail(FN, 'params', `must be { name: { value, grad } } or an array of { value, grad }, got ${describe(params)}`);
  const o = checkOptions(FN, options, ['samples', 'h', 'seed', 'order']);
  const samples = o.samples ?? 10;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1) fail(FN, 'options.samples', `must be a positive integer, got ${describe(samples)}`);
  const order = o.order ?? 2;
  if (order !== 2 && order !== 4) fail(FN, 'options.order', `must be 2 or 4, got ${describe(order)}`);
  const h = o.h ?? (order === 2 ? 1e-5 : 1e-3);
  if (typeof h !== 'number' || !(h > 0) || !Number.isFinite(h)) fail(FN, 'options.h', `must be a finite number > 0, got ${describe(h)}`);
  const seed = o.seed ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail(FN, 'options.seed', `must be an integer, got ${describe(seed)}`);

  const entries: Array<[string, GradCheckParam]> = Array.isArray(params)
    ? params.map((p, i) => [`p${i}`, p]) : Object.entries(params);
  if (entries.length === 0) fail(FN, 'params', 'is empty; give at least one { value, grad }');
  for (const [name, p] of entries) {
    if (p === null || typeof p !== 'object') fail(FN, `params.${name}`, `must be { value, grad }, got ${describe(p)}`);
    const v = p.value, g = p.grad;
    const vd = v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) ? (v as Matrix<FloatArray>).data : v;
    const gd = g !== null && typeof g === 'object' && !ArrayBuffer.isView(g) ? (g as Matrix<FloatArray>).data : g;
    checkFloatArray(FN, `params.${name}.value`, vd);
    checkFloatArray(FN, `params.${name}.grad`, gd, undefined, (vd as FloatArray).length);
  }

  const rng = new Rng(seed);
  const checks: GradCheckEntry[] = [];
  const perParam: Record<string, number> = {};
  for (const [name, p] of entries) {
    const n = dataOf(p.value).length;
    // `samples` distinct coordinates (all of them when the parameter is smaller), seeded.
    const k = Math.min(samples, n);
    const idx = n <= 4 * samples ? rng.permutation(n).subarray(0, k) : distinct(rng, n, k);
    let worst = 0;
    for (const i of idx) {
      const old = dataOf(p.value)[i];
      /** f with coordinate i moved by `delta`; also returns the step as stored (float32 rounds it). */
      const at = (delta: number): [number, number] => {
        const x = dataOf(p.value); // re-derived on every call: f may grow WASM memory
        x[i] = old + delta;
        const step = x[i] - old;
        const v = f();
        dataOf(p.value)[i] = old;
        return [v, step];
      };
      const [fp, sp] = at(h), [fm, sm] = at(-h);
      let numeric: number;
      if (order === 2) {
        numeric = (fp - fm) / (sp - sm);
      } else {
        const [fpp] = at(2 * h), [fmm] = at(-2 * h);
        numeric = (8 * (fp - fm) - (fpp - fmm)) / (6 * (sp - sm)); // differences first: equal values give exactly 0
      }
      const analytic = dataOf(p.grad)[i];
      const e = relError(numeric, analytic);
      checks.push({ param: name, index: i, numeric, analytic, relError: Number.isNaN(e) ? Infinity : e });
      worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
    }
    perParam[name] = worst;
  }
  let w = checks[0];
  for (const c of checks) if (c.relError > w.relError) w = c;
  return { maxRelError: w.relError, worst: w, perParam, checks };
}

/** k distinct integers in [0, n), k ≪ n, in the order drawn. */
function distinct(rng: Rng, n: number, k: number): Int32Array {
  const seen = new Set<number>();
  const out = new Int32Array(k);
  let j = 0;
  while (j < k) {
    const i = rng.int(n);
    if (!seen.has(i)) { seen.add(i); out[j++] = i; }
  }
  return out;
}

/**
 * gradCheck of `kernels.linearSoftmaxLoss`: dW, db and dX against centered differences of its loss.
 * @param kernels any SoftmaxKernels.
 * @param problem `{ X (N×D), y, W (D×C), b (length C), reg }`, all of one float type (use float64).
 * @param options gradCheck's `{ samples, h, seed, order }`.
 * @returns gradCheck's result, with parameters named `W`, `b` and `X`.
 * @example
 * const X = matrix(new Float64Array([1, 2, 3, -1, 0, 2]), 2, 3);
 * const W = matrix(new Float64Array([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]), 3, 2);
 * checkLinearSoftmaxGradients(reference, { X, y: new Int32Array([1, 0]), W, b: new Float64Array(2), reg: 0.1 }).maxRelError; // → < 1e-7
 */
export function checkLinearSoftmaxGradients<A extends FloatArray>(
  kernels: SoftmaxKernels,
  problem: { X: Matrix<A>; y: Int32Array; W: Matrix<A>; b: A; reg?: number },
  options?: GradCheckOptions,
): GradCheckResult {
  const { X, y, W, b, reg = 0 } = problem;
  const g = kernels.linearSoftmaxLoss(X, y, W, { bias: b, reg, inputGrad: true });
  return gradCheck(() => kernels.linearSoftmaxLoss(X, y, W, { bias: b, reg }).loss, {
    W: { value: W, grad: g.dW }, b: { value: b, grad: g.db }, X: { value: X, grad: g.dX! },
  }, options);
}

/**
 * gradCheck of `kernels.softmaxCrossEntropy`: its gradient w.r.t. the logits, with any options
 * (reduction, weights, ignoreIndex, labelSmoothing).
 * @param kernels any SoftmaxKernels.
 * @param logits N×C (use float64: float32 cannot resolve the default step).
 * @param labels N class indices, or an N×C matrix of target probabilities.
 * @param ceOptions softmaxCrossEntropy's options, but `grad` and `gradOut`.
 * @param options gradCheck's `{ samples, h, seed, order }`.
 * @returns gradCheck's result, with the parameter named `logits`.
 * @example
 * const logits = matrix(new Float64Array([1, 2, 3, 0.5, -1, 2]), 2, 3);
 * checkCrossEntropyGradients(reference, logits, new Int32Array([2, 0]), { labelSmoothing: 0.1 }).maxRelError; // → < 1e-7
 */
export function checkCrossEntropyGradients<A extends FloatArray>(
  kernels: SoftmaxKernels,
  logits: Matrix<A>, labels: Int32Array | Matrix<A>,
  ceOptions: Omit<CrossEntropyOptions<A>, 'grad' | 'gradOut'> = {},
  options?: GradCheckOptions,
): GradCheckResult {
  const g = kernels.softmaxCrossEntropy(logits, labels, { ...ceOptions, grad: true });
  return gradCheck(() => kernels.softmaxCrossEntropy(logits, labels, { ...ceOptions, grad: false }).loss,
    { logits: { value: logits, grad: g.grad! } }, options);
}
