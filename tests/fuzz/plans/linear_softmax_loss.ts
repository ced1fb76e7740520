/**
 * The fuzz plan of linearSoftmaxLoss: X, W, bias with special or hostile values, reg, inputGrad, out
 * dW / db / dX separate or aliased, bad arguments and overlapping outputs; the comparison scales and
 * strictness of its f32 GEMMs (linearScales).
 */
import fc from 'fast-check';
import { matrix, reference, type FloatArray, type Matrix } from '../../../src/index.js';
import { FLT_MAX, TINY_NORMAL, arr, ctorOf, rng, type DT } from '../../support/index.js';
import {
  LABEL_BADS, MATRIX_BADS, SECONDARY_BADS, VECTOR_BADS, WASM_ONLY_BADS, badLabels, badMatrix, badVector, strayWasmView,
  type LabelBad, type MatrixBad, type VectorBad,
} from '../bad_args.js';
import { violation, type FuzzContext } from '../context.js';
import { HOSTILE, SPECIAL, badArb, callStyleArb, dim, dtArb, materialize, posDim, prefixed, seedArb, valuesArb, type ArbValue } from '../generators.js';
import { KNOWN_BUGS } from '../known_bugs.js';
import { checkArray, checkMatrixResult, checkScalar, engines, execute, invoke, kernels, relaxed, type CallInfo } from '../oracle.js';
import { Builder, storageArb, wrapperArb } from '../storage.js';

const LINEAR_BADS = [
  ...prefixed('X', MATRIX_BADS.filter((k) => k !== 'undefined')), 'X:freedView',
  ...prefixed('W', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('W', ['other', 'shapeRows']), 'W:freedView',
  ...prefixed('labels', LABEL_BADS), 'labels:probs',
  ...['notObject', 'unknownKey', 'regNeg', 'regNaN', 'regInf', 'regStr', 'regBig', 'inputGradStr', 'outNotObject',
    'outUnknown', 'outArray', 'dXWithFalse', 'dWSharesX', 'dbSharesW', 'dXPartialX', 'dWPartialW', 'dWOverlapsDb', 'dXSharesLabels',
  ].map((k) => `opts:${k}`),
  ...prefixed('bias', VECTOR_BADS), ...prefixed('db', VECTOR_BADS),
  ...prefixed('dW', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('dW', SECONDARY_BADS),
  ...prefixed('dX', MATRIX_BADS.filter((k) => k !== 'undefined')), ...prefixed('dX', SECONDARY_BADS),
];
export const linearArb = fc.record({
  dt: dtArb, n: dim, d: dim, c: posDim,
  X: fc.oneof({ weight: 3, arbitrary: valuesArb(['gauss'], [1, 1, 0.1], SPECIAL) }, { weight: 1, arbitrary: valuesArb(['gauss'], [1, 10], HOSTILE) }),
  W: fc.oneof({ weight: 3, arbitrary: valuesArb(['gauss'], [0.01, 0.03, 1e-3], SPECIAL) }, { weight: 1, arbitrary: valuesArb(['gauss'], [0.1, 1], HOSTILE) }),
  Xs: storageArb, Ws: storageArb, w: wrapperArb, labelSeed: seedArb,
  labelStorage: fc.constantFrom('plain', 'plain', 'offset', 'shared', 'wasmView') as fc.Arbitrary<'plain' | 'offset' | 'shared' | 'wasmView'>,
  bias: fc.option(valuesArb(['gauss'], [0.1, 1, 1, 100], SPECIAL, [NaN, 0, -0, -Infinity]), { nil: null }), bs: storageArb,
  reg: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(undefined, 0, 1e-3, 0.1, 1) }, { weight: 1, arbitrary: fc.constantFrom(5e-324, 1e-45, 1e30, 1e300) }),
  inputGrad: fc.constantFrom(undefined, true, false),
  dW: fc.constantFrom('none', 'none', 'separate', 'aliasW'), db: fc.constantFrom('none', 'separate'),
  dX: fc.constantFrom('none', 'none', 'separate', 'aliasX'), outStore: storageArb,
  optsStyle: fc.constantFrom('plain', 'plain', 'nullProto', 'explicitUndefined', 'omitted'),
  style: callStyleArb, seed: seedArb, bad: badArb(LINEAR_BADS, 2),
});
export type LinearPlan = ArbValue<typeof linearArb>;

