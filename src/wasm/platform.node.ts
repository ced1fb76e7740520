/**
 * `#platform` for Node and Bun (the `default` condition of package.json "imports"): the shipped
 * builds are the files build/*.wasm at the package root, read with node:fs; a user's `file:` URL is
 * read too, other URLs are fetched. A missing file is an Error that names the file and the folder.
 */
import { BUILDS, fetchUrl, navigatorCores, type BuildName, type NodeWorkerCtor, type Platform, type WasmSource } from './builds.js';

/** build/<file> at the package root (this module is src/wasm/ or dist/wasm/). */
export function shippedUrl(build: BuildName): URL {
  return new URL(`../../build/${BUILDS[build]}`, import.meta.url);
}

async function readFileUrl(url: URL, what: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const path = fileURLToPath(url);
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new Error(`softmax-wasm: ${what}: no WebAssembly module at ${path} (looked for ${url.href}: ${code})`, { cause: e });
    }
    throw new Error(`softmax-wasm: ${what}: could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export const platform: Platform = {
  where: 'files in build/ beside the package, read with node:fs',
  shipped(build) {
    return readFileUrl(shippedUrl(build), `the ${build} build (${BUILDS[build]}) is missing from the package`);
  },
  readUrl(url) {
    return url.protocol === 'file:' ? readFileUrl(url, 'loadWasm({ wasm })') : fetchUrl(url, 'loadWasm({ wasm })');
  },
  async cores() {
    try {
      const os = await import('node:os');
      return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    } catch {
      return navigatorCores();
    }
  },
  async nodeWorker() {
    // Bun takes this module too (the `default` condition); its pool uses Web Workers.
    if ((globalThis as { Bun?: unknown }).Bun !== undefined) return undefined;
    return (await import('node:worker_threads')).Worker as unknown as NodeWorkerCtor;
  },
};
