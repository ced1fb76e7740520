/**
 * `#platform` for Deno (the `deno` condition of package.json "imports"): the builds come inlined, as
 * in browsers (./platform.inline.ts: no --allow-read needed), and the thread pool's workers are
 * node:worker_threads, because Deno's Web Workers cannot be unref'd (they would keep the process alive).
 */
import type { NodeWorkerCtor, Platform } from './builds.js';
import { platform as inline } from './platform.inline.js';

export const platform: Platform = {
  ...inline,
  async nodeWorker() {
    return (await import('node:worker_threads')).Worker as unknown as NodeWorkerCtor;
  },
};
