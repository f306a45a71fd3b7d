/**
 * Runs the built CLI (bin/wfo-audit.js -> dist/) the way a user would.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
  // COLUMNS sets the width of reports that do not go to a terminal: the goldens are 100 columns.
  const { COLUMNS: _columns, ...env } = process.env;
  const p = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...env, NO_COLOR: '1', TZ: 'UTC' }, ...opts,
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
 * Resolves once process `pid` is past start-up and waiting for input: every one of its
 * threads is asleep (state S in /proc/PID/task/T/stat) and its CPU time has not moved for
 * three polls in a row. Node itself catches SIGINT from its first instant (to restore the
 * terminal), so /proc's SigCgt cannot tell when the CLI's own handler is installed; a CLI
 * that sits idle on a pipe has installed it (it does so before reading any input). A
 * condition, not a clock: under load the process just takes more polls to get there.
 */
export async function idleOnInput(pid: number): Promise<void> {
  let last = -1, still = 0;
  for (let i = 0; i < 1200; i++) {
    let cpu = 0, allAsleep = true;
    try {
      for (const t of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (f[0] !== 'S') allAsleep = false;
        cpu += Number(f[11]) + Number(f[12]);
      }
    } catch {
      throw new Error(`process ${pid} ended before it waited for input`);
    }
    still = allAsleep && cpu === last ? still + 1 : 0;
    if (still >= 3 && cpu > 0) return;
    last = cpu;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} never sat idle waiting for input`);
}
