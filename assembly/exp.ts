// PLACEHOLDER (being replaced by the vectorized range-reduced polynomial): lane-wise Math.exp.
// exp_f32x4(x) / exp_f64x2(x): exp of each lane for x <= 0; NaN -> NaN; below the normal range -> 0.
// @ts-ignore: decorator
@inline export function exp_f32x4(x: v128): v128 {
  return f32x4(
    Mathf.exp(f32x4.extract_lane(x, 0)), Mathf.exp(f32x4.extract_lane(x, 1)),
    Mathf.exp(f32x4.extract_lane(x, 2)), Mathf.exp(f32x4.extract_lane(x, 3)));
}
// @ts-ignore: decorator
@inline export function exp_f64x2(x: v128): v128 {
  return f64x2(Math.exp(f64x2.extract_lane(x, 0)), Math.exp(f64x2.extract_lane(x, 1)));
}
export function exp_f32(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), Mathf.exp(load<f32>(x + (<usize>i << 2))));
}
export function exp_f64(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), Math.exp(load<f64>(x + (<usize>i << 3))));
}
