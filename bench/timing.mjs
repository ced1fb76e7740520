// The one timing loop and median of the benchmarks that do not go through benchmark.js
// (bench/harness.ts): bench/threads.ts, scripts/bench/bench-engines-cases.mjs (every runtime and the
// Chromium page), scripts/bench/kernel-loop.mjs, and the harness's own median and ms format.
// Plain ESM with no imports and no Node APIs (performance.now only): Node, Deno, Bun and a page load it
// as is. Types: ./timing.d.mts.

/** The median of `a` (the mean of the two middle values for an even count); NaN for none. */
export function median(a) {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds per call of `run`, called back to back for at least `ms` milliseconds and `minCalls` calls. */
export function timePerCall(run, ms, minCalls = 1) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms || n < minCalls) { run(); n++; t = performance.now(); }
  return (t - t0) / n;
}

/**
 * Samples of `run`'s time per call, sorted ascending: a warm-up of at least `warmMs` (and 5 calls, so
 * the optimising tier is in place), then `reps` samples, each the mean of n calls with n sized so a
 * sample takes about `sampleMs`. Report the median (or the fastest, samples[0]).
 */
export function sampleTimes(run, { warmMs = 300, reps = 15, sampleMs = 20 } = {}) {
  timePerCall(run, warmMs, 5);
  const per = timePerCall(run, 0, 5);
  const n = Math.max(1, Math.round(sampleMs / Math.max(per, 1e-3)));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    for (let i = 0; i < n; i++) run();
    samples.push((performance.now() - s) / n);
  }
  return samples.sort((a, b) => a - b);
}

/** 3 significant digits, no exponent: 0.0612, 1.23, 45.6, 832. */
export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}
