/**
 * alloc(): matrices that live in the instance's linear memory, so passing one as an input or `out`
 * skips the copies (src/wasm/marshal.ts passes it by pointer).
 */
import { SoftmaxInputError } from '../errors.js';
import type { WasmMatrix } from '../types.js';
import { checkSize, describe, fail } from '../validate.js';
import { type Arena, MAX_MEMORY_BYTES, fmtBytes } from './arena.js';

/** What an alloc() matrix lives in: the memory, its arena, and the view droppers dispose() runs. */
export interface MatrixHome {
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  /** Drops the cached views of the live alloc() matrices; run by dispose(). */
  readonly dropViews: Set<() => void>;
}

/**
 * A zero-filled matrix in `home`'s memory whose `data` view is re-derived after memory growth. The
 * matrix reaches the memory only through `current()` (the instance's live home, null once
 * disposed), so a matrix kept after dispose() does not keep the linear memory alive.
 */
export function allocWasmMatrix(home: MatrixHome, dtype: unknown, rows: unknown, cols: unknown, current: () => MatrixHome | null): WasmMatrix {
  if (dtype !== 'f32' && dtype !== 'f64' && dtype !== 'i32') fail('alloc', 'dtype', `must be 'f32', 'f64' or 'i32', got ${describe(dtype)}`);
  const r = checkSize('alloc', 'rows', rows), c = checkSize('alloc', 'cols', cols);
  const C = dtype === 'f32' ? Float32Array : dtype === 'f64' ? Float64Array : Int32Array;
  const n = r * c;
  if (n * C.BYTES_PER_ELEMENT > MAX_MEMORY_BYTES) {
    fail('alloc', 'rows', `× cols = ${r}×${c} ${dtype} needs ${fmtBytes(n * C.BYTES_PER_ELEMENT)}, more than the 4 GiB WebAssembly address space`);
  }
  const p = home.arena.alloc(n * C.BYTES_PER_ELEMENT, 'alloc');
  new Uint8Array(home.memory.buffer, p, n * C.BYTES_PER_ELEMENT).fill(0);
  let view: Float32Array | Float64Array | Int32Array | null = null;
  let freed = false;
  const drop = (): void => { view = null; };
  home.dropViews.add(drop);
  return {
    rows: r, cols: c,
    get data() {
      const live = current();
      if (freed || live === null) {
        view = null;
        throw new SoftmaxInputError(`alloc: this ${r}×${c} ${dtype} matrix was ${freed ? 'freed' : 'disposed with its instance'}; its data is gone`, 'data');
      }
      const buffer = live.memory.buffer;
      if (view === null || view.buffer !== buffer) view = new C(buffer, p, n);
      return view;
    },
    free() {
      const live = current();
      view = null;
      if (freed || live === null) { freed = true; return; }
      freed = true;
      live.dropViews.delete(drop);
      live.arena.free(p);
    },
  } as WasmMatrix;
}
