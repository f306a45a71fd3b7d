/**
 * Linux cooked capture v1, LINKTYPE_LINUX_SLL 113 (tcpdump.org linktypes/LINKTYPE_LINUX_SLL):
 * 16 bytes: packet type, ARPHRD type, address length, 8 address bytes, then the
 * protocol (an Ethertype for the cases we decode) at offset 14.
 */
import type { DecodedPacket } from './packet.js';
import { TRUNCATED_LINK_HEADER, stopProblem } from './problems.js';
import { decodeEtherType } from './ethernet.js';

/** Decodes an SLL frame at `o` up to `capEnd`. */
export function decodeSll(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number): void {
  if (capEnd - o < 16) {
    stopProblem(p, TRUNCATED_LINK_HEADER, -1);
    return;
  }
  decodeEtherType(p, buf, o + 16, capEnd, (buf[o + 14]! << 8) | buf[o + 15]!);
}
