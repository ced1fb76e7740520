/**
 * `softmax-wasm sample`: one decoding step's sampling on an LLM-size vocabulary, timed: the WASM
 * sampler (input in WASM memory, and copied in from a plain array), the WASM softmax of the same
 * rows, and the careful plain-JS sort-based sampler, with ratios from the same run. With the
 * decoding options (penalties over a random history, logit biases, an allowed mask, typical-p,
 * top-nσ, top log-probs, n draws) it also times sample with them, and filter, against plain sample.
 */
import { loadWasm, Rng, type SampleOptions } from 'softmax-wasm';
import { CommandFailed, num, parse, type Io } from '../args.js';
import { formatTimings, llmLogits, plainJsSample, timeCases, type TimedCase } from '../../shared/sample_timing.js';

export const SAMPLE_HELP = `Usage: softmax-wasm sample [--vocab N] [--rows N] [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--seed S] [--rounds N]
                          [--history N] [--penalty-window N] [--repetition-penalty R] [--presence-penalty P]
                          [--frequency-penalty F] [--bias N] [--allowed F] [--typical-p P] [--top-n-sigma S]
                          [--top-logprobs N] [--n N]

Times sample() (WASM, f32, one thread) on rows of LLM-like logits (N(0, 2) plus a few large ones)
against the WASM softmax of the same rows and a careful plain-JS sampler (softmax, sort of
(prob, index) pairs, cumulative sum); prints a markdown table with the ratios of this one run.
The machine's load moves all rows alike; compare ratios, not milliseconds, across machines.

Options:
  --vocab N         vocabulary size (row length), default 128256 (Llama 3)
  --rows N          rows per call (a batch of decoding streams), default 1
  --temperature T   default 0.8 (0 = argmax)
  --top-k K         keep the K most likely tokens (default off)
  --top-p P         nucleus mass in (0, 1], default 0.9
  --min-p P         min-p in [0, 1] (default off)
  --seed S          seed of the data and of the draws, default 1
  --rounds N        timing rounds (each case's best round is reported), default 5
Decoding options (any of them adds the rows "sample with the decoding options" and "filter"):
  --history N             a random history of N tokens per row (penalties count it), default 0
  --penalty-window N      only the last N history tokens count
  --repetition-penalty R  Hugging Face's repetition penalty (> 0; 1 = off)
  --presence-penalty P    OpenAI's presence penalty
  --frequency-penalty F   OpenAI's frequency penalty
  --bias N                N random logit biases (token ids and values in [-5, 5])
  --allowed F             an allowed mask keeping a random fraction F in (0, 1] of the tokens
  --typical-p P           typical-p in (0, 1]
  --top-n-sigma S         top-nσ (> 0)
  --top-logprobs N        also return the N most likely tokens and their log-probs
  --n N                   draws per row
  -h, --help        this help
`;

