/**
 * `#platform` for browsers and Deno (the `browser` and `deno` conditions of package.json
 * "imports"): each shipped build is a generated module holding the .wasm as base64
 * (src/wasm/inline/*.ts, from scripts/build/inline-wasm.mjs), loaded by a dynamic import so that only the
 * chosen build is fetched. No file system, no asset URL: every bundler (and Vite's dependency
 * pre-bundling) handles it as plain JavaScript, and Deno needs no --allow-read. A user's URL is
 * fetched (Deno's fetch reads file: URLs, with read permission).
 */
import { BUILDS, fetchUrl, navigatorCores, type BuildName, type Platform, type WasmSource } from './builds.js';

/** The generated modules, one per build (literal specifiers, so bundlers see them). */
const INLINE: Record<BuildName, () => Promise<{ base64: string }>> = {
  baseline: () => import('./inline/softmax.js'),
  relaxed: () => import('./inline/softmax.relaxed.js'),
  'baseline-threads': () => import('./inline/softmax.threads.js'),
  'relaxed-threads': () => import('./inline/softmax.relaxed.threads.js'),
};

function decode(base64: string): Uint8Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export const platform: Platform = {
  where: 'modules inlined into the package (dist/wasm/inline/)',
  async shipped(build) {
    let mod: { base64: string };
    try {
      mod = await INLINE[build]();
    } catch (e) {
      throw new Error(`softmax-wasm: the ${build} build (${BUILDS[build]}, inlined as dist/wasm/inline/) could not be imported: ${(e as Error).message}`, { cause: e });
    }
    return decode(mod.base64);
  },
  readUrl: (url) => fetchUrl(url, 'loadWasm({ wasm })'),
  async cores() { return navigatorCores(); },
  async nodeWorker() { return undefined; }, // Web Workers
};
