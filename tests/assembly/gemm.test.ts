// The GEMM micro-kernels of assembly/gemm.ts on their own. assembly/index.ts does not export them
// (only linear_softmax uses them), so this test compiles a small entry that re-exports the concrete
// instantiations (gemm_4x2v_f32, dot_2x4_f64, ...) with the release options of asconfig.json (or the
// relaxed ones, with SOFTMAX_RELAXED=1), then
// checks each kernel against a plain JS loop: strides, tile runs, beta·Cin, zero-length
// reductions, and that nothing but the output tile is written. gemm_* take their strides and beta
// as a Gemm record in memory (written here by site()).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, it } from 'vitest';
import { RawArena, ctorOf, rng, type DT } from '../support/index.js';

interface GemmExports {
  memory: WebAssembly.Memory;
  heap_base(): number;
  [kernel: string]: ((...args: number[]) => void) | WebAssembly.Memory | (() => number);
}
let ex: GemmExports;
const arena = new RawArena(() => ex);

const KERNELS = ['gemm_4x2v', 'gemm_2x4v', 'dot_2x4', 'dot_4x2'];

beforeAll(async () => {
  const src = (f: string) => readFileSync(fileURLToPath(new URL(`../../assembly/${f}`, import.meta.url)), 'utf8');
  const names = KERNELS.flatMap((k) => [`${k}_f32`, `${k}_f64`]).join(', ');
  const entry = `export { ${names} } from './gemm';\n` +
    'export function heap_base(): usize { return (__heap_base + 15) & ~(<usize>15); }\n';
  // SOFTMAX_RELAXED=1 (the node-relaxed project of vitest.config.ts): the relaxed-SIMD variant
  const enable = process.env.SOFTMAX_RELAXED === '1' ? ['simd', 'relaxed-simd'] : ['simd'];
  const out = await asc.compileString({ 'entry.ts': entry, 'gemm.ts': src('gemm.ts'), 'madd.ts': src('madd.ts'), 'vec.ts': src('vec.ts') }, {
    optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', enable, use: ['abort='], noAssert: true,
  });
  if (out.error || !out.binary) throw new Error(`asc failed: ${out.error}\n${out.stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(new Uint8Array(out.binary), {});
  ex = instance.exports as unknown as GemmExports;
}, 60_000);

type DType = DT;
const fn = (name: string) => ex[name] as (...args: number[]) => void;


/**
 * A float view over `count` elements at heap_base, filled with random values (rounded to the type),
 * so every kernel operand is an offset into one buffer. Returns the view and its base address.
 */
function memoryOf(dtype: DType, count: number, seed: number) {
  const A = ctorOf(dtype);
  arena.reset();
  const base = arena.alloc(count * A.BYTES_PER_ELEMENT);
  const rec = arena.alloc(64); // the Gemm record, past the buffer the checks cover
  const v = new A(ex.memory.buffer, base, count);
  const r = rng(seed);
  for (let i = 0; i < count; i++) v[i] = r() * 2 - 1;
  return { v, base, rec, E: A.BYTES_PER_ELEMENT, L: 16 / A.BYTES_PER_ELEMENT };
}

/**
 * Writes a Gemm record of assembly/gemm.ts at `at` (beta as f64 at 0, then asj, ast, a_tile, bst,
 * b_tile, cs, c_tile, edge as u32; strides in bytes) and returns its address.
 */
function site(at: number, beta: number, asj: number, ast: number, aTile: number, bst: number, bTile: number,
  cs: number, cTile: number): number {
  const dv = new DataView(ex.memory.buffer, at, 40);
  dv.setFloat64(0, beta, true);
  [asj, ast, aTile, bst, bTile, cs, cTile, 0].forEach((x, i) => dv.setUint32(8 + 4 * i, x, true));
  return at;
}

const TOL: Record<DType, number> = { f32: 1e-5, f64: 1e-13 };

describe.each(['f32', 'f64'] as const)('gemm micro-kernels, %s', (dtype) => {
  // gemm_RxV: R rows of A broadcast × V vectors of B. Element offsets below; the kernel takes bytes.
  it.each([
    ['gemm_4x2v', 4, 2], ['gemm_2x4v', 2, 4],
  ] as const)('%s = beta·Cin + A·B over strides, tile runs and nt = 0', (kernel, R, V) => {
    const cases = [
      // asj, ast, aTile: A strides (elements; asj = 1: adjacent rows), bExtra: B row stride − V·L,
      // bTile: B move per tile (vectors), nt, Cin given, beta, ntiles
      [1, 9, 4, 0, 0, 7, false, 0, 1],
      [13, 1, 53, 1, 0, 11, true, 0.5, 3],
      [1, 6, 0, 8, 2, 5, true, 1, 4],
      [7, 2, 3, 3, 1, 0, true, 2, 2],
      [1, 5, 1, 0, 0, 33, false, 0, 2],
    ] as const;
    let seed = 1;
    for (const [asj, ast, aTile, bExtra, bTileV, nt, withCin, beta, ntiles] of cases) {
      const { v, base, rec, E, L } = memoryOf(dtype, 20000, seed++);
      const bRow = V * L + bExtra, bTile = bTileV * L;
      const a = 16, b = 4000, cin = 9000, c = 12000;
      const cs = V * L + 2 * L, cTile = R * cs + L; // C row stride and move per tile (elements)
      const before = v.slice();
      const g = site(rec, beta, asj * E, ast * E, aTile * E, bRow * E, bTile * E, cs * E, cTile * E);
      fn(`${kernel}_${dtype}`)(g, base + a * E, base + b * E, nt, withCin ? base + cin * E : 0, base + c * E, ntiles);
      const written = new Set<number>();
      for (let t = 0; t < ntiles; t++) {
        for (let j = 0; j < R; j++) {
          for (let q = 0; q < V * L; q++) {
            let want = withCin ? beta * before[cin + t * cTile + j * cs + q] : 0;
            for (let s = 0; s < nt; s++) {
              want += before[a + t * aTile + j * asj + s * ast] * before[b + t * bTile + s * bRow + q];
            }
            const at = c + t * cTile + j * cs + q;
            expect(Math.abs(v[at] - want), `${kernel} tile ${t} [${j}][${q}]`)
              .toBeLessThanOrEqual(TOL[dtype] * (nt + 1));
            written.add(at);
          }
        }
      }
      for (let i = 0; i < v.length; i++) {
        if (!written.has(i) && !Object.is(v[i], before[i])) {
          throw new Error(`${kernel} wrote element ${i} outside C`);
        }
      }
    }
  });

  it.each([
    ['dot_2x4', 2, 4], ['dot_4x2', 4, 2],
  ] as const)('%s = the R×K dot products along a contiguous axis, nv = 0…9', (kernel, R, K) => {
    for (let nv = 0; nv < 10; nv++) {
      const { v, base, E, L } = memoryOf(dtype, 4000, 100 + nv);
      const as = nv * L + L, bs = nv * L + 3 * L; // row strides (elements)
      const a = 8, b = 400, out = 3000, os = K + 3;
      const before = v.slice();
      fn(`${kernel}_${dtype}`)(base + a * E, as * E, base + b * E, bs * E, nv, base + out * E, os * E);
      const written = new Set<number>();
      for (let r = 0; r < R; r++) {
        for (let j = 0; j < K; j++) {
          let want = 0;
          for (let k = 0; k < nv * L; k++) want += before[a + r * as + k] * before[b + j * bs + k];
          const at = out + r * os + j;
          expect(Math.abs(v[at] - want), `${kernel} nv=${nv} [${r}][${j}]`)
            .toBeLessThanOrEqual(TOL[dtype] * (nv + 1));
          written.add(at);
        }
      }
      for (let i = 0; i < v.length; i++) {
        if (!written.has(i) && !Object.is(v[i], before[i])) {
          throw new Error(`${kernel} wrote element ${i} outside out`);
        }
      }
    }
  });

  it('gemm_4x2v: row stride 0 broadcasts one row of A; B stride 0 repeats one row of B', () => {
    const { v, base, rec, E, L } = memoryOf(dtype, 2000, 7);
    const a = 0, b = 100, c = 500, nt = 6;
    const before = v.slice();
    fn(`gemm_4x2v_${dtype}`)(site(rec, 0, 0, E, 0, 0, 0, 2 * L * E, 0), base + a * E, base + b * E, nt, 0, base + c * E, 1);
    for (let j = 0; j < 4; j++) {
      for (let q = 0; q < 2 * L; q++) {
        let want = 0;
        for (let s = 0; s < nt; s++) want += before[a + s] * before[b + q];
        expect(Math.abs(v[c + j * 2 * L + q] - want)).toBeLessThanOrEqual(TOL[dtype] * 8);
      }
    }
  });
});