interface LinearScales { why: string | null; loss: number; dW: number; db: number; dX: number; dWWhy: string | null; special: boolean }

/**
 * Comparison scales of linearSoftmaxLoss (see checkArray's floor), from the float64 scores
 * S = X·W + b and |G| ≤ (softmax(S) + onehot)/N (the terms whose difference is G): loss: mean(|max S_i| +
 * |S_iy| + 1) + reg·ΣW²; dW: max Σ_i |X_ik|·|G_ic| + 2·reg·|W_kc|; db: max Σ_i |G_ic|; dX: max Σ_c
 * |G_ic|·|W_kc| (non-finite
 * terms left out: they propagate). Strictness: the f32 kernel computes X·W and Xᵀ·G in f32 (by
 * design: it is the fast path), so for f32 no float64 intermediate beyond 1e30 (scores, reg·ΣW²,
 * 2·reg·W, X) and well-conditioned scores: Σ_k |X_ik·W_kc| + |b_c| ≤ 8 (f32) or ≤ 1e4 (f64) for
 * every finite score. A reg whose 2·reg is subnormal in f32 is rounded to a few bits by the f32
 * kernel (dW is then compared non-strictly; the absolute error is < 1e-40).
 */
function linearScales(dt: DT, n: number, d: number, c: number, X: Float64Array, W: Float64Array, b: Float64Array | null,
  labels: Int32Array, reg: number): LinearScales {
  let sumW2 = 0, maxW = 0;
  for (const v of W) if (Number.isFinite(v)) { sumW2 += v * v; maxW = Math.max(maxW, Math.abs(v)); }
  let why: string | null = null;
  if (dt === 'f32' && (reg * sumW2 > 1e30 || 2 * reg * maxW > 1e30 || sumW2 > 1e30 || reg > FLT_MAX)) why = 'f32 range: reg·ΣW² or 2·reg·W beyond 1e30';
  if (dt === 'f32') for (const v of X) if (Number.isFinite(v) && Math.abs(v) > 1e30) why = 'f32 range: |X| beyond 1e30';
  const limit = dt === 'f32' ? 8 : 1e4;
  const G = new Float64Array(n * c);
  let lossScale = 0;
  const S = new Float64Array(c);
  let anySpecial = X.some((v) => !Number.isFinite(v));
  for (let i = 0; i < n; i++) {
    let rowMax = -Infinity;
    for (let j = 0; j < c; j++) {
      let abs = b && Number.isFinite(b[j]) ? Math.abs(b[j]) : 0, special = b ? !Number.isFinite(b[j]) : false;
      let score = b ? b[j] : 0;
      for (let k = 0; k < d; k++) {
        const t = X[i * d + k] * W[k * c + j];
        score += t;
        if (!Number.isFinite(t)) special = true;
        else abs += Math.abs(t);
      }
      if (!special && abs > limit) why ??= `ill-conditioned scores: Σ|X·W| + |b| > ${limit}`;
      // next to an infinite term, finite products near the largest float make the score ±∞ or NaN
      // depending on the order of the sum (the reference and the GEMM add in different orders)
      if (special && !(abs < (dt === 'f32' ? 1e37 : 1e306))) why ??= 'scores: an infinite term next to finite ones near the float range';
      if (special || !Number.isFinite(score)) anySpecial = true;
      S[j] = score;
      rowMax = Number.isNaN(score) || Number.isNaN(rowMax) ? NaN : Math.max(rowMax, score);
    }
    if (KNOWN_BUGS.linearMaskedRow && rowMax === -Infinity) why = 'KNOWN_BUGS.linearMaskedRow';
    const y = labels[i];
    if (Number.isFinite(rowMax)) {
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(S[j] - rowMax);
      // |p| + |onehot|: the magnitude of the terms whose difference is G (which may cancel to ~0)
      for (let j = 0; j < c; j++) G[i * c + j] = (Math.exp(S[j] - rowMax) / sum + (j === y ? 1 : 0)) / n;
      if (Number.isFinite(S[y])) lossScale += Math.abs(rowMax) + Math.abs(S[y]) + 1;
    } else {
      for (let j = 0; j < c; j++) G[i * c + j] = (j === y ? 1 : 0) / n; // NaN rows: their outputs are NaN anyway
    }
  }
  let db = 0, dW = 0, dX = 0;
  for (let j = 0; j < c; j++) {
    let acc = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(G[i * c + j])) acc += Math.abs(G[i * c + j]);
    db = Math.max(db, acc);
  }
  for (let k = 0; k < d; k++) for (let j = 0; j < c; j++) {
    let acc = Number.isFinite(W[k * c + j]) ? 2 * reg * Math.abs(W[k * c + j]) : 0;
    for (let i = 0; i < n; i++) { const t = Math.abs(X[i * d + k] * G[i * c + j]); if (Number.isFinite(t)) acc += t; }
    dW = Math.max(dW, acc);
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) {
    let acc = 0;
    for (let j = 0; j < c; j++) { const t = Math.abs(G[i * c + j] * W[k * c + j]); if (Number.isFinite(t)) acc += t; }
    dX = Math.max(dX, acc);
  }
  // reg = 0 with a non-finite W: the reference adds 2·0·W = NaN (0·∞) to dW, the kernel adds no reg
  // term (a finite dW where X·G is finite): see KNOWN_BUGS.linearRegZeroInfW.
  const dWWhy = dt === 'f32' && reg > 0 && 2 * reg < TINY_NORMAL.f32 ? 'reg subnormal in f32'
    : KNOWN_BUGS.linearRegZeroInfW && reg === 0 && W.some((v) => !Number.isFinite(v)) ? 'KNOWN_BUGS.linearRegZeroInfW' : null;
  return { why, loss: (n > 0 ? lossScale / n : 0) + reg * sumW2, dW, db, dX, dWWhy, special: anySpecial };
}

