/**
 * The decoder's problem vocabulary, defined once (Zeek's "weirds"): a damaged or
 * short header is data, counted by name, never thrown. docs/decoding.md is checked
 * against PROBLEMS and PROBLEM_DESCRIPTIONS by a test.
 *
 * Rule for `DecodedPacket.problem`: the problem that stopped decoding wins; when
 * decoding went to the end, it holds the first *soft* problem met (one that still
 * allowed decoding, see SOFT_PROBLEMS). Layers decoded before the problem stay set.
 */
import { linkTypeTitle } from '../capture/link-types.js';
import type { DecodedPacket } from './packet.js';

/** No problem. */
export const PROBLEM_NONE = 0;
/** Fewer captured bytes than the link-layer header needs (Ethernet 14, SLL 16, SLL2 20, NULL 4). */
export const TRUNCATED_LINK_HEADER = 1;
/** The link type is not decoded; problemDetail holds the LINKTYPE value. */
export const UNSUPPORTED_LINK_TYPE = 2;
/** An 802.3 length field (< 0x600) where an Ethertype was expected: LLC/SNAP frame, not Ethernet II. */
export const NOT_ETHERNET_II = 3;
/** The Ethertype (or SLL protocol) is not IPv4/IPv6/VLAN; problemDetail holds its value. */
export const UNSUPPORTED_ETHERTYPE = 4;
/** A VLAN Ethertype announced a 4-byte tag that was not captured in full. */
export const TRUNCATED_VLAN_TAG = 5;
/** Raw IP link layer with no byte to read the version nibble from. */
export const TRUNCATED_IP_HEADER = 6;
/** The IP version nibble does not match the Ethertype / address family, or is neither 4 nor 6. */
export const BAD_IP_VERSION = 7;
/** LINKTYPE_IPV4 carried IPv6 or LINKTYPE_IPV6 carried IPv4; decoded by the version nibble like tshark (soft). */
export const IP_VERSION_MISMATCH = 8;
/** Fewer than 20 bytes, or fewer than IHL*4 bytes, of IPv4 header captured. */
export const TRUNCATED_IPV4_HEADER = 9;
/** IPv4 IHL below 5 (header shorter than 20 bytes). */
export const BAD_IPV4_HEADER_LENGTH = 10;
/** IPv4 total length non-zero but smaller than the header length. */
export const BAD_IPV4_TOTAL_LENGTH = 11;
/** IPv4 total length larger than the captured bytes (snaplen cut or a bogus length); decoding goes on (soft). */
export const IPV4_TOTAL_LENGTH_EXCEEDS_CAPTURE = 12;
/** Fewer than 40 bytes of IPv6 header captured. */
export const TRUNCATED_IPV6_HEADER = 13;
/** IPv6 payload length larger than the captured bytes (snaplen cut or a bogus length); decoding goes on (soft). */
export const IPV6_PAYLOAD_LENGTH_EXCEEDS_CAPTURE = 14;
/** An IPv6 extension header runs past the captured bytes. */
export const TRUNCATED_IPV6_EXT = 15;
/** The IPv6 extension chain is too long (more than 128 headers) or runs past the IPv6 payload length. */
export const BAD_IPV6_EXT_CHAIN = 16;
/** Fewer than 20 bytes, or fewer than data-offset*4 bytes, of TCP header captured. */
export const TRUNCATED_TCP_HEADER = 17;
/** TCP data offset below 5 or beyond the segment (per the IP length). */
export const BAD_TCP_DATA_OFFSET = 18;
/** Fewer than 8 bytes of UDP header captured, or the IP length leaves less than 8. */
export const TRUNCATED_UDP_HEADER = 19;
/** Fewer than 8 bytes of ICMP / ICMPv6 header captured. */
export const TRUNCATED_ICMP_HEADER = 20;
/** An ICMP error whose quoted packet is missing or cut before its ports (soft: the ICMP header decoded). */
export const TRUNCATED_ICMP_QUOTE = 21;
/** An ICMP error whose quoted packet is not a valid IP header of the right version (soft). */
export const BAD_ICMP_QUOTE = 22;
/** NULL/LOOP header with an address family that is not IPv4/IPv6; problemDetail holds it. */
export const UNSUPPORTED_ADDRESS_FAMILY = 23;

