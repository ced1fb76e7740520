/**
 * `npm run fuzz:sampler [-- --rows N] [--seed S]`: the decoding sampler's random check at full size —
 * for every option combination of tests/support/sampler_combos.ts and both float types, N random
 * rows (default 10⁴) through sample() and filter() on the WASM kernels and on the float64
 * reference: the kept sets, the n draws, their log-probs and the top-N log-probs must agree.
 * Prints one line per combination; exit 1 on any mismatch. (tests/logits_sampler.test.ts runs the
 * same check on 300 rows per combination.)
 */
import { loadWasm, reference } from '../../src/index.js';
import { runCombos } from '../../tests/support/sampler_combos.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const rows = arg('--rows', 10_000), seed = arg('--seed', 20261207);
const k = await loadWasm();
const t0 = performance.now();
const results = runCombos(k, reference, rows, seed);
let bad = 0;
for (const r of results) {
  bad += r.keptMismatches + r.drawMismatches;
  console.log(`${r.dtype} ${r.combo}: ${r.rows} rows, kept mismatches ${r.keptMismatches}, draw mismatches ${r.drawMismatches}${r.first ? ` — first: ${r.first}` : ''}`);
}
console.log(`sampler check: ${results.length} combinations × ${rows} rows, seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s: ${bad === 0 ? 'all agree' : `${bad} mismatches`}`);
k.dispose();
process.exit(bad === 0 ? 0 : 1);
