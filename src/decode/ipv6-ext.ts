/**
 * IPv6 extension-header chain walk (RFC 8200 §4: Hop-by-Hop 0, Routing 43,
 * Fragment 44, Destination Options 60; RFC 4302 §2.2: AH 51, whose length is in
 * 4-octet units minus 2). Used for the packet itself and for the IPv6 packet quoted
 * in an ICMPv6 error, so it writes into a caller-owned state object, never a new one.
 */
import { u32be } from '../bytes.js';

/**
 * Upper bound on extension headers walked; a longer chain is `bad_ipv6_ext_chain`.
 * Each header is at least 8 bytes, so the walk is linear in the captured bytes
 * anyway; the bound is generous because tshark walks any length (the libpcap test
 * capture ipv6_ext_headers.pcap has 100 headers before its UDP header).
 */
export const MAX_IPV6_EXT_HEADERS = 128;

/** Walk result codes (mapped to problem names by the caller, which knows the context). */
export const EXT_OK = 0;
/** A header runs past the captured bytes. */
export const EXT_TRUNCATED = 1;
/** A header runs past the payload length, or the chain is longer than MAX_IPV6_EXT_HEADERS. */
export const EXT_BAD = 2;

/** Result of one walk; allocate once per decoder and reuse. */
export class Ipv6ExtState {
  /** Offset of the upper-layer header (or of the header that stopped the walk). */
  offset = 0;
  /** Upper-layer protocol number (next header of the last extension header). */
  proto = -1;
  /** EXT_OK, EXT_TRUNCATED or EXT_BAD. */
  status = EXT_OK;
  /** A Fragment header was seen (RFC 8200 §4.5). */
  hasFragment = false;
  fragOffset = 0;
  moreFragments = false;
  /** Fragment identification as an unsigned 32-bit value. */
  fragId = 0;
}

/**
 * Walks the chain starting with next-header value `nh` at offset `o`. `capEnd`
 * bounds the captured bytes, `ipEnd` the payload length. Stops at the first
 * non-extension header (including 59 No Next Header, ESP 50 and mobility 135,
 * which have no further chain to follow), and after a non-first fragment, whose
 * upper-layer header is in another packet.
 */
export function walkIpv6Ext(w: Ipv6ExtState, buf: Uint8Array, o: number, nh: number, capEnd: number, ipEnd: number): void {
  w.status = EXT_OK;
  w.hasFragment = false;
  w.fragOffset = 0;
  w.moreFragments = false;
  w.fragId = 0;
  let count = 0;
  for (;;) {
    w.offset = o;
    w.proto = nh;
    if (nh !== 0 && nh !== 43 && nh !== 44 && nh !== 60 && nh !== 51) return;
    if (++count > MAX_IPV6_EXT_HEADERS) {
      w.status = EXT_BAD;
      return;
    }
    let len: number;
    if (nh === 44) {
      len = 8;
    } else {
      if (o + 2 > ipEnd) { w.status = EXT_BAD; return; }
      if (o + 2 > capEnd) { w.status = EXT_TRUNCATED; return; }
      len = nh === 51 ? (buf[o + 1]! + 2) * 4 : (buf[o + 1]! + 1) * 8;
    }
    // The payload length is checked first: a header that cannot fit even in a
    // complete capture is a bad chain, not a short capture.
    if (o + len > ipEnd) { w.status = EXT_BAD; return; }
    if (o + len > capEnd) { w.status = EXT_TRUNCATED; return; }
    const next = buf[o]!;
    if (nh === 44) {
      const fo = ((buf[o + 2]! << 8) | buf[o + 3]!) & 0xfff8;
      w.hasFragment = true;
      w.fragOffset = fo;
      w.moreFragments = (buf[o + 3]! & 1) === 1;
      w.fragId = u32be(buf, o + 4);
      if (fo !== 0) {
        w.offset = o + 8;
        w.proto = next;
        return;
      }
    }
    o += len;
    nh = next;
  }
}

/**
 * Finds the Jumbo Payload option (RFC 2675 §2, type 0xC2) in the Hop-by-Hop header
 * at `o`; returns its length, or 0 when absent or cut. Only called when the IPv6
 * payload length is 0, so it is off the common path.
 */
export function findJumboLength(buf: Uint8Array, o: number, capEnd: number): number {
  if (o + 2 > capEnd) return 0;
  let end = o + (buf[o + 1]! + 1) * 8;
  if (end > capEnd) end = capEnd;
  let i = o + 2;
  while (i < end) {
    const type = buf[i]!;
    if (type === 0) { i++; continue; } // Pad1 has no length byte
    if (i + 2 > end) return 0;
    const optLen = buf[i + 1]!;
    if (type === 0xc2 && optLen === 4 && i + 6 <= end) {
      return u32be(buf, i + 2);
    }
    i += 2 + optLen;
  }
  return 0;
}
