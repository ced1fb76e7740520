/**
 * `softmax-wasm sample`: one decoding step's sampling on an LLM-size vocabulary, timed: the WASM
 * sampler (input in WASM memory, and copied in from a plain array), the WASM softmax of the same
 * rows, and the careful plain-JS sort-based sampler, with ratios from the same run.
 */
import { loadWasm, Rng } from 'softmax-wasm';
import { CommandFailed, num, parse, type Io } from '../args.js';
import { formatTimings, llmLogits, plainJsSample, timeCases, type TimedCase } from '../../shared/sample_timing.js';

export const SAMPLE_HELP = `Usage: softmax-wasm sample [--vocab N] [--rows N] [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--seed S] [--rounds N]

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
  -h, --help        this help
`;

export async function sampleCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse('sample', argv, {
    vocab: { type: 'string' }, rows: { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' },
    'top-p': { type: 'string' }, 'min-p': { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' },
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
    const t = timeCases(cases, rounds);
    io.out.write(`softmax-wasm sample: ${rows}×${vocab} f32, ${k.build} build, one thread\n\n`);
    io.out.write(formatTimings(t, 'plain JS: softmax + sort + cumsum') + '\n\n');
    io.out.write(`sample / softmax: ${(t[0].ms / t[2].ms).toFixed(2)}×   plain JS / sample: ${(t[3].ms / t[0].ms).toFixed(1)}×\n`);
  } finally {
    k.dispose();
  }
  return 0;
}
