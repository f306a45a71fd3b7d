/**
 * ICMPv6 (RFC 4443 §2.1): type and code; the error messages 1 destination
 * unreachable (§3.1), 2 packet too big (§3.2), 3 time exceeded (§3.3) and
 * 4 parameter problem (§3.4) quote the offending IPv6 packet after 8 bytes. Its
 * header, extension chain and first transport bytes are decoded into the q* fields,
 * never into the main src/dst/port fields.
 */
import { L4_ICMP6, type DecodedPacket } from './packet.js';
import { BAD_ICMP_QUOTE, TRUNCATED_ICMP_HEADER, TRUNCATED_ICMP_QUOTE, softProblem, stopProblem } from './problems.js';
import { EXT_BAD, EXT_OK, Ipv6ExtState, walkIpv6Ext } from './ipv6-ext.js';

const walk = new Ipv6ExtState();
// The quoted payload length describes the original packet, not the quote, so the
// chain walk is bounded by the captured quote only.
const NO_LENGTH_LIMIT = Number.MAX_SAFE_INTEGER;

/** Decodes the ICMPv6 message at `o`; `capEnd` ends the captured bytes, `ipEnd` the message per the IP length. */
export function decodeIcmp6(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, ipEnd: number): void {
  if (capEnd - o < 8 || ipEnd - o < 8) {
    stopProblem(p, TRUNCATED_ICMP_HEADER, -1);
    return;
  }
  p.l4 = L4_ICMP6;
  const type = buf[o]!;
  p.icmpType = type;
  p.icmpCode = buf[o + 1]!;
  const start = o + 8;
  const end = ipEnd < capEnd ? ipEnd : capEnd;
  p.payloadOffset = start;
  p.payloadLength = ipEnd - start;
  p.payloadCaptured = end - start;
  if (type >= 1 && type <= 4) decodeQuotedIpv6(p, buf, start, end);
}

/** Decodes the IPv6 packet quoted at `q`, bounded by `end`, into the q* fields. */
function decodeQuotedIpv6(p: DecodedPacket, buf: Uint8Array, q: number, end: number): void {
  if (end - q >= 1 && buf[q]! >> 4 !== 6) {
    softProblem(p, BAD_ICMP_QUOTE);
    return;
  }
  if (end - q < 40) {
    softProblem(p, TRUNCATED_ICMP_QUOTE);
    return;
  }
  p.quoted = true;
  p.qIpVersion = 6;
  p.qSrc0 = ((buf[q + 8]! << 24) | (buf[q + 9]! << 16) | (buf[q + 10]! << 8) | buf[q + 11]!) >>> 0;
  p.qSrc1 = ((buf[q + 12]! << 24) | (buf[q + 13]! << 16) | (buf[q + 14]! << 8) | buf[q + 15]!) >>> 0;
  p.qSrc2 = ((buf[q + 16]! << 24) | (buf[q + 17]! << 16) | (buf[q + 18]! << 8) | buf[q + 19]!) >>> 0;
  p.qSrc3 = ((buf[q + 20]! << 24) | (buf[q + 21]! << 16) | (buf[q + 22]! << 8) | buf[q + 23]!) >>> 0;
  p.qDst0 = ((buf[q + 24]! << 24) | (buf[q + 25]! << 16) | (buf[q + 26]! << 8) | buf[q + 27]!) >>> 0;
  p.qDst1 = ((buf[q + 28]! << 24) | (buf[q + 29]! << 16) | (buf[q + 30]! << 8) | buf[q + 31]!) >>> 0;
  p.qDst2 = ((buf[q + 32]! << 24) | (buf[q + 33]! << 16) | (buf[q + 34]! << 8) | buf[q + 35]!) >>> 0;
  p.qDst3 = ((buf[q + 36]! << 24) | (buf[q + 37]! << 16) | (buf[q + 38]! << 8) | buf[q + 39]!) >>> 0;
  walkIpv6Ext(walk, buf, q + 40, buf[q + 6]!, end, NO_LENGTH_LIMIT);
  p.qProto = walk.proto;
  if (walk.status !== EXT_OK) {
    softProblem(p, walk.status === EXT_BAD ? BAD_ICMP_QUOTE : TRUNCATED_ICMP_QUOTE);
    return;
  }
  if (walk.fragOffset !== 0) return;
  if (walk.proto !== 6 && walk.proto !== 17) return;
  const t = walk.offset;
  if (end - t < 4) {
    softProblem(p, TRUNCATED_ICMP_QUOTE);
    return;
  }
  p.qSrcPort = (buf[t]! << 8) | buf[t + 1]!;
  p.qDstPort = (buf[t + 2]! << 8) | buf[t + 3]!;
}
