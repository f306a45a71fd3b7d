/**
 * Linux cooked capture v2, LINKTYPE_LINUX_SLL2 276 (tcpdump.org linktypes/LINKTYPE_LINUX_SLL2):
 * 20 bytes: protocol (Ethertype) at offset 0, reserved, interface index, ARPHRD
 * type, packet type, address length, 8 address bytes.
 */
import type { DecodedPacket } from './packet.js';
import { TRUNCATED_LINK_HEADER, stopProblem } from './problems.js';
import { decodeEtherType } from './ethernet.js';

/** Decodes an SLL2 frame at `o` up to `capEnd`. */
export function decodeSll2(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number): void {
  if (capEnd - o < 20) {
    stopProblem(p, TRUNCATED_LINK_HEADER, -1);
    return;
  }
  decodeEtherType(p, buf, o + 20, capEnd, (buf[o]! << 8) | buf[o + 1]!);
}
