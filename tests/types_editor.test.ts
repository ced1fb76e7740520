/**
 * What an editor offers, through TypeScript's language service on the sources: completions for
 * softmaxCrossEntropy's `reduction` list all three values (overloads used to offer only the first
 * one's 'mean' | 'sum'), and sample's `logProbs` narrows from `{ logProbs: true }` (no `!`).
 * The strict compile of a user's file against the packed package is tests/package/ (use.ts).
 */
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = `${root}tests/__editor_probe__.ts`;

function service(src: string): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => ts.ScriptSnapshot.fromString(f === file ? src : readFileSync(f, 'utf8')),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => ({
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['node'],
    }),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === file || ts.sys.fileExists(f),
    readFile: (f) => (f === file ? src : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory, directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host);
}

const HEAD = `import { loadWasm, matrix } from '../src/index.js';
const k = await loadWasm();
const X = matrix(new Float32Array(6), 2, 3);
`;

describe('in an editor (TypeScript language service)', () => {
  it("offers 'mean', 'sum' and 'none' for softmaxCrossEntropy's reduction", () => {
    const src = `${HEAD}k.softmaxCrossEntropy(X, new Int32Array(2), { reduction: '' });\n`;
    const at = src.indexOf("reduction: '") + "reduction: '".length;
    const names = service(src).getCompletionsAtPosition(file, at, {})?.entries.map((e) => e.name).sort();
    expect(names).toEqual(['mean', 'none', 'sum']);
  }, 60_000);

  it('narrows sample(x, { logProbs: true }).logProbs and reduction: none; no errors', () => {
    const src = `${HEAD}const s = k.sample(X, { logProbs: true });
export const a: Float32Array = s.logProbs;
export const b: Float32Array = s.filteredLogProbs;
export const c: Float32Array = k.softmaxCrossEntropy(X, new Int32Array(2), { reduction: 'none' }).losses;
`;
    const ls = service(src);
    const errors = ls.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
    const at = src.indexOf('s.logProbs') + 3;
    const hover = ts.displayPartsToString(ls.getQuickInfoAtPosition(file, at)?.displayParts);
    expect(hover).toMatch(/logProbs: Float32Array/);
    expect(hover).not.toMatch(/undefined/);
  }, 60_000);
});
