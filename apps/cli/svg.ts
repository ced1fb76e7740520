/**
 * Hand-written SVG line charts for training curves (no dependency): side-by-side panels sharing the
 * x axis (epochs), each with axes, "nice" ticks, grid lines, one polyline per series and a legend.
 */

/** One line of a panel; `undefined` values are gaps. */
export interface Series {
  name: string;
  values: ReadonlyArray<number | undefined>;
  color: string;
  dashed?: boolean;
}

/** One chart panel. */
export interface Panel {
  title: string;
  series: Series[];
  /** Tick label format. Default: up to 4 significant digits. */
  format?: (v: number) => string;
  /** Force the y range (e.g. [0, 1] for accuracy); default: the data's range, padded. */
  yRange?: [number, number];
  /** Legend corner: `'top'` (default; for falling curves) or `'bottom'` (for rising ones), right side. */
  legend?: 'top' | 'bottom';
}

const W = 460, H = 320;
const M = { left: 62, right: 16, top: 46, bottom: 48 };

/** Escapes text for XML content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const fmt4 = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4))));
const r2 = (v: number): string => String(Math.round(v * 100) / 100);

function panelSvg(p: Panel, x: ReadonlyArray<number>, xLabel: string, ox: number): string {
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  const xs = x.length ? x : [0];
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  let [y0, y1] = p.yRange ?? [Infinity, -Infinity];
  if (!p.yRange) {
    for (const s of p.series) for (const v of s.values) if (v !== undefined && Number.isFinite(v)) { y0 = Math.min(y0, v); y1 = Math.max(y1, v); }
    if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
    const pad = (y1 - y0) * 0.06 || Math.abs(y0) * 0.1 || 1;
    y0 -= pad; y1 += pad;
  }
  const X = (v: number) => ox + M.left + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v: number) => M.top + (1 - (v - y0) / (y1 - y0)) * ph;
  const f = p.format ?? fmt4;
  const out: string[] = [];
  out.push(`<g class="panel">`);
  out.push(`<text x="${r2(ox + M.left + pw / 2)}" y="${M.top - 24}" text-anchor="middle" font-size="15" font-weight="bold">${xmlEscape(p.title)}</text>`);
  // grid and ticks
  for (const t of niceTicks(y0, y1, 5)) {
    if (t < y0 || t > y1) continue;
    out.push(`<line x1="${r2(ox + M.left)}" y1="${r2(Y(t))}" x2="${r2(ox + M.left + pw)}" y2="${r2(Y(t))}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${r2(ox + M.left - 6)}" y="${r2(Y(t) + 4)}" text-anchor="end" font-size="11">${xmlEscape(f(t))}</text>`);
  }
  for (const t of niceTicks(x0, x1, 6, true)) {
    if (t < x0 || t > x1) continue;
    out.push(`<line x1="${r2(X(t))}" y1="${M.top + ph}" x2="${r2(X(t))}" y2="${M.top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${r2(X(t))}" y="${M.top + ph + 18}" text-anchor="middle" font-size="11">${t}</text>`);
  }
  out.push(`<rect x="${ox + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${r2(ox + M.left + pw / 2)}" y="${H - 10}" text-anchor="middle" font-size="12">${xmlEscape(xLabel)}</text>`);
  // legend box, then the series and their legend entries
  const lx = ox + M.left + pw - 136;
  const ly0 = p.legend === 'bottom' ? M.top + ph - 10 - 16 * p.series.length : M.top + 6;
  if (p.series.length) out.push(`<rect x="${lx - 6}" y="${ly0}" width="136" height="${16 * p.series.length + 6}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  p.series.forEach((s, si) => {
    const pts: string[] = [];
    s.values.forEach((v, i) => { if (v !== undefined && Number.isFinite(v) && i < xs.length) pts.push(`${r2(X(xs[i]))},${r2(Y(v))}`); });
    if (pts.length) {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`);
      if (pts.length <= 40) for (const pt of pts) { const [a, b] = pt.split(','); out.push(`<circle cx="${a}" cy="${b}" r="2.5" fill="${s.color}"/>`); }
    }
    const ly = ly0 + 16 + si * 16;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${lx + 28}" y="${ly}" font-size="11">${xmlEscape(s.name)}</text>`);
  });
  out.push(`</g>`);
  return out.join('\n');
}

/**
 * Side-by-side line charts as a standalone SVG document.
 * @param title text above the panels.
 * @param x the shared x values (e.g. epochs 1…n).
 * @param panels one chart each.
 */
export function curvesSvg(title: string, x: ReadonlyArray<number>, xLabel: string, panels: Panel[]): string {
  const width = W * panels.length, height = H + 30;
  const body = panels.map((p, i) => panelSvg(p, x, xLabel, i * W)).join('\n');
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${xmlEscape(title)}</text>`,
    `<g transform="translate(0, 30)">`,
    body,
    `</g>`,
    `</svg>`,
    '',
  ].join('\n');
}
