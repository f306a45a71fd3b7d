import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { openTcpdump, parseTcpdumpDrops } from '../../src/capture/engine-tcpdump.js';
import type { PacketSink } from '../../src/capture/types.js';
import { CaptureError } from '../../src/errors.js';
import { needsRoot, requireTools } from '../support/requires.js';
import { waitUntil } from '../support/wait.js';

const live = requireTools('tcpdump', ['tcpdump']) && needsRoot();

// The test's own traffic only: 127.0.0.1 -> 127.0.0.78 on lo.
const DST = '127.0.0.78';
const PORT = 47124;
const N = 12;

describe('tcpdump engine', () => {
  it.runIf(live)('delivers exactly the datagrams the test sends and the kernel drop count at exit', async () => {
    const lens: number[] = [];
    const sink: PacketSink = { packet(_b, _o, caplen) { lens.push(caplen); } };
    const cap = await openTcpdump({ iface: 'lo', filter: `udp and host ${DST} and port ${PORT}`, bufferSize: 4 << 20 }, sink);
    expect(cap.linkType).toBe(1);
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    for (let i = 0; i < N; i++) {
      await new Promise<void>((r, j) => sock.send(Buffer.alloc(20 + i), PORT, DST, (e) => (e ? j(e) : r())));
    }
    await waitUntil(() => cap.packets >= N, `${N} datagrams through tcpdump`);
    cap.stop();
    const info = await cap.done;
    sock.close();
    expect(info).toMatchObject({ path: 'lo', format: 'live', packets: N, linkTypes: [1], error: null });
    expect(lens).toEqual(Array.from({ length: N }, (_, i) => 14 + 20 + 8 + 20 + i));
    expect(cap.dropped).toBe(0);
  }, 60_000);

  it.runIf(live)("says tcpdump's words for a bad interface and a bad filter", async () => {
    const sink: PacketSink = { packet() {} };
    await expect(openTcpdump({ iface: 'nosuch0', bufferSize: 1 << 20 }, sink)).rejects.toThrow(
      new CaptureError('live capture on nosuch0: No such device exists (no interface named "nosuch0"; list them with `ip link` or `tcpdump -D`)'));
    await expect(openTcpdump({ iface: 'lo', filter: 'udp and hoost 1', bufferSize: 1 << 20 }, sink)).rejects.toThrow(
      new CaptureError('live capture on lo: bad filter "udp and hoost 1": syntax error in filter expression'));
    await expect(openTcpdump({ iface: 'lo' }, sink, '/nonexistent/tcpdump')).rejects.toThrow(
      'live capture on lo: /nonexistent/tcpdump not found (apt-get install tcpdump)');
  });

  it('parses the drop line of the exit statistics', () => {
    expect(parseTcpdumpDrops('10 packets captured\n12 packets received by filter\n2 packets dropped by kernel\n')).toBe(2);
    expect(parseTcpdumpDrops('tcpdump: listening on lo')).toBeNull();
  });
});
