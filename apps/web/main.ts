/**
 * The demo page: trains a linear softmax classifier on the MNIST digits in a Web Worker with the
 * WASM kernels (train.worker.ts), plots loss and accuracy after every epoch, draws the learned
 * class templates and 20 held-out digits drawn at random, then shows what is fast: the same
 * full-batch gradient timed on plain JavaScript and on WebAssembly with 1 and N threads.
 * (The benchmark page of every op against other libraries is bench/web/: `npm run bench:web`.)
 *
 * Query options (also set by the form): epochs, batch, optimizer (sgd|adam), lr, seed, reg,
 * schedule (constant|step|cosine), autostart=0 (wait for the button).
 *
 * Stable hooks for tests: #status (text and data-status: loading | training | done | error),
 * #accuracy (data-value: test accuracy in [0, 1]), #threads (data-value), #speed-rows (data-done when
 * every row is in; each row's data-engine, data-threads, data-ms).
 */
import { Rng, type EpochRecord } from 'softmax-wasm';
import { RECIPES } from '../shared/recipes.js';
import { fetchDigits, readDigits, type RawDigits } from './digits.js';
import { drawPlot } from './plot.js';
import type { SpeedRow, TrainRequest, WorkerMessage } from './protocol.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const statusEl = $('status'), accuracyEl = $('accuracy'), epochEl = $('epoch'), lossEl = $('test-loss');
const epochMsEl = $('epoch-ms'), infoEl = $('info'), errorEl = $('error'), threadsEl = $('threads');
const plot = $<HTMLCanvasElement>('plot');
const form = $<HTMLFormElement>('controls');

// ---------------------------------------------------------------------------------------------
// Options

type Opts = Omit<TrainRequest, 'type' | 'buffer'>;
const recipe = RECIPES.digits;
const query = new URLSearchParams(location.search);

function readOptions(q: URLSearchParams): Opts {
  const num = (key: string, dflt: number, ok: (v: number) => boolean) => {
    const raw = q.get(key);
    const v = raw === null || raw === '' ? NaN : Number(raw);
    return Number.isFinite(v) && ok(v) ? v : dflt;
  };
  const optimizer = q.get('optimizer') === 'adam' ? 'adam' : 'sgd';
  const schedule = (['constant', 'step', 'cosine'] as const).find((s) => s === q.get('schedule')) ?? recipe.schedule as Opts['schedule'];
  return {
    epochs: num('epochs', recipe.epochs, (v) => Number.isInteger(v) && v >= 1 && v <= 500),
    batchSize: num('batch', recipe.batchSize, (v) => Number.isInteger(v) && v >= 1),
    optimizer,
    lr: num('lr', recipe.lr[optimizer], (v) => v > 0),
    reg: num('reg', recipe.reg, (v) => v >= 0),
    schedule,
    seed: num('seed', 1, Number.isInteger),
  };
}

function fillForm(o: Opts): void {
  const set = (name: string, v: string | number) => { (form.elements.namedItem(name) as HTMLInputElement).value = String(v); };
  set('epochs', o.epochs); set('batch', o.batchSize); set('optimizer', o.optimizer); set('lr', o.lr); set('seed', o.seed);
}

// ---------------------------------------------------------------------------------------------
// Drawing the model

/** Column c of W (D×C) as a red (+) / white / blue (−) image, scaled by the column's max |w|. */
function drawTemplate(canvas: HTMLCanvasElement, W: Float32Array, C: number, c: number, side: number): void {
  canvas.width = canvas.height = side;
  const g = canvas.getContext('2d')!;
  const img = g.createImageData(side, side);
  let m = 0;
  for (let k = 0; k < side * side; k++) m = Math.max(m, Math.abs(W[k * C + c]));
  for (let k = 0; k < side * side; k++) {
    const t = m > 0 ? W[k * C + c] / m : 0;
    const fade = Math.round(255 * (1 - Math.abs(t)));
    const [r, gg, b] = t >= 0 ? [255, fade, fade] : [fade, fade, 255];
    img.data.set([r, gg, b, 255], 4 * k);
  }
  g.putImageData(img, 0, 0);
}

