/**
 * Faults of the thread pool: a worker terminated between calls, a worker that exits or hangs while
 * it holds a chunk of a long call (test hook in src/wasm/pool.ts), a fault during an in-place call,
 * and a process that never calls dispose(). Each scenario runs in its own Node process
 * (tests/fixtures/threads-faults.ts) and this test is its watchdog: a hang is killed after 60 s
 * and fails the test.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/threads-faults.ts', import.meta.url));
const WATCHDOG_MS = 60_000;

function scenario(name: string): Record<string, unknown> {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, name], { encoding: 'utf8', timeout: WATCHDOG_MS });
  const ms = Date.now() - t0;
  if (r.error || r.status !== 0) {
    throw new Error(`scenario ${name}: ${r.error ? `${r.error.message} (watchdog ${WATCHDOG_MS} ms)` : `exit ${r.status} ${r.signal ?? ''}`} after ${ms} ms\n${r.stderr}`);
  }
  const line = r.stdout.trim().split('\n').pop()!;
  return { ...JSON.parse(line), processMs: ms };
}

describe('threads: faults never hang the caller nor give a wrong answer', () => {
  it('a worker terminated between calls (awaited, and still going down during the next call)', () => {
    const r = scenario('between');
    expect(r.threadsAfterTerminate).toBe(2);
    expect(r.reason).toMatch(/terminated/);
    expect(r.ok1).toBe(true);
    expect(r.ok2).toBe(true);
    expect(r.ok3).toBe(true);
    expect(r.threadsAtEnd).toBe(1);
  }, WATCHDOG_MS + 10_000);

  for (const [name, what] of [['exit', 'exits'], ['hang', 'hangs'], ['exit-ce', 'exits (cross-entropy)']] as const) {
    it(`a worker that ${what} while it holds a chunk: the caller redoes it, right answer, next calls right`, () => {
      const r = scenario(name);
      expect(r.ok1).toBe(true);
      expect(r.recovered).toBeGreaterThanOrEqual(1);
      expect(r.threadsAfter).toBe(1);
      expect(r.reason).toMatch(/stopped responding/);
      expect(r.ok2).toBe(true);
    }, WATCHDOG_MS + 10_000);
  }

  it('a worker that stops during an in-place call: a clear Error, then the instance works on', () => {
    const r = scenario('inplace');
    expect(r.threw).toBe(true);
    expect(r.isError).toBe(true);
    expect(r.message).toMatch(/softmax: a worker stopped while it computed part of the result in place.*goes on with 1 thread/);
    expect(r.threadsAfter).toBe(1);
    expect(r.ok2).toBe(true);
  }, WATCHDOG_MS + 10_000);

  it('a process that loads threads: 2 and never calls dispose() exits on its own', () => {
    const r = scenario('no-dispose');
    expect(r.threads).toBe(2);
    expect(r.ok1).toBe(true);
  }, WATCHDOG_MS + 10_000);
});
