/**
 * The reference's ops over a non-last axis (docs/tensors.md): an (outer, C, inner) block is turned
 * into outer·inner rows of C (a transpose: the reference is written for clarity; the WASM kernels
 * compute in place, assembly/axis/), the 2-D row functions run on them, and the results go back.
 * Row r = o·inner + s holds x[(o·C + c)·inner + s] for c in [0, C).
 */
import { softmaxCrossEntropy, type CrossEntropyArgs } from './cross_entropy.js';
import { logSoftmaxTemperature, softmaxTemperature } from './logits.js';
import { logSoftmax, softmax } from './softmax.js';
import type { FloatArray, Matrix } from '../types_core.js';

/** An op over the middle axis of a row-major (outer, size, inner) block, inner > 1. */
export interface AxisArgs<A extends FloatArray = FloatArray> {
  x: A;
  /** The result, the layout of x; may alias x. */
  out: A;
  outer: number;
  size: number;
  inner: number;
  /** 1/T (1: no temperature). */
  invT: number;
  /** log-softmax instead of softmax. */
  log: boolean;
}

/** The (outer·inner) × C matrix of the lines along the middle axis of x (float64 copy). */
export function linesOf(x: ArrayLike<number>, outer: number, C: number, inner: number): Matrix<Float64Array> {
  const m = new Float64Array(outer * inner * C);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      for (let s = 0; s < inner; s++) m[(o * inner + s) * C + c] = x[(o * C + c) * inner + s];
    }
  }
  return { data: m, rows: outer * inner, cols: C };
}

/** Writes the lines (outer·inner rows of C) back into out's (outer, C, inner) layout. */
export function storeLines(lines: Matrix<Float64Array>, out: FloatArray, outer: number, C: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      for (let s = 0; s < inner; s++) out[(o * C + c) * inner + s] = lines.data[(o * inner + s) * C + c];
    }
  }
}

/** softmax / log-softmax of x·invT over the middle axis (out may alias x: the lines are copies). */
export function softmaxAxis<A extends FloatArray>(a: AxisArgs<A>): void {
  const rows = linesOf(a.x, a.outer, a.size, a.inner);
  const res: Matrix<Float64Array> = { data: new Float64Array(rows.data.length), rows: rows.rows, cols: rows.cols };
  if (a.invT === 1) (a.log ? logSoftmax : softmax)(rows, res);
  else (a.log ? logSoftmaxTemperature : softmaxTemperature)(rows, res, a.invT);
  storeLines(res, a.out, a.outer, a.size, a.inner);
}

/** Cross-entropy over the class axis: the 2-D reference on the lines (row r = o·inner + s is target r). */
export function crossEntropyAxis<A extends FloatArray>(a: CrossEntropyArgs<A>): number {
  const inner = a.inner ?? 1;
  const { rows: outer, cols: C } = a.logits;
  const logits = linesOf(a.logits.data, outer, C, inner);
  const targets = a.targets ? linesOf(a.targets.data, outer, C, inner) : null;
  const grad = a.grad ? { data: new Float64Array(outer * inner * C), rows: outer * inner, cols: C } : null;
  const losses = a.losses ? new Float64Array(outer * inner) : null;
  const loss = softmaxCrossEntropy<Float64Array>({
    ...a, inner: 1, logits, targets, weights: a.weights ? Float64Array.from(a.weights) : null, losses, grad,
  } as CrossEntropyArgs<Float64Array>);
  if (losses) a.losses!.set(losses);
  if (grad) storeLines(grad, a.grad!.data, outer, C, inner);
  return loss;
}
