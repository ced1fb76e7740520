/**
 * `npm run bench -- --runtime node20|node22|node24|deno|bun`: re-runs bench/run.ts (the other
 * arguments unchanged) on that runtime, from scripts/test/runtimes.mjs: Node through tsx's loader,
 * Deno and Bun on the .ts file directly. Returns the child's exit code, or null when there is no
 * --runtime flag (or it names the runtime already running: BENCH_RUNTIME is set in the child).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export async function forwardToRuntime(argv: string[]): Promise<number | null> {
  const i = argv.findIndex((a) => a === '--runtime' || a.startsWith('--runtime='));
  if (i < 0) return null;
  const name = argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  const rest = argv.filter((_, j) => j !== i && !(j === i + 1 && !argv[i].includes('=')));
  if (process.env.BENCH_RUNTIME === name) return null;
  const { ensureRuntimes, runtimes } = await import('../scripts/test/runtimes.mjs');
  ensureRuntimes();
  const [rt] = runtimes([name]) as { name: string; bin: string; args: string[] }[];
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run.ts');
  const args = rt.name.startsWith('node') ? ['--import', 'tsx', script] : [...(rt.name === 'deno' ? ['run', '-A'] : []), script];
  console.log(`bench: running on ${rt.name} (${rt.bin})`);
  const r = spawnSync(rt.bin, [...args, ...rest], { stdio: 'inherit', env: { ...process.env, BENCH_RUNTIME: rt.name } });
  return r.status ?? 1;
}
