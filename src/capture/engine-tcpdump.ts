/**
 * Live capture through the real tcpdump (`--engine tcpdump`): tcpdump writes a
 * pcap stream to stdout (`-U -w -`), read with the same pcap reader as files,
 * and reports the kernel's drop count on stderr when it stops. Use it where the
 * loss figure must come from the kernel, which the cap engine cannot ask.
 */
import { spawn } from 'node:child_process';
import { CaptureError } from '../errors.js';
import type { InputInfo, PacketSink } from './types.js';
import { DEFAULT_LIVE_BUFFER, liveOpenMessage, type LiveCapture, type LiveOptions } from './live.js';
import { readStream } from './open.js';

/** A tcpdump-engine capture: the live counters plus what tcpdump says when it ends. */
export interface EngineCapture extends LiveCapture {
  /** Packets the kernel dropped, from tcpdump's exit statistics; null until tcpdump has exited. */
  dropped: number | null;
  /** Resolves when tcpdump has exited and its stream is read to the end. */
  done: Promise<InputInfo>;
}

/** tcpdump's DLT names (pcap_datalink_val_to_name) for the link types we decode. */
const DLT_NAMES: Record<string, number> = {
  NULL: 0, EN10MB: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276,
};

/** Parses `N packets dropped by kernel` from tcpdump's exit statistics. */
export function parseTcpdumpDrops(stderr: string): number | null {
  const m = /(\d+) packets? dropped by kernel/.exec(stderr);
  return m ? Number(m[1]) : null;
}

/**
 * Starts tcpdump on `opts.iface` and delivers its packets to the sink. Resolves
 * once tcpdump says it is listening.
 * @param command  tcpdump binary (tests and unusual installs)
 * @throws CaptureError when tcpdump is missing or refuses the interface, permission or filter
 */
export async function openTcpdump(opts: LiveOptions, sink: PacketSink, command = 'tcpdump'): Promise<EngineCapture> {
  const filter = opts.filter ?? '';
  const args = ['-i', opts.iface, '-n', '-U', '-w', '-',
    '-B', String(Math.max(1, Math.floor((opts.bufferSize ?? DEFAULT_LIVE_BUFFER) / 1024))),
    '-s', String(opts.snaplen ?? 262144)];
  if (opts.user) args.push('-Z', opts.user);
  if (filter !== '') args.push(filter);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('close', () => { exited = true; resolve(); }));
  const cap: EngineCapture = {
    linkType: -1,
    packets: 0,
    bytes: 0,
    truncated: 0,
    dropped: null,
    stop() { if (!exited) child.kill('SIGINT'); },
    done: Promise.resolve(null as unknown as InputInfo),
  };
  const counting: PacketSink = {
    packet(buf, off, caplen, origLen, tsSec, tsNsec, linkType, iface) {
      cap.packets++;
      cap.bytes += origLen;
      if (caplen < origLen) cap.truncated++;
      sink.packet(buf, off, caplen, origLen, tsSec, tsNsec, linkType, iface);
    },
  };
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(new CaptureError(e.code === 'ENOENT'
        ? `live capture on ${opts.iface}: ${command} not found (apt-get install tcpdump)`
        : `live capture on ${opts.iface}: cannot run ${command}: ${e.message}`));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 65536) stderr += s;
      const m = /listening on \S+, link-type (\S+)/.exec(stderr);
      if (m && !settled) {
        settled = true;
        cap.linkType = DLT_NAMES[m[1]!] ?? -1;
        resolve();
      }
    });
    void exit.then(() => {
      if (settled) return;
      settled = true;
      const lines = stderr.trim().split('\n').filter((l) => !/^tcpdump: (verbose|data link)/.test(l));
      const last = (lines.find((l) => l.startsWith('tcpdump: ')) ?? lines.at(-1) ?? `${command} exited`).replace(/^tcpdump: /, '').replace(new RegExp(`^${opts.iface.replace(/\W/g, '\\$&')}: `), '');
      reject(new CaptureError(liveOpenMessage(opts.iface, filter, last)));
    });
  });
  cap.done = (async () => {
    const info = await readStream(`tcpdump -i ${opts.iface}`, child.stdout, counting);
    await exit;
    cap.dropped = parseTcpdumpDrops(stderr);
    if (info.linkTypes.length > 0) cap.linkType = info.linkTypes[0]!;
    return { ...info, path: opts.iface, format: 'live' as const };
  })();
  return cap;
}
