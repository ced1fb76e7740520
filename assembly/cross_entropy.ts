// PLACEHOLDER: to be implemented.
export function cross_entropy_f32(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 { unreachable(); return 0; }
export function cross_entropy_f64(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 { unreachable(); return 0; }
