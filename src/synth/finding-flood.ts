/**
 * The benchmark's "every flow is a finding" capture (issue 11): N single SYNs, each from
 * a distinct address outside every role of the premises site (172.16.0.0/12, one per
 * flow), to a designed port of the WFO server (50817, Info Broker), `gapMs` apart. Each is
 * an `unexpected` flow whose reason names its address (`not-a-site-host`): the worst case
 * for the finding grouper and the paths (one path, N distinct clients, N distinct reasons). Streamed to a file, never held
 * in memory; deterministic.
 */
import { PcapWriter } from '../capture/writer.js';
import { LINKTYPE_ETHERNET, PROTO_TCP, frame, tcp } from './craft.js';

/** Writes `count` SYNs from distinct clients to `path`; returns the capture's span in seconds. */
export function generateFindingFlood(path: string, count: number, port = 50817, gapMs = 1,
  startSec = Date.UTC(2026, 0, 15) / 1000): number {
  const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET }, path);
  const base = (172 << 24 | 16 << 16) >>> 0;
  for (let i = 0; i < count; i++) {
    const a = (base + 1 + i) >>> 0;
    const src = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    const sport = 10000 + (i % 50000);
    const seg = tcp({ src, dst: '10.10.0.10', sport, dport: port, seq: (i * 2654435761) >>> 0, ack: 0, flags: 'S' });
    const us = i * gapMs * 1000;
    w.write({ tsSec: startSec + Math.floor(us / 1e6), tsNsec: (us % 1e6) * 1000, data: frame(src, '10.10.0.10', PROTO_TCP, seg) });
  }
  w.close();
  return (count * gapMs) / 1000;
}
