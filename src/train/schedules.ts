/**
 * Learning-rate schedules: the option forms a user writes ({@link LrSchedule}) parsed once into a
 * {@link Schedule}, and the rate at each step.
 */
import { checkNumber, checkOptions, describe, fail } from '../validate.js';
import type { LrSchedule } from './types.js';

export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine'; minLr: number };

/** Parses `options.schedule` (see {@link LrSchedule}); `epochs` sets the step schedule's default period. */
export function parseSchedule(fn: string, v: LrSchedule | undefined | unknown, epochs: number): Schedule {
  const arg = 'options.schedule';
  if (v === undefined || v === 'constant') return { kind: 'constant' };
  if (v === 'step') return { kind: 'step', every: Math.ceil(epochs / 3), gamma: 0.1 };
  if (v === 'cosine') return { kind: 'cosine', minLr: 0 };
  if (v !== null && typeof v === 'object') {
    const type = (v as { type?: unknown }).type;
    if (type === 'constant') { checkOptions(fn, v, ['type'], arg); return { kind: 'constant' }; }
    if (type === 'step') {
      const o = checkOptions(fn, v, ['type', 'every', 'gamma'], arg);
      return {
        kind: 'step',
        every: checkNumber(fn, `${arg}.every`, o.every, Math.ceil(epochs / 3), { min: 1, max: Infinity, int: true }),
        gamma: checkNumber(fn, `${arg}.gamma`, o.gamma, 0.1, { min: 0, max: 1, minOpen: true }),
      };
    }
    if (type === 'cosine') {
      const o = checkOptions(fn, v, ['type', 'minLr'], arg);
      return { kind: 'cosine', minLr: checkNumber(fn, `${arg}.minLr`, o.minLr, 0, { min: 0, max: Infinity }) };
    }
  }
  return fail(fn, arg, `must be 'constant', 'step', 'cosine' or { type, … } of one of them, got ${describe(v)}`);
}

/**
 * The learning rate for 1-based `epoch` at global step `t` (0-based) of `totalSteps`, starting from `lr0`:
 * step decay per epoch, cosine decay per step.
 */
export function learningRate(s: Schedule, lr0: number, epoch: number, t: number, totalSteps: number): number {
  if (s.kind === 'step') return lr0 * s.gamma ** Math.floor((epoch - 1) / s.every);
  if (s.kind === 'cosine') return s.minLr + ((lr0 - s.minLr) * (1 + Math.cos((Math.PI * t) / totalSteps))) / 2;
  return lr0;
}
