// `npm run build` step before tsc: empties dist/, so a file whose source moved or was deleted (e.g.
// dist/cli/ before the CLI moved to apps/) cannot linger there and end up in the packed tarball
// (package.json "files" takes every dist/**/*.js).
import { rmSync } from 'node:fs';

rmSync(new URL('../../dist', import.meta.url), { recursive: true, force: true });
