// The build hook of `prepare`, `prepack`, `prestart` and `pretest`: runs `npm run build` unless its
// outputs are newer than every input. So a clone's `npm ci` builds (through `prepare`, which is
// also how npm builds a git dependency), `npm pack` packs a fresh build, `npm start` / `npm test`
// rebuild after a change, and a second run costs a few file stats. Installs of the packed package
// run nothing: scripts/release/pack-manifest.mjs strips `prepare` from it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INPUTS = ['assembly', 'src', 'apps', 'asconfig.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.apps.json', 'scripts/build/inline-wasm.mjs',
  'vite.web.config.ts', 'scripts/build/build-web.mjs'];
const OUTPUTS = ['build/softmax.wasm', 'build/softmax.relaxed.wasm', 'build/softmax.threads.wasm', 'build/softmax.relaxed.threads.wasm',
  'src/wasm/inline/softmax.ts', 'src/wasm/inline/softmax.relaxed.ts', 'src/wasm/inline/softmax.threads.ts', 'src/wasm/inline/softmax.relaxed.threads.ts',
  'dist/index.js', 'dist/index.d.ts', 'dist/apps/cli/main.js', 'dist/apps/web/index.html'];
const GENERATED = join(root, 'src', 'wasm', 'inline');

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  if (p === GENERATED) return 0;
  let t = 0;
  for (const e of readdirSync(p)) t = Math.max(t, newest(join(p, e)));
  return t;
}

const missing = OUTPUTS.filter((o) => !existsSync(join(root, o)));
const inputs = Math.max(...INPUTS.filter((i) => existsSync(join(root, i))).map((i) => newest(join(root, i))));
const outputs = missing.length ? 0 : Math.min(...OUTPUTS.map((o) => statSync(join(root, o)).mtimeMs));
if (missing.length || outputs < inputs) {
  console.log(`== npm run build (${missing.length ? `missing: ${missing.join(', ')}` : 'sources changed since the last build'})`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
