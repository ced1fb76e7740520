// Build step (npm run build, after asc): writes src/wasm/inline/<name>.ts for every build/<name>.wasm,
// each `export const base64: string = '…'`: the module that browsers and Deno import instead of reading the
// file (see src/wasm/platform.inline.ts). Generated, gitignored; skipped when already up to date.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const build = join(root, 'build');
const out = join(root, 'src', 'wasm', 'inline');
mkdirSync(out, { recursive: true });
const files = readdirSync(build).filter((f) => f.endsWith('.wasm') && !f.includes('.debug.'));
if (files.length === 0) throw new Error('inline-wasm: no build/*.wasm; run npm run asbuild first');
for (const f of files) {
  const src = join(build, f);
  const dst = join(out, f.replace(/\.wasm$/, '.ts'));
  // (regenerated too when an older generator wrote it without the `: string` annotation)
  if (existsSync(dst) && statSync(dst).mtimeMs >= statSync(src).mtimeMs && readFileSync(dst, 'latin1').includes('export const base64: string')) continue;
  const bytes = readFileSync(src);
  writeFileSync(dst, `// auto-generated from build/${f} by scripts/build/inline-wasm.mjs (npm run build); do not edit.\n`
    + `/** build/${f} (${bytes.length} bytes) as base64. */\n`
    // `: string`, or tsc writes the whole literal as the declaration's type (240 kB per .d.ts)
    + `export const base64: string = '${bytes.toString('base64')}';\n`);
  console.log(`inline-wasm: ${dst.slice(root.length + 1)} (${bytes.length} bytes)`);
}
