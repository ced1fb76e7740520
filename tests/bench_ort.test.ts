/**
 * The onnxruntime-node bench peer computes what the library computes: the cross-entropy and linear-classifier graphs written by
 * bench/engines/onnx-model.ts, run in ORT on small odd shapes with a nonzero bias and a large reg,
 * match the float64 `reference` (loss, grad / dW, db) within the f32 tolerance. Skipped when
 * onnxruntime-node cannot load on this machine or the bench package (bench/package.json) is not
 * installed.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { matrix, reference } from '../src/index.js';
import { crossEntropyModel, linearSoftmaxModel } from '../bench/engines/onnx-model.js';
import { gaussianF32, uniformLabels } from '../bench/workloads.js';
import { benchDepsMissing } from '../scripts/bench/ensure-deps.mjs';
import { relErr, TOL } from './support/index.js';

// @ts-ignore: a peer of the bench package (bench/package.json), not resolvable from tests/: `any`
type Ort = typeof import('onnxruntime-node');
let ort: Ort | null = null;
// onnxruntime-node lives in the bench package (bench/package.json), installed by `npm run bench`
let why = benchDepsMissing() ?? '';
if (!why) {
  try {
    ort = createRequire(new URL('../bench/package.json', import.meta.url))('onnxruntime-node') as Ort;
  } catch (e) {
    why = (e as Error).message.split('\n')[0];
  }
}

describe.skipIf(!ort)(`ORT bench graphs agree with the reference${why ? ` (skipped: ${why})` : ''}`, () => {
  const int64 = (l: Int32Array) => new ort!.Tensor('int64', BigInt64Array.from(l, (v) => BigInt(v)), [l.length]);

  it.each([1, 2])('linear classifier N=7 D=13 C=5, reg 0.05, bias: loss, dW, db (intraOpNumThreads %i)', async (threads) => {
    const [n, d, c, reg] = [7, 13, 5, 0.05];
    const X = gaussianF32(n * d, 11), W = gaussianF32(d * c, 12, 0.3), b = gaussianF32(c, 13, 0.5);
    const labels = uniformLabels(n, c, 14);
    const s = await ort!.InferenceSession.create(linearSoftmaxModel(n, d, c, reg), { intraOpNumThreads: threads });
    const r = await s.run({
      X: new ort!.Tensor('float32', X, [n, d]), W: new ort!.Tensor('float32', W, [d, c]),
      b: new ort!.Tensor('float32', b, [c]), labels: int64(labels),
    });
    await s.release();
    const ref = reference.linearSoftmaxLoss(matrix(Float64Array.from(X), n, d), labels, matrix(Float64Array.from(W), d, c), { reg, bias: Float64Array.from(b) });
    expect(ref.loss).toBeGreaterThan(0);
    expect(Math.abs((r.loss.data as Float32Array)[0] - ref.loss) / ref.loss).toBeLessThan(TOL.f32);
    expect(r.dW.dims).toEqual([d, c]);
    expect(relErr(r.dW.data as Float32Array, ref.dW.data)).toBeLessThan(TOL.f32);
    expect(relErr(r.db.data as Float32Array, ref.db)).toBeLessThan(TOL.f32);
  });

  it('cross-entropy N=5 C=7: loss and d/d logits', async () => {
    const [n, c] = [5, 7];
    const logits = gaussianF32(n * c, 21, 3), labels = uniformLabels(n, c, 22);
    const s = await ort!.InferenceSession.create(crossEntropyModel(n, c), { intraOpNumThreads: 1 });
    const r = await s.run({ logits: new ort!.Tensor('float32', logits, [n, c]), labels: int64(labels) });
    await s.release();
    const ref = reference.softmaxCrossEntropy(matrix(Float64Array.from(logits), n, c), labels);
    expect(Math.abs((r.loss.data as Float32Array)[0] - ref.loss) / ref.loss).toBeLessThan(TOL.f32);
    expect(relErr(r.grad.data as Float32Array, ref.grad!.data)).toBeLessThan(TOL.f32);
  });
});
