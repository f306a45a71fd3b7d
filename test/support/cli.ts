/**
 * Runs the built CLI (bin/wfo-audit.js -> dist/) the way a user would.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORPUS_DIR } from './requires.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The shared corpus of real captures (read in place, never copied). */
export const CORPUS = CORPUS_DIR;
/** The CLI shim. */
export const BIN = `${ROOT}bin/wfo-audit.js`;

/** Result of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `wfo-audit ARGS` with the repository as working directory. */
export function runCli(args: string[], opts: SpawnSyncOptions = {}): CliRun {
  const p = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' }, ...opts,
  });
  return { code: p.status, stdout: String(p.stdout ?? ''), stderr: String(p.stderr ?? '') };
}

/** The stderr of a failed run is exactly one line of ours, never a stack trace. */
export function oneLineError(r: CliRun): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one error line, got ${lines.length}:\n${r.stderr}`);
  if (/\n\s+at /.test(r.stderr)) throw new Error(`stack trace on stderr:\n${r.stderr}`);
  return lines[0]!;
}

/**
 * Resolves once process `pid` has a SIGINT handler (bit 1 of SigCgt in /proc/PID/status):
 * the CLI is past start-up and a Ctrl-C now reaches its handler instead of killing it.
 */
export async function sigintHandlerInstalled(pid: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const m = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m && (BigInt(`0x${m[1]}`) & 2n) !== 0n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the CLI never installed its SIGINT handler');
}
