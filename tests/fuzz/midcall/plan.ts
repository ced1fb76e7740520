/**
 * The mid-call fuzz's plan (function, engine, shapes, storages, hooks with their actions, aliases,
 * options), its context and statistics, and the violation a failed check throws.
 */
import fc from 'fast-check';
import { loadWasm, type FloatArray, type WasmKernels } from '../../../src/index.js';
import type { DT } from '../../support/index.js';

export type Fn = 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'softmaxCrossEntropy' | 'linearSoftmaxLoss'
  | 'linearScores' | 'logSumExp' | 'argmax' | 'topK' | 'sample' | 'logSoftmaxBackward';
export const FNS: readonly Fn[] = ['softmax', 'logSoftmax', 'softmaxBackward', 'softmaxCrossEntropy', 'linearSoftmaxLoss',
  'linearScores', 'logSumExp', 'argmax', 'topK', 'sample', 'logSoftmaxBackward'];
/** sample's source of randomness; 'rngProxy' is a Proxy around an Rng whose traps are hook slots (must be rejected). */
export type Source = 'none' | 'seed' | 'rng' | 'rngProxy' | 'uniforms';
export type Storage = 'plain' | 'shared' | 'resizable' | 'alloc';
export type Action = 'none' | 'labelBad' | 'labelValid' | 'writeInput' | 'detach' | 'shrink' | 'grow' | 'free' | 'dispose' | 'throw';

export interface MidcallStats { runs: number; threw: number; ok: number; fired: Record<string, number>; aliasIn: number; aliasOut: number; revoked: number;
  /** Per function (softmax/logSoftmax with a temperature option as softmax+T / logSoftmax+T): [returned, threw]. */
  perFn: Record<string, [number, number]> }

export interface MidcallContext {
  wasm: WasmKernels;
  /** A second instance no action touches: the oracle of sample() on the WASM engine. */
  fresh: WasmKernels;
  stats: MidcallStats;
  onCall?: (what: string) => void;
}

export async function createMidcallContext(): Promise<MidcallContext> {
  return { wasm: await loadWasm(), stats: { runs: 0, threw: 0, ok: 0, fired: {}, aliasIn: 0, aliasOut: 0, revoked: 0, perFn: {} }, fresh: await loadWasm() };
}

export function formatMidcallStats(s: MidcallStats): string {
  return `midcall: ${s.runs} runs, ${s.ok} returned, ${s.threw} threw SoftmaxInputError; revoked Proxies ${s.revoked}, ` +
    `SAB-clone aliases input/output ${s.aliasIn}, output/output ${s.aliasOut}; actions fired: ${JSON.stringify(s.fired)}; ` +
    `per function [returned, threw]: ${JSON.stringify(s.perFn)}`;
}

export const planArb = fc.record({
  fn: fc.constantFrom<Fn>(...FNS),
  engine: fc.constantFrom<'wasm' | 'reference'>('wasm', 'wasm', 'reference'),
  dt: fc.constantFrom<DT>('f32', 'f64'),
  rows: fc.integer({ min: 1, max: 9 }),
  cols: fc.integer({ min: 1, max: 19 }),
  inner: fc.integer({ min: 1, max: 7 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  storage: fc.array(fc.constantFrom<Storage>('plain', 'shared', 'shared', 'resizable', 'alloc', 'alloc'), { minLength: 8, maxLength: 8 }),
  hooks: fc.array(fc.record({
    slot: fc.nat(),
    action: fc.constantFrom<Action>('labelBad', 'labelValid', 'writeInput', 'detach', 'shrink', 'grow', 'free', 'dispose', 'throw'),
    target: fc.nat(),
  }), { maxLength: 3 }),
  /** An output made a view of a structured clone of another array's SAB: [output index, other index, element shift]. */
  alias: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 })) }),
  revoke: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  targets: fc.boolean(),
  opts: fc.record({ reduction: fc.constantFrom('mean', 'sum', 'none', undefined), smoothing: fc.boolean(), weights: fc.boolean(), reg: fc.boolean(), bias: fc.boolean(), dX: fc.boolean() }),
  /** The functions added with the logits toolkit: optional outputs, softmax's temperature, topK's k (k = cols + 1 is bad), sample's options. */
  logits: fc.record({
    out: fc.boolean(),
    temperature: fc.constantFrom<number | undefined>(undefined, undefined, 1, 0.5, 2.5),
    k: fc.nat(),
    sampleT: fc.constantFrom<number | undefined>(undefined, 0, 0.7, 1.5),
    topK: fc.constantFrom<number | undefined>(undefined, 1, 3, 50),
    topP: fc.constantFrom<number | undefined>(undefined, 0.5, 0.9, 1),
    minP: fc.constantFrom<number | undefined>(undefined, 0, 0.05, 0.5),
    source: fc.constantFrom<Source>('none', 'seed', 'rng', 'rngProxy', 'uniforms', 'uniforms'),
    logProbs: fc.boolean(),
  }),
});
export type Plan = typeof planArb extends fc.Arbitrary<infer T> ? T : never;

export interface Arr { name: string; role: 'in' | 'out'; dt: DT | 'i32'; n: number; storage: Storage; view: () => FloatArray | Int32Array;
  buffer?: ArrayBufferLike & { resize?: (n: number) => void }; alloc?: { free(): void } }

class FuzzFail extends Error { override name = 'MidcallViolation'; }
export const fail = (m: string): never => { throw new FuzzFail(m); };
