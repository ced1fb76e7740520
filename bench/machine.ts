/**
 * The machine header of a bench report (bench/harness.ts fills it, bench/report.ts prints it): Node
 * and V8, CPU, cores, memory, load, the git commit and the build that was measured.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAverage: number[];
  date: string;
  git?: string;
  wasmBuild?: string;
}


function gitDescribe(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'assembly', 'src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+uncommitted kernel/src changes` : head;
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const wasmPath = fileURLToPath(new URL('../build/softmax.wasm', import.meta.url));
  let wasmBuild: string | undefined;
  if (existsSync(wasmPath)) {
    const bytes = readFileSync(wasmPath);
    wasmBuild = `build/softmax.wasm ${bytes.length} B sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  }
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${process.arch}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
    git: gitDescribe(),
    wasmBuild,
  };
}
