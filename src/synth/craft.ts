/**
 * Deterministic packet builders for fixtures, the demo and tests. Every builder
 * returns a fresh Uint8Array with correct length fields and checksums, so the
 * packets we write look to tshark exactly like packets from a real stack.
 *
 * Not a hot path: these allocate freely. The benchmark generator
 * (src/synth/traffic.ts) patches templates in place instead.
 */

/** EtherType values used here (IEEE 802 numbers). */
export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;

/** IP protocol / IPv6 next-header numbers (IANA). */
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMP6 = 58;
export const PROTO_NONE6 = 59;

/** LINKTYPE values (tcpdump.org link-layer header types) used by the fixtures. */
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;

/** True when the address string is IPv6 (contains a colon). */
export function isV6(addr: string): boolean {
  return addr.includes(':');
}

/** Parses a dotted-quad IPv4 address into 4 bytes; throws on anything else. */
export function parseIpv4(addr: string): Uint8Array {
  const parts = addr.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${addr}`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const v = Number(parts[i]);
    if (!Number.isInteger(v) || v < 0 || v > 255 || parts[i] === '') throw new Error(`not an IPv4 address: ${addr}`);
    out[i] = v;
  }
  return out;
}

/** Parses an IPv6 address (RFC 4291 §2.2 text forms, including `::` and a trailing dotted quad) into 16 bytes. */
export function parseIpv6(addr: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = addr;
  let tail: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    tail = parseIpv4(text.slice(lastColon + 1));
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${addr}`);
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const groups = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (halves.length === 1 ? head.length !== 8 : groups < 1) throw new Error(`not an IPv6 address: ${addr}`);
  const words = [...head, ...Array<string>(groups).fill('0'), ...rest];
  for (let i = 0; i < 8; i++) {
    const w = words[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw new Error(`not an IPv6 address: ${addr}`);
    const v = parseInt(w, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/** Parses either family. */
export function parseIp(addr: string): Uint8Array {
  return isV6(addr) ? parseIpv6(addr) : parseIpv4(addr);
}

/** Parses a MAC address 'aa:bb:cc:dd:ee:ff'. */
export function parseMac(mac: string): Uint8Array {
  const parts = mac.split(/[:-]/);
  if (parts.length !== 6) throw new Error(`not a MAC address: ${mac}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/**
 * A locally administered MAC derived from an IP address, so each host keeps one
 * stable MAC across every fixture without a table.
 */
export function macFor(addr: string): string {
  const b = parseIp(addr);
  const t = b.subarray(b.length - 4);
  const hex = (v: number): string => v.toString(16).padStart(2, '0');
  return `02:00:${hex(t[0]!)}:${hex(t[1]!)}:${hex(t[2]!)}:${hex(t[3]!)}`;
}

/** Concatenates byte arrays (plain number arrays of bytes too). */
export function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** UTF-8 (ASCII in practice) bytes of a string. */
export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Bytes from a hex string (whitespace ignored). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Adds bytes into a running 32-bit one's-complement accumulator (RFC 1071 §4.1:
 * 16-bit big-endian words, an odd trailing byte padded with zero).
 */
export function sumWords(acc: number, b: Uint8Array, start = 0, end = b.length): number {
  let i = start;
  for (; i + 1 < end; i += 2) acc += (b[i]! << 8) | b[i + 1]!;
  if (i < end) acc += b[i]! << 8;
  return acc;
}

/** Folds a sum into the final 16-bit Internet checksum (RFC 1071); UDP's 0 -> 0xffff rule is the caller's job. */
export function foldChecksum(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

/** Internet checksum of a byte range (RFC 1071). */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length): number {
  return foldChecksum(sumWords(0, b, start, end));
}

/**
 * Checksum of an upper-layer segment including the pseudo-header: IPv4 per
 * RFC 9293 §3.1 / RFC 768, IPv6 per RFC 8200 §8.1 (32-bit length, next header).
 * `seg` must already hold zero in its checksum field.
 */
export function pseudoChecksum(src: string, dst: string, proto: number, seg: Uint8Array): number {
  const s = parseIp(src);
  const d = parseIp(dst);
  let acc = sumWords(0, s);
  acc = sumWords(acc, d);
  if (s.length === 16) {
    acc += Math.floor(seg.length / 0x10000) + (seg.length & 0xffff);
  } else {
    acc += seg.length;
  }
  acc += proto;
  return foldChecksum(sumWords(acc, seg));
}

/** Options for an Ethernet II frame, optionally with 802.1Q / 802.1ad tags. */
export interface EthernetOptions {
  src?: string;
  dst?: string;
  /** VLAN ids, outermost first (IEEE 802.1Q §9.6). */
  vlans?: number[];
  /** TPID of the outermost tag: 0x8100 (default) or 0x88a8 for QinQ (IEEE 802.1ad). Inner tags are always 0x8100. */
  outerType?: number;
  etherType: number;
  /** Priority code point written in each tag (default 0). */
  pcp?: number;
}

/** Builds an Ethernet II frame (IEEE 802.3 §3.1 with Ethernet II type field); no FCS, as captures carry none. */
export function ethernet(payload: Uint8Array, o: EthernetOptions): Uint8Array {
  const vlans = o.vlans ?? [];
  const out = new Uint8Array(14 + 4 * vlans.length + payload.length);
  out.set(parseMac(o.dst ?? '02:00:00:00:00:02'), 0);
  out.set(parseMac(o.src ?? '02:00:00:00:00:01'), 6);
  let p = 12;
  for (let i = 0; i < vlans.length; i++) {
    const tpid = i === 0 ? (o.outerType ?? ETH_VLAN) : ETH_VLAN;
    const tci = (((o.pcp ?? 0) & 7) << 13) | (vlans[i]! & 0xfff);
    out[p] = tpid >> 8; out[p + 1] = tpid & 0xff;
    out[p + 2] = tci >> 8; out[p + 3] = tci & 0xff;
    p += 4;
  }
  out[p] = o.etherType >> 8; out[p + 1] = o.etherType & 0xff;
  out.set(payload, p + 2);
  return out;
}

/** Options for an IPv4 header without options (RFC 791 §3.1). */
export interface Ipv4Options {
  src: string;
  dst: string;
  proto: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
  /** Don't Fragment (default true, as modern stacks send). */
  df?: boolean;
  /** More Fragments flag. */
  mf?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  tos?: number;
  /** Override total length (to craft damaged packets); default header + payload. */
  totalLength?: number;
}

/** Builds an IPv4 packet with a correct header checksum (RFC 791 §3.1). */
export function ipv4(o: Ipv4Options): Uint8Array {
  const out = new Uint8Array(20 + o.payload.length);
  const total = o.totalLength ?? out.length;
  out[0] = 0x45;
  out[1] = o.tos ?? 0;
  out[2] = total >> 8; out[3] = total & 0xff;
  const id = o.id ?? 0;
  out[4] = (id >> 8) & 0xff; out[5] = id & 0xff;
  const fragment = !!o.mf || (o.fragOffset ?? 0) > 0;
  const df = o.df ?? !fragment;
  const frag = (df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (((o.fragOffset ?? 0) >> 3) & 0x1fff);
  out[6] = frag >> 8; out[7] = frag & 0xff;
  out[8] = o.ttl ?? 64;
  out[9] = o.proto;
  out.set(parseIpv4(o.src), 12);
  out.set(parseIpv4(o.dst), 16);
  const c = internetChecksum(out, 0, 20);
  out[10] = c >> 8; out[11] = c & 0xff;
  out.set(o.payload, 20);
  return out;
}

/** One IPv6 extension header (RFC 8200 §4). */
export type Ipv6Ext =
  /** Hop-by-Hop (0) or Destination Options (60): padded with PadN to 8 octets (§4.2-4.3, 4.6). */
  | { type: 0 | 60; optionBytes?: number }
  /** Routing (43) with segments left 0, which every node may ignore (§4.4); `addresses` fill type-specific data. */
  | { type: 43; routingType?: number; addresses?: string[] }
  /** Fragment (44) (§4.5). */
  | { type: 44; offset?: number; more?: boolean; id?: number };

function extHeader(e: Ipv6Ext, next: number): Uint8Array {
  switch (e.type) {
    case 0:
    case 60: {
      const body = e.optionBytes ?? 0;
      const len = Math.ceil((2 + body + 2) / 8) * 8;
      const out = new Uint8Array(len);
      out[0] = next; out[1] = len / 8 - 1;
      // PadN option (type 1) covering everything after the 2-byte header.
      const pad = len - 2;
      if (pad === 1) out[2] = 0;
      else { out[2] = 1; out[3] = pad - 2; }
      return out;
    }
    case 43: {
      const addrs = (e.addresses ?? []).map(parseIpv6);
      const out = new Uint8Array(8 + 16 * addrs.length);
      out[0] = next; out[1] = addrs.length * 2; out[2] = e.routingType ?? 0; out[3] = 0;
      addrs.forEach((a, i) => out.set(a, 8 + 16 * i));
      return out;
    }
    case 44: {
      const out = new Uint8Array(8);
      out[0] = next;
      const off = ((e.offset ?? 0) & 0xfff8) | (e.more ? 1 : 0);
      out[2] = off >> 8; out[3] = off & 0xff;
      const id = e.id ?? 0;
      out[4] = (id >>> 24) & 0xff; out[5] = (id >>> 16) & 0xff; out[6] = (id >>> 8) & 0xff; out[7] = id & 0xff;
      return out;
    }
  }
}

/** Options for an IPv6 packet (RFC 8200 §3). */
export interface Ipv6Options {
  src: string;
  dst: string;
  /** Upper-layer protocol after the extension chain. */
  nextHeader: number;
  payload: Uint8Array;
  hopLimit?: number;
  flowLabel?: number;
  /** Extension headers in order of appearance. */
  ext?: Ipv6Ext[];
}

/** Builds an IPv6 packet with the extension chain linked by next-header values. */
export function ipv6(o: Ipv6Options): Uint8Array {
  const ext = o.ext ?? [];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < ext.length; i++) {
    const next = i + 1 < ext.length ? ext[i + 1]!.type : o.nextHeader;
    parts.push(extHeader(ext[i]!, next));
  }
  const body = concat(...parts, o.payload);
  const out = new Uint8Array(40 + body.length);
  const fl = o.flowLabel ?? 0;
  out[0] = 0x60; out[1] = (fl >> 16) & 0x0f; out[2] = (fl >> 8) & 0xff; out[3] = fl & 0xff;
  out[4] = body.length >> 8; out[5] = body.length & 0xff;
  out[6] = ext.length ? ext[0]!.type : o.nextHeader;
  out[7] = o.hopLimit ?? 64;
  out.set(parseIpv6(o.src), 8);
  out.set(parseIpv6(o.dst), 24);
  out.set(body, 40);
  return out;
}

/** TCP flag letters accepted by `tcp`: S syn, A ack, F fin, R rst, P psh, U urg, E ece, C cwr. */
export function tcpFlagBits(flags: string): number {
  let v = 0;
  for (const ch of flags) {
    switch (ch) {
      case 'F': v |= 0x01; break;
      case 'S': v |= 0x02; break;
      case 'R': v |= 0x04; break;
      case 'P': v |= 0x08; break;
      case 'A': v |= 0x10; break;
      case 'U': v |= 0x20; break;
      case 'E': v |= 0x40; break;
      case 'C': v |= 0x80; break;
      default: throw new Error(`unknown TCP flag letter: ${ch}`);
    }
  }
  return v;
}

/** Options for a TCP segment; src/dst are needed for the pseudo-header checksum. */
export interface TcpOptions {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  /** Flag letters, e.g. 'S', 'SA', 'A', 'PA', 'FA', 'R', 'RA'. */
  flags: string;
  window?: number;
  payload?: Uint8Array;
  /** Add an MSS option (RFC 9293 §3.2) on SYNs, as real stacks do (default true for SYN). */
  mss?: number | false;
}

/** Builds a TCP segment (RFC 9293 §3.1) with a correct checksum. */
export function tcp(o: TcpOptions): Uint8Array {
  const payload = o.payload ?? new Uint8Array(0);
  const bits = tcpFlagBits(o.flags);
  const mss = (bits & 0x02) && o.mss !== false ? (o.mss ?? (isV6(o.src) ? 1440 : 1460)) : 0;
  const hlen = mss ? 24 : 20;
  const out = new Uint8Array(hlen + payload.length);
  out[0] = o.sport >> 8; out[1] = o.sport & 0xff;
  out[2] = o.dport >> 8; out[3] = o.dport & 0xff;
  const seq = o.seq >>> 0, ack = o.ack >>> 0;
  out[4] = seq >>> 24; out[5] = (seq >>> 16) & 0xff; out[6] = (seq >>> 8) & 0xff; out[7] = seq & 0xff;
  out[8] = ack >>> 24; out[9] = (ack >>> 16) & 0xff; out[10] = (ack >>> 8) & 0xff; out[11] = ack & 0xff;
  out[12] = (hlen / 4) << 4;
  out[13] = bits;
  const win = o.window ?? 64240;
  out[14] = win >> 8; out[15] = win & 0xff;
  if (mss) { out[20] = 2; out[21] = 4; out[22] = mss >> 8; out[23] = mss & 0xff; }
  out.set(payload, hlen);
  const c = pseudoChecksum(o.src, o.dst, PROTO_TCP, out);
  out[16] = c >> 8; out[17] = c & 0xff;
  return out;
}

/** Options for a UDP datagram; src/dst are needed for the pseudo-header checksum. */
export interface UdpOptions {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Uint8Array;
}

/** Builds a UDP datagram (RFC 768) with a correct checksum (0 is sent as 0xffff). */
export function udp(o: UdpOptions): Uint8Array {
  const out = new Uint8Array(8 + o.payload.length);
  out[0] = o.sport >> 8; out[1] = o.sport & 0xff;
  out[2] = o.dport >> 8; out[3] = o.dport & 0xff;
  out[4] = out.length >> 8; out[5] = out.length & 0xff;
  out.set(o.payload, 8);
  let c = pseudoChecksum(o.src, o.dst, PROTO_UDP, out);
  if (c === 0) c = 0xffff;
  out[6] = c >> 8; out[7] = c & 0xff;
  return out;
}

/** ICMPv4 destination-unreachable codes (RFC 792; 13 from RFC 1812 §5.2.7.1). */
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_ADMIN_PROHIBITED = 13;

/** ICMPv6 destination-unreachable codes (RFC 4443 §3.1). */
export const ICMP6_NO_ROUTE = 0;
export const ICMP6_ADMIN_PROHIBITED = 1;
export const ICMP6_ADDR_UNREACH = 3;
export const ICMP6_PORT_UNREACH = 4;

/**
 * ICMPv4 message (RFC 792): type, code, 4 bytes of rest-of-header, body, with
 * checksum over the whole message.
 */
export function icmp(type: number, code: number, rest: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  out[0] = type; out[1] = code;
  out[4] = (rest >>> 24) & 0xff; out[5] = (rest >>> 16) & 0xff; out[6] = (rest >>> 8) & 0xff; out[7] = rest & 0xff;
  out.set(body, 8);
  const c = internetChecksum(out);
  out[2] = c >> 8; out[3] = c & 0xff;
  return out;
}

/**
 * ICMPv4 destination unreachable (type 3) quoting the offending IP packet. RFC 792
 * asks for the IP header plus 64 bits; RFC 1812 §4.3.2.3 lets routers quote more,
 * so `quoteBytes` (default 28 + 0 = header + 8) may be raised.
 */
export function icmpUnreachable(code: number, quotedPacket: Uint8Array, quoteBytes = 28): Uint8Array {
  return icmp(3, code, 0, quotedPacket.subarray(0, Math.min(quoteBytes, quotedPacket.length)));
}

/** ICMPv6 message (RFC 4443 §2.1) with the pseudo-header checksum (§2.3). */
export function icmp6(src: string, dst: string, type: number, code: number, rest: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  out[0] = type; out[1] = code;
  out[4] = (rest >>> 24) & 0xff; out[5] = (rest >>> 16) & 0xff; out[6] = (rest >>> 8) & 0xff; out[7] = rest & 0xff;
  out.set(body, 8);
  const c = pseudoChecksum(src, dst, PROTO_ICMP6, out);
  out[2] = c >> 8; out[3] = c & 0xff;
  return out;
}

/**
 * ICMPv6 destination unreachable (type 1, RFC 4443 §3.1) from `src` to `dst`,
 * quoting as much of the invoking packet as fits in the minimum MTU (1280).
 */
export function icmp6Unreachable(src: string, dst: string, code: number, quotedPacket: Uint8Array): Uint8Array {
  const room = 1280 - 40 - 8;
  return icmp6(src, dst, 1, code, 0, quotedPacket.subarray(0, Math.min(room, quotedPacket.length)));
}

/** Options shared by the one-call frame builders. */
export interface FrameOptions {
  /** VLAN ids, outermost first. */
  vlans?: number[];
  outerType?: number;
  srcMac?: string;
  dstMac?: string;
  ttl?: number;
  ipId?: number;
  /** IPv6 extension headers. */
  ext?: Ipv6Ext[];
}

/** Wraps an upper-layer payload in IPv4 or IPv6 (by address family). */
export function ipPacket(src: string, dst: string, proto: number, l4: Uint8Array, o: FrameOptions = {}): Uint8Array {
  if (isV6(src) !== isV6(dst)) throw new Error(`address families differ: ${src} ${dst}`);
  return isV6(src)
    ? ipv6({ src, dst, nextHeader: proto, payload: l4, hopLimit: o.ttl, ext: o.ext })
    : ipv4({ src, dst, proto, payload: l4, ttl: o.ttl, id: o.ipId });
}

/** Wraps an upper-layer payload in IP and Ethernet; MACs default to per-host stable ones. */
export function frame(src: string, dst: string, proto: number, l4: Uint8Array, o: FrameOptions = {}): Uint8Array {
  const ip = ipPacket(src, dst, proto, l4, o);
  return ethernet(ip, {
    src: o.srcMac ?? macFor(src),
    dst: o.dstMac ?? macFor(dst),
    vlans: o.vlans,
    outerType: o.outerType,
    etherType: isV6(src) ? ETH_IPV6 : ETH_IPV4,
  });
}

/** One packet with its capture time, ready for PcapWriter/PcapngWriter. */
export interface TimedPacket {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  /** Original length when `data` was cut to a snap length (default data.length). */
  origLen?: number;
  iface?: number;
}

/**
 * Capture clock in integer microseconds since the epoch (exact in a double until
 * year 2255), so every fixture has reproducible timestamps.
 */
export class Clock {
  /** Current time in µs. */
  us: number;
  constructor(startIso: string | number) {
    this.us = typeof startIso === 'number' ? startIso : Date.parse(startIso) * 1000;
  }
  /** Moves the clock forward by milliseconds (fractions allowed, rounded to µs). */
  advance(ms: number): this {
    this.us += Math.round(ms * 1000);
    return this;
  }
  /** Stamps a packet with the current time. */
  stamp(data: Uint8Array, iface?: number): TimedPacket {
    const sec = Math.floor(this.us / 1e6);
    const p: TimedPacket = { tsSec: sec, tsNsec: (this.us - sec * 1e6) * 1000, data };
    if (iface !== undefined) p.iface = iface;
    return p;
  }
}

/** Options for a TCP conversation. */
export interface TcpSessionOptions {
  client: string;
  server: string;
  cport: number;
  sport: number;
  /** Initial sequence numbers (defaults derived from the ports, so they are stable). */
  clientIsn?: number;
  serverIsn?: number;
  /** VLAN tags for client->server and server->client frames (they may differ). */
  vlansToServer?: number[];
  vlansToClient?: number[];
  /** IPv6 extension headers on every packet. */
  ext?: Ipv6Ext[];
  ttl?: number;
}

/** Which side sends a packet. */
export type Side = 'client' | 'server';

/**
 * A TCP conversation with consistent seq/ack numbers on both sides (RFC 9293
 * §3.4): SYN and FIN each consume one sequence number, data its length.
 * Each method returns one Ethernet frame; the caller stamps times.
 */
export class TcpSession {
  private cSeq: number;
  private sSeq: number;
  private ipId = 1;
  constructor(readonly o: TcpSessionOptions) {
    this.cSeq = (o.clientIsn ?? (o.cport * 7919 + 1000003)) >>> 0;
    this.sSeq = (o.serverIsn ?? (o.sport * 104729 + o.cport * 31 + 2000003)) >>> 0;
  }
  /** Any segment from one side with the given flags and payload; advances that side's sequence number. */
  segment(from: Side, flags: string, payload: Uint8Array = new Uint8Array(0), ackOverride?: number): Uint8Array {
    const c = from === 'client';
    const src = c ? this.o.client : this.o.server;
    const dst = c ? this.o.server : this.o.client;
    const seq = c ? this.cSeq : this.sSeq;
    const bits = tcpFlagBits(flags);
    const ack = ackOverride ?? (bits & 0x10 ? (c ? this.sSeq : this.cSeq) : 0);
    const seg = tcp({
      src, dst, sport: c ? this.o.cport : this.o.sport, dport: c ? this.o.sport : this.o.cport,
      seq, ack, flags, payload, window: bits & 0x04 ? 0 : undefined,
    });
    const adv = payload.length + (bits & 0x02 ? 1 : 0) + (bits & 0x01 ? 1 : 0);
    if (c) this.cSeq = (this.cSeq + adv) >>> 0; else this.sSeq = (this.sSeq + adv) >>> 0;
    return frame(src, dst, PROTO_TCP, seg, {
      vlans: c ? this.o.vlansToServer : this.o.vlansToClient, ext: this.o.ext, ttl: this.o.ttl ?? (c ? 128 : 64),
      ipId: this.ipId++,
    });
  }
  // A SYN's sequence number is consumed only once anything follows it, so that
  // calling syn() again produces a true retransmission (same ISN).
  private synPending = false;
  private fixSyn(): void {
    if (this.synPending) { this.cSeq = (this.cSeq + 1) >>> 0; this.synPending = false; }
  }
  /** A SYN from the client; call again for a retransmission (same sequence number). */
  syn(): Uint8Array {
    this.synPending = false;
    const f = this.segment('client', 'S');
    this.cSeq = (this.cSeq - 1) >>> 0;
    this.synPending = true;
    return f;
  }
  /** The server's SYN-ACK. */
  synAck(): Uint8Array {
    this.fixSyn();
    return this.segment('server', 'SA');
  }
  /** The client's ACK completing the handshake. */
  ack(from: Side = 'client'): Uint8Array {
    this.fixSyn();
    return this.segment(from, 'A');
  }
  /** The three handshake frames in order. */
  handshake(): Uint8Array[] {
    return [this.syn(), this.synAck(), this.ack()];
  }
  /** Data with PSH+ACK. */
  data(from: Side, payload: Uint8Array): Uint8Array {
    this.fixSyn();
    return this.segment(from, 'PA', payload);
  }
  /** FIN+ACK from one side. */
  fin(from: Side): Uint8Array {
    this.fixSyn();
    return this.segment(from, 'FA');
  }
  /** RST+ACK (the reply to a SYN on a closed port, RFC 9293 §3.10.7.1) or a plain RST when `withAck` is false. */
  rst(from: Side, withAck = true): Uint8Array {
    this.fixSyn();
    return this.segment(from, withAck ? 'RA' : 'R');
  }
}
