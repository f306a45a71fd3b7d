/**
 * Raw IP link types (tcpdump.org linktypes): LINKTYPE_RAW 101 and the BSD DLT_RAW
 * values 12 and 14, where the IP version nibble decides; LINKTYPE_IPV4 228 and
 * LINKTYPE_IPV6 229, which name the version but are also decoded by the nibble, as
 * tshark does, with `ip_version_mismatch` counted when they disagree.
 */
import type { DecodedPacket } from './packet.js';
import { BAD_IP_VERSION, IP_VERSION_MISMATCH, TRUNCATED_IP_HEADER, softProblem, stopProblem } from './problems.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './ethernet.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

/** Decodes a raw IP packet at `o`; `expected` is 4 or 6 for LINKTYPE_IPV4/IPV6, 0 when any version goes. */
export function decodeRawIp(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, expected: number): void {
  if (capEnd - o < 1) {
    stopProblem(p, TRUNCATED_IP_HEADER, -1);
    return;
  }
  const v = buf[o]! >> 4;
  if (v === 4) {
    if (expected === 6) softProblem(p, IP_VERSION_MISMATCH);
    p.etherType = ETHERTYPE_IPV4;
    decodeIpv4(p, buf, o, capEnd);
  } else if (v === 6) {
    if (expected === 4) softProblem(p, IP_VERSION_MISMATCH);
    p.etherType = ETHERTYPE_IPV6;
    decodeIpv6(p, buf, o, capEnd);
  } else {
    stopProblem(p, BAD_IP_VERSION, -1);
  }
}
