/**
 * Entry point of the packet decoder: one switch on the link type, then one
 * protocol per file down to TCP/UDP/ICMP. Fills the reused DecodedPacket in place,
 * never throws, never reads past `offset + caplen`, allocates nothing.
 * Link types: tcpdump.org link-layer header types registry.
 */
import type { DecodedPacket } from './packet.js';
import { UNSUPPORTED_LINK_TYPE, stopProblem } from './problems.js';
import { decodeEthernet } from './ethernet.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import { decodeNull } from './null.js';
import { decodeRawIp } from './raw.js';

/** Link types decoded by decodePacket (LINKTYPE_* values), ascending. */
export const DECODED_LINK_TYPES: readonly number[] = Object.freeze([0, 1, 12, 14, 101, 108, 113, 228, 229, 276]);

/**
 * Decodes the packet at `buf[offset .. offset+caplen)` captured on `linkType` into `p`
 * (after `p.reset()`); also sets p.buf, p.offset, p.caplen and p.linkType. The
 * caller sets ts, origLen and iface. Problems are reported in p.problem.
 */
export function decodePacket(p: DecodedPacket, buf: Uint8Array, offset: number, caplen: number, linkType: number): void {
  p.reset();
  p.buf = buf;
  p.offset = offset;
  p.caplen = caplen;
  p.linkType = linkType;
  let end = caplen > 0 ? offset + caplen : offset;
  // A caplen past the buffer is the caller's bug; clamping keeps every read in range.
  if (end > buf.length) end = buf.length;
  switch (linkType) {
    case 1: decodeEthernet(p, buf, offset, end); return;
    case 113: decodeSll(p, buf, offset, end); return;
    case 276: decodeSll2(p, buf, offset, end); return;
    case 0: decodeNull(p, buf, offset, end, false); return;
    case 108: decodeNull(p, buf, offset, end, true); return;
    case 101:
    case 12:
    case 14: decodeRawIp(p, buf, offset, end, 0); return;
    case 228: decodeRawIp(p, buf, offset, end, 4); return;
    case 229: decodeRawIp(p, buf, offset, end, 6); return;
    default: stopProblem(p, UNSUPPORTED_LINK_TYPE, linkType); return;
  }
}
