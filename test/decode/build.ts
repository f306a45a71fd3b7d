/**
 * Hand-built packets for the decoder tests: each helper returns the bytes of one
 * header (plus what it carries), with the fields a test needs to vary.
 */

import { concat } from '../../src/synth/craft.js';

/** Concatenates byte arrays / number arrays (the packet crafter's). */
export const cat = concat;

/** Big-endian 16-bit value as two bytes. */
export function u16(v: number): number[] { return [(v >> 8) & 255, v & 255]; }
/** Big-endian 32-bit value as four bytes. */
export function u32(v: number): number[] { return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]; }

/** Parses a dotted quad into a uint32. */
export function ip4(s: string): number {
  const [a, b, c, d] = s.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Four big-endian words of an IPv6 address written as 8 groups (no '::'). */
export function ip6(groups: number[]): [number, number, number, number] {
  return [0, 1, 2, 3].map((i) => ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0) as [number, number, number, number];
}

const MAC_A = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
const MAC_B = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];

/** Ethernet II header (dst, src, type) followed by the payload. */
export function eth(type: number, payload: Uint8Array | number[]): Uint8Array {
  return cat(MAC_B, MAC_A, u16(type), payload);
}

/** One VLAN tag: TCI from pcp/dei/vid, then the inner Ethertype. */
export function tag(pcp: number, dei: number, vid: number, innerType: number): number[] {
  return [...u16((pcp << 13) | (dei << 12) | vid), ...u16(innerType)];
}

export interface Ipv4Opts {
  src?: number; dst?: number; proto: number; id?: number;
  mf?: boolean; fragOffset?: number; options?: number[]; totalLength?: number; ihl?: number; version?: number;
}

/** IPv4 header (RFC 791) with optional options, followed by the payload. */
export function ipv4(o: Ipv4Opts, payload: Uint8Array | number[]): Uint8Array {
  const opts = o.options ?? [];
  const hl = 20 + opts.length;
  const ihl = o.ihl ?? hl / 4;
  const total = o.totalLength ?? hl + payload.length;
  const ff = (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) / 8);
  return cat(
    [((o.version ?? 4) << 4) | ihl, 0], u16(total), u16(o.id ?? 0x1234), u16(ff), [64, o.proto], [0, 0],
    u32(o.src ?? ip4('10.0.0.1')), u32(o.dst ?? ip4('10.0.0.2')), opts, payload,
  );
}

export interface Ipv6Opts { src?: number[]; dst?: number[]; nh: number; plen?: number; version?: number }

/** IPv6 header (RFC 8200 §3) followed by the payload (extension headers included). */
export function ipv6(o: Ipv6Opts, payload: Uint8Array | number[]): Uint8Array {
  const src = o.src ?? [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1];
  const dst = o.dst ?? [0x2001, 0xdb8, 0, 0, 0, 0, 0, 2];
  return cat(
    [(o.version ?? 6) << 4, 0, 0, 0], u16(o.plen ?? payload.length), [o.nh, 64],
    src.flatMap(u16), dst.flatMap(u16), payload,
  );
}

/** A generic extension header (HBH/routing/destination options) with `units` 8-byte units beyond the first. */
export function ext(nh: number, units = 0): number[] {
  const b = new Array<number>(8 * (units + 1)).fill(0);
  b[0] = nh; b[1] = units;
  if (units === 0) { b[2] = 1; b[3] = 4; } // a PadN option filling the header
  return b;
}

/** IPv6 fragment header. */
export function frag6(nh: number, offset: number, more: boolean, id: number): number[] {
  return [nh, 0, ...u16(offset | (more ? 1 : 0)), ...u32(id)];
}

export interface TcpOpts {
  sport?: number; dport?: number; seq?: number; ack?: number; flags?: number; window?: number;
  options?: number[]; doff?: number;
}

/** TCP header (RFC 9293 §3.1) followed by the payload. */
export function tcp(o: TcpOpts, payload: Uint8Array | number[] = []): Uint8Array {
  const opts = o.options ?? [];
  const doff = o.doff ?? (20 + opts.length) / 4;
  return cat(
    u16(o.sport ?? 40000), u16(o.dport ?? 443), u32(o.seq ?? 0), u32(o.ack ?? 0),
    [doff << 4, o.flags ?? 0x02], u16(o.window ?? 65535), [0, 0, 0, 0], opts, payload,
  );
}

/** UDP header (RFC 768) followed by the payload. */
export function udp(sport: number, dport: number, payload: Uint8Array | number[] = []): Uint8Array {
  return cat(u16(sport), u16(dport), u16(8 + payload.length), [0, 0], payload);
}

/** ICMP / ICMPv6 header: type, code, checksum, 4 bytes of rest, then the payload. */
export function icmp(type: number, code: number, payload: Uint8Array | number[] = [], rest: number[] = [0, 0, 0, 0]): Uint8Array {
  return cat([type, code, 0, 0], rest, payload);
}
