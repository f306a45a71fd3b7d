/**
 * IPv4 header (RFC 791 §3.1): IHL and options, total length, identification,
 * fragment offset and MF, protocol, addresses. Only the first fragment (offset 0)
 * carries the transport header (RFC 791 §2.3), so only it is decoded further; later
 * fragments keep (src, dst, proto, id) for the flow table to attribute them.
 */
import type { DecodedPacket } from './packet.js';
import {
  BAD_IP_VERSION, BAD_IPV4_HEADER_LENGTH, BAD_IPV4_TOTAL_LENGTH, IPV4_TOTAL_LENGTH_EXCEEDS_CAPTURE,
  TRUNCATED_IPV4_HEADER, softProblem, stopProblem,
} from './problems.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { decodeIcmp } from './icmp.js';
import { u32be } from '../bytes.js';

/** Decodes the IPv4 packet at `o` up to `capEnd` (end of the captured bytes), then its transport. */
export function decodeIpv4(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number): void {
  if (capEnd - o < 20) {
    stopProblem(p, TRUNCATED_IPV4_HEADER, -1);
    return;
  }
  const b0 = buf[o]!;
  if (b0 >> 4 !== 4) {
    stopProblem(p, BAD_IP_VERSION, -1);
    return;
  }
  const hl = (b0 & 0x0f) * 4;
  if (hl < 20) {
    stopProblem(p, BAD_IPV4_HEADER_LENGTH, -1);
    return;
  }
  if (hl > capEnd - o) {
    stopProblem(p, TRUNCATED_IPV4_HEADER, -1);
    return;
  }
  const total = (buf[o + 2]! << 8) | buf[o + 3]!;
  let ipEnd: number;
  if (total === 0) {
    // Total length 0 is what segmentation offload leaves in captures taken on the
    // sending host; tshark then uses the captured length, and so do we.
    ipEnd = capEnd;
  } else if (total < hl) {
    stopProblem(p, BAD_IPV4_TOTAL_LENGTH, -1);
    return;
  } else {
    ipEnd = o + total;
    if (ipEnd > capEnd) softProblem(p, IPV4_TOTAL_LENGTH_EXCEEDS_CAPTURE);
  }
  p.ipVersion = 4;
  p.src0 = u32be(buf, o + 12);
  p.dst0 = u32be(buf, o + 16);
  const proto = buf[o + 9]!;
  p.ipProto = proto;
  p.ipId = (buf[o + 4]! << 8) | buf[o + 5]!;
  const ff = (buf[o + 6]! << 8) | buf[o + 7]!;
  const fragOffset = (ff & 0x1fff) * 8;
  const mf = (ff & 0x2000) !== 0;
  p.fragOffset = fragOffset;
  p.moreFragments = mf;
  p.isFragment = fragOffset !== 0 || mf;
  if (fragOffset !== 0) return;
  const t = o + hl;
  switch (proto) {
    case 6: decodeTcp(p, buf, t, capEnd, ipEnd); return;
    case 17: decodeUdp(p, buf, t, capEnd, ipEnd); return;
    case 1: decodeIcmp(p, buf, t, capEnd, ipEnd); return;
    default: return;
  }
}
