// The cases of `npm run bench:engines`, shared by the runtime worker (scripts/bench/bench-engines-worker.mjs)
// and the Chromium page (scripts/bench/bench-engines-chromium.mjs): softmax 1×131072, CE+grad 4096×1000
// (labels, mean), linear 500×3073×10 (loss + dW, db, reg 1e-3); zero-copy (alloc() inputs and
// outputs), f32, one thread. Each figure: the median of `reps` samples (the fastest with `best`),
// each the mean of n calls sized to ~20 ms, after a warm-up of ≥ 300 ms per case (the optimising
// tier is in place before timing). Plain ESM with no imports, so a page can load it as is.

export function makeCases({ quick = false, best = false } = {}) {
  const reps = quick ? 5 : 15;
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  function time(run) {
    const warmEnd = performance.now() + (quick ? 100 : 300);
    let calls = 0;
    while (performance.now() < warmEnd || calls < 5) { run(); calls++; }
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) run();
    const per = (performance.now() - t0) / 5;
    const n = Math.max(1, Math.round(20 / Math.max(per, 1e-3)));
    const samples = [];
    for (let r = 0; r < reps; r++) {
      const s = performance.now();
      for (let i = 0; i < n; i++) run();
      samples.push((performance.now() - s) / n);
    }
    samples.sort((a, b) => a - b);
    return best ? samples[0] : samples[samples.length >> 1];
  }
  
  function cases(k) {
    const out = {};
    const fill = (m, f) => { const d = m.data; for (let i = 0; i < d.length; i++) d[i] = f(); return m; };
    { // softmax 1×131072
      const x = fill(k.alloc('f32', 1, 131072), () => rnd() * 16 - 8), o = k.alloc('f32', 1, 131072);
      out.softmax = time(() => k.softmax(x, o));
      x.free(); o.free();
    }
    { // CE + grad 4096×1000
      const R = 4096, C = 1000;
      const z = fill(k.alloc('f32', R, C), () => rnd() * 16 - 8), g = k.alloc('f32', R, C);
      const lb = k.alloc('i32', 1, R);
      const labels = () => lb.data;
      const l0 = labels(); for (let i = 0; i < R; i++) l0[i] = (rnd() * C) | 0;
      out.ce = time(() => k.softmaxCrossEntropy(z, labels(), { gradOut: g }));
      z.free(); g.free(); lb.free();
    }
    { // linear 500×3073×10
      const N = 500, D = 3073, C = 10;
      const X = fill(k.alloc('f32', N, D), () => rnd() * 2 - 1), W = fill(k.alloc('f32', D, C), () => (rnd() - 0.5) * 1e-2);
      const dW = k.alloc('f32', D, C), db = k.alloc('f32', 1, C), lb = k.alloc('i32', 1, N);
      const labels = () => lb.data;
      const l0 = labels(); for (let i = 0; i < N; i++) l0[i] = (rnd() * C) | 0;
      out.linear = time(() => k.linearSoftmaxLoss(X, labels(), W, { reg: 1e-3, out: { dW, db: db.data } }));
      for (const m of [X, W, dW, db, lb]) m.free();
    }
    return out;
  }
  return { cases, rnd, time };
}
