/**
 * UDP header (RFC 768): 8 bytes, ports and length. The payload length is taken
 * from the IP length rather than the UDP length field, so that a bogus UDP length
 * cannot make us claim bytes the IP layer does not carry.
 */
import { L4_UDP, type DecodedPacket } from './packet.js';
import { TRUNCATED_UDP_HEADER, stopProblem } from './problems.js';

/** Decodes the UDP header at `o`; `capEnd` ends the captured bytes, `ipEnd` the datagram per the IP length. */
export function decodeUdp(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, ipEnd: number): void {
  if (capEnd - o < 8 || ipEnd - o < 8) {
    stopProblem(p, TRUNCATED_UDP_HEADER, -1);
    return;
  }
  p.l4 = L4_UDP;
  p.srcPort = (buf[o]! << 8) | buf[o + 1]!;
  p.dstPort = (buf[o + 2]! << 8) | buf[o + 3]!;
  const start = o + 8;
  p.payloadOffset = start;
  p.payloadLength = ipEnd - start;
  const end = ipEnd < capEnd ? ipEnd : capEnd;
  p.payloadCaptured = end > start ? end - start : 0;
}
