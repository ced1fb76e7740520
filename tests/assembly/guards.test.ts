// No raw kernel of build/softmax.wasm writes outside its outputs: softmax, log_softmax, backward,
// jacobian, exp and cross_entropy, with GUARD sentinel bytes around every output, also in place.
import { describe, expect, it } from 'vitest';
import { BYTES, DTYPES } from '../support/index.js';
import { ex, view, put, putI32, normals, resetHeap, useRawModule } from './raw_module.js';

const GUARD = 64; // bytes of sentinel on each side of every array
const arena = useRawModule(GUARD);

describe.each(DTYPES)('no kernel writes outside its outputs (%s)', (dt) => {
  /** An output region of n elements between the arena's sentinels; intact() verifies them. */
  function guarded(n: number) {
    const p = arena.alloc(n * BYTES[dt]);
    return { p, intact: (): boolean => arena.guardsIntact(p, n * BYTES[dt]) };
  }

  it('softmax, log_softmax, backward, jacobian, cross_entropy, exp', () => {
    for (const cols of [1, 2, 3, 5, 7, 9, 15, 17, 33, 65]) {
      const rows = 3;
      const n = rows * cols;
      resetHeap();
      const x = put(dt, normals(n, cols, 2));
      const dy = put(dt, normals(n, cols + 1));
      const labels = putI32(Int32Array.from({ length: rows }, (_, i) => i % cols));
      const targets = put(dt, new Float64Array(n).fill(1 / cols));
      const weights = put(dt, new Float64Array(cols).fill(0.5));
      const kernels: [string, number, (o: number) => void][] = [
        ['softmax', n, (o) => ex[`softmax_${dt}`](x, o, rows, cols)],
        ['log_softmax', n, (o) => ex[`log_softmax_${dt}`](x, o, rows, cols)],
        ['softmax_backward', n, (o) => ex[`softmax_backward_${dt}`](x, dy, o, rows, cols)],
        ['softmax_jacobian', cols * cols, (o) => ex[`softmax_jacobian_${dt}`](x, o, cols)],
        ['exp', n, (o) => ex[`exp_${dt}`](x, o, n)],
        ['ce grad', n, (o) => ex[`cross_entropy_${dt}`](x, rows, cols, labels, 0, weights, -1, 0.1, 0, 0, o)],
        ['ce prob grad', n, (o) => ex[`cross_entropy_${dt}`](x, rows, cols, 0, targets, 0, -1, 0.1, 1, 0, o)],
        ['ce losses', rows, (o) => ex[`cross_entropy_${dt}`](x, rows, cols, labels, 0, 0, -1, 0, 2, o, 0)],
      ];
      for (const [name, len, f] of kernels) {
        const g = guarded(len);
        f(g.p);
        expect(g.intact(), `${name} cols ${cols}`).toBe(true);
      }
      // in place: the guard is around the shared input/output
      for (const name of ['softmax', 'log_softmax', 'exp'] as const) {
        const g = guarded(n);
        view(dt, g.p, n).set(normals(n, 3));
        if (name === 'exp') ex[`exp_${dt}`](g.p, g.p, n);
        else ex[`${name}_${dt}`](g.p, g.p, rows, cols);
        expect(g.intact(), `${name} in place cols ${cols}`).toBe(true);
      }
      const g = guarded(n);
      view(dt, g.p, n).set(normals(n, 4));
      ex[`cross_entropy_${dt}`](g.p, rows, cols, labels, 0, 0, -1, 0, 1, 0, g.p);
      expect(g.intact(), `ce grad aliasing logits cols ${cols}`).toBe(true);
    }
  });
});
