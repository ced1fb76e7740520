// Shared pieces of the logits kernels (argmax, top-k, sample): the order-preserving integer key of a
// float, the compaction of a lane mask into indices, a radix select over keys (by count or by
// probability mass) and a small sort of the survivors. Nothing here uses relaxed SIMD, so both builds give bit-identical results.
//
// ORDER. Every selection uses one strict total order: key descending, then index ascending, where
// key(x) maps the float bits to an unsigned integer with the same order (−0 and +0 are one value,
// every NaN is one value above +∞). So top-k keeps "largest first, lower index first on ties", and
// NaN counts as the largest value (as torch.topk / torch.argmax do).

// ---- keys ----

/** Order-preserving u64 key of x: −0 ≡ +0, NaN above +∞. f32 keys occupy the high 32 bits. */
// @ts-ignore: decorator
@inline export function key_of<T>(x: T): u64 {
  if (sizeof<T>() == 4) {
    const f = <f32>x;
    const b = reinterpret<u32>(f + <f32>0); // −0 + 0 = +0
    const k = b ^ (<u32>(<i32>b >> 31) | 0x80000000);
    return select<u64>(0xFFFFFFFFFFFFFFFF, <u64>k << 32, f != f);
  }
  const f = <f64>x;
  const b = reinterpret<u64>(f + 0.0);
  const k = b ^ (<u64>(<i64>b >> 63) | 0x8000000000000000);
  return select<u64>(0xFFFFFFFFFFFFFFFF, k, f != f);
}

/**
 * The key under an order O: u8 = the selection order above (largest first); i8 = value ascending
 * with NaN last and lower index first on ties (topK with largest: false, as ONNX TopK largest = 0
 * orders it: onnx/reference/ops/op_topk.py topk_sorted_implementation sorts by np.lexsort((index,
 * X)), NaN last). The complemented key reverses the value order and keeps "key descending, index
 * ascending" as the one rule; O is a compile-time type, so the largest-first code is unchanged.
 */
// @ts-ignore: decorator
@inline export function okey<T, O>(x: T): u64 {
  const k = key_of<T>(x);
  return isSigned<O>() ? ~k : k;
}

/** true when (key a, index ia) comes before (key b, index ib) in the selection order. */
// @ts-ignore: decorator
@inline export function before(ka: u64, ia: i32, kb: u64, ib: i32): bool {
  return ka > kb || (ka == kb && ia < ib);
}

// ---- compaction ----

/**
 * Appends the indices j0 + lane of the set lanes of mask m (T-wide lanes) to the i32 list at dst,
 * which holds n; returns the new count. Lanes in index order.
 */
// @ts-ignore: decorator
@inline export function compact_mask<T>(m: v128, j0: i32, dst: usize, n: i32): i32 {
  let bits = sizeof<T>() == 4 ? i32x4.bitmask(m) : i64x2.bitmask(m);
  while (bits) {
    store<i32>(dst + (<usize>n << 2), j0 + ctz<i32>(bits));
    n++;
    bits &= bits - 1;
  }
  return n;
}

// ---- radix select ----
// Finds the shortest prefix (in the selection order) of a candidate set whose weight reaches W,
// where the weight of an element is 1 (count mode: W = k gives the top k) or its probability mass
// e[j] (mass mode: W = p·Z gives the top-p nucleus). Levels of 11-bit digits of the key while more
// than 4096 candidates are left, 8-bit digits below (32 key bits for f32, 64 for f64): a histogram of counts (and masses) per digit over the candidates,
// a walk from the top digit down to the one where the running weight reaches W, and a compaction of
// that digit's candidates (index order kept). Once at most SMALL candidates are left they are
// sorted and walked one by one. Cost: one histogram pass over the row plus passes over shrinking
// candidate sets; no full sort.

const SMALL: i32 = 48;

