/**
 * The live loss/accuracy plot, on a canvas: training loss (solid) and test loss (dashed) on the
 * left axis, test accuracy on the right axis, one point per epoch.
 */
import type { EpochRecord } from 'softmax-wasm';

const LOSS = '#2f6fdb', ACC = '#e07b12', GRID = '#e8eaee', INK = '#1d2430', MUTED = '#667085';

/** A "nice" step (1, 2 or 5 × 10^k) giving about `target` ticks over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function drawPlot(canvas: HTMLCanvasElement, history: EpochRecord[], epochs: number): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '12px system-ui, sans-serif';

  // Legend items laid out first: on a narrow canvas they take two or more rows, and the plot starts below them.
  const legend: Array<[string, string, number[]]> = [
    ['training loss', LOSS, []], ['test loss', LOSS, [5, 4]], ['test accuracy', ACC, []],
  ];
  const placed: Array<{ label: string; color: string; dash: number[]; x: number; y: number }> = [];
  let lx = 48, ly = 11;
  for (const [label, color, dash] of legend) {
    const width = 27 + g.measureText(label).width;
    if (lx > 48 && lx + width > w - 8) { lx = 48; ly += 17; }
    placed.push({ label, color, dash, x: lx, y: ly });
    lx += width + 18;
  }
  const pad = { l: 48, r: 52, t: ly + 15, b: 32 };
  const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;
  const E = Math.max(epochs, 2);
  const x = (e: number) => pad.l + ((e - 1) / (E - 1)) * pw;

  // Ranges: loss from 0 to a nice max; accuracy from a nice floor below the lowest value to 1.
  const losses = history.flatMap((r) => [r.loss, r.testLoss ?? r.loss]).filter(Number.isFinite);
  const lossMax = losses.length ? Math.max(...losses) * 1.08 : 1;
  const lStep = niceStep(lossMax, 5);
  const lTop = Math.ceil(lossMax / lStep) * lStep;
  const accs = history.map((r) => r.testAccuracy ?? NaN).filter(Number.isFinite);
  const aLow = accs.length ? Math.min(...accs) : 0.8;
  const aBottom = Math.max(0, Math.min(0.8, Math.floor((aLow - 0.01) * 20) / 20));
  const aStep = niceStep(1 - aBottom, 4);
  const yl = (v: number) => pad.t + ph - (v / lTop) * ph;
  const ya = (v: number) => pad.t + ph - ((v - aBottom) / (1 - aBottom)) * ph;

  // Grid and axes.
  g.strokeStyle = GRID;
  g.lineWidth = 1;
  g.textBaseline = 'middle';
  for (let v = 0; v <= lTop + 1e-9; v += lStep) {
    const yy = Math.round(yl(v)) + 0.5;
    g.beginPath(); g.moveTo(pad.l, yy); g.lineTo(pad.l + pw, yy); g.stroke();
    g.fillStyle = LOSS; g.textAlign = 'right';
    g.fillText(+v.toFixed(3) + '', pad.l - 6, yy);
  }
  g.textAlign = 'left';
  g.fillStyle = ACC;
  for (let v = aBottom; v <= 1 + 1e-9; v += aStep) g.fillText(`${(100 * v).toFixed(aStep < 0.01 ? 1 : 0)}%`, pad.l + pw + 6, ya(v));
  g.fillStyle = MUTED;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const eStep = Math.max(1, niceStep(E - 1, 10));
  // Ticks at 1 and the multiples of the step (one too close to 1 is left out).
  for (let e = 1; e <= E; e = e === 1 && eStep > 1 ? eStep : e + eStep) {
    if (e === 1 || e - 1 > eStep / 2) g.fillText(String(e), x(e), pad.t + ph + 6);
  }
  g.fillText('epoch', pad.l + pw / 2, pad.t + ph + 18);
  g.strokeStyle = '#c9ced6';
  g.strokeRect(pad.l + 0.5, pad.t + 0.5, pw, ph);

  // Legend.
  g.textBaseline = 'middle';
  g.textAlign = 'left';
  for (const { label, color, dash, x: ix, y: iy } of placed) {
    g.strokeStyle = color; g.lineWidth = 2; g.setLineDash(dash);
    g.beginPath(); g.moveTo(ix, iy); g.lineTo(ix + 22, iy); g.stroke();
    g.setLineDash([]);
    g.fillStyle = INK;
    g.fillText(label, ix + 27, iy);
  }

  const series = (get: (r: EpochRecord) => number | undefined, y: (v: number) => number, color: string, dash: number[], dots: boolean) => {
    const pts = history.map((r) => [x(r.epoch), get(r)] as const).filter(([, v]) => v !== undefined && Number.isFinite(v)) as Array<[number, number]>;
    if (!pts.length) return;
    g.strokeStyle = color; g.lineWidth = 2; g.setLineDash(dash);
    g.beginPath();
    pts.forEach(([px, v], i) => (i ? g.lineTo(px, y(v)) : g.moveTo(px, y(v))));
    g.stroke();
    g.setLineDash([]);
    if (dots) {
      g.fillStyle = color;
      for (const [px, v] of pts) { g.beginPath(); g.arc(px, y(v), 2.5, 0, 2 * Math.PI); g.fill(); }
    }
  };
  series((r) => r.loss, yl, LOSS, [], false);
  series((r) => r.testLoss, yl, LOSS, [5, 4], false);
  series((r) => r.testAccuracy, ya, ACC, [], true);

  if (!history.length) {
    g.fillStyle = MUTED; g.textAlign = 'center'; g.textBaseline = 'middle';
    g.fillText('waiting for the first epoch…', pad.l + pw / 2, pad.t + ph / 2);
  }
}