export function runLinear(ctx: FuzzContext, p: LinearPlan): void {
  const { dt, d } = p;
  let { n, c } = p;
  let bad = p.bad;
  if (n > 0 && c === 0) c = 1;
  const Xv = materialize(dt, n, d, p.X), Wv = materialize(dt, d, c, p.W);
  const bv = p.bias ? materialize(dt, 1, c, p.bias) : null;
  const r = rng(p.labelSeed);
  const labels = Int32Array.from({ length: n }, () => { const u = r(); return u < 0.3 ? 0 : u < 0.6 ? c - 1 : Math.floor(r() * c); });
  const inputGrad = p.inputGrad;
  const dXMode = inputGrad === false ? 'none' : p.dX;
  const wantDX = inputGrad === true || dXMode !== 'none';
  const want = reference.linearSoftmaxLoss(matrix(arr(dt, Xv), n, d), labels, matrix(arr(dt, Wv), d, c),
    { ...(bv ? { bias: arr(dt, bv) } : {}), reg: p.reg, inputGrad: wantDX } as never);
  const sc = linearScales(dt, n, d, c, Xv, Wv, bv, labels, p.reg ?? 0);
  const strict = sc.why === null;

  if ((bad === 'opts:dWSharesX' && (n * d === 0 || d * c === 0)) || (bad === 'opts:dbSharesW' && d * c === 0)
    || (bad === 'opts:dXPartialX' && n * d < 2) || (bad === 'opts:dWPartialW' && d * c < 2) || (bad === 'opts:dXSharesLabels' && (n === 0 || d === 0))) bad = 'opts:regNeg';

  for (const engine of engines(bad, WASM_ONLY_BADS)) {
    const b = new Builder(ctx, dt, p.seed);
    try {
      const hX = b.float(Xv, p.Xs, [n, d]), hW = b.float(Wv, p.Ws, [d, c]);
      const hb = bv ? b.float(bv, p.bs) : null;
      const hl = b.int32(labels, p.labelStorage);
      const hdW = p.dW === 'separate' ? b.float(new Float64Array(d * c).fill(3), p.outStore, [d, c]) : null;
      const hdb = p.db === 'separate' ? b.float(new Float64Array(c).fill(4), p.outStore) : null;
      const hdX = dXMode === 'separate' ? b.float(new Float64Array(n * d).fill(5), p.outStore, [n, d]) : null;
      let X: unknown = b.matrix(hX, n, d, p.w), W: unknown = b.matrix(hW, d, c, p.w);
      let labelArg: unknown = hl.get();
      const builtLabels = labelArg;
      const out: Record<string, unknown> = {};
      if (hdW) out.dW = b.matrix(hdW, d, c, p.w); else if (p.dW === 'aliasW') out.dW = W;
      if (hdb) out.db = hdb.get();
      if (hdX) out.dX = b.matrix(hdX, n, d, p.w); else if (dXMode === 'aliasX') out.dX = X;
      const opts: Record<string, unknown> = {};
      if (hb) opts.bias = hb.get();
      if (p.reg !== undefined) opts.reg = p.reg;
      if (inputGrad !== undefined) opts.inputGrad = inputGrad;
      if (Object.keys(out).length || p.optsStyle === 'explicitUndefined') opts.out = p.optsStyle === 'explicitUndefined' ? { dW: undefined, ...out } : out;
      let options: unknown = p.optsStyle === 'nullProto' ? Object.assign(Object.create(null), opts) : opts;
      if (p.optsStyle === 'omitted' && Object.keys(opts).length === 0) options = undefined;

      if (bad) {
        const [arg, kind] = bad.split(':');
        const o = (options ?? {}) as Record<string, unknown>;
        if (options === undefined) options = o;
        const oo = (o.out ?? {}) as Record<string, unknown>;
        if (arg === 'X') X = kind === 'freedView' ? (n * d ? { data: strayWasmView(b, 'freedView', n * d, dt), rows: n, cols: d } : badMatrix(b, 'lenLong', n, d, dt)) : badMatrix(b, kind as MatrixBad, n, d, dt);
        else if (arg === 'W') {
          if (kind === 'freedView') W = d * c ? { data: strayWasmView(b, 'freedView', d * c, dt), rows: d, cols: c } : badMatrix(b, 'lenLong', d, c, dt);
          else W = badMatrix(b, kind as MatrixBad, d, c, dt);
        } else if (arg === 'labels') labelArg = kind === 'probs' ? { data: new (ctorOf(dt))(n * c), rows: n, cols: c } : badLabels(kind as LabelBad, labels, c, undefined, p.seed);
        else if (arg === 'bias') o.bias = badVector(kind as VectorBad, c, dt);
        else if (arg === 'db') { oo.db = badVector(kind as VectorBad, c, dt); o.out = oo; }
        else if (arg === 'dW') { oo.dW = badMatrix(b, kind as MatrixBad, d, c, dt); o.out = oo; }
        else if (arg === 'dX') { if (o.inputGrad === false) delete o.inputGrad; oo.dX = badMatrix(b, kind as MatrixBad, n, d, dt); o.out = oo; }
        else {
          switch (kind) {
            case 'notObject': options = 0.1; break;
            case 'unknownKey': o.lambda = 0.1; break;
            case 'regNeg': o.reg = -1e-3; break;
            case 'regNaN': o.reg = NaN; break;
            case 'regInf': o.reg = Infinity; break;
            case 'regStr': o.reg = '0.1'; break;
            case 'regBig': o.reg = 1e309; break;
            case 'inputGradStr': o.inputGrad = 'yes'; break;
            case 'outNotObject': o.out = 'dW'; break;
            case 'outUnknown': o.out = { ...oo, dB: new (ctorOf(dt))(c) }; break;
            case 'outArray': o.out = []; break;
            case 'dXWithFalse': o.inputGrad = false; o.out = { ...oo, dX: { data: new (ctorOf(dt))(n * d), rows: n, cols: d } }; break;
            case 'dWSharesX': {
              const [a, g] = b.overlapping(Xv, d * c, 0);
              X = { data: a, rows: n, cols: d }; o.out = { ...oo, dW: { data: g, rows: d, cols: c } };
              break;
            }
            case 'dbSharesW': { const [a, g] = b.overlapping(Wv, c, 0); W = { data: a, rows: d, cols: c }; o.out = { ...oo, db: g }; break; }
            case 'dXPartialX': { const [a, g] = b.overlapping(Xv, n * d, 1); X = { data: a, rows: n, cols: d }; if (o.inputGrad === false) delete o.inputGrad; o.out = { ...oo, dX: { data: g, rows: n, cols: d } }; break; }
            case 'dWPartialW': { const [a, g] = b.overlapping(Wv, d * c, 1); W = { data: a, rows: d, cols: c }; o.out = { ...oo, dW: { data: g, rows: d, cols: c } }; break; }
            case 'dWOverlapsDb': {
              const buf = new (ctorOf(dt))(d * c + c);
              o.out = { ...oo, dW: { data: buf.subarray(0, d * c), rows: d, cols: c }, db: buf.subarray(d * c - 1, d * c - 1 + c) };
              if (d * c === 0) o.out = 'bad';
              break;
            }
            case 'dXSharesLabels': {
              // a float view over the labels' memory
              const lab = Int32Array.from(labels);
              labelArg = lab;
              if (dt === 'f32' && n * d <= n) { if (o.inputGrad === false) delete o.inputGrad; o.out = { ...oo, dX: { data: new Float32Array(lab.buffer, 0, n * d), rows: n, cols: d } }; }
              else o.reg = -1;
              break;
            }
          }
        }
      }
      const oOut = ((options as Record<string, unknown> | undefined)?.out ?? {}) as Record<string, unknown>;
      const aliasW = !bad && p.dW === 'aliasW', aliasX = !bad && dXMode === 'aliasX';
      b.track('X', aliasX ? 'inout' : 'in', () => (X as Matrix<FloatArray>).data);
      b.track('W', aliasW ? 'inout' : 'in', () => (W as Matrix<FloatArray>).data);
      b.track('labels', 'in', () => (labelArg === builtLabels ? hl.get() : labelArg));
      if (hb) b.track('bias', 'in', () => hb.get());
      if (hdW) b.track('dW', 'out', () => hdW.get());
      if (hdb) b.track('db', 'out', () => hdb.get());
      if (hdX) b.track('dX', 'out', () => hdX.get());
      const args = options === undefined ? [X, labelArg, W] : [X, labelArg, W, options];
      const ci: CallInfo = { fn: 'linearSoftmaxLoss', engine, dt, bad, strict, why: sc.why ?? undefined };
      execute(ctx, ci, b, () => invoke(kernels(ctx, engine), 'linearSoftmaxLoss', args, p.style), bad !== null, (res) => {
        const rr = res as { loss: unknown; dW: unknown; db: unknown; dX?: unknown };
        checkScalar(ctx, ci, 'loss', rr.loss, want.loss, sc.loss);
        checkMatrixResult(ctx, sc.dWWhy && strict ? relaxed(ci, sc.dWWhy) : ci, 'dW', rr.dW, want.dW, oOut.dW, sc.dW);
        if (oOut.db !== undefined && rr.db !== oOut.db) violation('linearSoftmaxLoss', 'out.db was not returned');
        checkArray(ctx, ci, 'db', hdb?.live && rr.db === oOut.db ? hdb.get() : rr.db, want.db, sc.db);
        if (wantDX !== (rr.dX !== undefined)) violation('linearSoftmaxLoss', `dX present=${rr.dX !== undefined}, expected ${wantDX}`);
        const leak = KNOWN_BUGS.linearF32DxLeak && dt === 'f32' && n > 24 && c <= 64 && sc.special;
        if (want.dX) checkMatrixResult(ctx, leak && strict ? relaxed(ci, 'KNOWN_BUGS.linearF32DxLeak') : ci, 'dX', rr.dX, want.dX, oOut.dX, sc.dX);
      });
    } finally { b.dispose(); }
  }
}
