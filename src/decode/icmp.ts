/**
 * ICMPv4 (RFC 792): type and code; for the error messages that quote the offending
 * datagram (3 destination unreachable, 4 source quench, 5 redirect, 11 time
 * exceeded, 12 parameter problem) the quoted IPv4 header and the first 8 bytes of
 * its transport header (RFC 792, RFC 1812 §4.3.2.3) are decoded into the q* fields.
 * Quoted addresses and ports never reach the main src/dst/port fields: the error
 * belongs to the ICMP flow and is only tied to the flow it answers.
 */
import { L4_ICMP, type DecodedPacket } from './packet.js';
import { BAD_ICMP_QUOTE, TRUNCATED_ICMP_HEADER, TRUNCATED_ICMP_QUOTE, softProblem, stopProblem } from './problems.js';
import { u32be } from '../bytes.js';

/** Decodes the ICMP message at `o`; `capEnd` ends the captured bytes, `ipEnd` the message per the IP length. */
export function decodeIcmp(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, ipEnd: number): void {
  const start = decodeIcmpHeader(p, L4_ICMP, buf, o, capEnd, ipEnd);
  if (start < 0) return;
  const type = p.icmpType;
  if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) decodeQuotedIpv4(p, buf, start, capEnd < ipEnd ? capEnd : ipEnd);
}

/**
 * The 8-byte header both ICMP versions share (RFC 792; RFC 4443 §2.1): type, code, and
 * the message body as payload. Returns where the body starts, or -1 when the header is cut.
 */
export function decodeIcmpHeader(p: DecodedPacket, l4: number, buf: Uint8Array, o: number, capEnd: number, ipEnd: number): number {
  if (capEnd - o < 8 || ipEnd - o < 8) {
    stopProblem(p, TRUNCATED_ICMP_HEADER, -1);
    return -1;
  }
  p.l4 = l4;
  p.icmpType = buf[o]!;
  p.icmpCode = buf[o + 1]!;
  const start = o + 8;
  p.payloadOffset = start;
  p.payloadLength = ipEnd - start;
  p.payloadCaptured = (ipEnd < capEnd ? ipEnd : capEnd) - start;
  return start;
}

/**
 * The ports from the first 8 bytes of a quoted TCP/UDP header at `t` (RFC 792 quotes
 * 64 bits of the original datagram), or a truncated-quote problem.
 */
export function decodeQuotedPorts(p: DecodedPacket, buf: Uint8Array, t: number, end: number): void {
  if (end - t < 4) {
    softProblem(p, TRUNCATED_ICMP_QUOTE);
    return;
  }
  p.qSrcPort = (buf[t]! << 8) | buf[t + 1]!;
  p.qDstPort = (buf[t + 2]! << 8) | buf[t + 3]!;
}

/** Decodes the IPv4 datagram quoted at `q`, bounded by `end`, into the q* fields. */
function decodeQuotedIpv4(p: DecodedPacket, buf: Uint8Array, q: number, end: number): void {
  if (end - q < 20) {
    if (end - q >= 1 && buf[q]! >> 4 !== 4) softProblem(p, BAD_ICMP_QUOTE);
    else {
      softProblem(p, TRUNCATED_ICMP_QUOTE);
      // What survives of a cut quote still narrows the flow it belongs to (the flow table ties it).
      if (end - q >= 10) p.qProto = buf[q + 9]!;
    }
    return;
  }
  const b0 = buf[q]!;
  const hl = (b0 & 0x0f) * 4;
  if (b0 >> 4 !== 4 || hl < 20) {
    softProblem(p, BAD_ICMP_QUOTE);
    return;
  }
  if (hl > end - q) {
    softProblem(p, TRUNCATED_ICMP_QUOTE);
    return;
  }
  p.quoted = true;
  p.qIpVersion = 4;
  p.qSrc0 = u32be(buf, q + 12);
  p.qDst0 = u32be(buf, q + 16);
  const proto = buf[q + 9]!;
  p.qProto = proto;
  // A quoted later fragment has no transport header to quote.
  if ((((buf[q + 6]! << 8) | buf[q + 7]!) & 0x1fff) !== 0) return;
  if (proto !== 6 && proto !== 17) return;
  decodeQuotedPorts(p, buf, q + hl, end);
}
