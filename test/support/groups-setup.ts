/**
 * vitest global setup: gives the test workers a directory where left-out test groups
 * are noted (test/support/requires.ts), and prints one line per left-out group at the end.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates the directory the workers note left-out groups in; the returned teardown prints them. */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-left-out-'));
  process.env.WFO_LEFT_OUT_DIR = dir;
  return () => {
    const lines = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8').trim());
    rmSync(dir, { recursive: true, force: true });
    for (const l of lines) process.stderr.write(`wfo-audit tests: ${l}\n`);
  };
}
