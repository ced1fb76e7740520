// PLACEHOLDER: to be implemented.
export function softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void { unreachable(); }
export function softmax_f64(x: usize, out: usize, rows: i32, cols: i32): void { unreachable(); }
export function log_softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void { unreachable(); }
export function log_softmax_f64(x: usize, out: usize, rows: i32, cols: i32): void { unreachable(); }
