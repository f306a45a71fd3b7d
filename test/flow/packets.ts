/**
 * Test helper: fills a DecodedPacket by hand, the way the decoder would, so the
 * flow table can be driven scenario by scenario without capture files.
 */
import { FlowTable, type FlowTableOptions } from '../../src/flow/flow-table.js';
import type { FlowRecord } from '../../src/flow/types.js';
import {
  DecodedPacket, L4_ICMP, L4_ICMP6, L4_NONE, L4_TCP, L4_UDP,
  TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN,
} from '../../src/decode/packet.js';

/** Address text to words (IPv4 one word, IPv6 four); test-only parser. */
export function words(ip: string): number[] {
  if (!ip.includes(':')) {
    const b = ip.split('.').map(Number);
    return [((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0];
  }
  const [h, t] = ip.split('::');
  const hs = h ? h.split(':') : [];
  const tsx = t !== undefined ? (t ? t.split(':') : []) : [];
  const groups = t !== undefined ? [...hs, ...Array(8 - hs.length - tsx.length).fill('0'), ...tsx] : hs;
  const g = groups.map((x) => parseInt(x, 16));
  return [0, 1, 2, 3].map((i) => ((g[2 * i] << 16) | g[2 * i + 1]) >>> 0);
}

/** What a scenario packet says; everything optional has a plain default. */
export interface PktSpec {
  ts: number;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  proto?: 'tcp' | 'udp' | 'icmp' | 'icmp6' | 'none';
  /** TCP flags as letters: S A F R P. */
  flags?: string;
  seq?: number;
  ack?: number;
  /** Payload bytes on the wire (and captured, filled with `fill`). */
  len?: number;
  fill?: number;
  origLen?: number;
  vlan?: number;
  icmpType?: number;
  icmpCode?: number;
  /** For ICMP errors: the quoted packet as sent. */
  quote?: { src: string; dst: string; proto: 'tcp' | 'udp' | 'icmp'; sport?: number; dport?: number };
  frag?: { id: number; offset: number; more: boolean; proto: number };
}

const PROTO = { tcp: L4_TCP, udp: L4_UDP, icmp: L4_ICMP, icmp6: L4_ICMP6, none: L4_NONE } as const;

/** Fills the reused packet `p` from a spec. */
export function fill(p: DecodedPacket, x: PktSpec): DecodedPacket {
  p.reset();
  const len = x.len ?? 0;
  const buf = new Uint8Array(54 + len).fill(x.fill ?? 0x61, 54);
  p.buf = buf; p.offset = 0; p.caplen = buf.length;
  p.origLen = x.origLen ?? 54 + len;
  p.ts = x.ts;
  const s = words(x.src), d = words(x.dst);
  p.ipVersion = s.length === 1 ? 4 : 6;
  [p.src0, p.src1, p.src2, p.src3] = [s[0], s[1] ?? 0, s[2] ?? 0, s[3] ?? 0];
  [p.dst0, p.dst1, p.dst2, p.dst3] = [d[0], d[1] ?? 0, d[2] ?? 0, d[3] ?? 0];
  if (x.vlan !== undefined) { p.vlanCount = 1; p.vlan0 = x.vlan; }
  const proto = x.proto ?? 'tcp';
  p.l4 = PROTO[proto];
  p.ipProto = proto === 'none' ? (x.frag?.proto ?? -1) : p.l4;
  if (x.frag) {
    p.isFragment = true; p.fragOffset = x.frag.offset; p.moreFragments = x.frag.more; p.ipId = x.frag.id;
    p.ipProto = x.frag.proto;
  }
  if (proto === 'tcp' || proto === 'udp') { p.srcPort = x.sport ?? 0; p.dstPort = x.dport ?? 0; }
  if (proto === 'tcp') {
    let f = 0;
    for (const ch of x.flags ?? 'A') f |= ch === 'S' ? TCP_SYN : ch === 'A' ? TCP_ACK : ch === 'F' ? TCP_FIN : ch === 'R' ? TCP_RST : ch === 'P' ? TCP_PSH : 0;
    p.tcpFlags = f; p.tcpSeq = (x.seq ?? 0) >>> 0; p.tcpAck = (x.ack ?? 0) >>> 0;
  }
  if (proto === 'icmp' || proto === 'icmp6') { p.icmpType = x.icmpType ?? 8; p.icmpCode = x.icmpCode ?? 0; }
  p.payloadOffset = 54; p.payloadCaptured = len; p.payloadLength = len;
  if (x.quote) {
    const qs = words(x.quote.src), qd = words(x.quote.dst);
    p.quoted = true; p.qIpVersion = qs.length === 1 ? 4 : 6;
    [p.qSrc0, p.qSrc1, p.qSrc2, p.qSrc3] = [qs[0], qs[1] ?? 0, qs[2] ?? 0, qs[3] ?? 0];
    [p.qDst0, p.qDst1, p.qDst2, p.qDst3] = [qd[0], qd[1] ?? 0, qd[2] ?? 0, qd[3] ?? 0];
    p.qProto = x.quote.proto === 'tcp' ? 6 : x.quote.proto === 'udp' ? 17 : p.qIpVersion === 6 ? 58 : 1;
    p.qSrcPort = x.quote.sport ?? -1; p.qDstPort = x.quote.dport ?? -1;
  }
  return p;
}

/** Runs a list of packets through a fresh table (one reused DecodedPacket) and returns what it emitted. */
export function run(specs: PktSpec[], opts: FlowTableOptions = {}, flush = true): { flows: FlowRecord[]; table: FlowTable } {
  const flows: FlowRecord[] = [];
  const table = new FlowTable(opts, (f) => flows.push(f));
  const p = new DecodedPacket();
  for (const x of specs) table.add(fill(p, x), 0);
  if (flush) table.flush();
  return { flows, table };
}
