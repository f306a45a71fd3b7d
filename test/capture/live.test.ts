import { createSocket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { liveOpenMessage, openLive } from '../../src/capture/live.js';
import type { PacketSink } from '../../src/capture/types.js';
import { CaptureError } from '../../src/errors.js';
import { needsRoot } from '../support/requires.js';
import { waitUntil } from '../support/wait.js';

const root = needsRoot();

// The test's own traffic: 127.0.0.1 -> 127.0.0.77 on lo, nothing else.
const DST = '127.0.0.77';
const PORT = 47123;
const N = 25;

interface Seen { srcPort: number; dstPort: number; udpLen: number; caplen: number; linkType: number; ts: number }

/** Pulls the UDP ports out of an Ethernet/IPv4/UDP frame (lo is Ethernet-framed on Linux). */
function recordingSink(seen: Seen[]): PacketSink {
  return {
    packet(buf, off, caplen, _orig, tsSec, tsNsec, linkType) {
      const ihl = (buf[off + 14]! & 0x0f) * 4;
      const u = off + 14 + ihl;
      seen.push({
        srcPort: (buf[u]! << 8) | buf[u + 1]!,
        dstPort: (buf[u + 2]! << 8) | buf[u + 3]!,
        udpLen: (buf[u + 4]! << 8) | buf[u + 5]!,
        caplen, linkType, ts: tsSec + tsNsec / 1e9,
      });
    },
  };
}

describe('live capture on lo via cap', () => {
  it.runIf(root)('sees exactly the datagrams the test sends, with the right ports and lengths', async () => {
    const seen: Seen[] = [];
    const cap = await openLive({ iface: 'lo', filter: `udp and host ${DST} and port ${PORT}`, bufferSize: 16 << 20 },
      recordingSink(seen));
    expect(cap.linkType).toBe(1);
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const srcPort = sock.address().port;
    const before = Date.now() / 1000;
    for (let i = 0; i < N; i++) {
      await new Promise<void>((r, j) => sock.send(Buffer.alloc(10 + i, i), PORT, DST, (e) => (e ? j(e) : r())));
    }
    // Wait for delivery by condition (not by time assertion): all N, with a generous bound.
    await waitUntil(() => seen.length >= N, `${N} datagrams`);
    await new Promise((r) => setTimeout(r, 50)); // an extra packet would show here (too short only to miss one, never to fail)
    cap.stop();
    cap.stop(); // idempotent
    sock.close();
    expect(seen.length).toBe(N);
    expect(cap.packets).toBe(N);
    for (let i = 0; i < N; i++) {
      expect(seen[i]!.srcPort).toBe(srcPort);
      expect(seen[i]!.dstPort).toBe(PORT);
      expect(seen[i]!.udpLen).toBe(8 + 10 + i);
      expect(seen[i]!.caplen).toBe(14 + 20 + 8 + 10 + i);
      expect(seen[i]!.linkType).toBe(1);
      expect(seen[i]!.ts).toBeGreaterThan(before - 5);
      if (i > 0) expect(seen[i]!.ts).toBeGreaterThanOrEqual(seen[i - 1]!.ts);
    }
    expect(cap.bytes).toBe(seen.reduce((a, s) => a + s.caplen, 0));
  });

  it.runIf(root)('names an unknown interface in one line', async () => {
    const err = await openLive({ iface: 'nosuch0', bufferSize: 1 << 20 }, recordingSink([])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as Error).message).toMatch(/^live capture on nosuch0: No such device exists \(no interface named "nosuch0"/);
    expect((err as Error).message).not.toContain('\n');
  });

  it.runIf(root)("reports a bad BPF filter with libpcap's words", async () => {
    const err = await openLive({ iface: 'lo', filter: 'udp and hoost 1', bufferSize: 1 << 20 }, recordingSink([])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as Error).message).toBe('live capture on lo: bad filter "udp and hoost 1": syntax error in filter expression');
  });

  it('says how to install cap when it cannot load', async () => {
    const err = await openLive({ iface: 'lo' }, recordingSink([]), {
      loadCap: () => Promise.reject(new Error("Cannot find module 'cap'")),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as Error).message).toContain('needs the optional `cap` module and libpcap: apt-get install libpcap-dev, then npm rebuild cap');
  });

  it('turns a permission failure into the root-or-tcpdump advice', () => {
    expect(liveOpenMessage('eth1', '', 'socket: Operation not permitted')).toBe(
      'live capture on eth1: socket: Operation not permitted; run as root (live drops to --user, default nobody, once the capture is open), ' +
      'or grant tcpdump the capabilities and use --engine tcpdump: sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(command -v tcpdump))');
  });

  it.runIf(root)('gives the setcap advice for what libpcap really says without CAP_NET_RAW', () => {
    let capsh = '';
    try { capsh = execFileSync('sh', ['-c', 'command -v capsh'], { encoding: 'utf8' }).trim(); } catch { /* absent */ }
    expect(capsh, 'capsh (libcap2-bin) is needed to drop capabilities').not.toBe('');
    // A child without the capabilities asks cap to open lo and prints libpcap's own words.
    const capDir = fileURLToPath(new URL('../../node_modules/cap', import.meta.url));
    const script = `const {Cap}=require(${JSON.stringify(capDir)});try{new Cap().open('lo','',1<<20,Buffer.alloc(2048));console.log('OPENED')}catch(e){console.log(e.message)}`;
    const raw = execFileSync(capsh, ['--drop=cap_net_raw,cap_net_admin', '--', '-c',
      `${process.execPath} -e ${JSON.stringify(script)}`], { encoding: 'utf8' }).trim();
    expect(raw).not.toBe('OPENED');
    expect(liveOpenMessage('lo', '', raw)).toMatch(
      /^live capture on lo: .*Operation not permitted; run as root \(live drops to --user.*--engine tcpdump: sudo setcap cap_net_raw,cap_net_admin=eip/);
  });
});
