// The cross-runtime conformance suite: the one file every runtime runs (Node 20/22/24, Deno, Bun,
// Chromium, Firefox; from ESM and from CommonJS) against the installed, packed package. Plain JS,
// no test framework, no dependencies: `conformance(sm, how)` takes the package's namespace
// (import * as sm from 'softmax-wasm', or require('softmax-wasm')) and returns
// `{ runtime, version, build, how, passed, failed, failures }`; `report()` prints the line
// `conformance: <runtime> <version> <how> build=<build> <N> passed, <N> failed` and a JSON line.
// Entry points: ./conformance.mjs (ESM), ./require.cjs (CommonJS), ./browser.mjs (pages).

// The tolerances, generator and error measure below are copies of tests/support/ (tolerance.ts,
// random.ts's Rng, error.ts's relErr): this suite is plain JavaScript that every runtime of the
// matrix runs as is, so it imports nothing.
const F32_TOL = 2e-5;
const F64_TOL = 1e-10;

/** mulberry32, as the library's Rng: the same data on every runtime. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    const a = (s = (s + 0x6d2b79f5) >>> 0);
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r) {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Where this runs: { runtime, version }. */
export function whereAmI() {
  const g = globalThis;
  if (g.Deno?.version) return { runtime: 'deno', version: g.Deno.version.deno };
  if (g.Bun?.version) return { runtime: 'bun', version: g.Bun.version };
  if (g.process?.versions?.node && typeof g.window === 'undefined') return { runtime: 'node', version: g.process.versions.node };
  const ua = g.navigator?.userAgent ?? '';
  const m = /Firefox\/([\d.]+)/.exec(ua) ?? /(?:HeadlessChrome|Chrome)\/([\d.]+)/.exec(ua);
  if (m) return { runtime: ua.includes('Firefox') ? 'firefox' : 'chromium', version: m[1] };
  // Safari and WebKitGTK: the UA's Version/ is not the engine's (WebKitGTK 2.50 says Version/60.5).
  const w = / Version\/([\d.]+) .*Safari\//.exec(ua);
  if (w) return { runtime: 'webkit', version: w[1] };
  return { runtime: 'unknown', version: ua };
}

function relErr(a, b) {
  if (a.length !== b.length) return Infinity;
  let scale = 0, diff = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) { if (!(Number.isNaN(x) && Number.isNaN(y))) return Infinity; continue; }
    if (!Number.isFinite(x) || !Number.isFinite(y)) { if (x !== y) return Infinity; continue; }
    scale = Math.max(scale, Math.abs(y));
    diff = Math.max(diff, Math.abs(x - y));
  }
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-300);
}

const relScalar = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

// The tutorial's example done right (NumPy float64 agrees): x = [1, 2, 3], W 3×2, label 1.
const TUTORIAL = {
  x: [1, 2, 3], W: [-1, 1, 1, -1, 0, 0], label: 1,
  probs: [0.8807970779778823, 0.11920292202211755],
  loss: 2.1269280110429727,
  dW: [0.8807970779778823, -0.8807970779778823, 1.7615941559557646, -1.7615941559557646, 2.642391233933647, -2.642391233933647],
  db: [0.8807970779778823, -0.8807970779778823],
  dX: [-1.7615941559557646, 1.7615941559557646, 0],
};

// (module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]);

