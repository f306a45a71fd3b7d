import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupUser } from '../../src/capture/drop-privileges.js';
import { BIN, ROOT, idleOnInput, oneLineError, runCli } from '../support/cli.js';
import { isRoot, requireTools, requires } from '../support/requires.js';

interface Ids { uid: string; gid: string; groups: string }

/** Real, effective, saved and filesystem ids and the supplementary groups of a process, from /proc. */
function idsOf(pid: number): Ids {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = (k: string) => (new RegExp(`^${k}:\\t?(.*)$`, 'm').exec(s)?.[1] ?? '').trim().replace(/\s+/g, ' ');
  return { uid: line('Uid'), gid: line('Gid'), groups: line('Groups') };
}

/** Polls (bounded) until the process no longer runs as root, or returns what it has. */
async function afterDrop(pid: number): Promise<Ids> {
  let ids = idsOf(pid);
  for (let i = 0; i < 200 && ids.uid.startsWith('0 '); i++) {
    await new Promise((r) => setTimeout(r, 50));
    ids = idsOf(pid);
  }
  return ids;
}

/** The pids of a process's children (/proc/PID/task/PID/children). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

async function sendUdp(dst: string, port: number, n: number): Promise<void> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < n; i++) await new Promise<void>((r, j) => sock.send(Buffer.alloc(16, i), port, dst, (e) => (e ? j(e) : r())));
  sock.close();
}

function startLive(args: string[]) {
  const p = spawn(process.execPath, [BIN, 'live', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => p.on('close', (code) => r({ code, stdout, stderr })));
  return { pid: p.pid!, kill: (s: NodeJS.Signals) => p.kill(s), ended };
}

interface Report { live: { stoppedBy: string; engine: string; kernelDrops: number | null }; flows: { server: string; packets: { client: number } }[] }

const root = requires('root', isRoot(), 'run the tests as root to capture on lo');

describe.runIf(root)('live started as root drops privileges once the capture is open', () => {
  const nobody = root ? lookupUser('nobody') : { name: 'nobody', uid: -1, gid: -1 };
  const dropped = { uid: Array(4).fill(nobody.uid).join(' '), gid: Array(4).fill(nobody.gid).join(' '), groups: '' };

  it('cap engine: runs as nobody (uid, gid, no groups) while capturing; stop and the report still work', async () => {
    const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.80', '--format', 'json', '--no-dashboard']);
    expect(await afterDrop(run.pid)).toEqual(dropped);
    await idleOnInput(run.pid);
    await sendUdp('127.0.0.80', 47125, 4);
    run.kill('SIGINT');
    const r = await run.ended;
    const report = JSON.parse(r.stdout) as Report;
    expect(report.live.stoppedBy).toBe('ctrl-c');
    expect(report.flows.some((f) => f.server === '127.0.0.80:47125' && f.packets.client === 4)).toBe(true);
  }, 60_000);

  it('--keep-root keeps root', async () => {
    const run = startLive(['-i', 'lo', '--filter', 'udp and host 127.0.0.80', '--format', 'json', '--no-dashboard', '--keep-root']);
    await idleOnInput(run.pid);
    expect(idsOf(run.pid).uid).toBe('0 0 0 0');
    run.kill('SIGINT');
    expect((JSON.parse((await run.ended).stdout) as Report).live.stoppedBy).toBe('ctrl-c');
  }, 60_000);

  it('--user with no such user is a one-line usage error, exit 2', () => {
    const r = runCli(['live', '-i', 'lo', '--duration', '1', '--user', 'no-such-user-wfo']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('wfo-audit: --user: no user named "no-such-user-wfo" (getent passwd no-such-user-wfo finds none)');
  });
});

describe.runIf(root && requireTools('tcpdump', ['tcpdump']))('live --engine tcpdump as root', () => {
  it('wfo-audit and its tcpdump (-Z) both run as nobody; stop and the drop count still work', async () => {
    const nobody = lookupUser('nobody');
    const run = startLive(['-i', 'lo', '--engine', 'tcpdump', '--filter', 'udp and host 127.0.0.81', '--format', 'json', '--no-dashboard']);
    const ids = await afterDrop(run.pid);
    expect(ids.uid).toBe(Array(4).fill(nobody.uid).join(' '));
    await idleOnInput(run.pid);
    const kids = childrenOf(run.pid).filter((c) => readFileSync(`/proc/${c}/comm`, 'utf8').trim() === 'tcpdump');
    expect(kids.length).toBe(1);
    expect(idsOf(kids[0]!).uid).toBe(Array(4).fill(nobody.uid).join(' '));
    const wchar = () => Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${kids[0]}/io`, 'utf8'))?.[1]);
    const before = wchar();
    await sendUdp('127.0.0.81', 47126, 3);
    // tcpdump -U writes each packet as it comes: wait (bounded) until it has written all three
    for (let i = 0; i < 200 && wchar() < before + 3 * (16 + 14 + 20 + 8 + 16); i++) await new Promise((r) => setTimeout(r, 50));
    run.kill('SIGINT');
    const r = await run.ended;
    const report = JSON.parse(r.stdout) as Report;
    expect(report.live).toMatchObject({ stoppedBy: 'ctrl-c', engine: 'tcpdump', kernelDrops: 0 });
    expect(report.flows.some((f) => f.server === '127.0.0.81:47126' && f.packets.client === 3)).toBe(true);
  }, 60_000);
});
