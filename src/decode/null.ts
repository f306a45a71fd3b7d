/**
 * BSD loopback, LINKTYPE_NULL 0 (4-byte address family in the capturing host's
 * byte order) and OpenBSD LINKTYPE_LOOP 108 (the same in network byte order), per
 * tcpdump.org linktypes/LINKTYPE_NULL. AF_INET is 2 everywhere; AF_INET6 is 24
 * (NetBSD/OpenBSD), 28 (FreeBSD) or 30 (Darwin).
 */
import type { DecodedPacket } from './packet.js';
import { TRUNCATED_LINK_HEADER, UNSUPPORTED_ADDRESS_FAMILY, stopProblem } from './problems.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, decodeEtherType } from './ethernet.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

/**
 * Decodes a NULL (byte order guessed) or LOOP (`networkOrder`) frame at `o`.
 * The byte order of NULL is not recorded in the file, but every family value is
 * below 2^16, so the zero half of the word tells which order was used.
 */
export function decodeNull(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, networkOrder: boolean): void {
  if (capEnd - o < 4) {
    stopProblem(p, TRUNCATED_LINK_HEADER, -1);
    return;
  }
  const b0 = buf[o]!, b1 = buf[o + 1]!, b2 = buf[o + 2]!, b3 = buf[o + 3]!;
  let af: number;
  if (networkOrder) {
    af = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  } else if (b2 === 0 && b3 === 0) {
    af = b0 | (b1 << 8);
  } else if (b0 === 0 && b1 === 0) {
    af = (b2 << 8) | b3;
  } else {
    // Neither half is zero: not an address family. Some stacks put an Ethertype in
    // bytes 2-3; tshark reads it that way, so we do too.
    decodeEtherType(p, buf, o + 4, capEnd, (b2 << 8) | b3);
    return;
  }
  switch (af) {
    case 2:
      p.etherType = ETHERTYPE_IPV4;
      decodeIpv4(p, buf, o + 4, capEnd);
      return;
    case 24:
    case 28:
    case 30:
      p.etherType = ETHERTYPE_IPV6;
      decodeIpv6(p, buf, o + 4, capEnd);
      return;
    default:
      stopProblem(p, UNSUPPORTED_ADDRESS_FAMILY, af);
      return;
  }
}
