// PLACEHOLDER: to be implemented.
export function softmax_backward_f32(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void { unreachable(); }
export function softmax_backward_f64(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void { unreachable(); }
export function softmax_jacobian_f32(y: usize, out: usize, n: i32): void { unreachable(); }
export function softmax_jacobian_f64(y: usize, out: usize, n: i32): void { unreachable(); }
