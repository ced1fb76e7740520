// `npm pack` / `npm publish` hooks: the published package.json carries what a user's install reads,
// nothing of the repository's own: no `scripts` (they are all for a checkout; `prepare` would also
// make npm 11 warn about an install script on every install of the tarball) and no
// `devDependencies` (build tools, benchmark peers, test browsers). The git repository keeps both:
// npm builds a git dependency only through `prepare` (pacote runs no prepack there), and a source
// checkout's `npm ci` builds through it too. npm runs `postpack` from the manifest it read before
// `prepack`, so the restore runs although the packed copy has no scripts.
//   prepack:  node scripts/release/pack-manifest.mjs strip    (package.json without scripts and devDependencies; original kept)
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

/** The fields of package.json that stay in the repository. */
const STRIPPED = ['scripts', 'devDependencies'];

const mode = process.argv[2];
if (mode === 'strip') {
  const text = readFileSync(pkg, 'utf8');
  if (!existsSync(saved)) writeFileSync(saved, text);
  const json = JSON.parse(text);
  for (const field of STRIPPED) delete json[field];
  write(pkg, JSON.stringify(json, null, 2) + '\n');
} else if (mode === 'restore') {
  if (existsSync(saved)) {
    write(pkg, readFileSync(saved, 'utf8'));
    unlinkSync(saved);
  }
} else {
  throw new Error('usage: node scripts/release/pack-manifest.mjs strip|restore');
}
