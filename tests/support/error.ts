/**
 * Error measures of a result against the float64 reference. The one measure of the spec is relErr:
 * the largest |got − want| relative to the largest finite |want|, NaN where the reference has NaN and
 * equal infinities. The others are named variants for tests that need another scale.
 */
/**
 * The largest |got[i] − want[i]| / scale, where scale = max(minScale, every finite |want[i]|), and
 * the first index where it occurs. A NaN on one side only, or unequal infinities, count as ∞.
 */
export function errorVsLargest(got: ArrayLike<number>, want: ArrayLike<number>, minScale: number): { err: number; at: number } {
  let scale = minScale;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
  let err = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    let e: number;
    if (Number.isNaN(w) || Number.isNaN(g)) e = Number.isNaN(w) && Number.isNaN(g) ? 0 : Infinity;
    else if (!Number.isFinite(w) || !Number.isFinite(g)) e = g === w ? 0 : Infinity;
    else e = Math.abs(g - w) / scale;
    if (e > err) { err = e; at = i; }
  }
  return { err, at };
}

/** max |a − b| / max(max|b|, 1e-300): the "relative to the largest magnitude" error of the spec. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  return errorVsLargest(a, b, 1e-300).err;
}

/** relErr of two scalars: |a − b| / max(|b|, 1e-300); 0 for two NaNs or equal infinities. */
export function relErrScalar(a: number, b: number): number {
  return relErr([a], [b]);
}

/** max |got − want| / max(|want|, scale): the error relative to the largest magnitude of the output or of
 * `scale` (e.g. the magnitudes of the terms a result is a sum of, where it cancels). */
export function relErrScaled(got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number>): number {
  let err = 0, s = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    s = Math.max(s, Math.abs(want[i]), scale[i]);
  }
  return s === 0 ? err : err / s;
}
