/** tests/support itself: the error measures' edge cases, the draws the fuzz seeds rely on, the arena's guards, expectInputError. */
import { describe, expect, it } from 'vitest';
import { SoftmaxInputError } from '../../src/index.js';
import { RawArena, Rng, TOL, errorVsLargest, randMatrix, relErr, relErrScalar } from './index.js';
import { expectInputError } from './vitest.js';

describe('error measures', () => {
  it('relErr: relative to the largest finite |want|; NaN only against NaN, infinities only against the same', () => {
    expect(relErr([1, 2.004], [1, 2])).toBeCloseTo(0.002, 12);
    expect(relErr([NaN, 1], [NaN, 1])).toBe(0);
    expect(relErr([0, 1], [NaN, 1])).toBe(Infinity);
    expect(relErr([Infinity], [Infinity])).toBe(0);
    expect(relErr([-Infinity], [Infinity])).toBe(Infinity);
    expect(relErr([1e308], [Infinity])).toBe(Infinity);
    expect(() => relErr([1], [1, 2])).toThrow(/length/);
    expect(relErrScalar(3, 2)).toBe(0.5);
    expect(relErrScalar(NaN, 2)).toBe(Infinity);
  });

  it('errorVsLargest: the first index of the largest error, scaled by at least minScale', () => {
    expect(errorVsLargest([0, 0.5, 2.5], [0, 0, 2], 1)).toEqual({ err: 0.25, at: 1 });
    expect(errorVsLargest([1e-3], [0], 1e-300).err).toBe(1e-3 / 1e-300);
    expect(errorVsLargest([1e-3], [0], 1).err).toBe(1e-3);
    expect(TOL).toEqual({ f32: 2e-5, f64: 1e-10 });
  });
});

describe('seeded data', () => {
  it('randMatrix is Box–Muller on Rng.next() (the draws every fuzz seed was recorded with)', () => {
    const m = randMatrix('f64', 2, 3, 42, 2);
    const r = new Rng(42);
    const want = Array.from({ length: 6 }, () => 2 * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next()));
    expect(Array.from(m.data)).toEqual(want);
  });
});

describe('RawArena', () => {
  it('16-byte aligned arrays between guards; a write one byte outside is seen', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const arena = new RawArena(() => ({ memory, heap_base: () => 1000 }), 64);
    arena.reset();
    const p = arena.put('f32', [1, 2, 3]);
    expect((p - 64) % 16).toBe(0);
    expect(Array.from(arena.view('f32', p, 3))).toEqual([1, 2, 3]);
    expect(arena.guardsIntact(p, 12)).toBe(true);
    new Uint8Array(memory.buffer)[p + 12] = 0;
    expect(arena.guardsIntact(p, 12)).toBe(false);
    const big = arena.alloc(200_000); // grows the memory
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 200_000 + 64);
  });
  it('putI32 copies int32 labels; end bounds everything allocated', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const arena = new RawArena(() => ({ memory, heap_base: () => 1000 }), 16);
    arena.reset();
    expect(arena.end).toBe(1000);
    const p = arena.putI32([3, -1, 7]);
    expect(Array.from(new Int32Array(memory.buffer, p, 3))).toEqual([3, -1, 7]);
    expect(arena.end).toBe(p + 12 + 16);
    expect(arena.guardsIntact(p, 12)).toBe(true);
  });
});

describe('expectInputError', () => {
  it('passes on a SoftmaxInputError with the fragments, fails otherwise', () => {
    const err = new SoftmaxInputError('softmax: x.rows = 1.5 is not an integer');
    expect(expectInputError(() => { throw err; }, 'x.rows', /1\.5/)).toBe(err);
    expect(() => expectInputError(() => 1)).toThrow();
    expect(() => expectInputError(() => { throw new TypeError('x'); })).toThrow();
    expect(() => expectInputError(() => { throw err; }, 'cols')).toThrow();
  });
});
