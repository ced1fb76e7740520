/**
 * The apps (apps/: the CLI, the npm start demo, the demo page, the datasets and what they share)
 * import the library only by its package name, 'softmax-wasm', as users do: no relative import
 * leaves apps/, and no app reaches into the package's files (only softmax-wasm/package.json).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const apps = join(root, 'apps');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return e === 'public' ? [] : sources(p);
    return /\.(ts|mts|mjs|js)$/.test(e) ? [p] : [];
  });
}

describe('apps/ imports', () => {
  const files = sources(apps);
  it('finds the apps, the demo page among them', () => {
    expect(files.map((f) => relative(apps, f))).toEqual(expect.arrayContaining(['cli/main.ts', 'web/main.ts', 'web/train.worker.ts', 'shared/recipes.ts']));
  });

  it("reach the library only as 'softmax-wasm' (no relative import out of apps/, no deep import)", () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (spec.startsWith('.') && !resolve(dirname(f), spec).startsWith(apps)) bad.push(`${relative(root, f)}: ${spec}`);
        if (spec.startsWith('softmax-wasm/') && spec !== 'softmax-wasm/package.json') bad.push(`${relative(root, f)}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
