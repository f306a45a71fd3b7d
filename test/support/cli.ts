/**
 * Runs the built CLI (bin/wfo-audit.js -> dist/) the way a user would.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The shared corpus of real captures (read in place, never copied). */
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
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
