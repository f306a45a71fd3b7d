/**
 * IPv6 header (RFC 8200 §3) and its extension chain (§4, see ipv6-ext.ts).
 *
 * Address choice: the flow addresses are the IPv6 header's source and destination,
 * also when a Routing header (segments left > 0) names another final destination or
 * a Home Address option (RFC 6275 §6.3) names another source. That is what was on
 * the wire at the capture point; tshark instead uses the transport pseudo-header
 * addresses (see docs/decoding.md).
 */
import type { DecodedPacket } from './packet.js';
import {
  BAD_IP_VERSION, BAD_IPV6_EXT_CHAIN, IPV6_PAYLOAD_LENGTH_EXCEEDS_CAPTURE, TRUNCATED_IPV6_EXT,
  TRUNCATED_IPV6_HEADER, softProblem, stopProblem,
} from './problems.js';
import { EXT_OK, EXT_TRUNCATED, Ipv6ExtState, findJumboLength, walkIpv6Ext } from './ipv6-ext.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { decodeIcmp6 } from './icmp6.js';
import { u32be } from '../bytes.js';

const walk = new Ipv6ExtState();

/** Decodes the IPv6 packet at `o` up to `capEnd` (end of the captured bytes), then its transport. */
export function decodeIpv6(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number): void {
  if (capEnd - o < 40) {
    stopProblem(p, TRUNCATED_IPV6_HEADER, -1);
    return;
  }
  if (buf[o]! >> 4 !== 6) {
    stopProblem(p, BAD_IP_VERSION, -1);
    return;
  }
  p.ipVersion = 6;
  p.src0 = u32be(buf, o + 8);
  p.src1 = u32be(buf, o + 12);
  p.src2 = u32be(buf, o + 16);
  p.src3 = u32be(buf, o + 20);
  p.dst0 = u32be(buf, o + 24);
  p.dst1 = u32be(buf, o + 28);
  p.dst2 = u32be(buf, o + 32);
  p.dst3 = u32be(buf, o + 36);
  const plen = (buf[o + 4]! << 8) | buf[o + 5]!;
  const nh = buf[o + 6]!;
  const start = o + 40;
  let ipEnd: number;
  if (plen !== 0) {
    ipEnd = start + plen;
  } else {
    // Payload length 0: a jumbogram (RFC 2675) if Hop-by-Hop carries the option,
    // otherwise segmentation offload, where the capture is the best length we have.
    const jumbo = nh === 0 ? findJumboLength(buf, start, capEnd) : 0;
    ipEnd = jumbo > 0 ? start + jumbo : capEnd;
  }
  if (ipEnd > capEnd) softProblem(p, IPV6_PAYLOAD_LENGTH_EXCEEDS_CAPTURE);
  walkIpv6Ext(walk, buf, start, nh, capEnd, ipEnd);
  p.ipProto = walk.proto;
  if (walk.hasFragment) {
    p.ipId = walk.fragId;
    p.fragOffset = walk.fragOffset;
    p.moreFragments = walk.moreFragments;
    p.isFragment = walk.fragOffset !== 0 || walk.moreFragments;
  }
  if (walk.status !== EXT_OK) {
    stopProblem(p, walk.status === EXT_TRUNCATED ? TRUNCATED_IPV6_EXT : BAD_IPV6_EXT_CHAIN, -1);
    return;
  }
  if (walk.fragOffset !== 0) return;
  switch (walk.proto) {
    case 6: decodeTcp(p, buf, walk.offset, capEnd, ipEnd); return;
    case 17: decodeUdp(p, buf, walk.offset, capEnd, ipEnd); return;
    case 58: decodeIcmp6(p, buf, walk.offset, capEnd, ipEnd); return;
    default: return;
  }
}
