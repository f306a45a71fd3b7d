/**
 * The one decoded-packet record. It is allocated once and overwritten for every
 * packet (gopacket's DecodingLayerParser idea): the hot path allocates nothing.
 * Addresses are plain uint32 words (IPv4 in word 0, IPv6 as four big-endian words),
 * so the flow table hashes numbers, never strings.
 */

/** Transport values used in `l4` (IANA protocol numbers). */
export const L4_NONE = 0;
export const L4_ICMP = 1;
export const L4_TCP = 6;
export const L4_UDP = 17;
export const L4_ICMP6 = 58;

/** TCP flag bits as in the TCP header (RFC 9293 §3.1). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/** Mutable result of decoding one packet; see decodePacket in src/decode/decode.ts. */
export class DecodedPacket {
  /** Bytes of the packet (valid only while the sink call runs) and where it starts. */
  buf: Uint8Array = new Uint8Array(0);
  offset = 0;
  caplen = 0;
  origLen = 0;
  /** Timestamp: seconds since the epoch as a float (µs precision), for timeouts and reports. */
  ts = 0;
  linkType = 0;
  iface = 0;

  // ---- link layer ----
  /** Number of 802.1Q/802.1ad tags seen, and the first two VLAN ids (12-bit, -1 when absent). */
  vlanCount = 0;
  vlan0 = -1;
  vlan1 = -1;
  /** Ethertype (or equivalent) that led to the network layer; 0 when unknown. */
  etherType = 0;

  // ---- network layer ----
  /** 0 = no IP header decoded, 4 or 6. */
  ipVersion = 0;
  src0 = 0; src1 = 0; src2 = 0; src3 = 0;
  dst0 = 0; dst1 = 0; dst2 = 0; dst3 = 0;
  /** Upper-layer protocol number after the IPv6 extension chain; -1 when unknown. */
  ipProto = -1;
  /** IPv4 identification or IPv6 fragment identification. */
  ipId = 0;
  /** true for any fragment (offset > 0 or more-fragments set). */
  isFragment = false;
  /** Fragment offset in bytes (0 for the first fragment). */
  fragOffset = 0;
  moreFragments = false;

  // ---- transport layer ----
  /** L4_* when the transport header was complete; L4_NONE otherwise (then ports are meaningless). */
  l4 = L4_NONE;
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  /** TCP sequence and acknowledgment numbers as unsigned 32-bit values. */
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  /** Payload after the transport header: offset into buf, bytes captured, bytes on the wire per the IP length. */
  payloadOffset = 0;
  payloadCaptured = 0;
  payloadLength = 0;

  // ---- ICMP / ICMPv6 ----
  icmpType = -1;
  icmpCode = -1;
  /** For errors (unreachable, time exceeded, too big, parameter problem): the quoted packet, decoded. */
  quoted = false;
  qIpVersion = 0;
  qSrc0 = 0; qSrc1 = 0; qSrc2 = 0; qSrc3 = 0;
  qDst0 = 0; qDst1 = 0; qDst2 = 0; qDst3 = 0;
  qProto = -1;
  /** Quoted ports (first 8 bytes of the transport header); -1 when not quoted. */
  qSrcPort = -1;
  qDstPort = -1;

  // ---- problems ----
  /** 0 = none; otherwise an index into PROBLEMS (src/decode/problems.ts). Layers decoded before it stay set. */
  problem = 0;
  /** Extra number for the problem (the unknown link type or ethertype value); -1 when none. */
  problemDetail = -1;

  /** Clears every field before decoding the next packet. */
  reset(): void {
    this.vlanCount = 0; this.vlan0 = -1; this.vlan1 = -1; this.etherType = 0;
    this.ipVersion = 0;
    this.src0 = 0; this.src1 = 0; this.src2 = 0; this.src3 = 0;
    this.dst0 = 0; this.dst1 = 0; this.dst2 = 0; this.dst3 = 0;
    this.ipProto = -1; this.ipId = 0; this.isFragment = false; this.fragOffset = 0; this.moreFragments = false;
    this.l4 = L4_NONE; this.srcPort = 0; this.dstPort = 0; this.tcpFlags = 0; this.tcpSeq = 0; this.tcpAck = 0; this.tcpWindow = 0;
    this.payloadOffset = 0; this.payloadCaptured = 0; this.payloadLength = 0;
    this.icmpType = -1; this.icmpCode = -1; this.quoted = false; this.qIpVersion = 0;
    this.qSrc0 = 0; this.qSrc1 = 0; this.qSrc2 = 0; this.qSrc3 = 0;
    this.qDst0 = 0; this.qDst1 = 0; this.qDst2 = 0; this.qDst3 = 0;
    this.qProto = -1; this.qSrcPort = -1; this.qDstPort = -1;
    this.problem = 0; this.problemDetail = -1;
  }
}
