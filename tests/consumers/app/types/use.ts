// A strict TypeScript user of every public export of the installed package. Compiled by
// tests/package/package.test.ts with each tsconfig.*.json here (node16 and bundler resolution,
// with and without the DOM lib, skipLibCheck: false). The @ts-expect-error lines prove that result
// types narrow from the options and that bad options are type errors: if a declaration regresses,
// an expect-error line goes unused (TS2578) or a plain line fails, and so does the test.
import {
  MAX_JACOBIAN_LENGTH, SoftmaxInputError, checkCrossEntropyGradients, checkLinearSoftmaxGradients, gradCheck, loadWasm,
  matrix, reference, relError, trainSoftmaxClassifier, loadSoftmaxClassifier, Rng,
  type CrossEntropyOptions, type CrossEntropyResult, type EarlyStopping, type EpochRecord, type FloatArray,
  type GradCheckEntry, type GradCheckOptions, type GradCheckParam, type GradCheckResult, type LabelledSet,
  type LinearSoftmaxOptions, type LinearSoftmaxResult, type LoadWasmOptions, type LrSchedule, type Matrix, type Reduction,
  type SoftmaxClassifier, type SoftmaxKernels, type TrainData, type TrainOptions, type WasmBytes, type WasmKernels,
  type WasmMatrix, type WasmModuleLike, type WasmResponseLike, type WasmUrlLike,
} from 'softmax-wasm';

