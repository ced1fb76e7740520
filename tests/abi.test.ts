// The hand-written pointer-level binding (src/wasm/abi.ts) against the real modules: every export
// of build/softmax.wasm and build/softmax.relaxed.wasm is declared in SoftmaxWasmExports with the
// right arity, and every declared member exists (optional members may be absent).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRIES } from '../src/ops/index.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** name → params of the kernels the op registry declares (src/ops/: each `<base>_f32` / `<base>_f64`). */
function registryKernels(): Map<string, number> {
  const out = new Map<string, number>();
  for (const op of ENTRIES) {
    for (const [base, k] of Object.entries(op.kernels)) for (const dt of ['f32', 'f64']) out.set(`${base}_${dt}`, k.params.split(',').length);
  }
  return out;
}

/**
 * name → { params, optional }: the interface body of SoftmaxWasmExports (comments stripped) and the
 * kernels of the op registry (a new op's kernels are declared there only).
 */
function declared(): Map<string, { params: number | null; optional: boolean }> {
  const out = abiDeclared();
  for (const [name, params] of registryKernels()) if (!out.has(name)) out.set(name, { params, optional: false });
  return out;
}

function abiDeclared(): Map<string, { params: number | null; optional: boolean }> {
  const src = readFileSync(root('src/wasm/abi.ts'), 'utf8');
  const body = src.slice(src.indexOf('export interface SoftmaxWasmExports {'));
  const code = body.slice(body.indexOf('{') + 1, body.indexOf('\n}')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out = new Map<string, { params: number | null; optional: boolean }>();
  for (const m of code.matchAll(/(\w+)(\?)?\s*(\(([^)]*)\))?\s*:/g)) {
    const [, name, q, call, params] = m;
    if (out.has(name)) continue;
    const n = call === undefined ? null : params.trim() === '' ? 0 : params.split(',').length;
    out.set(name, { params: n, optional: q === '?' });
  }
  return out;
}

/**
 * The export section of a module, read from its bytes (so a build this engine cannot compile, such
 * as the relaxed one on Node 20 without its flag, is checked too): name and kind of each export.
 */
function exportsOf(bytes: Uint8Array): Array<{ name: string; kind: string }> {
  let p = 8; // magic + version
  const leb = (): number => {
    let result = 0, shift = 0, b: number;
    do { b = bytes[p++]; result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return result >>> 0;
  };
  const KINDS = ['function', 'table', 'memory', 'global', 'tag'];
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    const end = p + size;
    if (id === 7) {
      const out: Array<{ name: string; kind: string }> = [];
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = new TextDecoder().decode(bytes.subarray(p, p + len));
        p += len;
        const kind = KINDS[bytes[p++]];
        leb(); // index
        out.push({ name, kind });
      }
      return out;
    }
    p = end;
  }
  return [];
}

describe.each(['build/softmax.wasm', 'build/softmax.relaxed.wasm'])('%s exports = src/wasm/abi.ts', (file) => {
  const bytes = new Uint8Array(readFileSync(root(file)));
  const exports = exportsOf(bytes);
  const decl = declared();

  it('the export section reader agrees with the engine where the engine compiles the module', () => {
    expect(exports.length).toBeGreaterThan(10);
    if (WebAssembly.validate(bytes)) expect(exports).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(bytes)));
  });

  it('declares every export, with its kind', () => {
    const missing = exports.filter((e) => !decl.has(e.name)).map((e) => e.name);
    expect(missing).toEqual([]);
    for (const e of exports) expect(decl.get(e.name)!.params === null ? 'memory' : 'function').toBe(e.kind);
  });

  it('every declared member is exported (or optional)', () => {
    const names = new Set(exports.map((e) => e.name));
    const absent = [...decl].filter(([name, d]) => !d.optional && !names.has(name)).map(([name]) => name);
    expect(absent).toEqual([]);
  });

  it.runIf(WebAssembly.validate(bytes))('arities agree (an instance reports each function\'s parameter count as length)', async () => {
    const { exports: inst } = await WebAssembly.instantiate(new WebAssembly.Module(bytes), {});
    const wrong: string[] = [];
    for (const [name, d] of decl) {
      const f = inst[name];
      if (typeof f === 'function' && d.params !== null && f.length !== d.params) wrong.push(`${name}: wasm ${f.length}, abi.ts ${d.params}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the op registry\'s kernels and src/wasm/abi.ts', () => {
  it('agree on the parameter count where both declare a kernel', () => {
    const abi = abiDeclared();
    for (const [name, params] of registryKernels()) if (abi.has(name)) expect(abi.get(name)!.params, name).toBe(params);
  });
});
