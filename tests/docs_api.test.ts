/**
 * The API reference covers every export: each export of src/index.ts has a doc comment, and so has
 * each member of the exported interfaces and classes that this package declares (one comment per
 * overloaded method is enough: the reference shows it for every signature). Exported functions and
 * the kernel methods also need an `@example` (STYLE.md 9); tests/docs.test.ts runs those examples.
 * `npm run docs:api` (TypeDoc, typedoc.json) renders the same comments into docs/api/; the last test
 * runs TypeDoc with its link validation, so the command cannot break unnoticed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

interface Item { name: string; documented: boolean; example: boolean; kind: 'export' | 'member'; needsExample: boolean }

function survey(): Item[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const program = ts.createProgram([join(src, 'index.ts')], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(join(src, 'index.ts'))!;
  const ours = (s: ts.Symbol) => (s.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(src));
  const doc = (s: ts.Symbol) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim() !== ''
    // a declaration whose comment has only tags (e.g. `/** @param seed … */`) is not documented
    ;
  const hasExample = (s: ts.Symbol) => s.getJsDocTags(checker).some((t) => t.name === 'example');
  const items: Item[] = [];
  const seen = new Set<ts.Symbol>();
  for (const e of checker.getExportsOfModule(checker.getSymbolAtLocation(entry)!)) {
    const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    const isFunction = (s.flags & ts.SymbolFlags.Function) !== 0;
    items.push({ name: e.name, kind: 'export', documented: doc(s), example: hasExample(s), needsExample: isFunction });
    if (!(s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class))) continue;
    const members = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(s));
    if (s.flags & ts.SymbolFlags.Class) {
      members.push(...checker.getPropertiesOfType(checker.getTypeOfSymbol(s)).filter((m) => m.name !== 'prototype'));
      const ctor = s.members?.get('__constructor' as ts.__String);
      if (ctor) members.push(ctor);
    }
    for (const m of members) {
      if (!ours(m) || m.name.startsWith('#')) continue;
      // the kernels' methods are the API most people call: they carry examples too
      const kernelMethod = /^(SoftmaxKernels|WasmKernels)$/.test(e.name) && (m.flags & ts.SymbolFlags.Method) !== 0;
      const name = `${e.name}.${m.name === '__constructor' ? 'constructor' : m.name}`;
      if (seen.has(m)) continue;
      seen.add(m);
      items.push({ name, kind: 'member', documented: doc(m), example: hasExample(m), needsExample: kernelMethod });
    }
  }
  return items;
}

describe('the API reference', () => {
  const items = survey();
  const exports = items.filter((i) => i.kind === 'export');

  it('every export of src/index.ts and every member of its interfaces and classes has a doc comment', () => {
    const documented = items.filter((i) => i.documented).length;
    console.log(`API reference: ${exports.filter((i) => i.documented).length}/${exports.length} exports, `
      + `${documented - exports.filter((i) => i.documented).length}/${items.length - exports.length} members documented`);
    expect(exports.length).toBeGreaterThan(30);
    expect(items.filter((i) => !i.documented).map((i) => i.name)).toEqual([]);
  });

  it('every exported function and every kernel method has an @example', () => {
    const want = items.filter((i) => i.needsExample);
    console.log(`@example: ${want.filter((i) => i.example).length}/${want.length} functions and kernel methods`);
    expect(want.filter((i) => !i.example).map((i) => i.name)).toEqual([]);
  });

  it('npm run docs:api (TypeDoc) runs without a warning (links resolve, nothing unexported is referenced)', () => {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 180_000);
});
