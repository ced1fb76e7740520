/**
 * The parts of test support that need vitest (hooks, expect); kept out of ./index.ts so that fixtures
 * and the fuzz runner, which run outside vitest, can import the rest.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { SoftmaxInputError, loadWasm, reference, type SoftmaxKernels, type WasmKernels } from '../../src/index.js';

/** Loads a WASM instance before the file's tests and disposes it after; returns its getter. */
export function useWasm(): () => WasmKernels {
  let wasm: WasmKernels | undefined;
  beforeAll(async () => { wasm = await loadWasm(); });
  afterAll(() => wasm?.dispose());
  return () => wasm!;
}

/** [name, getter] rows for describe.each over both engines, in the order given. */
export function engineRows(wasm: () => WasmKernels, order: ReadonlyArray<'reference' | 'wasm'> = ['reference', 'wasm']): Array<[string, () => SoftmaxKernels]> {
  return order.map((name) => [name, name === 'wasm' ? wasm : () => reference]);
}

/** Asserts each entry within tol of want relative to max(1, |want|) (golden values quoted to a few
 * digits); a non-finite want must be matched exactly (NaN by NaN, ±∞ by the same infinity). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what = ''): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (!Number.isFinite(w)) {
      expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what}[${i}]: ${g} vs ${w}`).toBe(true);
      continue;
    }
    expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  }
}

/** Asserts fn throws SoftmaxInputError whose message contains every string and matches every RegExp; returns it. */
export function expectInputError(fn: () => unknown, ...expected: Array<string | RegExp>): SoftmaxInputError {
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err, `expected a SoftmaxInputError mentioning ${expected.join(', ')}, got ${String(err)}`).toBeInstanceOf(SoftmaxInputError);
  for (const m of expected) {
    if (typeof m === 'string') expect((err as Error).message).toContain(m);
    else expect((err as Error).message).toMatch(m);
  }
  return err as SoftmaxInputError;
}
