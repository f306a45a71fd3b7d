/**
 * `live --report-every` (interval reports beside --out and as NDJSON lines) and `live --write`
 * (dumpcap-style ring of pcapng files), on lo with the test's own UDP traffic to 127.0.0.8x.
 * Run as root, live drops to nobody: the test directories are given to nobody, as an admin would.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, idleOnInput, oneLineError, runCli } from '../support/cli.js';
import { isRoot, requireTools, requires } from '../support/requires.js';

interface Ended { code: number | null; stdout: string; stderr: string }

function startLive(args: string[]): { pid: number; ended: Promise<Ended> } {
  const p = spawn(process.execPath, [BIN, 'live', ...args], {
    cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return { pid: p.pid!, ended: new Promise<Ended>((r) => p.on('close', (code) => r({ code, stdout, stderr }))) };
}

/** Sends `n` distinct UDP datagrams from 127.0.0.1 to dst:port, `gapMs` apart. */
async function sendUdp(dst: string, port: number, n: number, gapMs = 0): Promise<void> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < n; i++) {
    await new Promise<void>((r, j) => sock.send(Buffer.alloc(16, i), port, dst, (e) => (e ? j(e) : r())));
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  sock.close();
}

/** A temp directory the dropped user (nobody) can write, as docs/capture.md tells admins to make. */
function dirForNobody(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chownSync(dir, nobodyUid(), -1);
  return dir;
}

function nobodyUid(): number {
  return Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
}

/** tshark's count of the packets in a file (it fails on a file it cannot read). */
function tsharkCount(file: string): number {
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim() === '' ? 0 : out.trim().split('\n').length;
}

type Report = {
  stats: { packets: number; flows: number };
  summary: Record<string, number>;
  flows: { server: string }[];
  inputs: { packets: number }[];
  live: { startedAt: number; stoppedAt: number; stoppedBy: string; interval?: { index: number; every: number; start: number; end: number } };
};

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('live --help and docs/usage.md', () => {
  it('list --report-every, --write, --write-size and --write-files', () => {
    const help = runCli(['live', '--help']).stdout;
    const usage = readFileSync(join(ROOT, 'docs/usage.md'), 'utf8');
    for (const o of ['--report-every', '--write', '--write-size', '--write-files']) {
      expect(help).toMatch(new RegExp(`^  ${o} <`, 'm'));
      expect(usage).toContain('`' + o + ' ');
    }
  });
});

describe('live --report-every and --write values', () => {
  for (const bad of ['0', 'abc', '1.5s', '15x', '-3', '']) {
    it(`--report-every "${bad}" is a one-line usage error, exit 2`, () => {
      const r = runCli(['live', '-i', 'lo', '--duration', '1', '--report-every', bad, '--ndjson', '/dev/null']);
      expect(r.code).toBe(2);
      expect(oneLineError(r)).toBe(`wfo-audit: --report-every: ${JSON.stringify(bad)} is not valid (allowed: whole seconds >= 1, or a number with s, m or h such as 30s, 15m, 1h)`);
    });
  }
  it('--report-every with nowhere to write the interval reports is refused', () => {
    const r = runCli(['live', '-i', 'lo', '--duration', '1', '--report-every', '15m', '-f', 'json']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('wfo-audit: --report-every: the interval reports need --out FILE (one file per interval beside it) or --ndjson FILE (one line per interval)');
  });
  it('--write-files without --write-size, and --write-size without --write, are refused', () => {
    const a = runCli(['live', '-i', 'lo', '--duration', '1', '--write', '/tmp/x.pcapng', '--write-files', '3']);
    expect(a.code).toBe(2);
    expect(oneLineError(a)).toMatch(/--write-files needs --write-size/);
    const b = runCli(['live', '-i', 'lo', '--duration', '1', '--write-size', '5']);
    expect(b.code).toBe(2);
    expect(oneLineError(b)).toBe('wfo-audit: --write-size needs --write FILE.pcapng');
    const c = runCli(['live', '-i', 'lo', '--duration', '1', '--write', '/tmp/x.pcapng', '--write-size', '0']);
    expect(oneLineError(c)).toMatch(/^wfo-audit: --write-size: "0" is not valid \(allowed: MB > 0/);
  });
});

const root = requires('root', isRoot(), 'run the tests as root to capture on lo');
const tshark = requireTools('tshark', ['tshark']);

describe.runIf(root)('live --report-every on lo', () => {
  it('refuses, before capturing, a --out directory the dropped user cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfo-every-root-'));
    dirs.push(dir);
    const r = runCli(['live', '-i', 'lo', '--duration', '1', '--report-every', '2s', '--out', join(dir, 'r.json')]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(`wfo-audit: --report-every: nobody (uid 65534) cannot create files in ${dir} after the privilege drop `
      + `(files are created there once root is given up, as tcpdump -Z does): chown nobody ${dir}, pick a directory it can write, or --keep-root`);
  });

  it('2s over a ~7 s capture: one report per UTC-aligned interval, adding up to the final report', async () => {
    const dir = dirForNobody('wfo-every-');
    dirs.push(dir);
    const out = join(dir, 'day.json'), events = join(dir, 'events.ndjson');
    const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.81', '--duration', '7', '--report-every', '2s',
      '--out', out, '-f', 'json', '--ndjson', events, '--no-dashboard']);
    await idleOnInput(run.pid);
    // a new source port (a new flow) every burst, spread over the capture
    for (let i = 0; i < 8; i++) await sendUdp('127.0.0.81', 47200 + i, 3, 200);
    const r = await run.ended;
    expect(r.stderr).toBe('');
    const final = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(final.live.stoppedBy).toBe('duration');
    expect(final.live.interval).toBeUndefined();
    expect(final.stats.packets).toBe(24);

    const names = readdirSync(dir).filter((f) => /^day-\d{8}T\d{6}Z\.json$/.test(f)).sort();
    const { startedAt, stoppedAt } = final.live;
    // boundaries at multiples of 2 s between the start and the stop, plus the first interval
    expect(names.length).toBe(Math.floor(stoppedAt / 2) - Math.floor(startedAt / 2) + 1);
    expect(names.length).toBeGreaterThanOrEqual(4);
    // created after the drop, by nobody
    for (const n of names) expect(statSync(join(dir, n)).uid).toBe(nobodyUid());
    const parts = names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Report);
    parts.forEach((p, i) => {
      const iv = p.live.interval!;
      expect(iv.index).toBe(i + 1);
      expect(iv.every).toBe(2);
      // named by the interval's UTC start
      expect(names[i]).toBe(`day-${new Date(Math.floor(iv.start) * 1000).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.json`);
      expect(iv.start).toBe(i === 0 ? startedAt : parts[i - 1]!.live.interval!.end);
      if (i > 0) expect(iv.start % 2).toBe(0);
      expect(p.live.stoppedBy).toBe(i === parts.length - 1 ? 'duration' : 'interval');
      expect(p.flows.length).toBe(p.stats.flows);
      expect(p.inputs[0]!.packets).toBe(p.stats.packets);
    });
    expect(parts.at(-1)!.live.interval!.end).toBe(stoppedAt);
    // the slices add up to the whole
    const sum = (f: (p: Report) => number): number => parts.reduce((a, p) => a + f(p), 0);
    expect(sum((p) => p.stats.packets)).toBe(final.stats.packets);
    expect(sum((p) => p.stats.flows)).toBe(final.stats.flows);
    for (const v of Object.keys(final.summary)) expect(sum((p) => p.summary[v] ?? 0)).toBe(final.summary[v]);
    expect(parts.filter((p) => p.stats.packets > 0).length).toBeGreaterThanOrEqual(2);
    expect(parts.flatMap((p) => p.flows.map((f) => f.server)).sort()).toEqual(final.flows.map((f) => f.server).sort());

    // the NDJSON file: one interval line per interval, with the same figures
    const lines = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Report & { type: string });
    const iv = lines.filter((l) => l.type === 'interval');
    expect(iv.map((l) => l.stats.packets)).toEqual(parts.map((p) => p.stats.packets));
    expect(iv.map((l) => l.live.interval!.index)).toEqual(parts.map((_, i) => i + 1));
    expect(lines.filter((l) => l.type === 'flow').length).toBe(final.stats.flows);
  }, 60_000);
});