function drawTemplates(W: Float32Array | null, C: number, side: number): void {
  const box = $('templates');
  box.replaceChildren();
  for (let c = 0; c < C; c++) {
    const fig = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side;
    if (W) drawTemplate(canvas, W, C, c, side);
    const cap = document.createElement('figcaption');
    cap.textContent = String(c);
    fig.append(canvas, cap);
    box.append(fig);
  }
}

const SAMPLES = 20;

/** Which test digits the grid shows: 20 drawn at random (without replacement) with the run's seed. */
function samplePicks(nTest: number, seed: number): number[] {
  return Array.from(new Rng(seed).permutation(nTest).subarray(0, SAMPLES)).sort((a, b) => a - b);
}

/**
 * Held-out digits: a random sample, not chosen by the model's answers, so the share of red ones is
 * what the accuracy predicts give or take chance; the note under the grid says both numbers.
 */
function drawSamples(raw: RawDigits, picks: number[], predictions: Int32Array | null, accuracy?: number): void {
  const box = $('samples');
  box.replaceChildren();
  const side = Math.round(Math.sqrt(raw.D));
  let wrong = 0;
  for (const i of picks) {
    const row = raw.nTrain + i;
    const truth = raw.labels[row];
    const fig = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side;
    const g = canvas.getContext('2d')!;
    const img = g.createImageData(side, side);
    for (let k = 0; k < raw.D; k++) {
      const v = 255 - raw.pixels[row * raw.D + k];
      img.data.set([v, v, v, 255], 4 * k);
    }
    g.putImageData(img, 0, 0);
    const cap = document.createElement('figcaption');
    if (predictions) {
      const p = predictions[i];
      cap.textContent = p === truth ? String(p) : `${p} (${truth})`;
      if (p !== truth) { fig.className = 'bad'; wrong++; }
      fig.title = `test digit #${i}: label ${truth}, predicted ${p}`;
    } else {
      cap.textContent = '·';
    }
    fig.append(canvas, cap);
    box.append(fig);
  }
  const nTest = raw.N - raw.nTrain;
  $('samples-note').textContent = predictions && accuracy !== undefined
    ? `Predicted class under each digit; red: wrong (true label in brackets). ${wrong} of these ${picks.length} are wrong; ` +
      `on all ${nTest.toLocaleString('en')} test digits the model is wrong ${fmtPct(1 - accuracy)} of the time ` +
      `(expected here: ${(picks.length * (1 - accuracy)).toFixed(1)}). A new seed draws another 20.`
    : `Test digits #${picks.slice(0, 3).join(', #')}, …: the grid shows the predictions when training is done.`;
}

// ---------------------------------------------------------------------------------------------
// What is fast

const speedRows: SpeedRow[] = [];

