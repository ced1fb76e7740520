/**
 * The browser benchmark page (bench/web/index.html, served cross-origin isolated by
 * scripts/bench/bench-web.mjs): the workloads of bench/workloads.ts on the engines of bench/engines/
 * that run in a page — reference, plain-js, wasm, wasm-zc, wasm-relaxed-zc, wasm-zc-tN — and the
 * browser peers of bench/web/peers.ts. Each cell times batches of calls of ≥ 5 ms (the page's clock
 * is coarse) and reports the median per call; every result is checked against the reference's.
 * When done, #out holds the JSON of the run and #status data-state="done".
 */
import { compareChecks } from '../check.js';
import { plainJsEngine } from '../engines/plain-js.js';
import { referenceEngine } from '../engines/reference.js';
import { wasmPlainEngine } from '../engines/wasm-plain.js';
import { wasmThreadsEngine } from '../engines/wasm-threads.js';
import { wasmZeroCopyEngine } from '../engines/wasm-zerocopy.js';
import { filterWorkloads, standardWorkloads, tinyWorkloads, type Workload } from '../workloads.js';
import { ortWebEngine, tfjsThreadedEngine, type PageCase, type PageEngine } from './peers.js';

const query = new URLSearchParams(location.search);
const threads = Number(query.get('threads') ?? 2);
const budgetMs = Number(query.get('ms') ?? (query.get('tiny') ? 30 : 300));
const statusEl = document.getElementById('status')!, tableEl = document.getElementById('table')!, outEl = document.getElementById('out')!;

interface Cell { engine: string; status: 'ok' | 'skipped' | 'error'; reason?: string; ms?: number; agree?: boolean; loss?: number; checksum?: number }
interface Row { id: string; cells: Cell[] }

let sink = 0;

/** Median ms per call of `run` (awaited when it returns a promise): warm-up, then batches of ≥ 5 ms for about budgetMs. */
async function timeCall(run: PageCase['run']): Promise<number> {
  const call = async (): Promise<void> => { const v = run(); sink += typeof v === 'number' ? v : await v; };
  let t0 = performance.now(), n = 0;
  do { await call(); n++; } while (performance.now() - t0 < Math.min(40, budgetMs / 4) && n < 2000);
  const reps = Math.max(1, Math.ceil(5 / Math.max((performance.now() - t0) / n, 1e-4)));
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < budgetMs && samples.length < 61)) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) await call();
    samples.push((performance.now() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

function render(rows: Row[], engines: PageEngine[]): string {
  const head = `| workload | ${engines.map((e) => `${e.name} ms`).join(' | ')} |`;
  const lines = [head, `| --- | ${engines.map(() => '---:').join(' | ')} |`];
  for (const r of rows) {
    lines.push(`| ${r.id} | ${engines.map((e) => {
      const c = r.cells.find((x) => x.engine === e.name);
      if (!c) return '…';
      if (c.status !== 'ok') return c.status === 'error' ? 'error' : '–';
      return `${fmt(c.ms!)}${c.agree === false ? ' ≠' : ''}`;
    }).join(' | ')} |`);
  }
  const table = document.createElement('table');
  table.innerHTML = lines.filter((_, i) => i !== 1).map((l, i) => {
    const cells = l.slice(2, -2).split(' | ');
    return `<tr>${cells.map((c) => (i === 0 ? `<th>${c}</th>` : `<td${c.endsWith('≠') ? ' class="off"' : ''}>${c}</td>`)).join('')}</tr>`;
  }).join('');
  tableEl.replaceChildren(table);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const all = query.get('tiny') ? tinyWorkloads().filter((w) => w.dtype === 'f32') : standardWorkloads().filter((w) => w.dtype === 'f32');
  const workloads: Workload[] = filterWorkloads(all, query.get('filter') ?? undefined);
  let engines: PageEngine[] = [
    referenceEngine(), plainJsEngine(), wasmPlainEngine(), wasmZeroCopyEngine(), wasmZeroCopyEngine('relaxed'),
    wasmThreadsEngine(threads, 'zc'), ortWebEngine(threads), tfjsThreadedEngine(threads),
  ];
  const only = query.get('engines')?.split(',');
  if (only) engines = engines.filter((e) => e.name === 'reference' || only.includes(e.name));
  const unavailable = new Map<string, string>();
  for (const e of engines) {
    statusEl.textContent = `loading ${e.name}…`;
    try {
      const why = await e.init?.();
      if (why) unavailable.set(e.name, why);
    } catch (err) {
      unavailable.set(e.name, `error: ${(err as Error).message}`);
    }
  }
  const rows: Row[] = [];
  for (const w of workloads) {
    const row: Row = { id: w.id, cells: [] };
    rows.push(row);
    let ref: ReturnType<NonNullable<PageCase['check']>>;
    for (const e of engines) {
      statusEl.textContent = `${w.id}: ${e.name}…`;
      const skip = unavailable.get(e.name) ?? (e.supports ? e.supports(w) : true);
      if (skip !== true) { row.cells.push({ engine: e.name, status: skip.startsWith('error') ? 'error' : 'skipped', reason: skip }); continue; }
      let c: PageCase | undefined;
      try {
        c = await e.prepare(w);
        const ms = await timeCall(c.run);
        const chk = c.check?.();
        const cell: Cell = { engine: e.name, status: 'ok', ms };
        if (e.name === 'reference') ref = chk;
        else if (chk && ref) {
          const a = compareChecks(chk, ref, w.dtype);
          Object.assign(cell, { agree: a.ok, loss: a.loss, checksum: a.checksum });
        }
        row.cells.push(cell);
      } catch (err) {
        row.cells.push({ engine: e.name, status: 'error', reason: (err as Error).message });
      } finally {
        c?.dispose?.();
      }
      render(rows, engines);
      await new Promise((r) => setTimeout(r, 0));
    }
    w.release();
  }
  const info = engines.map((e) => `${e.name}: ${unavailable.get(e.name) ?? e.info?.() ?? e.title}`);
  for (const e of engines) await e.close?.();
  const table = render(rows, engines);
  outEl.textContent = JSON.stringify({ userAgent: navigator.userAgent, crossOriginIsolated, threads, engines: engines.map((e) => e.name), info, rows, table, sink });
  statusEl.dataset.state = 'done';
  statusEl.textContent = `done (${navigator.hardwareConcurrency} cores, cross-origin isolated: ${crossOriginIsolated})`;
}

main().catch((e: Error) => {
  outEl.textContent = JSON.stringify({ error: e.stack ?? e.message });
  statusEl.dataset.state = 'error';
  statusEl.textContent = `failed: ${e.message}`;
});