/** Problem names, snake_case, indexed by the constants above (index 0 = 'none'). */
export const PROBLEMS: readonly string[] = Object.freeze([
  'none',
  'truncated_link_header',
  'unsupported_link_type',
  'not_ethernet_ii',
  'unsupported_ethertype',
  'truncated_vlan_tag',
  'truncated_ip_header',
  'bad_ip_version',
  'ip_version_mismatch',
  'truncated_ipv4_header',
  'bad_ipv4_header_length',
  'bad_ipv4_total_length',
  'ipv4_total_length_exceeds_capture',
  'truncated_ipv6_header',
  'ipv6_payload_length_exceeds_capture',
  'truncated_ipv6_ext',
  'bad_ipv6_ext_chain',
  'truncated_tcp_header',
  'bad_tcp_data_offset',
  'truncated_udp_header',
  'truncated_icmp_header',
  'truncated_icmp_quote',
  'bad_icmp_quote',
  'unsupported_address_family',
]);

/** One sentence per problem, for docs/decoding.md and reports. */
export const PROBLEM_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  none: 'The packet decoded without a problem.',
  truncated_link_header: 'Fewer captured bytes than the link-layer header needs (Ethernet 14, SLL 16, SLL2 20, NULL/LOOP 4).',
  unsupported_link_type: 'The link type is not decoded; counted per LINKTYPE value (`unsupported_link_type:N`).',
  not_ethernet_ii: 'An 802.3 length field (< 0x600) where an Ethertype was expected: an LLC/SNAP frame (CDP, STP, ...), not Ethernet II.',
  unsupported_ethertype: 'The Ethertype or SLL protocol is not IPv4, IPv6 or a VLAN tag (ARP, LLDP, MPLS, ...); counted per value (`unsupported_ethertype:N`, decimal).',
  truncated_vlan_tag: 'A VLAN Ethertype announced a 4-byte tag that was not captured in full.',
  truncated_ip_header: 'A raw-IP link layer with not even one byte for the IP version nibble.',
  bad_ip_version: 'The IP version nibble does not match the Ethertype / address family, or is neither 4 nor 6.',
  ip_version_mismatch: 'LINKTYPE_IPV4 (228) carried IPv6 or LINKTYPE_IPV6 (229) carried IPv4; decoded by the version nibble like tshark (soft).',
  truncated_ipv4_header: 'Fewer than 20 bytes, or fewer than IHL*4 bytes, of IPv4 header were captured.',
  bad_ipv4_header_length: 'IPv4 IHL below 5, i.e. a header shorter than 20 bytes.',
  bad_ipv4_total_length: 'IPv4 total length non-zero but smaller than the header length.',
  ipv4_total_length_exceeds_capture: 'IPv4 total length larger than the captured bytes: a snaplen cut or a bogus length. Decoding goes on with the captured bytes (soft).',
  truncated_ipv6_header: 'Fewer than 40 bytes of IPv6 header were captured.',
  ipv6_payload_length_exceeds_capture: 'IPv6 payload length larger than the captured bytes: a snaplen cut or a bogus length. Decoding goes on with the captured bytes (soft).',
  truncated_ipv6_ext: 'An IPv6 extension header runs past the captured bytes.',
  bad_ipv6_ext_chain: 'The IPv6 extension-header chain has more than 128 headers or runs past the IPv6 payload length.',
  truncated_tcp_header: 'Fewer than 20 bytes, or fewer than data-offset*4 bytes, of TCP header were captured (or carried by a first fragment); the packet joins no TCP flow.',
  bad_tcp_data_offset: 'TCP data offset below 5 or beyond the segment per the IP length; the packet joins no TCP flow (as in tshark).',
  truncated_udp_header: 'Fewer than 8 bytes of UDP header were captured, or the IP length leaves less than 8; the packet joins no UDP flow.',
  truncated_icmp_header: 'Fewer than 8 bytes of ICMP or ICMPv6 header were captured.',
  truncated_icmp_quote: 'An ICMP error whose quoted packet is missing or cut before the quoted ports (soft: type and code are decoded).',
  bad_icmp_quote: 'An ICMP error whose quoted bytes are not a valid IP header of the expected version (soft).',
  unsupported_address_family: 'A NULL/LOOP header whose address family is not AF_INET (2) or a BSD AF_INET6 (24, 28, 30).',
});