describe.runIf(root && tshark)('live --write on lo', () => {
  it('one file without --write-size: tshark reads exactly the packets of the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfo-write-one-'));
    dirs.push(dir);
    const file = join(dir, 'cap.pcapng');
    const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.82', '--duration', '3', '--write', file, '-f', 'json', '--no-dashboard']);
    await idleOnInput(run.pid);
    await sendUdp('127.0.0.82', 47300, 17);
    const r = await run.ended;
    const report = JSON.parse(r.stdout) as Report;
    expect(report.stats.packets).toBe(17);
    expect(tsharkCount(file)).toBe(17);
  }, 60_000);

  for (const keep of [undefined, 2] as const) {
    it(`--write-size 0.002${keep ? ` --write-files ${keep}` : ''}: ring files named as dumpcap's, each readable by tshark, none past the size`, async () => {
      const dir = dirForNobody('wfo-write-');
      dirs.push(dir);
      const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.83', '--duration', '4', '--write', join(dir, 'cap.pcapng'),
        '--write-size', '0.002', ...(keep ? ['--write-files', String(keep)] : []), '-f', 'json', '--no-dashboard']);
      await idleOnInput(run.pid);
      await sendUdp('127.0.0.83', 47301, 100);
      const r = await run.ended;
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as Report;
      expect(report.stats.packets).toBe(100);
      const files = readdirSync(dir).sort();
      expect(files.every((f) => /^cap_\d{5}_\d{14}\.pcapng$/.test(f))).toBe(true);
      const counts = files.map((f) => tsharkCount(join(dir, f)));
      for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2000);
      // the first file was opened as root and given to nobody, the others created by it: the ring can delete them all
      for (const f of files) expect(statSync(join(dir, f)).uid).toBe(nobodyUid());
      // 16-byte datagrams on lo: 92 bytes a block, 21 to a 2000-byte file after its 60 header bytes
      const made = Math.ceil(100 / 21);
      const numbers = files.map((f) => Number(f.slice(4, 9)));
      if (keep === undefined) {
        expect(counts.reduce((a, b) => a + b, 0)).toBe(report.stats.packets);
        expect(numbers).toEqual(Array.from({ length: made }, (_, i) => i + 1));
      } else {
        expect(files.length).toBe(keep);
        expect(numbers).toEqual([made - 1, made]);
        expect(counts).toEqual([21, 100 - 21 * (made - 1)]);
      }
    }, 60_000);
  }
});
