// The cases of `npm run bench:engines`, shared by the runtime worker (scripts/bench/bench-engines-worker.mjs)
// and the Chromium page (scripts/bench/bench-engines-chromium.mjs): softmax 1×131072, CE+grad 4096×1000
// (labels, mean), linear 500×3073×10 (loss + dW, db, reg 1e-3); zero-copy (alloc() inputs and
// outputs), f32, one thread. Each figure: the median of `reps` samples (the fastest with `best`),
// each the mean of n calls sized to ~20 ms, after a warm-up of ≥ 300 ms per case (the optimising
// tier is in place before timing): bench/timing.mjs's sampleTimes. Plain ESM importing only that
// (plain ESM too), so a page can load it as is.
import { median, sampleTimes } from '../../bench/timing.mjs';

export function makeCases({ quick = false, best = false } = {}) {
  const reps = quick ? 5 : 15;
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  function time(run) {
    const samples = sampleTimes(run, { warmMs: quick ? 100 : 300, reps, sampleMs: 20 });
    return best ? samples[0] : median(samples);
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
