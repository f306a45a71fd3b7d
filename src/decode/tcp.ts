/**
 * TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, data
 * offset, flags, window. A header cut by the capture or with an impossible data
 * offset leaves `l4` at L4_NONE, because tshark does not count such segments in
 * its conversations either.
 */
import { L4_TCP, type DecodedPacket } from './packet.js';
import { BAD_TCP_DATA_OFFSET, TRUNCATED_TCP_HEADER, stopProblem } from './problems.js';
import { u32be } from '../bytes.js';

/**
 * Decodes the TCP header at `o`. In a first fragment the payload fields describe
 * this fragment only. `capEnd` is the end of the captured bytes, `ipEnd`
 * the end of the segment per the IP length (may lie beyond `capEnd`).
 */
export function decodeTcp(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, ipEnd: number): void {
  if (capEnd - o < 20) {
    stopProblem(p, TRUNCATED_TCP_HEADER, -1);
    return;
  }
  const hl = (buf[o + 12]! >> 4) * 4;
  if (hl < 20) {
    stopProblem(p, BAD_TCP_DATA_OFFSET, -1);
    return;
  }
  // A data offset past the IP length is a bogus header, unless this is a first
  // fragment: then the rest of the header is in the next fragment.
  if (hl > ipEnd - o && !p.moreFragments) {
    stopProblem(p, BAD_TCP_DATA_OFFSET, -1);
    return;
  }
  if (hl > capEnd - o || hl > ipEnd - o) {
    stopProblem(p, TRUNCATED_TCP_HEADER, -1);
    return;
  }
  p.l4 = L4_TCP;
  p.srcPort = (buf[o]! << 8) | buf[o + 1]!;
  p.dstPort = (buf[o + 2]! << 8) | buf[o + 3]!;
  p.tcpSeq = u32be(buf, o + 4);
  p.tcpAck = u32be(buf, o + 8);
  p.tcpFlags = buf[o + 13]!;
  p.tcpWindow = (buf[o + 14]! << 8) | buf[o + 15]!;
  const start = o + hl;
  p.payloadOffset = start;
  p.payloadLength = ipEnd - start;
  const end = ipEnd < capEnd ? ipEnd : capEnd;
  p.payloadCaptured = end > start ? end - start : 0;
}
