/**
 * Real flow exporters for the flow-record tests: Debian's softflowd and pmacctd read a
 * capture and export to a UDP socket on 127.0.0.1 that this helper opens; the datagrams
 * are returned as sent (and can be written as an IPFIX file: RFC 5655, the messages back
 * to back). Commands follow ../shared/notes/flow-exporters.md.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** One datagram as received. */
export interface Datagram { data: Buffer; port: number }

/** Binds a UDP socket on 127.0.0.1 (any port) that keeps every datagram. */
export async function udpSink(): Promise<{ port: number; got: Datagram[]; close: () => void }> {
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 32 << 20 });
  const got: Datagram[] = [];
  sock.on('message', (m, r) => got.push({ data: Buffer.from(m), port: r.port }));
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  return { port: sock.address().port, got, close: () => sock.close() };
}

/** Runs a program to its end (with a time limit), resolving with its exit code and stderr. */
export function runToEnd(cmd: string, args: string[], limitMs = 30_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const t = setTimeout(() => c.kill('SIGKILL'), limitMs);
    c.on('error', (e) => { clearTimeout(t); res({ code: null, stderr: String(e) }); });
    c.on('close', (code) => { clearTimeout(t); res({ code, stderr }); });
  });
}

/** Waits until no datagram came for `quietMs`. */
export async function settle(got: Datagram[], quietMs = 300): Promise<void> {
  let n = -1;
  while (n !== got.length) {
    n = got.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/**
 * softflowd reading `capture` and exporting with `args` (e.g. ['-v', '10', '-A', 'milli']) to a port; the datagrams it sent.
 * softflowd says how many export packets it sent: a receipt short of that (the kernel dropped datagrams while
 * this process was busy) is tried again, up to four times.
 */
export async function softflowdExport(capture: string, args: string[]): Promise<Datagram[]> {
  let last: Datagram[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const sink = await udpSink();
    const dir = mkdtempSync(join(tmpdir(), 'wfo-softflowd-'));
    try {
      const r = await runToEnd('softflowd', ['-r', resolve(capture), '-d', '-c', 'none', '-p', join(dir, 'pid'), '-6', '-n', `127.0.0.1:${sink.port}`, ...args]);
      if (r.code !== 0) throw new Error(`softflowd failed (${r.code}): ${r.stderr.trim()}`);
      const sent = Number(/Flows exported: \d+ \(\d+ records\) in (\d+) packets/.exec(r.stderr)?.[1] ?? NaN);
      await settle(sink.got);
      last = sink.got;
      if (!(sink.got.length < sent)) return sink.got;
    } finally {
      sink.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return last;
}

/** pmacctd (nfprobe plugin, `version` 9 or 10) reading `capture`; the datagrams it sent. */
export async function pmacctExport(capture: string, version: 9 | 10): Promise<Datagram[]> {
  const sink = await udpSink();
  const dir = mkdtempSync(join(tmpdir(), 'wfo-pmacct-'));
  try {
    const conf = join(dir, 'pmacctd.conf');
    writeFileSync(conf, [
      'daemonize: false', `pcap_savefile: ${resolve(capture)}`, 'pcap_savefile_wait: false', 'plugins: nfprobe[ex]',
      `nfprobe_receiver[ex]: 127.0.0.1:${sink.port}`, `nfprobe_version[ex]: ${version}`,
      'aggregate[ex]: src_host, dst_host, src_port, dst_port, proto, tos, tcpflags', '',
    ].join('\n'));
    // pmacctd exited 1 once in a loaded CI run (not reproduced in 25 runs): tried up to three times, with
    // what it said besides its INFO lines in the error.
    let r = { code: null as number | null, stderr: '' };
    for (let attempt = 0; attempt < 3 && r.code !== 0; attempt++) {
      sink.got.length = 0;
      r = await runToEnd('pmacctd', ['-f', conf]);
    }
    if (r.code !== 0) throw new Error(`pmacctd failed (${r.code}): ${r.stderr.split('\n').filter((l) => !l.startsWith('INFO')).join(' | ').slice(0, 600)}`);
    await settle(sink.got, 500);
    return sink.got;
  } finally {
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The datagrams as an IPFIX file (RFC 5655): the payloads back to back. */
export function ipfixFile(path: string, got: readonly Datagram[]): string {
  writeFileSync(path, Buffer.concat(got.map((d) => d.data)));
  return path;
}