/** Result of select_prefix: the boundary element (last one in the prefix) and the prefix's size. */
export let sel_key: u64 = 0;          // key of the boundary element
export let sel_index: i32 = -1;       // its index
export let sel_ties: i32 = 0;         // how many elements with key == sel_key are in the prefix (lowest indices)
export let sel_ties_total: i32 = 0;   // how many elements have key == sel_key in the whole set
export let sel_count: i32 = 0;        // prefix length
export let sel_mass: f64 = 0;         // prefix mass (mass mode; sum of e in f64)

const HIST_BINS: i32 = 2048;
/** Bytes of histogram workspace select_prefix needs (counts i32 + masses f64). */
export const SELECT_HIST_BYTES: i32 = HIST_BINS * 12;

// @ts-ignore: decorator
@inline function weight_of<T>(e: usize, j: i32, mass: bool): f64 {
  return mass ? <f64>load<T>(e + (<usize>j << alignof<T>())) : 1.0;
}

/** Sorts cand[0..n) in place by the selection order (insertion sort; n is small). */
export function sort_small<T, O = u8>(x: usize, cand: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const ji = load<i32>(cand + (<usize>i << 2));
    const ki = okey<T, O>(load<T>(x + (<usize>ji << alignof<T>())));
    let p = i - 1;
    while (p >= 0) {
      const jp = load<i32>(cand + (<usize>p << 2));
      const kp = okey<T, O>(load<T>(x + (<usize>jp << alignof<T>())));
      if (!before(ki, ji, kp, jp)) break;
      store<i32>(cand + (<usize>(p + 1) << 2), jp);
      p--;
    }
    store<i32>(cand + (<usize>(p + 1) << 2), ji);
  }
}

// @ts-ignore: decorator
@inline function heap_key<T, O>(x: usize, cand: usize, i: i32): u64 {
  return okey<T, O>(load<T>(x + (<usize>load<i32>(cand + (<usize>i << 2)) << alignof<T>())));
}

/** Sorts cand[0..n) by the selection order: heapsort (a min-heap on the order, popped to the end). */
export function sort_indices<T, O = u8>(x: usize, cand: usize, n: i32): void {
  if (n <= SMALL) { sort_small<T, O>(x, cand, n); return; }
  // heap whose root is the LAST element in the order; popping it to the end leaves cand sorted
  for (let start = (n >> 1) - 1; start >= 0; start--) sift_down<T, O>(x, cand, start, n);
  for (let end = n - 1; end > 0; end--) {
    const t = load<i32>(cand);
    store<i32>(cand, load<i32>(cand + (<usize>end << 2)));
    store<i32>(cand + (<usize>end << 2), t);
    sift_down<T, O>(x, cand, 0, end);
  }
}

function sift_down<T, O>(x: usize, cand: usize, root: i32, n: i32): void {
  while (true) {
    const l = 2 * root + 1;
    if (l >= n) return;
    let c = l;
    const jl = load<i32>(cand + (<usize>l << 2));
    const kl = heap_key<T, O>(x, cand, l);
    if (l + 1 < n) {
      const jr = load<i32>(cand + (<usize>(l + 1) << 2));
      const kr = heap_key<T, O>(x, cand, l + 1);
      // the child that comes later in the order
      if (before(kl, jl, kr, jr)) c = l + 1;
    }
    const jc = load<i32>(cand + (<usize>c << 2));
    const kc = heap_key<T, O>(x, cand, c);
    const jroot = load<i32>(cand + (<usize>root << 2));
    const kroot = heap_key<T, O>(x, cand, root);
    if (!before(kroot, jroot, kc, jc)) return; // root already comes after its children
    store<i32>(cand + (<usize>root << 2), jc);
    store<i32>(cand + (<usize>c << 2), jroot);
    root = c;
  }
}

/**
 * Shortest prefix of the candidates (all of [0, n) when `all`, else cand[0..n)) whose weight
 * reaches W (see above); results in sel_*. cand must hold room for n indices (it is overwritten);
 * hist is SELECT_HIST_BYTES of workspace. W > 0; if rounding keeps the running weight below W, the
 * whole set is the prefix.
 */
