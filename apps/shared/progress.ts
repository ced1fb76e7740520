/**
 * Training progress: on a TTY a bar redrawn in place (epoch, batch progress, running loss, last
 * accuracy, samples/s) and a kept line per reported epoch; otherwise one plain line per reported
 * epoch. Reported: the first, the last and every `every`-th ({@link progressEvery}: about 20 lines).
 */
import type { EpochRecord } from 'softmax-wasm';

interface Out { write(s: string): boolean; isTTY?: boolean; columns?: number }

const pct = (v: number | undefined): string => (v === undefined ? '' : `${(100 * v).toFixed(2)}%`);
const thousands = (v: number): string => Math.round(v).toLocaleString('en-US');

/** One plain line for an epoch record. */
export function epochLine(r: EpochRecord, epochs: number): string {
  const w = String(epochs).length;
  const parts = [`epoch ${String(r.epoch).padStart(w)}/${epochs}`, `loss ${r.loss.toFixed(4)}`];
  if (r.trainAccuracy !== undefined) parts.push(`train_acc ${pct(r.trainAccuracy)}`);
  if (r.valAccuracy !== undefined) parts.push(`val_loss ${r.valLoss!.toFixed(4)}`, `val_acc ${pct(r.valAccuracy)}`);
  if (r.testAccuracy !== undefined) parts.push(`test_loss ${r.testLoss!.toFixed(4)}`, `test_acc ${pct(r.testAccuracy)}`);
  parts.push(`${thousands(r.samplesPerSecond)} samples/s`, `${(r.seconds * 1000).toFixed(1)} ms`);
  return parts.join('  ');
}

/** How often to keep an epoch line so that a run prints about `lines` of them (1 up to `lines` epochs). */
export function progressEvery(epochs: number, lines = 20): number {
  return Math.max(1, Math.ceil(epochs / lines));
}

export class Progress {
  private readonly tty: boolean;
  private epochStart = 0;
  private lastDraw = 0;
  private lossSum = 0;
  private seen = 0;
  private accuracy: number | undefined;
  private last: EpochRecord | undefined;
  private kept: EpochRecord | undefined;

  constructor(private readonly out: Out, private readonly epochs: number, private readonly batchSize: number, tty?: boolean,
    private readonly every = 1) {
    this.tty = tty ?? out.isTTY === true;
  }

  /** Per minibatch (from onBatch). Redraws at most every 80 ms, and only on a TTY. */
  batch(epoch: number, batch: number, batches: number, loss: number): void {
    if (!this.tty) return;
    const now = performance.now();
    if (batch === 1) { this.epochStart = now; this.lossSum = 0; this.seen = 0; }
    this.lossSum += loss;
    this.seen++;
    if (now - this.lastDraw < 80 && batch !== batches) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((batch / batches) * width);
    const secs = (now - this.epochStart) / 1000;
    const rate = secs > 0 ? (batch * this.batchSize) / secs : 0;
    const w = String(this.epochs).length;
    const acc = this.accuracy === undefined ? '' : `  acc ${pct(this.accuracy)}`;
    let line = `epoch ${String(epoch).padStart(w)}/${this.epochs} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ` +
      `${String(Math.round((100 * batch) / batches)).padStart(3)}%  loss ${(this.lossSum / this.seen).toFixed(4)}${acc}  ${thousands(rate)} samples/s`;
    const cols = this.out.columns ?? 0;
    if (cols > 10 && line.length >= cols) line = line.slice(0, cols - 1);
    this.out.write(`\r\x1b[2K${line}`);
  }

  /** Per epoch (from onEpoch): a kept line for the first, the last and every `every`-th epoch. */
  epoch(r: EpochRecord): void {
    this.accuracy = r.testAccuracy ?? r.valAccuracy ?? r.trainAccuracy ?? this.accuracy;
    this.last = r;
    if (r.epoch === 1 || r.epoch === this.epochs || r.epoch % this.every === 0) this.keep(r);
  }

  /** After training: the last epoch's line if it was not kept (early stopping ended the run between two). */
  finish(): void {
    if (this.last && this.last !== this.kept) this.keep(this.last);
  }

  private keep(r: EpochRecord): void {
    this.kept = r;
    this.out.write(`${this.tty ? '\r\x1b[2K' : ''}${epochLine(r, this.epochs)}\n`);
  }
}