export async function sampleCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse('sample', argv, {
    vocab: { type: 'string' }, rows: { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' },
    'top-p': { type: 'string' }, 'min-p': { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' },
    history: { type: 'string' }, 'penalty-window': { type: 'string' }, 'repetition-penalty': { type: 'string' },
    'presence-penalty': { type: 'string' }, 'frequency-penalty': { type: 'string' }, bias: { type: 'string' },
    allowed: { type: 'string' }, 'typical-p': { type: 'string' }, 'top-n-sigma': { type: 'string' },
    'top-logprobs': { type: 'string' }, n: { type: 'string' },
  });
  if (values.help) { io.out.write(SAMPLE_HELP); return 0; }
  const s = (k: string) => values[k] as string | undefined;
  const vocab = num('sample', 'vocab', s('vocab'), 128256, { lo: 1, hi: 2 ** 24, int: true })!;
  const rows = num('sample', 'rows', s('rows'), 1, { lo: 1, hi: 4096, int: true })!;
  const temperature = num('sample', 'temperature', s('temperature'), 0.8, { lo: 0 })!;
  const topK = num('sample', 'top-k', s('top-k'), undefined, { lo: 1, int: true });
  const topP = num('sample', 'top-p', s('top-p'), 0.9, { lo: 0, hi: 1, loOpen: true })!;
  const minP = num('sample', 'min-p', s('min-p'), undefined, { lo: 0, hi: 1 });
  const seed = num('sample', 'seed', s('seed'), 1, { int: true })!;
  const rounds = num('sample', 'rounds', s('rounds'), 5, { lo: 1, hi: 100, int: true })!;
  const dec = decodingOptions(s, rows, vocab, seed);
  if (rows * vocab * 4 > 2 ** 30) throw new CommandFailed(`rows × vocab = ${rows}×${vocab} is more than 1 GiB of f32 logits`);

  const k = await loadWasm();
  try {
    const x = k.alloc('f32', rows, vocab);
    x.data.set(llmLogits(rows, vocab, seed));
    const plain = { data: Float32Array.from(x.data), rows, cols: vocab };
    const out = k.alloc('f32', rows, vocab);
    const rng = new Rng(seed);
    const opts = { temperature, topP, ...(topK !== undefined ? { topK } : {}), ...(minP !== undefined ? { minP } : {}) };
    const desc = `T ${temperature}${topK !== undefined ? ` top-k ${topK}` : ''} top-p ${topP}${minP !== undefined ? ` min-p ${minP}` : ''}`;
    const cases: TimedCase[] = [
      { name: `wasm sample (${desc}), input in WASM memory`, run: () => k.sample(x, { ...opts, rng }).indices },
      { name: 'wasm sample, input copied in', run: () => k.sample(plain, { ...opts, rng }).indices },
      { name: 'wasm softmax of the same rows', run: () => k.softmax(x, out) },
      {
        name: 'plain JS: softmax + sort + cumsum', run: () => {
          let acc = 0;
          for (let i = 0; i < rows; i++) acc += plainJsSample(plain.data.subarray(i * vocab, (i + 1) * vocab), temperature || 1e-9, topP, topK ?? 0, rng.next());
          return acc;
        },
      },
    ];
    if (dec) {
      const { n: _n, topLogProbs: _t, ...filterOpts } = dec.options;
      // the same row after the processors alone: plain sample on it isolates the processors' cost
      const { typicalP: _p, topNSigma: _s, ...processors } = filterOpts;
      const processed = k.alloc('f32', rows, vocab);
      k.filter(x, processors, processed);
      cases.push(
        { name: `wasm sample with ${dec.desc}`, run: () => k.sample(x, { ...opts, ...dec.options, rng }).indices },
        { name: 'wasm filter with the same options, into WASM memory', run: () => k.filter(x, { ...opts, ...filterOpts }, out) },
        { name: 'wasm sample (plain options) of the row the processors made', run: () => k.sample(processed, { ...opts, rng }).indices },
      );
    }
    const t = timeCases(cases, rounds);
    io.out.write(`softmax-wasm sample: ${rows}×${vocab} f32, ${k.build} build, one thread\n\n`);
    io.out.write(formatTimings(t, 'plain JS: softmax + sort + cumsum') + '\n\n');
    io.out.write(`sample / softmax: ${(t[0].ms / t[2].ms).toFixed(2)}×   plain JS / sample: ${(t[3].ms / t[0].ms).toFixed(1)}×\n`);
    if (dec) {
      io.out.write(`sample with the decoding options / plain sample: ${(t[4].ms / t[0].ms).toFixed(2)}× (/ plain sample of the processed row: ${(t[4].ms / t[6].ms).toFixed(2)}×)   filter / softmax: ${(t[5].ms / t[2].ms).toFixed(2)}×\n`);
    }
  } finally {
    k.dispose();
  }
  return 0;
}

/** The decoding options of the command line (null when none is given), with their data made from `seed`. */
function decodingOptions(s: (k: string) => string | undefined, rows: number, vocab: number, seed: number): { options: SampleOptions; desc: string } | null {
  const o: SampleOptions = {};
  const parts: string[] = [];
  const r = new Rng(seed + 1);
  const hist = num('sample', 'history', s('history'), 0, { lo: 0, hi: 2 ** 20, int: true })!;
  if (hist > 0) {
    o.history = Array.from({ length: rows }, () => Int32Array.from({ length: hist }, () => r.int(vocab)));
    parts.push(`a ${hist}-token history`);
  }
  const win = num('sample', 'penalty-window', s('penalty-window'), undefined, { lo: 0, int: true });
  if (win !== undefined) { o.penaltyWindow = win; parts.push(`window ${win}`); }
  const rep = num('sample', 'repetition-penalty', s('repetition-penalty'), undefined, { lo: 0, loOpen: true });
  if (rep !== undefined) { o.repetitionPenalty = rep; parts.push(`repetition ${rep}`); }
  const pres = num('sample', 'presence-penalty', s('presence-penalty'), undefined, {});
  if (pres !== undefined) { o.presencePenalty = pres; parts.push(`presence ${pres}`); }
  const freq = num('sample', 'frequency-penalty', s('frequency-penalty'), undefined, {});
  if (freq !== undefined) { o.frequencyPenalty = freq; parts.push(`frequency ${freq}`); }
  const nb = num('sample', 'bias', s('bias'), 0, { lo: 0, hi: vocab, int: true })!;
  if (nb > 0) {
    const bias = new Map<number, number>();
    while (bias.size < nb) bias.set(r.int(vocab), 10 * r.next() - 5);
    o.logitBias = bias;
    parts.push(`${nb} logit biases`);
  }
  const frac = num('sample', 'allowed', s('allowed'), undefined, { lo: 0, hi: 1, loOpen: true });
  if (frac !== undefined) {
    const words = Math.ceil(vocab / 32);
    const mask = new Uint32Array(rows * words);
    for (let i = 0; i < rows; i++) for (let t = 0; t < vocab; t++) if (r.next() < frac) mask[i * words + (t >>> 5)] |= 1 << (t & 31);
    o.allowed = mask;
    parts.push(`an allowed mask (${frac})`);
  }
  const typ = num('sample', 'typical-p', s('typical-p'), undefined, { lo: 0, hi: 1, loOpen: true });
  if (typ !== undefined) { o.typicalP = typ; parts.push(`typical-p ${typ}`); }
  const ns = num('sample', 'top-n-sigma', s('top-n-sigma'), undefined, { lo: 0, loOpen: true });
  if (ns !== undefined) { o.topNSigma = ns; parts.push(`top-nσ ${ns}`); }
  const tl = num('sample', 'top-logprobs', s('top-logprobs'), undefined, { lo: 1, hi: vocab, int: true });
  if (tl !== undefined) { o.topLogProbs = tl; parts.push(`top ${tl} log-probs`); }
  const n = num('sample', 'n', s('n'), undefined, { lo: 1, hi: 4096, int: true });
  if (n !== undefined) { o.n = n; parts.push(`n ${n}`); }
  return parts.length ? { options: o, desc: parts.join(', ') } : null;
}
