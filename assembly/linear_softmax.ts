// PLACEHOLDER: to be implemented.
export function linear_softmax_scratch_bytes_f32(n: i32, d: i32, c: i32): usize { return 0; }
export function linear_softmax_scratch_bytes_f64(n: i32, d: i32, c: i32): usize { return 0; }
export function linear_softmax_loss_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32,
  c: i32, reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 { unreachable(); return 0; }
export function linear_softmax_loss_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32,
  c: i32, reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 { unreachable(); return 0; }
