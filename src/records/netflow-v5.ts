/**
 * NetFlow v5 export packets (Cisco's fixed format): a 24-byte header (version 5, count,
 * sysUpTime, UNIX seconds and nanoseconds, flow sequence, engine type and id, sampling)
 * and `count` records of 48 bytes. IPv4 only; times are sysUpTime-relative.
 */
import type { ExportOrigin, ExportSession } from './export-session.js';
import { readUnsigned } from './fields.js';

const V5_HEADER = 24;
const V5_RECORD = 48;

/** Parses one v5 export packet; returns its length, or 0 when it cannot be read. */
export function parseV5Message(s: ExportSession, b: Uint8Array, origin: ExportOrigin, where: string): number {
  if (b.length < V5_HEADER) { s.problem('message-too-short', where); return 0; }
  const count = (b[2]! << 8) | b[3]!;
  if (count === 0 || count > 30) { s.problem('v5-record-count', where); return 0; }
  if (V5_HEADER + count * V5_RECORD > b.length) { s.problem('records-past-datagram', where); return 0; }
  const upMs = readUnsigned(b, 4, 4), secs = readUnsigned(b, 8, 4), nsecs = readUnsigned(b, 12, 4), seq = readUnsigned(b, 16, 4);
  const engine = (b[20]! << 8) | b[21]!;
  const sampling = ((b[22]! << 8) | b[23]!) & 0x3fff;
  const src = s.source(origin, engine);
  if (sampling > 1) src.sampling = sampling;
  const clock = { exportSec: secs + nsecs / 1e9, upMs };
  const v = s.values;
  for (let i = 0; i < count; i++) {
    const o = V5_HEADER + i * V5_RECORD;
    v.reset();
    v.src4 = readUnsigned(b, o, 4);
    v.dst4 = readUnsigned(b, o + 4, 4);
    v.pkts = readUnsigned(b, o + 16, 4);
    v.bytes = readUnsigned(b, o + 20, 4);
    v.startUp = readUnsigned(b, o + 24, 4);
    v.endUp = readUnsigned(b, o + 28, 4);
    v.sport = (b[o + 32]! << 8) | b[o + 33]!;
    v.dport = (b[o + 34]! << 8) | b[o + 35]!;
    v.flags = b[o + 37]!;
    v.proto = b[o + 38]!;
    s.dataRecord(src, clock, 5);
  }
  src.message(5, seq, count);
  return V5_HEADER + count * V5_RECORD;
}

