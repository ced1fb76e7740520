/**
 * The mid-call fuzz (tests/fuzz/midcall.ts), over every public function that reads arguments (the
 * logits toolkit included): getters with side effects on every argument and option,
 * revoked Proxies, resizable/detached buffers, memory growth, free and dispose from a getter, and
 * outputs aliased through structured clones of SharedArrayBuffers, on both engines. A fixed seed and
 * bounded runs here; `npm run fuzz` runs it with a random seed after the main fuzz.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMidcallContext, disposeMidcallContext, formatMidcallStats, midcallProperty, type MidcallContext } from './fuzz/midcall.js';

const SEED = 20261202;
const RUNS = 3000;

describe('fuzz: user code in the middle of a call', () => {
  let ctx: MidcallContext;
  beforeAll(async () => { ctx = await createMidcallContext(); });
  afterAll(() => { if (ctx) { console.log(formatMidcallStats(ctx.stats)); disposeMidcallContext(ctx); } });

  it(`${RUNS} random plans: SoftmaxInputError exactly when the call was made invalid, else the reference's answer`, async () => {
    await fc.assert(midcallProperty(ctx), { seed: SEED, numRuns: RUNS });
    const s = ctx.stats;
    expect(s.ok).toBeGreaterThan(RUNS / 5);
    expect(s.threw).toBeGreaterThan(RUNS / 10);
    for (const a of ['labelBad', 'labelValid', 'writeInput', 'detach', 'shrink', 'grow', 'free', 'dispose', 'throw']) {
      expect(s.fired[a] ?? 0, a).toBeGreaterThan(RUNS / 200);
    }
    expect(s.aliasIn).toBeGreaterThan(RUNS / 200);
    expect(s.aliasOut).toBeGreaterThan(RUNS / 1000);
    expect(s.revoked).toBeGreaterThan(RUNS / 100);
    // every function (softmax / logSoftmax also with { temperature }) both returned and threw
    for (const f of ['softmax', 'logSoftmax', 'softmax+T', 'logSoftmax+T', 'softmaxBackward', 'softmaxCrossEntropy', 'linearSoftmaxLoss',
      'linearScores', 'logSumExp', 'argmax', 'topK', 'sample', 'logSoftmaxBackward']) {
      const [ok, threw] = s.perFn[f] ?? [0, 0];
      expect(ok, `${f} returned`).toBeGreaterThan(RUNS / 200);
      expect(threw, `${f} threw`).toBeGreaterThan(RUNS / 200);
    }
  });
});