/** Runs every case; never throws (a thrown case is a failure). */
export async function conformance(sm, how = 'esm') {
  const { runtime, version } = whereAmI();
  const failures = [];
  let passed = 0;
  const check = async (name, fn) => {
    try {
      const r = await fn();
      if (r === true) passed++;
      else failures.push(`${name}: ${r}`);
    } catch (e) {
      failures.push(`${name}: threw ${e?.name}: ${e?.message}`);
    }
  };
  const close = (name, got, want, tol) => {
    const e = typeof want === 'number' ? relScalar(got, want) : relErr(got, want);
    return e <= tol ? true : `${name} off by ${e} (tolerance ${tol})`;
  };
  const throwsInput = async (fn, pattern) => {
    try { await fn(); } catch (e) {
      if (!(e instanceof sm.SoftmaxInputError)) return `threw ${e?.name} (not SoftmaxInputError): ${e?.message}`;
      if (pattern && !pattern.test(e.message)) return `message ${JSON.stringify(e.message)} does not match ${pattern}`;
      return true;
    }
    return 'did not throw';
  };

  const { matrix, reference } = sm;
  await check('exports', () => {
    const want = ['loadWasm', 'matrix', 'reference', 'SoftmaxInputError', 'MAX_JACOBIAN_LENGTH', 'trainSoftmaxClassifier',
      'gradCheck', 'checkLinearSoftmaxGradients', 'checkCrossEntropyGradients', 'relError', 'softmaxClassifier',
      'loadSoftmaxClassifier', 'Rng'];
    const missing = want.filter((k) => sm[k] === undefined);
    return missing.length === 0 || `missing exports: ${missing.join(', ')}`;
  });

  let k;
  await check('loadWasm()', async () => { k = await sm.loadWasm(); return typeof k.softmax === 'function'; });
  if (!k) return { runtime, version, how, build: 'none', passed, failed: failures.length, failures };
  const build = k.build, buildReason = k.buildReason;
  const relaxedHere = WebAssembly.validate(RELAXED_PROBE);
  // 'auto' picks relaxed where it validates, except on JavaScriptCore (Bun, Safari), where the baseline build is faster.
  const jsc = runtime === 'bun' || runtime === 'webkit';
  const wantBuild = relaxedHere && !jsc ? 'relaxed' : 'baseline';
  await check('build picked by simd: auto', () => (build === wantBuild && typeof k.buildReason === 'string' && k.buildReason.length > 0)
    || `build ${build} (want ${wantBuild}; relaxed SIMD validates: ${relaxedHere}), buildReason ${JSON.stringify(k.buildReason)}`);
  let base;
  await check('loadWasm({ simd: "baseline" })', async () => { base = await sm.loadWasm({ simd: 'baseline' }); return base.build === 'baseline' || `build ${base.build}`; });
  const engines = [['wasm', k], ['baseline', base ?? k]];

  // The tutorial's example, in f64 and f32, on the reference and the WASM kernels.
  for (const [dt, Arr, tol] of [['f64', Float64Array, F64_TOL], ['f32', Float32Array, F32_TOL]]) {
    for (const [label, eng] of [['reference', reference], ...engines]) {
      await check(`tutorial ${label} ${dt}`, () => {
        const X = matrix(Arr.from(TUTORIAL.x), 1, 3);
        const W = matrix(Arr.from(TUTORIAL.W), 3, 2);
        const y = new Int32Array([TUTORIAL.label]);
        const r = eng.linearSoftmaxLoss(X, y, W, { inputGrad: true });
        const scores = matrix(new Arr([1, -1]), 1, 2);
        for (const c of [close('loss', r.loss, TUTORIAL.loss, tol), close('dW', r.dW.data, TUTORIAL.dW, tol),
          close('db', r.db, TUTORIAL.db, tol), close('dX', r.dX.data, TUTORIAL.dX, tol),
          close('probabilities', eng.softmax(scores).data, TUTORIAL.probs, tol)]) if (c !== true) return c;
        return true;
      });
    }
  }

  // Every kernel on seeded random shapes against the float64 reference.
  const shapes = [[1, 1], [1, 3], [2, 4], [3, 5], [4, 7], [5, 8], [3, 9], [7, 10], [2, 17], [16, 33], [9, 100], [2, 1000]];
  let seed = 1;
  const rand = (Arr, n, scale = 1) => { const g = gauss(rng(seed++)); const a = new Arr(n); for (let i = 0; i < n; i++) a[i] = scale * g(); return a; };
  const labels = (n, c) => { const r = rng(seed++); return Int32Array.from({ length: n }, () => Math.floor(r() * c)); };
  const to64 = (a) => Float64Array.from(a);
  for (const [dt, Arr, tol] of [['f32', Float32Array, F32_TOL], ['f64', Float64Array, F64_TOL]]) {
    for (const [label, eng] of engines) {
      for (const [n, c] of shapes) {
        const tag = `${label} ${dt} ${n}×${c}`;
        const x = rand(Arr, n * c, 3);
        const X = matrix(x, n, c), X64 = matrix(to64(x), n, c);
        await check(`softmax ${tag}`, () => close('softmax', eng.softmax(X).data, reference.softmax(X64).data, tol));
        await check(`logSoftmax ${tag}`, () => close('logSoftmax', eng.logSoftmax(X).data, reference.logSoftmax(X64).data, tol));
        await check(`softmaxBackward ${tag}`, () => {
          const yv = eng.softmax(X), dy = rand(Arr, n * c);
          const ref = reference.softmaxBackward(matrix(to64(yv.data), n, c), matrix(to64(dy), n, c));
          return close('softmaxBackward', eng.softmaxBackward(yv, matrix(dy, n, c)).data, ref.data, tol);
        });
        if (c <= 100) {
          await check(`softmaxJacobian ${tag}`, () => {
            const p = eng.softmax(matrix(x.subarray(0, c), 1, c)).data;
            return close('softmaxJacobian', eng.softmaxJacobian(p).data, reference.softmaxJacobian(to64(p)).data, tol);
          });
        }
        const lab = labels(n, c);
        for (const opts of [{}, { reduction: 'sum' }, { reduction: 'none' }, { labelSmoothing: 0.1 }, { ignoreIndex: lab[0] },
          { weights: 'w', reduction: 'mean' }]) {
          await check(`softmaxCrossEntropy ${tag} ${JSON.stringify(opts)}`, () => {
            const w = opts.weights ? rng(seed++) : null;
            const weights = w ? Arr.from({ length: c }, () => 0.5 + w()) : undefined;
            const o = { ...opts, weights };
            const o64 = { ...opts, weights: weights && to64(weights) };
            const got = eng.softmaxCrossEntropy(X, lab, o), ref = reference.softmaxCrossEntropy(X64, lab, o64);
            if (Number.isNaN(ref.loss) && Number.isNaN(got.loss)) return true;
            for (const r of [close('loss', got.loss, ref.loss, tol), close('grad', got.grad.data, ref.grad.data, tol),
              opts.reduction === 'none' ? close('losses', got.losses, ref.losses, tol) : true]) if (r !== true) return r;
            return true;
          });
        }
        await check(`softmaxCrossEntropy probability rows ${tag}`, () => {
          const t = eng.softmax(matrix(rand(Arr, n * c), n, c));
          const got = eng.softmaxCrossEntropy(X, t, { grad: false });
          const ref = reference.softmaxCrossEntropy(X64, matrix(to64(t.data), n, c), { grad: false });
          return got.grad === undefined ? close('loss', got.loss, ref.loss, tol) : 'grad returned with grad: false';
        });
        await check(`linearSoftmaxLoss ${tag}`, () => {
          const d = 1 + (n * 7 + c) % 13;
          const xs = rand(Arr, n * d), ws = rand(Arr, d * c, 0.1), b = rand(Arr, c, 0.1);
          const got = eng.linearSoftmaxLoss(matrix(xs, n, d), lab, matrix(ws, d, c), { bias: b, reg: 0.01, inputGrad: true });
          const ref = reference.linearSoftmaxLoss(matrix(to64(xs), n, d), lab, matrix(to64(ws), d, c), { bias: to64(b), reg: 0.01, inputGrad: true });
          for (const r of [close('loss', got.loss, ref.loss, tol), close('dW', got.dW.data, ref.dW.data, tol),
            close('db', got.db, ref.db, tol), close('dX', got.dX.data, ref.dX.data, tol)]) if (r !== true) return r;
          return true;
        });
      }
    }
  }

  // The logits toolkit and the classifier's forward pass, against the reference; seeded sampling
  // gives the same tokens on the baseline and the auto-picked build.
  for (const [dt, Arr, tol] of [['f32', Float32Array, F32_TOL], ['f64', Float64Array, F64_TOL]]) {
    for (const [n, c] of [[1, 1], [3, 5], [2, 17], [4, 100], [1, 4099]]) {
      const tag = `${dt} ${n}×${c}`;
      const x = rand(Arr, n * c, 3);
      const X = matrix(x, n, c), X64 = matrix(to64(x), n, c);
      for (const [label, eng] of engines) {
        await check(`logSumExp ${label} ${tag}`, () => close('logSumExp', eng.logSumExp(X), reference.logSumExp(X64), tol));
        await check(`softmax temperature 0.7 ${label} ${tag}`, () => close('softmax T', eng.softmax(X, undefined, { temperature: 0.7 }).data, reference.softmax(X64, undefined, { temperature: 0.7 }).data, tol));
        await check(`argmax ${label} ${tag}`, () => {
          const got = Array.from(eng.argmax(X)), want = Array.from(reference.argmax(X64));
          return got.join() === want.join() || `argmax ${got} vs ${want}`;
        });
        await check(`topK ${label} ${tag}`, () => {
          const kk = Math.min(c, 5);
          const got = eng.topK(X, kk), want = reference.topK(X64, kk);
          if (Array.from(got.indices.data).join() !== Array.from(want.indices.data).join()) return `topK indices ${got.indices.data} vs ${want.indices.data}`;
          return close('topK values', got.values.data, want.values.data, tol);
        });
        await check(`logSoftmaxBackward ${label} ${tag}`, () => {
          const y = eng.logSoftmax(X), dy = rand(Arr, n * c);
          const want = reference.logSoftmaxBackward(matrix(to64(y.data), n, c), matrix(to64(dy), n, c));
          return close('logSoftmaxBackward', eng.logSoftmaxBackward(y, matrix(dy, n, c)).data, want.data, tol);
        });
        await check(`linearScores ${label} ${tag}`, () => {
          const d = 1 + (n + c) % 9, ws = rand(Arr, d * c, 0.5), b = rand(Arr, c);
          const xs = rand(Arr, n * d);
          const got = eng.linearScores(matrix(xs, n, d), matrix(ws, d, c), { bias: b });
          return close('linearScores', got.data, reference.linearScores(matrix(to64(xs), n, d), matrix(to64(ws), d, c), { bias: to64(b) }).data, tol);
        });
      }
      await check(`sample: seeded tokens equal on both builds ${tag}`, () => {
        const opts = { temperature: 0.8, topP: 0.9, topK: 40, minP: 0.01, seed: 7, logProbs: true };
        const a = k.sample(X, opts), b = (base ?? k).sample(X, opts);
        if (Array.from(a.indices).join() !== Array.from(b.indices).join()) return `tokens ${a.indices} vs ${b.indices}`;
        for (let i = 0; i < n; i++) if (a.indices[i] < 0 || a.indices[i] >= c) return `token ${a.indices[i]} outside [0, ${c})`;
        return close('logProbs', a.logProbs, b.logProbs, 0);
      });
    }
  }
  await check('softmaxClassifier + save/load: same bits, same predictions', () => {
    const W = matrix(rand(Float32Array, 12), 4, 3), X = matrix(rand(Float32Array, 20), 5, 4);
    const m = sm.softmaxClassifier(k, { W, b: rand(Float32Array, 3) });
    const again = sm.loadSoftmaxClassifier(k, JSON.stringify(m));
    const same = Array.from(again.W.data).every((v, i) => Object.is(v, m.W.data[i]));
    return (same && Array.from(again.predict(X)).join() === Array.from(m.predict(X)).join()) || 'the loaded model differs';
  });
  await check("alloc('i32') labels", () => {
    const lab = k.alloc('i32', 1, 2);
    lab.data.set([1, 0]);
    const X = matrix(new Float32Array([0, 2, 3, 1]), 2, 2);
    const ok = k.softmaxCrossEntropy(X, lab.data).loss === k.softmaxCrossEntropy(X, new Int32Array([1, 0])).loss;
    lab.free();
    return ok || 'loss differs from the copied labels';
  });
  await check('Rng: the same draws as mulberry32', () => {
    const a = new sm.Rng(42), b = rng(42);
    for (let i = 0; i < 5; i++) if (a.next() !== b()) return 'Rng differs from mulberry32';
    return true;
  });

  // loadWasm({ threads: 2 }): the same bytes as one thread, above the size thresholds (where the
  // runtime has no workers or shared memory it falls back to one thread and says why).
  let threads = 1, threadsUnavailable;
  await check('threads: 2 gives the bytes of threads: 1', async () => {
    const t = await sm.loadWasm({ threads: 2 });
    threads = t.threads;
    threadsUnavailable = t.threadsUnavailable;
    if (t.threads !== 2 && typeof t.threadsUnavailable !== 'string') return `threads ${t.threads} without a reason`;
    const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    try {
      const x = matrix(rand(Float32Array, 256 * 1000, 3), 256, 1000), lab = labels(256, 1000);
      const X = matrix(rand(Float32Array, 300 * 1000), 300, 1000), W = matrix(rand(Float32Array, 1000 * 10, 0.1), 1000, 10);
      const ylin = labels(300, 10);
      if (!same(t.softmax(x).data, k.softmax(x).data)) return 'softmax differs';
      const a = t.softmaxCrossEntropy(x, lab, { labelSmoothing: 0.1 }), b = k.softmaxCrossEntropy(x, lab, { labelSmoothing: 0.1 });
      if (!Object.is(a.loss, b.loss) || !same(a.grad.data, b.grad.data)) return 'softmaxCrossEntropy differs';
      const la = t.linearSoftmaxLoss(X, ylin, W, { reg: 0.01, inputGrad: true }), lb = k.linearSoftmaxLoss(X, ylin, W, { reg: 0.01, inputGrad: true });
      if (!Object.is(la.loss, lb.loss) || !same(la.dW.data, lb.dW.data) || !same(la.db, lb.db) || !same(la.dX.data, lb.dX.data)) return 'linearSoftmaxLoss differs';
      return true;
    } finally {
      t.dispose();
    }
  });

  // Bad input: SoftmaxInputError, naming the argument, before anything runs.
  await check('matrix(): wrong length', () => throwsInput(() => matrix(new Float32Array(5), 2, 3), /rows·cols|length|6/));
  await check('matrix(): not a float array', () => throwsInput(() => matrix([1, 2, 3], 1, 3)));
  await check('softmax(): not a matrix', () => throwsInput(() => k.softmax(new Float32Array(3))));
  await check('softmaxCrossEntropy(): label out of range', () => throwsInput(() => k.softmaxCrossEntropy(matrix(new Float32Array(6), 2, 3), new Int32Array([0, 3])), /labels/));
  await check('softmaxCrossEntropy(): unknown option', () => throwsInput(() => k.softmaxCrossEntropy(matrix(new Float32Array(3), 1, 3), new Int32Array([0]), { reductio: 'sum' }), /reductio/));
  await check('linearSoftmaxLoss(): mixed float types', () => throwsInput(() => k.linearSoftmaxLoss(matrix(new Float32Array(3), 1, 3), new Int32Array([0]), matrix(new Float64Array(6), 3, 2))));
  await check('linearSoftmaxLoss(): negative reg', () => throwsInput(() => reference.linearSoftmaxLoss(matrix(new Float64Array(3), 1, 3), new Int32Array([0]), matrix(new Float64Array(6), 3, 2), { reg: -1 }), /reg/));
  await check('loadWasm(): misspelt option', () => throwsInput(() => sm.loadWasm({ wsam: 1 }), /wsam/));
  await check('loadWasm(): wasm: 42', () => throwsInput(() => sm.loadWasm({ wasm: 42 }), /options\.wasm must be .*bytes.*URL/));
  await check('loadWasm(): wasm as a string', () => throwsInput(() => sm.loadWasm({ wasm: '/x.wasm' }), /string/));
  await check('loadWasm(): simd: "fast"', () => throwsInput(() => sm.loadWasm({ simd: 'fast' }), /simd/));

  // alloc() / dispose().
  await check('alloc(): WASM-resident input and out', () => {
    const a = k.alloc('f32', 3, 4), o = k.alloc('f32', 3, 4);
    a.data.set(rand(Float32Array, 12));
    const ref = reference.softmax(matrix(to64(a.data), 3, 4));
    const r = k.softmax(a, o);
    const ok = r === o ? close('alloc softmax', o.data, ref.data, F32_TOL) : 'out not returned';
    a.free(); o.free(); a.free();
    return ok;
  });
  await check('alloc(): f64, memoryBytes', () => {
    const m = k.alloc('f64', 2, 2);
    const ok = m.data instanceof Float64Array && m.data.length === 4 && k.memoryBytes() > 0;
    m.free();
    return ok || 'unexpected alloc result';
  });
  await check('dispose(): later calls throw', async () => {
    const d = await sm.loadWasm();
    d.dispose();
    return throwsInput(() => d.softmax(matrix(new Float32Array(2), 1, 2)), /dispos/);
  });

  // The rest of the public functions.
  await check('gradCheck / checkLinearSoftmaxGradients / checkCrossEntropyGradients / relError', () => {
    const X = matrix(rand(Float64Array, 12), 4, 3), W = matrix(rand(Float64Array, 6, 0.1), 3, 2);
    const y = new Int32Array([0, 1, 1, 0]), b = new Float64Array(2);
    const g1 = sm.checkLinearSoftmaxGradients(reference, { X, y, W, b, reg: 0.1 });
    const g2 = sm.checkCrossEntropyGradients(k, matrix(rand(Float64Array, 8), 4, 2), y, { labelSmoothing: 0.1 });
    const w = new Float64Array([1, -2]);
    const g3 = sm.gradCheck(() => w[0] ** 2 + 3 * w[1], { w: { value: w, grad: new Float64Array([2, 3]) } });
    const worst = Math.max(g1.maxRelError, g2.maxRelError, g3.maxRelError);
    return (worst < 1e-6 && sm.relError(1, 1) === 0) || `max relative error ${worst}`;
  });
  await check('trainSoftmaxClassifier (the README example)', () => {
    const X = matrix(new Float64Array([0, 0, 0, 1, 1, 0, 1, 1]), 4, 2);
    const m = sm.trainSoftmaxClassifier(k, { X, y: new Int32Array([0, 1, 1, 1]), classes: 2 }, { epochs: 200, batchSize: 4, lr: 0.5 });
    const p = Array.from(m.predict(X));
    return p.join() === '0,1,1,1' || `predict gave ${p}`;
  });
  await check('MAX_JACOBIAN_LENGTH', () => sm.MAX_JACOBIAN_LENGTH > 0 && Number.isInteger(sm.MAX_JACOBIAN_LENGTH));

  k.dispose();
  base?.dispose();
  return { runtime, version, how, build, buildReason, threads, threadsUnavailable, passed, failed: failures.length, failures };
}

/** Prints the result line (and the failures), then `CONFORMANCE_JSON {…}` for the runner. */
export function report(r, log = console.log) {
  log(`conformance: ${r.runtime} ${r.version} ${r.how} build=${r.build} threads=${r.threads ?? 1} ${r.passed} passed, ${r.failed} failed`);
  for (const f of r.failures.slice(0, 20)) log(`  FAIL ${f}`);
  log(`CONFORMANCE_JSON ${JSON.stringify(r)}`);
}
