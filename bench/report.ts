/**
 * The bench's output: the machine header, the markdown tables (medians, key ratios, speedups over
 * every peer, notes on skips, errors and agreement) and the JSON result file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AGREEMENT_TOL } from './check.js';
import type { BenchReport, CaseResult } from './harness.js';
import { fmtMs } from './timing.mjs';

const fmtRatio = (x: number): string => (x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);

/** The pairs shown as ratio columns in the main table: [engine, peer] → peer ms / engine ms. */
export const KEY_RATIOS: Array<[string, string]> = [
  ['wasm-zc', 'tfjs-wasm'], ['wasm-zc', 'numpy-1t'], ['wasm', 'tfjs-wasm'], ['wasm', 'numpy-1t'],
  ['wasm-relaxed-zc', 'wasm-zc'],
];

/** The markdown tables: a header with the machine, then medians + key ratios, then speedups over
 * every peer, then notes (skips, errors, agreement). */
export function formatReport(rep: BenchReport): string {
  const m = rep.machine;
  const lines: string[] = [];
  const get = (w: string, e: string): CaseResult | undefined => rep.results.find((r) => r.workload === w && r.engine === e);
  const ok = (w: string, e: string): number | undefined => {
    const r = get(w, e);
    return r?.status === 'ok' ? r.medianMs : undefined;
  };
  const names = rep.engines.map((e) => e.name);

  lines.push(`**softmax-wasm bench** (${rep.mode}) — Node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; load avg ${m.loadAverage.join(' ')} at start; ${m.date.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(`kernels: ${m.wasmBuild ?? 'build/softmax.wasm missing'}${m.git ? `, git ${m.git}` : ''}; benchmark.js maxTime ${rep.timing.maxTime} s, minSamples ${rep.timing.minSamples} (fewer for calls slower than ${fmtMs((rep.timing.maxTime / rep.timing.minSamples) * 1e3)} ms, n=1 above ${fmtMs(rep.timing.maxTime * 1e3)} ms), warm-up ${rep.timing.warmup} s; median ms ±rme (95% margin of the mean)${rep.timing.slowCall ? `, ≈ = best of the warm-up calls (calls slower than ${fmtMs(rep.timing.slowCall * 1e3)} ms are not sampled in this mode)` : ''}; ratio = peer ms / our ms (higher is better for us); limit = its best sample, % of limit = limit ms / wasm-zc ms.`);
  for (const e of rep.engines) if (e.info) lines.push(`${e.name}: ${e.info}`);
  lines.push('');

  // footnotes for skip / error reasons
  const notes = new Map<string, { n: number; engines: Set<string>; rows: Set<string> }>();
  const note = (r: CaseResult): string => {
    const key = `${r.status}: ${r.reason ?? ''}`;
    let x = notes.get(key);
    if (!x) { x = { n: notes.size + 1, engines: new Set(), rows: new Set() }; notes.set(key, x); }
    x.engines.add(r.engine);
    x.rows.add(r.workload);
    return `${r.status === 'error' ? 'error' : 'skip'}[${x.n}]`;
  };
  const cell = (w: string, e: string): string => {
    const r = get(w, e);
    if (!r) return '';
    if (r.status !== 'ok') return note(r);
    const flag = r.agree && !r.agree.ok ? ' ≠' : '';
    if (r.rough) return `≈${fmtMs(r.medianMs!)}${flag}`;
    if (e === 'limit') return `${fmtMs(r.minMs!)}`; // the limit is the best sample
    if ((r.samples ?? 0) < 2) return `${fmtMs(r.medianMs!)} (n=1)${flag}`;
    return `${fmtMs(r.medianMs!)} ±${(r.rme ?? 0).toFixed(0)}%${flag}`;
  };

  const ratioHeads = KEY_RATIOS.filter(([a, b]) => names.includes(a) && names.includes(b));
  const head = ['workload', ...names.map((n) => `${n} ms`), ...ratioHeads.map(([a, b]) => `${a} vs ${b}`), 'wasm-zc rate', 'wasm-zc % of limit'];
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const w of rep.workloads) {
    const row = [w.id];
    for (const n of names) row.push(cell(w.id, n));
    for (const [a, b] of ratioHeads) {
      const x = ok(w.id, a), y = ok(w.id, b);
      row.push(x && y ? fmtRatio(y / x) : '–');
    }
    const zc = ok(w.id, 'wasm-zc');
    if (zc && w.flops) row.push(`${(w.flops / zc / 1e6).toFixed(1)} GFLOP/s`);
    else if (zc) row.push(`${((w.rows * w.cols) / zc / 1e6).toFixed(2)} Gelem/s`);
    else row.push('–');
    const limR = get(w.id, 'limit');
    const lim = limR?.status === 'ok' ? limR.minMs : undefined;
    row.push(zc && lim ? `${((100 * lim) / zc).toFixed(0)}%` : '–');
    lines.push(`| ${row.join(' | ')} |`);
  }

  // Speedups over every peer.
  const ours = rep.engines.filter((e) => e.ours).map((e) => e.name); // the library's columns, threaded ones included
  const peers = names.filter((n) => !ours.includes(n) && n !== 'limit');
  if (ours.length && peers.length) {
    lines.push('');
    lines.push(`Speedup of ${ours.join(' · ')} over each peer (peer ms / our ms):`);
    lines.push('');
    const h2 = ['workload', ...peers.map((p) => `vs ${p}`)];
    lines.push(`| ${h2.join(' | ')} |`);
    lines.push(`| ${h2.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const w of rep.workloads) {
      const row = [w.id];
      for (const p of peers) {
        const y = ok(w.id, p);
        const parts = ours.map((o) => { const x = ok(w.id, o); return x && y ? fmtRatio(y / x) : '–'; });
        row.push(parts.every((s) => s === '–') ? '–' : parts.join(' · '));
      }
      lines.push(`| ${row.join(' | ')} |`);
    }
  }

  lines.push('');
  lines.push('Engines: ' + rep.engines.map((e) => `**${e.name}** ${e.title}`).join('; ') + '.');
  const disagree = rep.results.filter((r) => r.agree && !r.agree.ok);
  const agreed = rep.results.filter((r) => r.agree?.ok).length;
  lines.push('');
  lines.push(disagree.length
    ? `Agreement with ${disagree[0].agree!.vs}: ${agreed} results agree; ≠ marks ${disagree.length} that differ: ` +
      disagree.map((r) => `${r.engine} on ${r.workload} (loss rel ${r.agree!.loss?.toExponential(1) ?? '–'}, checksum rel ${r.agree!.checksum?.toExponential(1)})`).join('; ')
    : `Agreement: all ${agreed} measured results agree with the reference (loss and output checksum; f32 tol ${AGREEMENT_TOL.f32.loss}/${AGREEMENT_TOL.f32.checksum}, f64 ${AGREEMENT_TOL.f64.loss}).`);
  if (notes.size) {
    lines.push('');
    for (const [key, x] of notes) {
      const rows = x.rows.size === rep.workloads.length ? 'all rows' : [...x.rows].join(', ');
      lines.push(`[${x.n}] ${[...x.engines].join(', ')} — ${key} (${rows})`);
    }
  }
  lines.push('');
  lines.push(`Wall time ${rep.wallSeconds.toFixed(0)} s.`);
  return lines.join('\n');
}

/** Writes the report as JSON (creating the folder). */
export function writeJson(rep: BenchReport, file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(rep, null, 2) + '\n');
}
