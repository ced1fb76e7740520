// `npm pack` / `npm publish` hooks: the published package.json must not carry `prepare` (npm 11
// warns about it as an install script on every install of the tarball), but the git repository
// needs it: npm builds a git dependency only through `prepare` (pacote runs no prepack there), and a
// source checkout's `npm ci` builds through it too.
//   prepack:  node scripts/release/pack-manifest.mjs strip    (package.json without scripts.prepare; original kept)
//   postpack: node scripts/release/pack-manifest.mjs restore  (puts the original back)
// Writes go through a temporary file and a rename, so a concurrent reader never sees a partial file.
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'package.json');
const saved = join(root, '.package.json.prepack');

function write(path, text) {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

const mode = process.argv[2];
if (mode === 'strip') {
  const text = readFileSync(pkg, 'utf8');
  if (!existsSync(saved)) writeFileSync(saved, text);
  const json = JSON.parse(text);
  delete json.scripts?.prepare;
  write(pkg, JSON.stringify(json, null, 2) + '\n');
} else if (mode === 'restore') {
  if (existsSync(saved)) {
    write(pkg, readFileSync(saved, 'utf8'));
    unlinkSync(saved);
  }
} else {
  throw new Error('usage: node scripts/release/pack-manifest.mjs strip|restore');
}
