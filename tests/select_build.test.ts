// The engine-aware simd: 'auto' table (src/wasm/select_build.ts) and k.buildReason.
import { describe, expect, it } from 'vitest';
import { loadWasm } from '../src/index.js';
import { chooseBuild, relaxedSimdSupported } from '../src/wasm/loader.js';
import { autoBuildFor, chooseBuildFor, describeBuild, identifyEngine } from '../src/wasm/select_build.js';

const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0';
const SAFARI_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

describe('identifyEngine', () => {
  it('tells Bun, Deno, Node and the browsers apart from their globals', () => {
    expect(identifyEngine({ Bun: { version: '1.4.4' }, process: { versions: { node: '24.3.0', bun: '1.4.4' } } }))
      .toEqual({ engine: 'jsc', name: 'Bun 1.4.4 (JavaScriptCore)' });
    expect(identifyEngine({ Deno: { version: { deno: '2.9.6', v8: '15.0.1' } }, process: { versions: { node: '24.2.0', v8: '15.0.1' } } }))
      .toEqual({ engine: 'v8', name: 'Deno 2.9.6 (V8 15.0.1)' });
    expect(identifyEngine({ process: { versions: { node: '24.22.3', v8: '13.6.233.17-node.40' } } }))
      .toEqual({ engine: 'v8', name: 'Node 24.22.3 (V8 13.6.233.17-node.40)' });
    expect(identifyEngine({ navigator: { userAgent: CHROME_UA } })).toEqual({ engine: 'v8', name: 'Chromium 156 (V8)' });
    expect(identifyEngine({ navigator: { userAgent: FIREFOX_UA } })).toEqual({ engine: 'spidermonkey', name: 'Firefox 153 (SpiderMonkey)' });
    expect(identifyEngine({ navigator: { userAgent: SAFARI_UA } })).toEqual({ engine: 'jsc', name: 'Safari 18 (JavaScriptCore)' });
    // WebKitGTK 2.50's MiniBrowser (its Version/ is not a Safari release)
    const webkitGtk = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15';
    expect(identifyEngine({ navigator: { userAgent: webkitGtk } })).toEqual({ engine: 'jsc', name: 'WebKitGTK or WPE (JavaScriptCore)' });
    expect(identifyEngine({}).engine).toBe('unknown');
    expect(identifyEngine({ navigator: { userAgent: 'SomeEngine/1' } }).name).toContain('SomeEngine/1');
  });

  it('identifies the engine running this test as V8 under Node', () => {
    const id = identifyEngine();
    expect(id.engine).toBe('v8');
    expect(id.name).toContain(`Node ${process.versions.node}`);
  });
});

describe('the auto table', () => {
  it('V8 → relaxed, JavaScriptCore → baseline, others → relaxed; baseline without relaxed SIMD', () => {
    expect(autoBuildFor({ engine: 'v8', name: 'Node 24' }, true).build).toBe('relaxed');
    expect(autoBuildFor({ engine: 'jsc', name: 'Bun 1.4.4' }, true).build).toBe('baseline');
    expect(autoBuildFor({ engine: 'spidermonkey', name: 'Firefox 153' }, true).build).toBe('relaxed');
    expect(autoBuildFor({ engine: 'unknown', name: 'x' }, true).build).toBe('relaxed');
    for (const engine of ['v8', 'jsc', 'spidermonkey', 'unknown'] as const) {
      const c = autoBuildFor({ engine, name: 'E' }, false);
      expect(c.build).toBe('baseline');
      expect(c.reason).toMatch(/no WebAssembly relaxed SIMD/);
    }
    expect(autoBuildFor({ engine: 'jsc', name: 'Bun 1.4.4 (JavaScriptCore)' }, true).reason).toMatch(/^auto: Bun 1\.4\.4 \(JavaScriptCore\)/);
  });

  it('a forced build is kept whatever the engine', () => {
    const bun = { engine: 'jsc' as const, name: 'Bun' };
    expect(chooseBuildFor('relaxed', 'relaxed', bun)).toEqual({ build: 'relaxed', reason: "options.simd: 'relaxed'" });
    expect(chooseBuildFor('baseline', 'baseline', { engine: 'v8', name: 'Node' })).toEqual({ build: 'baseline', reason: "options.simd: 'baseline'" });
    expect(chooseBuildFor(undefined, 'relaxed', bun).build).toBe('baseline');
    expect(chooseBuildFor('auto', 'relaxed', { engine: 'v8', name: 'Node' }).build).toBe('relaxed');
  });

  it('describeBuild names the module given, and a fallback', () => {
    expect(describeBuild(true, 'auto', () => { throw new Error('not asked'); }, 'baseline')).toBe('options.wasm: the baseline module as given');
    const r = describeBuild(false, 'auto', () => 'relaxed', 'baseline');
    expect(r).toMatch(/could not be loaded, so baseline$/);
  });
});

describe('loadWasm: build and buildReason', () => {
  it("'auto' on Node picks by the table and says why", async () => {
    const k = await loadWasm();
    const expected = relaxedSimdSupported() ? 'relaxed' : 'baseline';
    expect(k.build).toBe(expected);
    expect(k.buildReason).toMatch(/^auto: Node /);
    expect(k.buildReason).toBe(chooseBuildFor('auto', chooseBuild('auto')).reason);
    k.dispose();
  });

  it("'baseline' forces the baseline module", async () => {
    const k = await loadWasm({ simd: 'baseline' });
    expect(k.build).toBe('baseline');
    expect(k.buildReason).toBe("options.simd: 'baseline'");
    k.dispose();
  });
});