export function select_prefix<T, O = u8>(x: usize, e: usize, mass: bool, cand: usize, n: i32, all: bool, W: f64, hist: usize): void {
  const counts = hist;
  const masses = hist + (<usize>HIST_BINS << 2);
  let above: f64 = 0;   // weight of the elements known to be in the prefix
  let aboveN: i32 = 0;  // their number
  const keyBits = sizeof<T>() == 4 ? 32 : 64;
  let consumed = 0; // key bits (from the top) already fixed by the levels so far
  let implicit = all;
  while (n > SMALL && consumed < keyBits) {
    // 11-bit digits for large sets, 8-bit ones for small (cheaper histograms)
    const bits = min(n > 4096 ? 11 : 8, keyBits - consumed);
    const shift: u64 = <u64>(64 - consumed - bits);
    consumed += bits;
    const bins = 1 << bits;
    const digitMask: u64 = <u64>(bins - 1);
    // histogram of the digit
    memory.fill(counts, 0, <usize>bins << 2);
    if (mass) memory.fill(masses, 0, <usize>bins << 3);
    for (let i = 0; i < n; i++) {
      const j = implicit ? i : load<i32>(cand + (<usize>i << 2));
      const d = <usize>((okey<T, O>(load<T>(x + (<usize>j << alignof<T>()))) >> shift) & digitMask);
      store<i32>(counts + (d << 2), load<i32>(counts + (d << 2)) + 1);
      if (mass) store<f64>(masses + (d << 3), load<f64>(masses + (d << 3)) + <f64>load<T>(e + (<usize>j << alignof<T>())));
    }
    // walk from the top digit to the one where the running weight reaches W
    let dsel = -1, lastNonEmpty = -1;
    let lastAbove = above, lastAboveN = aboveN;
    for (let d = bins - 1; d >= 0; d--) {
      const c = load<i32>(counts + (<usize>d << 2));
      if (c == 0) continue;
      const w = mass ? load<f64>(masses + (<usize>d << 3)) : <f64>c;
      if (above + w >= W) { dsel = d; break; }
      lastNonEmpty = d; lastAbove = above; lastAboveN = aboveN;
      above += w; aboveN += c;
    }
    if (dsel < 0) { // rounding: W not reached; the last non-empty digit holds the boundary
      dsel = lastNonEmpty; above = lastAbove; aboveN = lastAboveN;
    }
    // compact the candidates of that digit (index order kept)
    let m = 0;
    for (let i = 0; i < n; i++) {
      const j = implicit ? i : load<i32>(cand + (<usize>i << 2));
      const d = <i32>((okey<T, O>(load<T>(x + (<usize>j << alignof<T>()))) >> shift) & digitMask);
      if (d == dsel) { store<i32>(cand + (<usize>m << 2), j); m++; }
    }
    n = m;
    implicit = false;
  }
  if (implicit) { // a small set given as "all": make it explicit
    for (let i = 0; i < n; i++) store<i32>(cand + (<usize>i << 2), i);
  }
  // the remaining candidates: sorted (all key bits done: they share one key and are in index order)
  if (consumed < keyBits) sort_small<T, O>(x, cand, n);
  let acc = above;
  let b = n - 1;
  for (let i = 0; i < n; i++) {
    acc += weight_of<T>(e, load<i32>(cand + (<usize>i << 2)), mass);
    if (acc >= W) { b = i; break; }
  }
  // boundary element, its tie group
  const jb = load<i32>(cand + (<usize>b << 2));
  const kb = okey<T, O>(load<T>(x + (<usize>jb << alignof<T>())));
  let ties = 0, tiesTotal = 0;
  let massIn: f64 = above;
  for (let i = 0; i < n; i++) {
    const j = load<i32>(cand + (<usize>i << 2));
    const k = okey<T, O>(load<T>(x + (<usize>j << alignof<T>())));
    if (i <= b) massIn += weight_of<T>(e, j, mass);
    if (k == kb) { tiesTotal++; if (i <= b) ties++; }
  }
  sel_key = kb;
  sel_index = jb;
  sel_ties = ties;
  sel_ties_total = tiesTotal;
  sel_count = aboveN + b + 1;
  sel_mass = massIn;
}
