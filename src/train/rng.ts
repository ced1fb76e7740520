// The state of each genuine Rng, outside the object (not a property): next() on a genuine Rng runs
// no user code (no getter, no Proxy trap), and isRng() tells a genuine one from a Proxy or a
// look-alike without running any. (A WeakMap rather than a #private field: a class with one emits
// `#private;` in its .d.ts, which TypeScript refuses below target ES2015, TS18028 — TS 5.9's
// default target is ES5.)
const STATE = new WeakMap<object, Uint32Array>();

/**
 * A small seeded pseudo-random generator (mulberry32: 32-bit state, period 2³²), so shuffles,
 * splits, initial weights and gradient-check samples are the same on every run and platform.
 * Not for cryptography.
 */
export class Rng {
  /** True when `v` is a genuine Rng (constructed by this class or a subclass); runs no user code. */
  static isRng(v: unknown): v is Rng {
    return typeof v === 'object' && v !== null && STATE.has(v);
  }

  /**
   * A generator whose sequence is fixed by `seed`.
   * @param seed any number; its low 32 bits are the state.
   * @example
   * new Rng(1).next() === new Rng(1).next(); // → true
   */
  constructor(seed: number) {
    STATE.set(this, Uint32Array.of(seed >>> 0));
  }

  /** A uniform float in [0, 1), with 32 random bits. */
  next(): number {
    const state = STATE.get(this);
    if (state === undefined) throw new TypeError('Rng.prototype.next called on an object that is not an Rng');
    const a = (state[0] = (state[0] + 0x6d2b79f5) >>> 0);
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal sample (Box–Muller, one of the pair). */
  gauss(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0…n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
