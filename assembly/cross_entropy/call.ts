// The constants of one cross-entropy call (assembly/cross_entropy.ts has the symbols), set once per
// call (set_class_sums, the O(C) part, then set_call) and read by the row handlers and passes. They are WASM globals, i.e. per instance:
// in the threads build every worker has its own instance, so each thread holds its own copy. (A
// kernel cannot allocate a record in memory: the JS arena owns the heap, and static data is shared
// by all threads.) The accumulation mode is not here: it stays a compile-time parameter, so each
// mode gets its own specialised loops.
export namespace call {
  /** 1 − ε */
  export let omE: f64 = 0;
  /** ε/C */
  export let eC: f64 = 0;
  /** D, the divisor of the reduction (the mean's denominator, or 1) */
  export let denom: f64 = 1;
  /** class weights given */
  export let hasW: bool = false;
  /** Σ_c w_c (C without weights; label rows: T = (1−ε)·w_y + (ε/C)·Σw); set by set_class_sums */
  export let wsum: f64 = 0;
  /** max(1, max_c |w_c|) (1 without weights); set by set_class_sums */
  export let wmax: f64 = 1;
  /** label rows: the smoothing term of the gradient is kt·w_j (f32: formed in f64) or kt·(ka·w_j) (f64) */
  export let kt: f64 = 0;
  export let ka: f64 = 1;
  /** the largest smoothing term (ε/C)·|w_j|/D of the gradient (beyond T's range: the f64 row form) */
  export let ktwmax: f64 = 0;
  /** out of pass 2, probability rows: the row's T = Σ t (read right after the pass) */
  export let rowT: f64 = 0;
}

/**
 * The O(C) part of a call's setup, done once per call (by the calling thread; the pool's row chunks
 * get the two numbers as arguments): call.wsum = Σ_c w_c and call.wmax = max(1, max |w_c|) for
 * label rows with weights (weights: cols of T), else C and 1.
 */
// @ts-ignore: decorator
@inline export function set_class_sums<T>(cols: i32, weights: usize, prob: bool): void {
  let wsum: f64 = <f64>cols;
  let wmax: f64 = 1;
  if (weights != 0 && !prob) {
    wsum = 0;
    for (let c = 0; c < cols; c++) {
      const w = <f64>load<T>(weights + <usize>c * sizeof<T>());
      wsum += w;
      wmax = max(wmax, Math.abs(w));
    }
  }
  call.wsum = wsum;
  call.wmax = wmax;
}

/**
 * Sets the rest of `call` (O(1)) for logits of `cols` columns of T (weights: cols of T, or 0;
 * probability rows: `prob`), after set_class_sums.
 */
// @ts-ignore: decorator
@inline export function set_call<T>(cols: i32, weights: usize, smoothing: f64, denom: f64, prob: bool): void {
  const eC = smoothing / <f64>cols;
  const hasW = weights != 0;
  call.omE = 1 - smoothing;
  call.eC = eC;
  call.denom = denom;
  call.hasW = hasW;
  // kt of label rows: grad = ks·e − (ε/C)/D·(1 or w_j) (− the label's share). With weights, f32:
  // kt·w_j formed in f64 (one rounding; (ε/C)/D is subnormal in f32 when D is huge, ~1e38 weights);
  // f64: kt·(ka·w_j), ka a power of two when (ε/C)/D alone leaves the normal range (D subnormal or
  // near the largest double). D·ka is exact (a power-of-two scaling).
  let kt: f64 = eC / denom;
  let ka: f64 = 1;
  if (sizeof<T>() == 8 && hasW && !prob && eC != 0) {
    if (!(Math.abs(kt) < 1.0e300)) ka = Math.pow(2, 537);
    else if (Math.abs(kt) < 1.0e-290) ka = Math.pow(2, -537);
    if (ka != 1) kt = eC / (denom * ka);
  }
  call.kt = kt;
  call.ka = ka;
  call.ktwmax = Math.abs(eC / denom) * call.wmax;
}
