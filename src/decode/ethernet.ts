/**
 * Ethernet II (IEEE 802.3 §3.2.6 Length/Type field) and VLAN tags: 802.1Q C-tag
 * (0x8100), 802.1ad S-tag (0x88a8) and the pre-standard QinQ 0x9100 (IEEE 802.1Q
 * §9.6: TCI = 3-bit PCP, 1-bit DEI, 12-bit VID). Every tag is stripped; the first two
 * VIDs are kept. The Ethertype dispatch is shared with SLL, SLL2 and the NULL fallback.
 */
import type { DecodedPacket } from './packet.js';
import {
  NOT_ETHERNET_II, TRUNCATED_LINK_HEADER, TRUNCATED_VLAN_TAG, UNSUPPORTED_ETHERTYPE, stopProblem,
} from './problems.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

/** IPv4 Ethertype (RFC 894). */
export const ETHERTYPE_IPV4 = 0x0800;
/** IPv6 Ethertype (RFC 2464 §3). */
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802.1Q customer VLAN tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** IEEE 802.1ad service VLAN tag. */
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ tag used by some switches. */
export const ETHERTYPE_QINQ_OLD = 0x9100;

/** Decodes an Ethernet II frame at `o` (14-byte header) up to `capEnd`. */
export function decodeEthernet(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number): void {
  if (capEnd - o < 14) {
    stopProblem(p, TRUNCATED_LINK_HEADER, -1);
    return;
  }
  decodeEtherType(p, buf, o + 14, capEnd, (buf[o + 12]! << 8) | buf[o + 13]!);
}

/**
 * Dispatches on an Ethertype whose payload starts at `o`, stripping any VLAN tags
 * first. The loop is bounded by the captured bytes: each tag consumes 4 of them.
 */
export function decodeEtherType(p: DecodedPacket, buf: Uint8Array, o: number, capEnd: number, type: number): void {
  for (;;) {
    switch (type) {
      case ETHERTYPE_IPV4:
        p.etherType = type;
        decodeIpv4(p, buf, o, capEnd);
        return;
      case ETHERTYPE_IPV6:
        p.etherType = type;
        decodeIpv6(p, buf, o, capEnd);
        return;
      case ETHERTYPE_VLAN:
      case ETHERTYPE_QINQ:
      case ETHERTYPE_QINQ_OLD: {
        if (capEnd - o < 4) {
          stopProblem(p, TRUNCATED_VLAN_TAG, -1);
          return;
        }
        // PCP and DEI share the TCI's first byte with the VID's high nibble.
        const vid = ((buf[o]! & 0x0f) << 8) | buf[o + 1]!;
        if (p.vlanCount === 0) p.vlan0 = vid;
        else if (p.vlanCount === 1) p.vlan1 = vid;
        p.vlanCount++;
        type = (buf[o + 2]! << 8) | buf[o + 3]!;
        o += 4;
        continue;
      }
      default:
        if (type < 0x600) {
          stopProblem(p, NOT_ETHERNET_II, type);
        } else {
          p.etherType = type;
          stopProblem(p, UNSUPPORTED_ETHERTYPE, type);
        }
        return;
    }
  }
}
