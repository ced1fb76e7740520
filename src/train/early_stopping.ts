/**
 * Early stopping on the validation set: parses `options.earlyStopping` and keeps the best weights
 * seen so far.
 */
import type { FloatArray } from '../types.js';
import { checkBoolean, checkNumber, checkOptions, describe, fail } from '../validate.js';
import type { EarlyStopping, EpochRecord } from './types.js';

/** `options.earlyStopping` with its defaults filled in, or null when off. */
export function parseEarlyStopping(fn: string, v: EarlyStopping | boolean | undefined | unknown): Required<EarlyStopping> | null {
  if (v === undefined || v === false) return null;
  const arg = 'options.earlyStopping';
  const e = v === true ? {} : checkOptions(fn, v, ['patience', 'monitor', 'minDelta', 'restoreBest'], arg);
  const monitor = e.monitor ?? 'valLoss';
  if (monitor !== 'valLoss' && monitor !== 'valAccuracy') fail(fn, `${arg}.monitor`, `must be 'valLoss' or 'valAccuracy', got ${describe(monitor)}`);
  return {
    patience: checkNumber(fn, `${arg}.patience`, e.patience, 3, { min: 1, max: 1e9, int: true }),
    monitor,
    minDelta: checkNumber(fn, `${arg}.minDelta`, e.minDelta, 0, { min: 0, max: Infinity }),
    restoreBest: checkBoolean(fn, `${arg}.restoreBest`, e.restoreBest, true),
  };
}

/** Tracks the monitored score epoch by epoch and copies the weights of the best epoch. */
export class EarlyStopper<A extends FloatArray> {
  /** Copies of W and b at the best epoch so far. */
  readonly W: A;
  readonly b: A;
  /** The best epoch so far (0 before the first improvement). */
  epoch = 0;
  private score = Infinity;
  private wait = 0;

  constructor(private readonly rule: Required<EarlyStopping>, newArray: (n: number) => A, wLength: number, bLength: number) {
    this.W = newArray(wLength);
    this.b = newArray(bLength);
  }

  /** Records an epoch (whose record has the validation measures) and its weights; true when training should stop. */
  observe(rec: EpochRecord, W: A, b: A): boolean {
    const score = this.rule.monitor === 'valLoss' ? rec.valLoss! : -rec.valAccuracy!;
    if (score < this.score - this.rule.minDelta) {
      this.score = score;
      this.epoch = rec.epoch;
      this.W.set(W);
      this.b.set(b);
      this.wait = 0;
      return false;
    }
    return ++this.wait >= this.rule.patience;
  }

  /** Whether the model should be the best epoch's weights rather than the last. */
  get restore(): boolean {
    return this.rule.restoreBest && this.epoch > 0;
  }
}
