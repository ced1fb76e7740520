// Lane reductions of one v128, each in one canonical order, shared by every kernel family.
// hsum folds pairwise, (l0 + l2) + (l1 + l3) for f32x4 and l0 + l1 for f64x2: every sum over lanes in
// the library goes through it, so a change of order here changes all of them together. hcount sums
// the integer lanes of a comparison-count vector (exact, so its order does not matter).

/** The lanes of v folded pairwise (f32x4: lanes (0, 2) and (1, 3), then the two; f64x2: 0 and 1) with pmax or add. */
// @ts-ignore: decorator
@inline function fold<T>(v: v128, isMax: bool): T {
  if (sizeof<T>() == 4) {
    const v2 = v128.shuffle<f32>(v, v, 2, 3, 0, 1);
    v = isMax ? f32x4.pmax(v, v2) : f32x4.add(v, v2);
    const v1 = v128.shuffle<f32>(v, v, 1, 0, 3, 2);
    v = isMax ? f32x4.pmax(v, v1) : f32x4.add(v, v1);
    return <T>f32x4.extract_lane(v, 0);
  }
  const v1 = v128.shuffle<f64>(v, v, 1, 0);
  v = isMax ? f64x2.pmax(v, v1) : f64x2.add(v, v1);
  return <T>f64x2.extract_lane(v, 0);
}

/** Largest lane (pmax order; NaN lanes may be skipped). */
// @ts-ignore: decorator
@inline export function hmax<T>(v: v128): T {
  return fold<T>(v, true);
}

/** Sum of the lanes, pairwise. */
// @ts-ignore: decorator
@inline export function hsum<T>(v: v128): T {
  return fold<T>(v, false);
}

/** Largest lane, NaN-propagating (`max`: a NaN lane gives NaN), for callers that must see NaN. */
// @ts-ignore: decorator
@inline export function hmax_nan<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    const s = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    return <T>max(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1));
  } else {
    return <T>max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
  }
}

/**
 * Sum of the integer lanes of a count vector built from comparison masks of T-wide lanes (i32x4 for
 * f32, i64x2 for f64), as i32: masks subtracted give the count, masks added give its negation.
 */
// @ts-ignore: decorator
@inline export function hcount<T>(v: v128): i32 {
  if (sizeof<T>() == 4) {
    return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
  }
  return <i32>(i64x2.extract_lane(v, 0) + i64x2.extract_lane(v, 1));
}
