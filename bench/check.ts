/**
 * The agreement check of the bench: every engine's result is reduced to a {@link Check} (loss and a
 * weighted checksum of the main output) and compared with the baseline engine's (reference) within
 * the f32 / f64 tolerances. No Node imports: the browser page uses it too.
 */
export type DType = 'f32' | 'f64';

/** A digest of one result, compared across engines: the loss, and Σ out[i]·((i mod 7) − 3) over
 * the main output (probabilities, gradient, dW, scores, indices …), with its scale Σ|out[i]|. */
export interface Check {
  loss?: number;
  checksum: number;
  scale: number;
}

/** The digest of an output array (see {@link Check}). */
export function digest(out: ArrayLike<number>, loss?: number): Check {
  let checksum = 0;
  let scale = 0;
  for (let i = 0, w = -3; i < out.length; i++) {
    const v = out[i];
    checksum += v * w;
    scale += Math.abs(v);
    w = w === 3 ? -3 : w + 1;
  }
  return loss === undefined ? { checksum, scale } : { loss, checksum, scale };
}

/** Tolerances of the agreement check: results computed in f32 by different summation orders. */
export const AGREEMENT_TOL: Record<DType, { loss: number; checksum: number }> = {
  f32: { loss: 1e-4, checksum: 3e-4 },
  f64: { loss: 1e-9, checksum: 1e-9 },
};

/** Compares one check against the baseline's: relative loss error, checksum error relative to 3·scale. */
export function compareChecks(a: Check, ref: Check, dtype: DType): { ok: boolean; loss?: number; checksum?: number } {
  const tol = AGREEMENT_TOL[dtype];
  const r: { ok: boolean; loss?: number; checksum?: number } = { ok: true };
  if (ref.loss !== undefined && a.loss !== undefined) {
    r.loss = Math.abs(a.loss - ref.loss) / Math.max(1e-30, Math.abs(ref.loss));
    if (!(r.loss <= tol.loss)) r.ok = false;
  } else if (ref.loss !== undefined || a.loss !== undefined) {
    r.ok = false;
  }
  r.checksum = Math.abs(a.checksum - ref.checksum) / Math.max(1e-30, 3 * ref.scale);
  if (!(r.checksum <= tol.checksum)) r.ok = false;
  return r;
}
