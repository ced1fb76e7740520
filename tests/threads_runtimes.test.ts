/**
 * loadWasm({ threads: 2 }) on every runtime of the test matrix (scripts/test/runtimes.mjs: Node 20, 22,
 * 24, Deno 2, Bun 1): 2 threads, the same bytes as here, and a process that leaves a threaded
 * instance undisposed still exits (each run has a 60 s watchdog). Runs the compiled package (dist/,
 * built by tsc here) as a user would.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureRuntimes, runtimes } from '../scripts/test/runtimes.mjs';
import * as lib from '../src/index.js';
import { ensureDist } from './fixtures/dist.js';
import { pageBattery } from './fixtures/threads-page-battery.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./fixtures/threads-runtime.mjs', import.meta.url));

describe('threads on Node 20/22/24, Deno and Bun', () => {
  let want: Awaited<ReturnType<typeof pageBattery>>;
  beforeAll(async () => {
    ensureRuntimes({ quiet: true });
    await ensureDist();
    want = await pageBattery(lib, 2);
  }, 300_000);

  for (const name of ['node20', 'node22', 'node24', 'deno', 'bun']) {
    it(`${name}: 2 threads, same bytes, exits without dispose()`, () => {
      const [rt] = runtimes([name]) as Array<{ bin: string; args: string[] }>;
      const r = spawnSync(rt.bin, [...rt.args, SCRIPT], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(r.error, `${name}: ${r.error?.message} ${r.stderr}`).toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(got.threads).toBe(2);
      expect(got.leftRunning).toBe(2);
      expect(got.length).toBe(want.length);
      expect(got.sha256).toBe(want.sha256);
    }, 90_000);
  }
});
