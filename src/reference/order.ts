/**
 * The selection order of the reference logits toolkit (argmax, topK, sample and its warpers): value
 * descending, NaN largest, then lower index; −0 = +0. Shared by ./logits.ts and ./sampler.ts.
 */

/** Index of the first NaN of z, else of the first maximum; −1 for an empty row. */
export function argmaxRow(z: ArrayLike<number>): number {
  let best = -1;
  for (let j = 0; j < z.length; j++) {
    const v = z[j];
    if (Number.isNaN(v)) return j;
    if (best < 0 || v > z[best]) best = j;
  }
  return best;
}

/** Index of the last NaN of z, else of the last maximum (ONNX select_last_index); −1 for an empty row. */
export function argmaxLastRow(z: ArrayLike<number>): number {
  let best = -1;
  for (let j = z.length - 1; j >= 0; j--) {
    const v = z[j];
    if (Number.isNaN(v)) return j;
    if (best < 0 || v > z[best]) best = j;
  }
  return best;
}

/** The selection order: negative when (a, i) comes first (larger value, NaN largest, then lower index). */
export function compareEntries(a: number, i: number, b: number, j: number): number {
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an !== bn) return an ? -1 : 1;
  if (!an && a !== b) return a > b ? -1 : 1;
  return i - j;
}

/** Indices of z sorted by the selection order. */
export function orderOf(z: ArrayLike<number>): number[] {
  const idx = Array.from({ length: z.length }, (_, j) => j);
  return idx.sort((i, j) => compareEntries(z[i], i, z[j], j));
}

/**
 * The ascending order of topK({ largest: false }): value ascending, NaN after +∞, lower index first on
 * ties (ONNX TopK largest = 0: onnx/reference/ops/op_topk.py sorts by np.lexsort((index, X))).
 */
export function compareAscending(a: number, i: number, b: number, j: number): number {
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an !== bn) return an ? 1 : -1;
  if (!an && a !== b) return a < b ? -1 : 1;
  return i - j;
}
