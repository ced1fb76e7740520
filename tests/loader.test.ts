/**
 * loadWasm's options and sources (src/wasm/loader.ts, platform.node.ts): every mistake is a
 * SoftmaxInputError naming the option, what is accepted and the value seen, before any I/O; a missing
 * file is an Error naming the path it looked for; the accepted sources all load.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SoftmaxInputError, loadWasm, matrix } from '../src/index.js';
import { platform } from '../src/wasm/platform.node.js';
import { platform as inline } from '../src/wasm/platform.inline.js';

const wasmUrl = new URL('../build/softmax.wasm', import.meta.url);
const works = async (k: Awaited<ReturnType<typeof loadWasm>>) => {
  expect(Array.from(k.softmax(matrix(new Float64Array([0, 0]), 1, 2)).data)).toEqual([0.5, 0.5]);
  k.dispose();
};

describe('loadWasm options', () => {
  it('refuses an unknown option, naming it and the known ones', async () => {
    const e = await loadWasm({ wsam: 1 } as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SoftmaxInputError);
    expect((e as SoftmaxInputError).argument).toBe('options.wsam');
    expect((e as Error).message).toMatch(/options\.wsam is not a known option \(known: wasm, simd/);
  });

  it('refuses options that are not an object', async () => {
    for (const bad of [null, 42, 'wasm', [1]]) {
      await expect(loadWasm(bad as never)).rejects.toThrow(SoftmaxInputError);
    }
  });

  it('refuses wasm: 42, a string, null, a plain object, and says what is accepted', async () => {
    for (const [bad, seen] of [[42, /got 42/], [null, /got null/], [{ a: 1 }, /\[object Object\]/], [[1, 2], /Array\(2\)/]] as const) {
      const e = await loadWasm({ wasm: bad as never }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SoftmaxInputError);
      expect((e as Error).message).toMatch(/options\.wasm must be the module's bytes \(an ArrayBuffer or a view of one\), a URL object .*a fetch Response or a WebAssembly\.Module/);
      expect((e as Error).message).toMatch(seen);
    }
    const s = await loadWasm({ wasm: '/x.wasm' as never }).catch((x: unknown) => x);
    expect(s).toBeInstanceOf(SoftmaxInputError);
    expect((s as Error).message).toMatch(/got the string "\/x\.wasm".*pass new URL\(string, import\.meta\.url\)/);
  });

  it('a missing file: an Error that names the path, not a raw ENOENT', async () => {
    const url = new URL('file:///nonexistent/dir/kernels.wasm');
    const e = await loadWasm({ wasm: url }).catch((x: unknown) => x) as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(SoftmaxInputError);
    expect(e.message).toMatch(/^softmax-wasm: loadWasm\(\{ wasm \}\): no WebAssembly module at \/nonexistent\/dir\/kernels\.wasm \(looked for file:\/\/\/nonexistent\/dir\/kernels\.wasm: ENOENT\)/);
  });

  it('loads bytes, an ArrayBuffer, a file: URL, a Response, a response-like object and a WebAssembly.Module', async () => {
    const bytes = readFileSync(wasmUrl);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    await works(await loadWasm({ wasm: new Uint8Array(bytes) }));
    await works(await loadWasm({ wasm: ab }));
    await works(await loadWasm({ wasm: wasmUrl }));
    await works(await loadWasm({ wasm: new Response(new Uint8Array(bytes), { headers: { 'content-type': 'application/wasm' } }) }));
    await works(await loadWasm({ wasm: { ok: true, status: 200, url: 'x', arrayBuffer: async () => ab } }));
    await works(await loadWasm({ wasm: new WebAssembly.Module(bytes) }));
  });

  it('a Response without the wasm MIME type (e.g. application/octet-stream, none) falls back to its bytes', async () => {
    const bytes = readFileSync(wasmUrl);
    await works(await loadWasm({ wasm: new Response(new Uint8Array(bytes), { headers: { 'content-type': 'application/octet-stream' } }) }));
    await works(await loadWasm({ wasm: new Response(new Uint8Array(bytes)) }));
    await works(await loadWasm({ wasm: new Response(new Uint8Array(bytes), { headers: { 'content-type': 'Application/WASM; charset=binary' } }) }));
  });

  it('refuses the threads builds (they import a shared memory) with a SoftmaxInputError that says what to pass instead', async () => {
    for (const file of ['softmax.threads.wasm', 'softmax.relaxed.threads.wasm']) {
      const bytes = readFileSync(new URL(`../build/${file}`, import.meta.url));
      if (!WebAssembly.validate(bytes)) continue; // the relaxed one, where this Node has no relaxed SIMD
      for (const wasm of [new Uint8Array(bytes), new Response(new Uint8Array(bytes), { headers: { 'content-type': 'application/wasm' } })]) {
        const e = await loadWasm({ wasm, simd: 'baseline' }).catch((x: unknown) => x);
        expect(e, file).toBeInstanceOf(SoftmaxInputError);
        expect((e as SoftmaxInputError).argument).toBe('options.wasm');
        expect((e as Error).message).toMatch(/options\.wasm imports a memory \(env\.memory\): it is a threads build .*loadWasm\(\{ threads \}\)/);
      }
    }
  });

  it('bytes that are no module: an Error saying it could not instantiate', async () => {
    await expect(loadWasm({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/could not instantiate the WASM kernels/);
  });

  it('a failed Response is an Error with its status', async () => {
    await expect(loadWasm({ wasm: new Response('no', { status: 404 }) })).rejects.toThrow(/failed Response \(HTTP 404/);
  });

  it('the simd option keeps working', async () => {
    const k = await loadWasm({ simd: 'baseline' });
    expect(k.build).toBe('baseline');
    await works(k);
  });
});

describe('the platforms', () => {
  it('node: the shipped builds are the files in build/', async () => {
    const b = await platform.shipped('baseline') as Uint8Array;
    expect(Buffer.compare(Buffer.from(b), readFileSync(wasmUrl))).toBe(0);
  });

  it('inline (browsers, Deno): the generated modules hold the same bytes as build/*.wasm', async () => {
    for (const [build, file] of [['baseline', 'softmax.wasm'], ['relaxed', 'softmax.relaxed.wasm']] as const) {
      const b = await inline.shipped(build) as Uint8Array;
      expect(Buffer.compare(Buffer.from(b), readFileSync(new URL(`../build/${file}`, import.meta.url))), file).toBe(0);
    }
  });
});
