/**
 * The fuzz plan of softmaxCrossEntropy: integer labels (edges, ignoreIndex) or probability rows,
 * every option (reduction, class weights, label smoothing, grad, gradOut separate or aliased), option
 * objects of several kinds, bad arguments and bad options; the loss scale and when a call can only be
 * held to the robustness checks (see the top of ../properties.ts).
 */
import fc from 'fast-check';
import { matrix, reference, type FloatArray, type Matrix } from '../../../src/index.js';
import { TINY_NORMAL, arr, ctorOf, rng, type DT } from '../../support/index.js';
import {
  LABEL_BADS, MATRIX_BADS, SECONDARY_BADS, VECTOR_BADS, WASM_ONLY_BADS, badLabels, badMatrix, badVector, strayWasmView,
  type LabelBad, type MatrixBad, type VectorBad,
} from '../bad_args.js';
import { violation, type FuzzContext } from '../context.js';
import { TARGET_HOSTILE, WEIGHT_HOSTILE, badArb, callStyleArb, dim, dtArb, logitsArb, materialize, prefixed, seedArb, valuesArb, type ArbValue } from '../generators.js';
import { KNOWN_BUGS } from '../known_bugs.js';
import { checkArray, checkMatrixResult, checkScalar, engines, execute, invoke, kernels, relaxed, type CallInfo } from '../oracle.js';
import { Builder, OptionsClass, storageArb, wrapperArb } from '../storage.js';

const CE_BADS = [
  ...prefixed('logits', MATRIX_BADS.filter((k) => k !== 'undefined')), 'logits:freedView',
  ...prefixed('labels', LABEL_BADS), 'labels:probsShape', 'labels:probsDtype', 'labels:probsDetached', 'labels:undefined',
  ...['notObject', 'array', 'unknownKey', 'reduction', 'reductionCase', 'smoothNeg', 'smoothBig', 'smoothNaN', 'smoothInf',
    'smoothStr', 'gradStr', 'gradNum', 'ignoreFrac', 'ignoreBig', 'ignoreStr', 'ignoreNaN', 'ignoreWithProbs',
    'gradOutWithFalse', 'gradOutPartial', 'gradOutSharesTargets', 'gradOutSharesWeights', 'gradOutNull',
  ].map((k) => `opts:${k}`),
  ...prefixed('weights', VECTOR_BADS), ...prefixed('gradOut', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('gradOut', SECONDARY_BADS),
];
export const ceArb = fc.record({
  dt: dtArb, rows: dim, cols: dim, logits: logitsArb, ls: storageArb, lw: wrapperArb,
  labelsKind: fc.constantFrom('int', 'int', 'int', 'probs'), labelSeed: seedArb,
  labelStorage: fc.constantFrom('plain', 'plain', 'offset', 'shared', 'wasmView') as fc.Arbitrary<'plain' | 'offset' | 'shared' | 'wasmView'>,
  ignore: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(-100, -1, 0, 1, 2 ** 31 - 1, -(2 ** 31), 'C', 'C-1') }),
  ignoreFrac: fc.constantFrom(0, 0.3, 1),
  targets: valuesArb(['probs'], [1, 3, 30], TARGET_HOSTILE, [0, NaN, 1]), ts: storageArb,
  reduction: fc.constantFrom(undefined, 'mean', 'sum', 'none'),
  weights: fc.option(valuesArb(['unit'], [2, 1, 1e-3], WEIGHT_HOSTILE, [0]), { nil: null }), wstore: storageArb,
  smoothing: fc.constantFrom(undefined, 0, 0, 1e-7, 0.1, 0.5, 1, 5e-324),
  grad: fc.constantFrom(undefined, true, false),
  gradOut: fc.constantFrom('none', 'none', 'separate', 'aliasLogits'), gs: storageArb,
  optsStyle: fc.constantFrom('plain', 'plain', 'nullProto', 'class', 'explicitUndefined', 'omitted'),
  style: callStyleArb, seed: seedArb, bad: badArb(CE_BADS, 2),
});
export type CEPlan = ArbValue<typeof ceArb>;

/**
 * The scale a float64 loss is compared on: Σ over rows of |T|·(|log s| + 1) + Σ_c |t_c|·|m − z_c|
 * (divided by the 'mean' denominator). The f32 kernel rounds s = Σ exp(z − m) and each z − m to f32,
 * so its loss carries an absolute error of a few f32 ulps of these terms even when they cancel or
 * when the loss itself is tiny (log s with s rounded to 1).
 */
