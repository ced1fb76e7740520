// One raw kernel of a built module, called repeatedly (no package code in between): the unit of
// scripts/bench/callgrind-engines.mjs (instruction counts per call on every engine) and a quick timer.
//   <runtime> scripts/bench/kernel-loop.mjs <file.wasm> softmax|ce|exp <iters> [time]
// softmax: softmax_f32 1×131072; ce: cross_entropy_f32 4096×1000 with grad (labels, mean);
// exp: exp_f32 over 131072 values in [−80, 0]. Inputs: fixed LCG, logits in [−8, 8).
import { readFileSync } from 'node:fs';
import { median, timePerCall } from '../../bench/timing.mjs';
const argv = (globalThis.Deno ? Deno.args : process.argv.slice(2));
const [wasmPath, kernel, itersS, mode] = argv;
const iters = +itersS;
const mod = new WebAssembly.Module(readFileSync(wasmPath));
const inst = new WebAssembly.Instance(mod, { env: { abort() { throw new Error('abort'); } } });
const e = inst.exports;
const mem = e.memory;
mem.grow(512);
const base = (e.heap_base() + 15) & ~15;
const f = new Float32Array(mem.buffer);
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
let run;
if (kernel === 'softmax') {
  const n = 131072; const x = base, o = base + n * 4;
  for (let i = 0; i < n; i++) f[x / 4 + i] = rnd() * 16 - 8;
  run = () => e.softmax_f32(x, o, 1, n);
} else if (kernel === 'ce') {
  const R = 4096, C = 1000; const x = base, g = base + R * C * 4, lab = g + R * C * 4;
  for (let i = 0; i < R * C; i++) f[x / 4 + i] = rnd() * 16 - 8;
  const li = new Int32Array(mem.buffer);
  for (let i = 0; i < R; i++) li[lab / 4 + i] = (rnd() * C) | 0;
  run = () => e.cross_entropy_f32(x, R, C, lab, 0, 0, -100, 0, 0, 0, g);
} else if (kernel === 'exp') {
  const n = 131072; const x = base, o = base + n * 4;
  for (let i = 0; i < n; i++) f[x / 4 + i] = -rnd() * 80;
  run = () => e.exp_f32(x, o, n);
}
if (mode === 'time') {
  timePerCall(run, 0, 300); // warm-up
  const ts = Array.from({ length: 15 }, () => timePerCall(run, 0, iters)); // 15 samples of `iters` calls
  console.log(kernel, wasmPath.split('/').pop(), 'median ms', median(ts).toFixed(4), 'min', Math.min(...ts).toFixed(4));
} else {
  // warm up, then give the background compiler time to finish the optimising tier (V8 Liftoff →
  // TurboFan, JSC BBQ → OMG) before the counted calls
  const warm = kernel === 'ce' ? 3 : 30;
  for (let i = 0; i < warm; i++) run();
  for (let k = 0; k < 3; k++) { await new Promise((r) => setTimeout(r, 300)); run(); }
  for (let i = 0; i < iters; i++) run();
}