/** Problems that still let decoding go on; a later stopping problem replaces them in `p.problem`. */
export const SOFT_PROBLEMS: readonly number[] = Object.freeze([
  IP_VERSION_MISMATCH, IPV4_TOTAL_LENGTH_EXCEEDS_CAPTURE, IPV6_PAYLOAD_LENGTH_EXCEEDS_CAPTURE,
  TRUNCATED_ICMP_QUOTE, BAD_ICMP_QUOTE,
]);

/** Records a problem that stopped decoding; it replaces any soft problem noted before. */
export function stopProblem(p: DecodedPacket, code: number, detail: number): void {
  p.problem = code;
  p.problemDetail = detail;
}

/** Records a problem that still allows decoding; kept only if nothing was noted before. */
export function softProblem(p: DecodedPacket, code: number): void {
  if (p.problem === 0) {
    p.problem = code;
    p.problemDetail = -1;
  }
}

/**
 * Counts problems over many packets. `add` is on the hot path: one typed-array
 * increment; the per-value maps are touched only for unsupported link types and
 * Ethertypes, which are rare in the traffic we audit.
 */
export class ProblemCounter {
  private readonly counts = new Float64Array(PROBLEMS.length);
  private readonly linkTypes = new Map<number, number>();
  private readonly etherTypes = new Map<number, number>();

  /** Counts `p.problem` (nothing when it is 0). */
  add(p: DecodedPacket): void {
    const code = p.problem;
    if (code === 0) return;
    this.counts[code]++;
    if (code === UNSUPPORTED_LINK_TYPE) this.linkTypes.set(p.problemDetail, (this.linkTypes.get(p.problemDetail) ?? 0) + 1);
    else if (code === UNSUPPORTED_ETHERTYPE) this.etherTypes.set(p.problemDetail, (this.etherTypes.get(p.problemDetail) ?? 0) + 1);
  }

  /** Packets counted under one problem code. */
  count(code: number): number {
    return this.counts[code] ?? 0;
  }

  /** Packets counted under any problem. */
  total(): number {
    let t = 0;
    for (let i = 1; i < this.counts.length; i++) t += this.counts[i]!;
    return t;
  }

  /** Adds another counter's counts into this one (several inputs, workers). */
  merge(other: ProblemCounter): void {
    for (let i = 1; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    for (const [k, v] of other.linkTypes) this.linkTypes.set(k, (this.linkTypes.get(k) ?? 0) + v);
    for (const [k, v] of other.etherTypes) this.etherTypes.set(k, (this.etherTypes.get(k) ?? 0) + v);
  }

  /**
   * Non-zero counts by name, keys sorted. Unsupported link types and Ethertypes
   * appear per value (`unsupported_link_type:253`, `unsupported_ethertype:2054`,
   * both decimal) instead of one total.
   */
  toRecord(): Record<string, number> {
    const entries: [string, number][] = [];
    for (let i = 1; i < this.counts.length; i++) {
      if (i === UNSUPPORTED_LINK_TYPE || i === UNSUPPORTED_ETHERTYPE) continue;
      if (this.counts[i]! > 0) entries.push([PROBLEMS[i]!, this.counts[i]!]);
    }
    for (const [k, v] of this.linkTypes) entries.push([`unsupported_link_type:${k}`, v]);
    for (const [k, v] of this.etherTypes) entries.push([`unsupported_ethertype:${k}`, v]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: Record<string, number> = {};
    for (const [k, v] of entries) out[k] = v;
    return out;
  }
}

/**
 * A problem key for people: `unsupported_link_type:127` becomes `unsupported link type
 * IEEE 802.11 radiotap (127)`; other keys stay as they are. Human formats only: JSON keeps the key.
 */
export function problemWords(key: string): string {
  const m = /^unsupported_link_type:(\d+)$/.exec(key);
  if (!m) return key;
  const title = linkTypeTitle(Number(m[1]));
  return title.startsWith('link type ') ? `unsupported ${title}` : `unsupported link type ${title}`;
}