function lossMagnitude(dt: DT, rows: number, cols: number, z: Float64Array, t: (i: number) => Float64Array | null, divisor: number,
  w: (c: number) => number, live: (i: number, c: number) => boolean): { magnitude: number; risk: number; tRisk: number; gradFloor: number; rowFloor: number } {
  let total = 0, risk = 0, tRisk = 0, gradFloor = 0, rowFloor = 0;
  for (let i = 0; i < rows; i++) {
    const ti = t(i);
    if (!ti) continue;
    let m = -Infinity, T = 0, tmax = 0, tabs = 0;
    for (let c = 0; c < cols; c++) { m = Math.max(m, z[i * cols + c]); T += ti[c]; tmax = Math.max(tmax, Math.abs(ti[c])); tabs += Math.abs(ti[c]); }
    tRisk = Math.max(tRisk, Number.isNaN(tabs) ? Infinity : tabs);
    if (divisor !== 0 && Number.isFinite(T + tmax)) gradFloor = Math.max(gradFloor, (Math.abs(T) + tmax) / Math.abs(divisor));
    if (!Number.isFinite(m)) continue;
    let s = 0, acc = 0, unscaled = Math.abs(T), anyLive = false;
    for (let c = 0; c < cols; c++) {
      const d = Math.abs(m - z[i * cols + c]);
      s += Math.exp(z[i * cols + c] - m);
      // A target weight whose factors are not 0 counts as at least the smallest normal number, even
      // when it rounded to 0: the engines form it differently (f32 or float64, w·q or q·w·ε/C).
      const isLive = ti[c] !== 0 || live(i, c);
      anyLive ||= isLive;
      if (isLive && Number.isFinite(d)) acc += Math.max(Math.abs(ti[c]), TINY_NORMAL[dt]) * d;
      if (Number.isFinite(d)) unscaled += Math.max(1, Math.abs(w(c)), Math.abs(ti[c])) * d;
    }
    const row = (T !== 0 || anyLive ? Math.max(Math.abs(T), TINY_NORMAL[dt]) : 0) * (Math.abs(Math.log(s)) + 1) + acc;
    total += row;
    if (Number.isFinite(row)) rowFloor = Math.max(rowFloor, row);
    risk = Math.max(risk, Number.isNaN(unscaled) ? Infinity : unscaled);
  }
  return { magnitude: total / Math.abs(divisor), risk, tRisk, gradFloor, rowFloor };
}