export async function main(): Promise<number> {
  const X: Matrix<Float32Array> = matrix(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3);
  const y = new Int32Array([0, 2]);
  const k: WasmKernels = await loadWasm({ simd: 'auto' });
  const kernels: SoftmaxKernels[] = [k, reference];
  const build: 'baseline' | 'relaxed' = k.build;

  // Row-wise functions keep the float type.
  const s: Matrix<Float32Array> = k.softmax(X);
  const ls: Float32Array = k.logSoftmax(X, s).data;
  const back: Matrix<Float32Array> = k.softmaxBackward(s, s);
  const jac: Matrix<Float64Array> = reference.softmaxJacobian(new Float64Array([0.5, 0.5]));

  // softmaxCrossEntropy: grad present unless grad: false; losses with reduction: 'none'.
  const r1 = k.softmaxCrossEntropy(X, y);
  const g1: Matrix<Float32Array> = r1.grad;
  // @ts-expect-error losses only with reduction: 'none'
  const l1: Float32Array = r1.losses;
  const r2 = k.softmaxCrossEntropy(X, y, { grad: false, labelSmoothing: 0.1 });
  // @ts-expect-error no grad with grad: false
  const g2: Matrix<Float32Array> = r2.grad;
  const r3 = k.softmaxCrossEntropy(X, y, { reduction: 'none', weights: new Float32Array(3) });
  const l3: Float32Array = r3.losses;
  const g3: Matrix<Float32Array> = r3.grad;
  const r4 = k.softmaxCrossEntropy(X, y, { reduction: 'none', grad: false });
  const l4: Float32Array = r4.losses;
  // @ts-expect-error no grad with grad: false
  const g4: Matrix<Float32Array> = r4.grad;
  const general: CrossEntropyOptions<Float32Array> = { reduction: 'sum' as Reduction };
  const r5: CrossEntropyResult<Float32Array> = k.softmaxCrossEntropy(X, y, general);
  // @ts-expect-error with options of the general type, grad may be absent
  const g5: Matrix<Float32Array> = r5.grad;
  // @ts-expect-error a misspelt option
  k.softmaxCrossEntropy(X, y, { reductio: 'none' });
  // @ts-expect-error mixed float types
  k.softmaxCrossEntropy(X, y, { weights: new Float64Array(3) });

  // linearSoftmaxLoss: dX with inputGrad: true (or out.dX).
  const W = matrix(new Float32Array(6), 3, 2);
  const lab = new Int32Array([0, 1]);
  const a: LinearSoftmaxResult<Float32Array> = k.linearSoftmaxLoss(X, lab, W);
  // @ts-expect-error no dX without inputGrad
  const dx0: Matrix<Float32Array> = a.dX;
  const b = k.linearSoftmaxLoss(X, lab, W, { inputGrad: true, reg: 1e-3, bias: new Float32Array(2) });
  const dx1: Matrix<Float32Array> = b.dX;
  const c = k.linearSoftmaxLoss(X, lab, W, { out: { dX: matrix(new Float32Array(6), 2, 3) } });
  const dx2: Matrix<Float32Array> = c.dX;
  const lopts: LinearSoftmaxOptions<Float32Array> = { inputGrad: Math.random() > 0.5 };
  // @ts-expect-error with options of the general type, dX may be absent
  const dx3: Matrix<Float32Array> = k.linearSoftmaxLoss(X, lab, W, lopts).dX;

  // WASM-resident matrices.
  const m: WasmMatrix<Float64Array> = k.alloc('f64', 2, 2);
  m.free();
  k.dispose();
  const bytes: number = k.memoryBytes();

  // loadWasm's sources, typed without the DOM lib.
  const opts: LoadWasmOptions[] = [{ wasm: new Uint8Array(8) }, { wasm: new ArrayBuffer(8) }, { wasm: new URL('file:///x.wasm') }, { simd: 'baseline' }];
  const src: Array<WasmBytes | WasmUrlLike | WasmResponseLike | WasmModuleLike> = [new Uint8Array(1)];
  // @ts-expect-error a string is not accepted: pass a URL object or the bytes
  await loadWasm({ wasm: '/x.wasm' });
  // @ts-expect-error not a module source
  await loadWasm({ wasm: 42 });
  // @ts-expect-error an unknown option
  await loadWasm({ wsam: new Uint8Array(8) });
  // @ts-expect-error simd is one of three names
  await loadWasm({ simd: 'fast' });

  // Training and gradient checks.
  const data: TrainData<Float64Array> = { X: matrix(new Float64Array(8), 4, 2), y: new Int32Array([0, 1, 1, 1]), classes: 2 };
  const schedule: LrSchedule = 'constant';
  const stop: EarlyStopping | boolean = false;
  const topts: TrainOptions<Float64Array> = { epochs: 2, schedule, earlyStopping: stop, onEpoch: (e: EpochRecord) => { void e; } };
  const model: SoftmaxClassifier<Float64Array> = trainSoftmaxClassifier(reference, data, topts);
  const set: LabelledSet<Float64Array> = { X: data.X, y: data.y };
  const pred: Int32Array = model.predict(set.X);
  const p: GradCheckParam = { value: new Float64Array(1), grad: new Float64Array(1) };
  const go: GradCheckOptions = { samples: 2 };
  const gr: GradCheckResult = gradCheck(() => 0, { p }, go);
  const worst: GradCheckEntry | undefined = gr.worst ?? undefined;
  const g6: GradCheckResult = checkLinearSoftmaxGradients(reference, { X: data.X, y: data.y, W: matrix(new Float64Array(4), 2, 2), b: new Float64Array(2) });
  const g7: GradCheckResult = checkCrossEntropyGradients(reference, matrix(new Float64Array(4), 2, 2), new Int32Array([0, 1]));
  const e: SoftmaxInputError = new SoftmaxInputError('x', 'arg');
  const arg: string = e.argument;
  const f: FloatArray = ls;

  // sample: logProbs and filteredLogProbs present with logProbs: true (no `!` needed).
  const logits = matrix(new Float32Array([0, 5, 1]), 1, 3);
  const d1 = reference.sample(logits, { logProbs: true, seed: 1 });
  const lp1: number = d1.logProbs[0] + d1.filteredLogProbs[0];
  const lpArr: Float32Array = d1.logProbs;
  const d2 = reference.sample(logits, { topK: 2, rng: new Rng(3) });
  // @ts-expect-error logProbs only with logProbs: true
  const lp2: Float32Array = d2.logProbs;
  // @ts-expect-error a misspelt sample option
  reference.sample(logits, { topk: 2 });

  // reduction: 'none' narrows too (and editors offer all three: one generic signature, no overloads).
  const r6 = k.softmaxCrossEntropy(X, y, { reduction: 'none', labelSmoothing: 0.1 });
  const l6: Float32Array = r6.losses;
  const r7 = k.softmaxCrossEntropy(X, y, { reduction: 'sum' });
  // @ts-expect-error losses only with reduction: 'none'
  const l7: Float32Array = r7.losses;

  // loadSoftmaxClassifier: the float type of the saved object, or of the dtype asked for.
  const saved32 = trainSoftmaxClassifier(reference, { X, y, classes: 3 }, { epochs: 1 }).toJSON();
  const m32: SoftmaxClassifier<Float32Array> = loadSoftmaxClassifier(reference, saved32);
  const m64: SoftmaxClassifier<Float64Array> = loadSoftmaxClassifier(reference, JSON.stringify(model), 'f64');
  const mAny: SoftmaxClassifier<FloatArray> = loadSoftmaxClassifier(reference, '{}');
  // @ts-expect-error a saved f32 model is no Float64Array model
  const mWrong: SoftmaxClassifier<Float64Array> = loadSoftmaxClassifier(reference, saved32);

  void [kernels, build, back, jac, g1, l1, g2, l3, g3, l4, g4, g5, dx0, dx1, dx2, dx3, bytes, opts, src, pred, worst, g6, g7, arg, f,
    lp1, lpArr, lp2, l6, l7, m32, m64, mAny, mWrong];
  return MAX_JACOBIAN_LENGTH + relError(1, 2);
}
