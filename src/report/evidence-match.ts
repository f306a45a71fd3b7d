/**
 * Which packets belong to which flagged flow, for the evidence file (src/report/evidence.ts):
 * the 5-tuple key of a flow and of a packet (the same either way round; an ICMP error is
 * keyed by the packet it quotes, one whose quote was cut by the address it was sent to),
 * the time window a packet must fall in, and the scope test that lets packets of flows that
 * can only be ignored go at once.
 */
import { L4_ICMP, L4_ICMP6, L4_TCP, L4_UDP, type DecodedPacket } from '../decode/packet.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { FlowRecord } from '../flow/types.js';

/** Seconds after a flow's last packet within which an ICMP error quoting it belongs to its evidence. */
export const ICMP_ERROR_WINDOW = 60;

/** IP protocol number of a flow's transport. */
const PROTO_NUMBER = { tcp: L4_TCP, udp: L4_UDP, icmp: L4_ICMP, icmp6: L4_ICMP6 } as const;

/** One end of a 5-tuple as text: the address words and the port. */
function endKey(v: number, w0: number, w1: number, w2: number, w3: number, port: number): string {
  return v === 6 ? `${w0 >>> 0}.${w1 >>> 0}.${w2 >>> 0}.${w3 >>> 0}:${port}` : `${w0 >>> 0}:${port}`;
}

/** The 5-tuple of a flow or packet, the same either way round. */
function tupleKey(proto: number, a: string, b: string): string {
  return a < b ? `${proto}|${a}|${b}` : `${proto}|${b}|${a}`;
}

/** The key under which ICMP errors with a cut quote are found: the address they were sent to. */
function cutKey(v: number, w0: number, w1: number, w2: number, w3: number): string {
  return `cut|${endKey(v, w0, w1, w2, w3, 0)}`;
}

/** The cut-quote key of a flow: its client's address. */
export function flowCutKey(f: FlowRecord): string {
  const c = f.clientWords;
  return cutKey(f.family, c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0);
}

/** Whether an ICMP error with a cut quote can be this flow's: a TCP or UDP flow its server never answered (as the flow table ties them). */
export function mayOwnCutQuote(f: FlowRecord): boolean {
  return (f.proto === 'tcp' || f.proto === 'udp') && f.packets.server === 0;
}

/** The key of a flow record. */
export function flowKey(f: FlowRecord): string {
  const c = f.clientWords, s = f.serverWords;
  const icmp = f.proto === 'icmp' || f.proto === 'icmp6';
  return tupleKey(PROTO_NUMBER[f.proto],
    endKey(f.family, c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0, icmp ? 0 : f.clientPort),
    endKey(f.family, s[0] ?? 0, s[1] ?? 0, s[2] ?? 0, s[3] ?? 0, icmp ? 0 : f.serverPort));
}

/** ICMP error message types (RFC 792, RFC 4443 §2.1): they quote the packet they answer. */
function icmpErrorType(l4: number, type: number): boolean {
  return l4 === L4_ICMP ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
}

/**
 * The key of a decoded packet, or null when it can belong to no flow (no transport
 * header: later fragments, damaged packets). `icmpError` says whether it is an ICMP
 * error (then the key is that of the quoted packet).
 */
export function packetKey(p: DecodedPacket, out: { icmpError: boolean }): string | null {
  const l4 = p.l4;
  out.icmpError = false;
  if (l4 === L4_TCP || l4 === L4_UDP) {
    return tupleKey(l4, endKey(p.ipVersion, p.src0, p.src1, p.src2, p.src3, p.srcPort),
      endKey(p.ipVersion, p.dst0, p.dst1, p.dst2, p.dst3, p.dstPort));
  }
  if (l4 !== L4_ICMP && l4 !== L4_ICMP6) return null;
  if (!p.quoted && !icmpErrorType(l4, p.icmpType)) {
    return tupleKey(l4, endKey(p.ipVersion, p.src0, p.src1, p.src2, p.src3, 0), endKey(p.ipVersion, p.dst0, p.dst1, p.dst2, p.dst3, 0));
  }
  out.icmpError = true;
  const q = p.qProto;
  const ports = q === L4_TCP || q === L4_UDP;
  if (!p.quoted || (ports && (p.qSrcPort < 0 || p.qDstPort < 0))) {
    // A short snap length cut the quote: the flow table ties such a destination unreachable
    // by its outer destination (the quoted packet's sender, the flow's client).
    const unreach = (l4 === L4_ICMP && p.icmpType === 3) || (l4 === L4_ICMP6 && p.icmpType === 1);
    return unreach ? cutKey(p.ipVersion, p.dst0, p.dst1, p.dst2, p.dst3) : null;
  }
  if (!ports && q !== L4_ICMP && q !== L4_ICMP6) return null;
  return tupleKey(q, endKey(p.qIpVersion, p.qSrc0, p.qSrc1, p.qSrc2, p.qSrc3, ports ? p.qSrcPort : 0),
    endKey(p.qIpVersion, p.qDst0, p.qDst1, p.qDst2, p.qDst3, ports ? p.qDstPort : 0));
}

/**
 * Whether a packet touches a WFO host or the cloud: its addresses, or for an ICMP error those
 * of the packet it quotes (an error whose quote was cut is always kept), as classify.ts decides scope.
 */
export function inScope(d: ResolvedDesign): (p: DecodedPacket) => boolean {
  const w = [0, 0, 0, 0];
  const hit = (v: number, a: number, b: number, c: number, e: number): boolean => {
    const fam: 4 | 6 = v === 6 ? 6 : 4;
    w[0] = a; w[1] = b; w[2] = c; w[3] = e;
    return d.wfo.has(fam, w) || d.cloud.has(fam, w);
  };
  return (p) => {
    const icmp = p.l4 === L4_ICMP || p.l4 === L4_ICMP6;
    if (icmp && p.quoted) return hit(p.qIpVersion, p.qSrc0, p.qSrc1, p.qSrc2, p.qSrc3) || hit(p.qIpVersion, p.qDst0, p.qDst1, p.qDst2, p.qDst3);
    // An error whose quote was cut names only the client: the server may still be a WFO host.
    if (icmp && icmpErrorType(p.l4, p.icmpType)) return true;
    return hit(p.ipVersion, p.src0, p.src1, p.src2, p.src3) || hit(p.ipVersion, p.dst0, p.dst1, p.dst2, p.dst3);
  };
}

/** Whether a packet at `ts` (an ICMP error or not) is part of the flagged flow's evidence. */
export function within(fl: { first: number; last: number }, ts: number, icmpError: boolean): boolean {
  return ts >= fl.first && (ts <= fl.last || (icmpError && ts <= fl.last + ICMP_ERROR_WINDOW));
}