export function runCrossEntropy(ctx: FuzzContext, p: CEPlan): void {
  const { dt, rows, cols } = p;
  let bad = p.bad;
  const n = rows * cols;
  const zv = materialize(dt, rows, cols, p.logits);
  // labels: edges (0 and C−1) are frequent; some rows get ignoreIndex
  let ignore: number | undefined = p.ignore === null ? undefined : p.ignore === 'C' ? cols : p.ignore === 'C-1' ? cols - 1 : p.ignore as number;
  if (p.labelsKind === 'int' && cols === 0 && rows > 0 && ignore === undefined) ignore = -100; // no class: only ignored rows are valid
  const r = rng(p.labelSeed);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const u = r();
    labels[i] = cols === 0 ? (ignore as number) : u < 0.25 ? 0 : u < 0.5 ? cols - 1 : Math.floor(r() * cols);
    if (ignore !== undefined && r() < p.ignoreFrac) labels[i] = ignore;
  }
  const probs = p.labelsKind === 'probs';
  const tv = materialize(dt, rows, cols, p.targets);
  const wv = p.weights ? materialize(dt, 1, cols, p.weights) : null;
  const wantGrad = p.grad !== false;
  const gradOutMode = wantGrad ? p.gradOut : 'none';
  const cleanOpts = {
    reduction: p.reduction, labelSmoothing: p.smoothing, grad: p.grad,
    ...(wv ? { weights: arr(dt, wv) } : {}), ...(!probs && ignore !== undefined ? { ignoreIndex: ignore } : {}),
  };
  const want = reference.softmaxCrossEntropy(matrix(arr(dt, zv), rows, cols),
    probs ? matrix(arr(dt, tv), rows, cols) : labels, cleanOpts as never);
  // the loss scale (see lossMagnitude)
  const eps = p.smoothing ?? 0;
  const w = (c: number) => (wv ? wv[c] : 1);
  const tRow = (i: number): Float64Array | null => {
    const t = new Float64Array(cols);
    if (probs) { for (let c = 0; c < cols; c++) t[c] = w(c) * ((1 - eps) * tv[i * cols + c] + eps / cols); return t; }
    if (labels[i] === ignore) return null;
    for (let c = 0; c < cols; c++) t[c] = (eps / cols) * w(c);
    t[labels[i]] += (1 - eps) * w(labels[i]);
    return t;
  };
  /** Whether target weight t_ic has factors that are all non-zero (so that exactly, it is not 0). */
  const liveT = (i: number, c: number): boolean =>
    w(c) !== 0 && (probs ? eps > 0 || tv[i * cols + c] !== 0 : eps > 0 || c === labels[i]);
  let divisor = 1;
  if ((p.reduction ?? 'mean') === 'mean') {
    if (probs) divisor = rows;
    else { divisor = 0; for (let i = 0; i < rows; i++) if (labels[i] !== ignore) divisor += w(labels[i]); }
  }
  const { magnitude, risk, tRisk, gradFloor, rowFloor } = lossMagnitude(dt, rows, cols, zv, tRow, divisor, w, liveT);
  // see KNOWN_BUGS.ceLossOverflow: a row whose unscaled sums Σ w·|z − m| leave the float range
  const overflow = KNOWN_BUGS.ceLossOverflow && !(risk < (dt === 'f32' ? 1e37 : 1e306));
  const tinySmoothing = KNOWN_BUGS.ceTinySmoothing && eps > 0 && eps / cols === 0 && zv.some((v) => v === -Infinity);
  // Not a bug: a target weight t_c (a product w·q, or w·ε/C) near or below the smallest normal number
  // next to a −∞ logit. Whether that class costs +∞ or nothing depends on whether t_c rounded to 0 —
  // in float64 (the reference) or in f32 (the kernel forms t in the input's type) — so the engines
  // may disagree, each consistent with its own rounding.
  let underflowT = false;
  for (let i = 0; i < rows && !underflowT; i++) {
    if (!zv.subarray(i * cols, (i + 1) * cols).includes(-Infinity)) continue;
    const ti = tRow(i);
    if (!ti) continue;
    for (let c = 0; c < cols; c++) {
      if (liveT(i, c) && Math.abs(ti[c]) < 1e-30) underflowT = true;
    }
  }
  // Not a bug: float64 target weights or a 'mean' denominator below the smallest normal float64 (class
  // weights like 5e-324). The reference forms t, T and T·p from them in float64 and keeps only the few
  // bits a subnormal has (0.1·5e-324 = 0, 0.27·5e-324 = 0); the kernel forms w/D first and keeps them,
  // so the two differ by far more than the tolerance and the kernel is the one closer to exact.
  let subnormalT = false;
  if (dt === 'f64') {
    const tiny = (v: number) => v !== 0 && Math.abs(v) < TINY_NORMAL.f64;
    if (divisor !== 0 && tiny(divisor)) subnormalT = true;
    for (let i = 0; i < rows && !subnormalT; i++) {
      const ti = tRow(i);
      if (!ti) continue;
      let T = 0;
      for (let c = 0; c < cols; c++) {
        T += ti[c];
        if (tiny(ti[c]) || (liveT(i, c) && ti[c] === 0) || tiny(w(c))) subnormalT = true;
      }
      if (tiny(T)) subnormalT = true;
    }
  }
  // Not a bug: float64 rows whose sums Σ w·|z − m| approach the largest double (logits near ±1.8e308):
  // the loss is then within a few ulps of overflowing, and the order of the sums (per row, then over
  // the rows) decides between a finite number near 1.8e308 and +∞, in the reference as in the kernel.
  const f64Edge = dt === 'f64' && !(risk < 1e306);
  const f32Overflow = overflow || tinySmoothing || underflowT || subnormalT || f64Edge;
  const overflowWhy = overflow ? 'KNOWN_BUGS.ceLossOverflow' : tinySmoothing ? 'KNOWN_BUGS.ceTinySmoothing'
    : underflowT ? 'a target weight near underflow next to a −∞ logit'
      : subnormalT ? 'subnormal float64 target weights (the reference rounds them)' : 'float64 loss near the largest double';
  // the f32 kernel sums a row's target weights T = Σ t in f32 (probability rows): beyond FLT_MAX → ∞
  const tSumOverflow = KNOWN_BUGS.ceLossOverflow && dt === 'f32' && !(tRisk < 1e37);
  const inv = Math.abs(1 / divisor);
  const tinyWeights = KNOWN_BUGS.ceScaleRange && divisor !== 0 && (dt === 'f32'
    ? !(inv < 1e37 && inv > 1e-37 && (eps === 0 || (inv * eps) / cols > 1e-37) && gradFloor < 1e37)
    : !(inv < 1e307 && inv > 1e-307 && gradFloor < 1e306));
  // An infinite class weight or target makes T = ±∞ and T·p_j is then ±∞ or NaN depending on whether
  // p_j underflowed, which differs between f32 and f64 exp (and the kernel's exp flushes below the
  // smallest normal): such rows have no meaningful answer, so these calls get the robustness checks only.
  const infiniteParams = (wv !== null && wv.some((v) => !Number.isFinite(v))) || (probs && tv.some((v) => !Number.isFinite(v)));

  if (bad === 'opts:ignoreWithProbs' && !probs) bad = 'opts:unknownKey';
  if ((bad === 'opts:gradOutSharesTargets' && (!probs || n === 0)) || (bad === 'opts:gradOutSharesWeights' && (!wv || rows !== 1 || cols === 0))) bad = 'opts:reduction';
  if (bad === 'opts:gradOutPartial' && n < 2) bad = 'opts:smoothNaN';
  if (bad?.startsWith('labels:') && probs && !['labels:probsShape', 'labels:probsDtype', 'labels:probsDetached', 'labels:undefined', 'labels:null', 'labels:number', 'labels:array'].includes(bad)) bad = 'labels:probsShape';
  if ((bad === 'labels:probsShape' || bad === 'labels:probsDtype' || bad === 'labels:probsDetached') && !probs) bad = 'labels:long';

  for (const engine of engines(bad, WASM_ONLY_BADS)) {
    const b = new Builder(ctx, dt, p.seed);
    try {
      const hz = b.float(zv, p.ls, [rows, cols]);
      const ht = probs ? b.float(tv, p.ts, [rows, cols]) : null;
      const hl = probs ? null : b.int32(labels, p.labelStorage);
      const hw = wv ? b.float(wv, p.wstore) : null;
      const hg = gradOutMode === 'separate' ? b.float(new Float64Array(n).fill(9), p.gs, [rows, cols]) : null;
      let logits: unknown = b.matrix(hz, rows, cols, p.lw);
      let labelArg: unknown = probs ? b.matrix(ht!, rows, cols, p.lw) : hl!.get();
      const builtLabels = labelArg;
      const opts: Record<string, unknown> = {};
      if (p.reduction !== undefined || p.optsStyle === 'explicitUndefined') opts.reduction = p.reduction;
      if (hw) opts.weights = hw.get(); else if (p.optsStyle === 'explicitUndefined') opts.weights = undefined;
      if (!probs && ignore !== undefined) opts.ignoreIndex = ignore;
      if (p.smoothing !== undefined) opts.labelSmoothing = p.smoothing;
      if (p.grad !== undefined) opts.grad = p.grad;
      if (hg) opts.gradOut = b.matrix(hg, rows, cols, p.lw);
      else if (gradOutMode === 'aliasLogits') opts.gradOut = logits;
      let options: unknown = opts;
      if (p.optsStyle === 'nullProto') options = Object.assign(Object.create(null), opts);
      else if (p.optsStyle === 'class') options = new OptionsClass(opts);
      else if (p.optsStyle === 'omitted' && Object.keys(opts).length === 0) options = undefined;

      if (bad) {
        const [arg, kind] = bad.split(':');
        const o = options as Record<string, unknown> ?? {};
        if (options === undefined) options = o;
        if (arg === 'logits') {
          if (kind === 'freedView') logits = n === 0 ? badMatrix(b, 'lenLong', rows, cols, dt) : { data: strayWasmView(b, 'freedView', n, dt), rows, cols };
          else logits = badMatrix(b, kind as MatrixBad, rows, cols, dt);
        } else if (arg === 'labels') {
          if (kind === 'probsShape') labelArg = badMatrix(b, 'shapeRows', rows, cols, dt);
          else if (kind === 'probsDtype') labelArg = badMatrix(b, 'other', rows, cols, dt);
          else if (kind === 'probsDetached') labelArg = badMatrix(b, 'detached', rows, cols, dt);
          else if (kind === 'undefined') labelArg = undefined;
          else labelArg = badLabels(kind as LabelBad, labels, cols, ignore ?? -100, p.seed);
        } else if (arg === 'weights') {
          o.weights = badVector(kind as VectorBad, cols, dt);
        } else if (arg === 'gradOut') {
          o.grad = true;
          o.gradOut = badMatrix(b, kind as MatrixBad, rows, cols, dt);
        } else {
          switch (kind) {
            case 'notObject': options = 'mean'; break;
            case 'array': options = [p.reduction]; break;
            case 'unknownKey': o.reduce = 'sum'; break;
            case 'reduction': o.reduction = 'avg'; break;
            case 'reductionCase': o.reduction = 'Mean'; break;
            case 'smoothNeg': o.labelSmoothing = -1e-9; break;
            case 'smoothBig': o.labelSmoothing = 1.0000001; break;
            case 'smoothNaN': o.labelSmoothing = NaN; break;
            case 'smoothInf': o.labelSmoothing = Infinity; break;
            case 'smoothStr': o.labelSmoothing = '0.1'; break;
            case 'gradStr': o.grad = 'true'; break;
            case 'gradNum': o.grad = 1; break;
            case 'ignoreFrac': o.ignoreIndex = 0.5; break;
            case 'ignoreBig': o.ignoreIndex = 2 ** 31; break;
            case 'ignoreStr': o.ignoreIndex = '-100'; break;
            case 'ignoreNaN': o.ignoreIndex = NaN; break;
            case 'ignoreWithProbs': o.ignoreIndex = -100; break;
            case 'gradOutWithFalse': o.grad = false; o.gradOut = { data: new (ctorOf(dt))(n), rows, cols }; break;
            case 'gradOutNull': o.grad = true; o.gradOut = null; break;
            case 'gradOutPartial': {
              const [a, g] = b.overlapping(zv, n, 1);
              logits = { data: a, rows, cols };
              o.grad = true; o.gradOut = { data: g, rows, cols };
              break;
            }
            case 'gradOutSharesTargets': o.grad = true; o.gradOut = { data: (labelArg as Matrix<FloatArray>).data, rows, cols }; break;
            case 'gradOutSharesWeights': o.grad = true; o.gradOut = { data: o.weights, rows, cols }; break;
          }
        }
      }
      const gradOut = (options as Record<string, unknown> | undefined)?.gradOut;
      const aliasing = !bad && gradOutMode === 'aliasLogits';
      b.track('logits', aliasing ? 'inout' : 'in', () => (logits as Matrix<FloatArray>).data);
      if (probs) b.track('labels', 'in', () => (labelArg as Matrix<FloatArray>).data);
      else b.track('labels', 'in', () => (labelArg === builtLabels ? hl!.get() : labelArg));
      if (hw) b.track('weights', 'in', () => hw.get());
      if (hg) b.track('gradOut', 'out', () => hg.get());
      const args = options === undefined && p.optsStyle === 'omitted' ? [logits, labelArg] : [logits, labelArg, options];
      const gradBeyond = KNOWN_BUGS.ceF32GradBeyondRange && dt === 'f32' && !(gradFloor < 1e37);
      const why = infiniteParams ? 'infinite class weight or target' : subnormalT ? 'subnormal float64 target weights (the reference rounds them)'
        : gradBeyond ? 'KNOWN_BUGS.ceF32GradBeyondRange'
        : tinyWeights ? 'KNOWN_BUGS.ceScaleRange'
        : tSumOverflow ? 'KNOWN_BUGS.ceLossOverflow (Σ t beyond the f32 range)' : undefined;
      const c: CallInfo = { fn: 'softmaxCrossEntropy', engine, dt, bad, strict: why === undefined, why };
      execute(ctx, c, b, () => invoke(kernels(ctx, engine), 'softmaxCrossEntropy', args, p.style), bad !== null, (res) => {
        const rr = res as { loss: unknown; losses?: unknown; grad?: unknown };
        if (rr === null || typeof rr !== 'object') violation('softmaxCrossEntropy', 'result is not an object');
        checkScalar(ctx, f32Overflow ? relaxed(c, overflowWhy) : c, 'loss', rr.loss, want.loss, magnitude);
        if ((p.reduction === 'none') !== (rr.losses !== undefined)) violation('softmaxCrossEntropy', `losses present=${rr.losses !== undefined} with reduction ${p.reduction}`);
        if (want.losses) checkArray(ctx, f32Overflow ? relaxed(c, overflowWhy) : c, 'losses', rr.losses, want.losses, rowFloor);
        if (wantGrad !== (rr.grad !== undefined)) violation('softmaxCrossEntropy', `grad present=${rr.grad !== undefined} with grad ${p.grad}`);
        if (want.grad) checkMatrixResult(ctx, c, 'grad', rr.grad, want.grad, gradOut, gradFloor);
      });
    } finally { b.dispose(); }
  }
}
