/**
 * `npx tsx bench/tensors.ts` — the targets of the tensor round (docs/tensors.md), measured as ratios
 * within one run (the instances interleaved, so a busy machine slows every row alike): softmax over
 * axis 1 of (8, 21, 128, 128) against a last-axis softmax of the same element count and against
 * transpose + last-axis softmax + transpose (our kernel, JS transposes), on 1 and 2 threads; the
 * cross-entropy rows when the N-d form exists. Median ms per call over `--rounds` rounds of ~`--ms` ms.
 */
import { loadWasm, type Tensor, type WasmKernels } from '../src/index.js';
import { Rng } from '../src/train/rng.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const MS = opt('ms', 120), ROUNDS = opt('rounds', 7);
const rng = new Rng(1);
const fill = (a: Float32Array, s = 1): Float32Array => { for (let i = 0; i < a.length; i++) a[i] = s * (2 * rng.next() - 1); return a; };

/** A tensor in the instance's memory (alloc'd, data re-derived on access). */
function zc(k: WasmKernels, shape: number[], src?: Float32Array): Tensor<Float32Array> {
  const n = shape.reduce((p, d) => p * d, 1);
  const m = k.alloc('f32', 1, n) as unknown as { data: Float32Array };
  if (src) m.data.set(src);
  return { get data() { return m.data; }, shape };
}

/** (outer, C, inner) → (outer, inner, C) and back, plain JS loops. */
function transpose(src: Float32Array, dst: Float32Array, outer: number, a: number, b: number): void {
  for (let o = 0; o < outer; o++) {
    const base = o * a * b;
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) dst[base + j * a + i] = src[base + i * b + j];
  }
}

type Row = { name: string; make: (k: WasmKernels) => () => unknown };
const rows: Row[] = [];
const [N, C, H, W] = [8, 21, 128, 128];
const HW = H * W;
const x = fill(new Float32Array(N * C * HW), 5);
rows.push({ name: `softmax axis 1 of (${N}, ${C}, ${H}, ${W}) zc`, make: (k) => { const a = zc(k, [N, C, H, W], x), o = zc(k, [N, C, H, W]); return () => k.softmax(a, o, { axis: 1 }); } });
rows.push({ name: `softmax last axis (${N * HW}, ${C}) zc`, make: (k) => { const a = zc(k, [N * HW, C], x), o = zc(k, [N * HW, C]); return () => k.softmax(a, o); } });
rows.push({ name: `softmax last axis (${N * C * H}, ${W}) zc`, make: (k) => { const a = zc(k, [N * C * H, W], x), o = zc(k, [N * C * H, W]); return () => k.softmax(a, o); } });
rows.push({
  name: 'transpose + softmax last axis + transpose (JS transposes, zc kernel)', make: (k) => {
    const a = zc(k, [N, HW, C]), o = zc(k, [N, HW, C]), back = new Float32Array(x.length);
    return () => { transpose(x, a.data, N, C, HW); k.softmax(a, o); transpose(o.data, back, N, HW, C); return back; };
  },
});
rows.push({ name: `logSoftmax axis 1 of (${N}, ${C}, ${H}, ${W}) zc`, make: (k) => { const a = zc(k, [N, C, H, W], x), o = zc(k, [N, C, H, W]); return () => k.logSoftmax(a, o, { axis: 1 }); } });
const labels = Int32Array.from({ length: N * HW }, () => Math.floor(rng.next() * C));
rows.push({ name: `softmaxCrossEntropy (${N}, ${C}, ${HW}) labels (${N}, ${HW}) zc`, make: (k) => { const a = zc(k, [N, C, HW], x), g = zc(k, [N, C, HW]); return () => k.softmaxCrossEntropy(a, labels, { gradOut: g }); } });
rows.push({ name: `softmaxCrossEntropy last axis (${N * HW}, ${C}) zc`, make: (k) => { const a = zc(k, [N * HW, C], x), g = zc(k, [N * HW, C]); return () => k.softmaxCrossEntropy(a, labels, { gradOut: g }); } });
rows.push({
  name: 'transpose + softmaxCrossEntropy + transpose of the gradient', make: (k) => {
    const a = zc(k, [N, HW, C]), g = zc(k, [N, HW, C]), back = new Float32Array(x.length);
    return () => { transpose(x, a.data, N, C, HW); const r = k.softmaxCrossEntropy(a, labels, { gradOut: g, axis: -1 }); transpose(g.data, back, N, HW, C); return r.loss; };
  },
});

function median(v: number[]): number { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; }

async function main(): Promise<void> {
  const ks = [await loadWasm({ threads: 1 }), await loadWasm({ threads: 2 })];
  console.log(`threads: ${ks.map((k) => k.threads).join(', ')}; build ${ks[0].build}; rounds ${ROUNDS} × ~${MS} ms; median ms per call`);
  const fns = rows.map((r) => ks.map((k) => r.make(k)));
  const times = rows.map(() => ks.map(() => [] as number[]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...rows.keys()].reverse() : [...rows.keys()];
    for (const i of order) {
      for (const t of round % 2 ? [1, 0] : [0, 1]) {
        const f = fns[i][t];
        f();
        let n = 0;
        const t0 = performance.now();
        let el = 0;
        while ((el = performance.now() - t0) < MS) { f(); n++; }
        times[i][t].push(el / n);
      }
    }
  }
  rows.forEach((r, i) => console.log(`${r.name.padEnd(72)} ${ks.map((k, t) => `t${k.threads} ${median(times[i][t]).toFixed(3)}`).join('  ')}`));
  const m = (i: number, t: number) => median(times[i][t]);
  for (const t of [0, 1]) {
    console.log(`threads ${ks[t].threads}: softmax axis1 / last-axis(…,21) = ${(m(0, t) / m(1, t)).toFixed(2)}, axis1 / last-axis(…,128) = ${(m(0, t) / m(2, t)).toFixed(2)}, transpose route / axis1 = ${(m(3, t) / m(0, t)).toFixed(2)}; CE axis1 / last-axis = ${(m(5, t) / m(6, t)).toFixed(2)}, transpose route / axis1 = ${(m(7, t) / m(5, t)).toFixed(2)}`);
  }
  for (const k of ks) k.dispose();
}
void main();
