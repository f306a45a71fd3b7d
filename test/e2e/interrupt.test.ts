/**
 * Ctrl-C during an audit: reading stops (even a read waiting on a pipe), the report
 * covers what was read, later inputs are not read, the exit code is 2 and every
 * stopped input has its one-line error.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { idleOnInput } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/wfo-audit.js');
const DEMO = join(ROOT, 'fixtures/demo/demo.pcap');
const SITE = join(ROOT, 'fixtures/demo/site.yaml');

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Starts `audit` on stdin (kept open: the CLI waits on the pipe), feeds it the demo capture, then sends `signals`. */
async function interrupted(args: string[], signals: NodeJS.Signals[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, 'audit', '--site', SITE, '--fail-on', 'none', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<Run>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  child.stdin.write(readFileSync(DEMO));
  await idleOnInput(child.pid!);
  for (const s of signals) child.kill(s);
  const r = await exited;
  child.stdin.destroy();
  return { ...r, stdout, stderr };
}

describe('interrupting an audit', () => {
  it('stops a read waiting on stdin, reports what was read, skips the next input, exits 2', async () => {
    const r = await interrupted(['--format', 'json', '-', DEMO], ['SIGINT']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^wfo-audit: stdin: stopped after (\d+) packets \(interrupted\); the report covers those only$/);
    expect(lines[1]).toBe(`wfo-audit: ${DEMO}: not read (the audit was interrupted)`);
    const report = JSON.parse(r.stdout) as { inputs: { path: string; packets: number; error: string | null }[]; stats: { packets: number } };
    const n = Number(/after (\d+) packets/.exec(lines[0]!)![1]);
    expect(report.stats.packets).toBe(n);
    expect(report.inputs.map((i) => [i.path, i.packets])).toEqual([['-', n], [DEMO, 0]]);
    expect(report.inputs.every((i) => i.error !== null)).toBe(true);
  }, 30_000);

  it('SIGTERM stops the same way', async () => {
    const term = await interrupted(['--format', 'table', '-'], ['SIGTERM']);
    expect(term.code).toBe(2);
    expect(term.stdout).toContain('WFO traffic audit');
    expect(term.stdout).toMatch(/stopped early: stdin: stopped after \d+ packets/);
  }, 30_000);
});
