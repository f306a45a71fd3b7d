/**
 * ICMPv6 (RFC 4443 §2.1): type and code; the error messages 1 destination
 * unreachable (§3.1), 2 packet too big (§3.2), 3 time exceeded (§3.3) and
 * 4 parameter problem (§3.4) quote the offending IPv6 packet after 8 bytes. Its
 * header, extension chain and first transport bytes are decoded into the q* fields,
 * never into the main src/dst/port fields.
 */
import { L4_ICMP6, type DecodedPacket } from './packet.js';
import { BAD_ICMP_QUOTE, TRUNCATED_ICMP_QUOTE, softProblem } from './problems.js';
import { decodeIcmpHeader, decodeQuotedPorts } from './icmp.js';
import { EXT_BAD, EXT_OK, Ipv6ExtState, walkIpv6Ext } from './ipv6-ext.js';
import { u32be } from '../bytes.js';

const walk = new Ipv6ExtState();
// The quoted payload length describes the original packet, not the quote, so the
// chain walk is bounded by the captured quote only.
const NO_LENGTH_LIMIT = Number.MAX_SAFE_INTEGER;

/** Decodes the ICMPv6 message at `o`; `capEnd` ends the captured bytes, `ipEnd` the message per the IP length. */
export function decodeIcmp6(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, ipEnd: number): void {
  const start = decodeIcmpHeader(p, L4_ICMP6, buf, o, capEnd, ipEnd);
  if (start < 0) return;
  const type = p.icmpType;
  if (type >= 1 && type <= 4) decodeQuotedIpv6(p, buf, start, capEnd < ipEnd ? capEnd : ipEnd);
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
  p.qSrc0 = u32be(buf, q + 8);
  p.qSrc1 = u32be(buf, q + 12);
  p.qSrc2 = u32be(buf, q + 16);
  p.qSrc3 = u32be(buf, q + 20);
  p.qDst0 = u32be(buf, q + 24);
  p.qDst1 = u32be(buf, q + 28);
  p.qDst2 = u32be(buf, q + 32);
  p.qDst3 = u32be(buf, q + 36);
  walkIpv6Ext(walk, buf, q + 40, buf[q + 6]!, end, NO_LENGTH_LIMIT);
  p.qProto = walk.proto;
  if (walk.status !== EXT_OK) {
    softProblem(p, walk.status === EXT_BAD ? BAD_ICMP_QUOTE : TRUNCATED_ICMP_QUOTE);
    return;
  }
  if (walk.fragOffset !== 0) return;
  if (walk.proto !== 6 && walk.proto !== 17) return;
  decodeQuotedPorts(p, buf, walk.offset, end);
}