function drawSpeed(expected: number): void {
  const body = $('speed-rows');
  body.replaceChildren();
  const base = speedRows.find((r) => r.engine === 'plain JavaScript')?.ms;
  const slowest = Math.max(...speedRows.map((r) => r.ms));
  for (const r of speedRows) {
    const tr = document.createElement('tr');
    tr.dataset.engine = r.engine;
    tr.dataset.threads = String(r.threads);
    tr.dataset.ms = String(r.ms);
    const cells = [r.engine, String(r.threads), r.ms < 10 ? r.ms.toFixed(2) : r.ms.toFixed(1),
      base ? `${(base / r.ms).toFixed(1)}×` : '–', String(r.runs), r.loss.toFixed(6)];
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    const bar = document.createElement('div');
    bar.className = r.engine === 'plain JavaScript' ? 'bar slow' : 'bar';
    bar.style.width = `${(100 * r.ms) / slowest}%`;
    const td = document.createElement('td');
    td.append(bar);
    tr.append(td);
    body.append(tr);
  }
  if (speedRows.length < expected) {
    const tr = document.createElement('tr');
    tr.innerHTML = '<td class="pending" colspan="7">measuring…</td>';
    body.append(tr);
  } else {
    body.dataset.done = '1';
    const one = speedRows.find((r) => r.engine !== 'plain JavaScript' && r.threads === 1);
    const many = speedRows.find((r) => r.threads > 1);
    $('speed-note').textContent = !one || !base ? '' : `The same call ${(base / one.ms).toFixed(0)}× faster in WebAssembly SIMD than in plain ` +
      'JavaScript on one thread (the plain JavaScript is the library\'s float64 reference, exact but unvectorized). ' +
      (many ? (many.ms < one.ms
        ? `${many.threads} threads: ${(one.ms / many.ms).toFixed(2)}× one thread, bit-identical results.`
        : `${many.threads} threads were not faster than one here (${many.ms.toFixed(1)} ms against ${one.ms.toFixed(1)} ms): ` +
          'the cores were busy with something else, or the call is too small to split; the results are bit-identical either way.')
        : `One thread only: ${threadsEl.title}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Training

let raw: RawDigits | null = null;
let digitsBuffer: ArrayBuffer | null = null;
let worker: Worker | null = null;
let history: EpochRecord[] = [];
let plannedEpochs = 0;
let picks: number[] = [];

function setStatus(s: 'idle' | 'loading' | 'training' | 'done' | 'error'): void {
  statusEl.textContent = s;
  statusEl.dataset.status = s;
}

function showError(message: string): void {
  setStatus('error');
  errorEl.hidden = false;
  errorEl.textContent = message;
  console.error(`demo: ${message}`);
}

const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(2)}%`);

function showEpoch(rec: EpochRecord, epochs: number): void {
  epochEl.textContent = `${rec.epoch} / ${epochs}`;
  accuracyEl.textContent = fmtPct(rec.testAccuracy);
  accuracyEl.dataset.value = String(rec.testAccuracy ?? '');
  lossEl.textContent = rec.testLoss?.toFixed(4) ?? '–';
  const ms = history.map((r) => r.seconds * 1000).sort((a, b) => a - b);
  epochMsEl.textContent = `${ms[ms.length >> 1].toFixed(1)} ms`;
  epochMsEl.title = 'median wall time of an epoch of training steps (8,000 digits), evaluation excluded';
}

async function train(opts: Opts, startedBy: 'page load' | 'click'): Promise<void> {
  worker?.terminate();
  history = [];
  speedRows.length = 0;
  delete $('speed-rows').dataset.done;
  $('speed-rows').innerHTML = '<tr><td class="pending" colspan="7">measured when training is done</td></tr>';
  plannedEpochs = opts.epochs;
  errorEl.hidden = true;
  accuracyEl.textContent = '–';
  accuracyEl.dataset.value = '';
  epochEl.textContent = `0 / ${opts.epochs}`;
  lossEl.textContent = epochMsEl.textContent = '–';
  drawPlot(plot, history, plannedEpochs);
  setStatus('loading');
  try {
    if (!digitsBuffer) {
      const t0 = performance.now();
      digitsBuffer = await fetchDigits();
      raw = readDigits(digitsBuffer);
      infoEl.textContent = `digits.bin: ${(digitsBuffer.byteLength / 1e6).toFixed(1)} MB in ${(performance.now() - t0).toFixed(0)} ms. `;
    }
    picks = samplePicks(raw!.N - raw!.nTrain, opts.seed);
    drawSamples(raw!, picks, null);
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  const w = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' });
  worker = w;
  const started = performance.now();
  w.onerror = (e) => showError(`worker: ${e.message || 'failed to start'}`);
  w.onmessage = (e: MessageEvent<WorkerMessage>) => {
    if (worker !== w) return;
    const m = e.data;
    if (m.type === 'ready') {
      setStatus('training');
      threadsEl.textContent = String(m.threads);
      threadsEl.dataset.value = String(m.threads);
      threadsEl.title = m.threadsUnavailable ?? `the WASM kernels run on ${m.threads} threads (the page is cross-origin isolated)`;
      if (m.threadsUnavailable) threadsEl.textContent += ' (why?)';
      infoEl.textContent = `${m.nTrain.toLocaleString('en')} training / ${m.nTest.toLocaleString('en')} test digits, ${m.features} features, ` +
        `${m.classes} classes; wasm loaded in ${m.wasmMs.toFixed(0)} ms on ${m.threads} thread${m.threads === 1 ? '' : 's'}${m.threadsUnavailable ? ` (${m.threadsUnavailable})` : ''}, digits decoded in ${m.decodeMs.toFixed(0)} ms. ` +
        `${opts.optimizer === 'sgd' ? 'SGD with momentum 0.9' : 'Adam'}, lr ${opts.lr} (${opts.schedule}), batch ${opts.batchSize}, reg ${opts.reg}, seed ${opts.seed}.`;
    } else if (m.type === 'epoch') {
      history.push(m.record);
      showEpoch(m.record, m.epochs);
      requestAnimationFrame(() => drawPlot(plot, history, plannedEpochs));
    } else if (m.type === 'done') {
      history = m.history;
      drawPlot(plot, history, plannedEpochs);
      accuracyEl.textContent = fmtPct(m.testAccuracy);
      accuracyEl.dataset.value = String(m.testAccuracy);
      lossEl.textContent = m.testLoss.toFixed(4);
      drawTemplates(m.W, m.classes, Math.round(Math.sqrt(m.features)));
      if (raw) drawSamples(raw, picks, m.predictions, m.testAccuracy);
      const total = (performance.now() - (startedBy === 'page load' ? 0 : started)) / 1000;
      infoEl.textContent += ` Trained ${history.length} epoch${history.length === 1 ? '' : 's'} in ${(m.trainMs / 1000).toFixed(2)} s ` +
        `(with a test evaluation per epoch; ${total.toFixed(2)} s from the ${startedBy}); WASM memory ${(m.memoryBytes / 2 ** 20).toFixed(0)} MiB.`;
      setStatus('done');
      drawSpeed(Number.POSITIVE_INFINITY);
    } else if (m.type === 'speed') {
      speedRows.push(m.row);
      drawSpeed(m.rows);
    } else if (m.type === 'error') {
      showError(m.message);
    }
  };
  const req: TrainRequest = { type: 'train', buffer: digitsBuffer, ...opts };
  w.postMessage(req); // copies the buffer: the page keeps its own for the samples
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const fd = new FormData(form);
  const q = new URLSearchParams(location.search);
  for (const key of ['epochs', 'batch', 'optimizer', 'lr', 'seed']) q.set(key, String(fd.get(key)));
  // The learning rate field keeps the previous optimizer's default: reset it when the optimizer changes.
  const prev = readOptions(new URLSearchParams(location.search));
  if (prev.optimizer !== q.get('optimizer') && Number(q.get('lr')) === prev.lr) q.delete('lr');
  replaceQuery(q);
  const opts = readOptions(q);
  fillForm(opts);
  void train(opts, 'click');
});

function replaceQuery(q: URLSearchParams): void {
  window.history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
}

// ---------------------------------------------------------------------------------------------
// Start

$('env').textContent = `${navigator.userAgent} · ${navigator.hardwareConcurrency ?? '?'} logical cores · ` +
  `WebAssembly SIMD: ${WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11])) ? 'yes' : 'no'}`;
const initial = readOptions(query);
fillForm(initial);
drawTemplates(null, 10, 28);
drawPlot(plot, [], initial.epochs);
window.addEventListener('resize', () => drawPlot(plot, history, plannedEpochs || initial.epochs));
if (query.get('autostart') === '0') {
  setStatus('idle');
  infoEl.textContent = 'Press Train to start.';
} else {
  void train(initial, 'page load');
}
