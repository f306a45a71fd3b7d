import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, idleOnInput, oneLineError, runCli } from '../support/cli.js';
import { isRoot, requires } from '../support/requires.js';

interface Ended { code: number | null; stdout: string; stderr: string }

/** Starts `wfo-audit live ARGS` and returns the child and a promise of its end. */
function startLive(args: string[]): { pid: number; kill: (s: NodeJS.Signals) => void; alive: () => boolean; ended: Promise<Ended> } {
  const p = spawn(process.execPath, [BIN, 'live', ...args], {
    cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let done = false;
  const ended = new Promise<Ended>((r) => p.on('close', (code) => { done = true; r({ code, stdout, stderr }); }));
  return { pid: p.pid!, kill: (s) => p.kill(s), alive: () => !done, ended };
}

describe('live --duration values', () => {
  for (const bad of ['0', '-5', 'abc', '']) {
    it(`--duration "${bad}" is a one-line usage error, exit 2`, () => {
      const r = runCli(['live', '-i', 'lo', '--duration', bad]);
      expect(r.code).toBe(2);
      expect(oneLineError(r)).toMatch(/--duration/);
    });
  }
});

const root = requires('root', isRoot(), 'run the tests as root to capture on lo');

describe.runIf(root)('live on lo: a 30-day --duration', () => {
  it('is still running after a few seconds, and SIGINT then gives the final report', async () => {
    const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.78', '--duration', '2592000', '--format', 'json', '--no-dashboard']);
    await idleOnInput(run.pid);
    await new Promise((r) => setTimeout(r, 3000));
    expect(run.alive()).toBe(true);
    run.kill('SIGINT');
    const r = await run.ended;
    expect(r.stderr).not.toMatch(/TimeoutOverflowWarning/);
    const report = JSON.parse(r.stdout) as { inputs: { path: string; format: string }[]; warnings: { code: string }[]; live: Record<string, unknown> };
    expect(report.inputs[0]).toMatchObject({ path: 'lo', format: 'live' });
    expect(report.live).toMatchObject({ stoppedBy: 'ctrl-c', interface: 'lo', filter: 'udp and host 127.0.0.78', engine: 'cap', kernelDrops: null });
    expect(report.live.stoppedAt as number).toBeGreaterThan(report.live.startedAt as number);
    // nothing was sent on the filter, so nothing was judged: exit 2 with the warning that says so
    expect(r.code).toBe(2);
    expect(report.warnings.map((w) => w.code)).toContain('nothing-judged');
  }, 60_000);
});

describe.runIf(root)('live on lo: what stopped it, in every format', () => {
  it('--duration 1: stoppedBy duration in JSON; the table says so in words', async () => {
    const j = runCli(['live', '-i', 'lo', '--filter', 'udp and host 127.0.0.78', '--duration', '1', '--format', 'json']);
    expect((JSON.parse(j.stdout) as { live: { stoppedBy: string } }).live.stoppedBy).toBe('duration');
    const t = runCli(['live', '-i', 'lo', '--filter', 'udp and host 127.0.0.78', '--duration', '1', '--format', 'table']);
    expect(t.stdout.replace(/\n +/g, ' ')).toMatch(/Live capture +captured .* stopped by the end of --duration; interface "lo", filter "udp and host 127\.0\.0\.78", engine cap/);
  }, 60_000);

  it('SIGTERM: stoppedBy sigterm', async () => {
    const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.78', '--format', 'json', '--no-dashboard']);
    await idleOnInput(run.pid);
    run.kill('SIGTERM');
    const r = await run.ended;
    expect((JSON.parse(r.stdout) as { live: { stoppedBy: string } }).live.stoppedBy).toBe('sigterm');
  }, 60_000);
});

/** Sends `n` UDP datagrams from 127.0.0.1 to `dst`:`port` (the test's own traffic on lo). */
async function sendUdp(dst: string, port: number, n: number): Promise<void> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < n; i++) await new Promise<void>((r, j) => sock.send(Buffer.alloc(16, i), port, dst, (e) => (e ? j(e) : r())));
  sock.close();
}

describe('live --out', () => {
  it('a directory that does not exist is a one-line usage error before any capture, exit 2', () => {
    const r = runCli(['live', '-i', 'lo', '--duration', '1', '--out', '/nonexistent-dir/report.json']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('wfo-audit: cannot write /nonexistent-dir/report.json: no such directory');
  });
});

describe.runIf(root)('live --out on lo', () => {
  for (const format of ['json', 'ndjson'] as const) {
    it(`--format ${format}: the report goes to the file, the NDJSON events to stdout`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wfo-live-out-'));
      try {
        const file = join(dir, `report.${format}`);
        const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.79', '--format', format, '--out', file, '--no-dashboard']);
        await idleOnInput(run.pid);
        await sendUdp('127.0.0.79', 47124, 3);
        run.kill('SIGINT');
        const r = await run.ended;
        // stdout: one flow event per flow, and no report
        const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; server: string; packets: { client: number } });
        expect(events.length).toBeGreaterThan(0);
        expect(events.every((e) => e.type === 'flow')).toBe(true);
        expect(events.some((e) => e.server === '127.0.0.79:47124' && e.packets.client === 3)).toBe(true);
        const text = readFileSync(file, 'utf8');
        const report = (format === 'json' ? JSON.parse(text) : JSON.parse(text.trim().split('\n').at(-1)!)) as
          { stats: { flows: number }; live: { stoppedBy: string }; flows?: { server: string }[] };
        expect(report.live.stoppedBy).toBe('ctrl-c');
        expect(report.stats.flows).toBe(events.length);
        if (format === 'json') expect(report.flows!.map((f) => f.server)).toEqual(events.map((e) => e.server));
        else expect(text.trim().split('\n').length).toBe(events.length + 1); // the file is a whole NDJSON report
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
