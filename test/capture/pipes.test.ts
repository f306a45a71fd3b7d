/**
 * Named pipes and process substitution (dumpcap -w FIFO, `wfo-audit audit <(tcpdump -w - …)`):
 * read once as a stream, never peeked or reopened (either would lose the data or hang).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { orderInputs, readInput } from '../../src/capture/open.js';
import { idleOnInput } from '../support/cli.js';
import { processHasOpen, waitUntil } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = join(ROOT, 'fixtures/demo/demo.pcap');
const DIR = mkdtempSync(join(tmpdir(), 'wfo-pipes-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** A FIFO that receives `bytes` once a reader opens it, then is closed by its writer. */
function fifoWith(name: string, bytes: Uint8Array): string {
  const path = join(DIR, name);
  execFileSync('mkfifo', [path]);
  const w = createWriteStream(path);
  w.end(bytes);
  return path;
}

describe('named pipes', () => {
  const demo = readFileSync(DEMO);
  // What a plain read of the file gives: every FIFO read must give the same.
  let packets = 0;
  beforeAll(async () => {
    packets = (await readInput(DEMO, 0, { packet() {} })).packets;
    expect(packets).toBeGreaterThan(100);
  });

  it('reads a FIFO to the end, plain and gzipped, as a stream', async () => {
    let n = 0;
    const sink = { packet() { n++; } };
    const plain = await readInput(fifoWith('plain.pcap', demo), 0, sink);
    expect(plain).toMatchObject({ format: 'pcap', gzip: false, packets, error: null });
    expect(n).toBe(packets);
    const gz = await readInput(fifoWith('gz.pcap', gzipSync(demo)), 0, sink);
    expect(gz).toMatchObject({ format: 'pcap', gzip: true, packets, error: null });
  });

  it('does not peek a FIFO to order inputs (it would consume it): it goes first, unread', async () => {
    const fifo = join(DIR, 'unopened.pcap');
    execFileSync('mkfifo', [fifo]);
    // No writer: peeking would block forever. Ordering must not open it at all.
    expect(await orderInputs([DEMO, fifo])).toEqual([fifo, DEMO]);
  });

  it('the CLI audits a FIFO beside a file, and a process substitution', async () => {
    const bin = join(ROOT, 'bin/wfo-audit.js');
    // The writer lives in this process: run the CLI asynchronously, or neither could move.
    const run = promisify(execFile);
    const fifo = fifoWith('cli.pcap', demo);
    const both = JSON.parse((await run(process.execPath, [bin, 'audit', '--format', 'json', '--fail-on', 'none', DEMO, fifo],
      { encoding: 'utf8', timeout: 20_000 })).stdout) as { inputs: { path: string; packets: number; error: null | string }[] };
    expect(both.inputs.map((i) => [i.path, i.packets, i.error])).toEqual([[fifo, packets, null], [DEMO, packets, null]]);
    const sub = await run('bash', ['-c', `"${process.execPath}" "${bin}" audit --format json --fail-on none <(cat "${DEMO}")`],
      { encoding: 'utf8', timeout: 20_000 });
    expect((JSON.parse(sub.stdout) as { stats: { packets: number } }).stats.packets).toBe(packets);
  }, 30_000);

  it('waits for a writer that comes later (the reader opened the FIFO first)', async () => {
    const path = join(DIR, 'late.pcap');
    execFileSync('mkfifo', [path]);
    let n = 0;
    const reading = readInput(path, 0, { packet() { n++; } });
    await waitUntil(() => processHasOpen(path), 'the reader to open the FIFO');
    createWriteStream(path).end(demo);
    expect(await reading).toMatchObject({ packets, error: null });
    expect(n).toBe(packets);
  });

  it('Ctrl-C stops a FIFO whose writer stalls, with the report of what was read', async () => {
    const fifo = join(DIR, 'stall.pcap');
    execFileSync('mkfifo', [fifo]);
    const w = createWriteStream(fifo);
    w.write(demo); // and never ends: the audit waits on the pipe
    const child = spawn(process.execPath, [join(ROOT, 'bin/wfo-audit.js'), 'audit', '--format', 'json', '--fail-on', 'none', fifo]);
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // wait until the CLI has read the 270 packets and sits on the pipe (its SIGINT handler is in place by then)
    await idleOnInput(child.pid!);
    child.kill('SIGINT');
    expect(await done).toBe(2);
    w.destroy();
    expect(err).toMatch(new RegExp(`^wfo-audit: ${fifo}: stopped after \\d+ packets \\(interrupted\\)`));
    expect((JSON.parse(out) as { inputs: { error: string }[] }).inputs[0]!.error).toMatch(/interrupted/);
  }, 30_000);
});
