import { expect } from 'vitest';

/** Minimal independent reader for little-endian µs pcap with Ethernet frames (what most fixtures are). */
export function* ethernetFrames(file: Buffer): Generator<{ ts: number; data: Buffer }> {
  expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
  expect(file.readUInt32LE(20)).toBe(1);
  let o = 24;
  while (o < file.length) {
    const sec = file.readUInt32LE(o);
    const usec = file.readUInt32LE(o + 4);
    const cap = file.readUInt32LE(o + 8);
    expect(file.readUInt32LE(o + 12)).toBe(cap);
    yield { ts: sec + usec / 1e6, data: file.subarray(o + 16, o + 16 + cap) };
    o += 16 + cap;
  }
  expect(o).toBe(file.length);
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return acc;
}
function words(b: Buffer): number {
  let acc = 0;
  for (let i = 0; i + 1 < b.length; i += 2) acc += b.readUInt16BE(i);
  if (b.length & 1) acc += b[b.length - 1]! << 8;
  return acc;
}

/** Checks every IPv4/IPv6 header and TCP/UDP/ICMP/ICMPv6 checksum of one frame; returns the L4 protocol. */
export function verifyFrame(f: Buffer): number {
  let p = 12;
  let type = f.readUInt16BE(p);
  while (type === 0x8100 || type === 0x88a8) { p += 4; type = f.readUInt16BE(p); }
  p += 2;
  let proto: number; let l4: Buffer; let pseudo: number;
  if (type === 0x0800) {
    const ihl = (f[p]! & 0x0f) * 4;
    expect(fold(words(f.subarray(p, p + ihl)))).toBe(0xffff);
    const total = f.readUInt16BE(p + 2);
    expect(p + total).toBe(f.length);
    proto = f[p + 9]!;
    l4 = f.subarray(p + ihl, p + total);
    pseudo = words(f.subarray(p + 12, p + 20)) + proto + l4.length;
  } else {
    expect(type).toBe(0x86dd);
    expect(p + 40 + f.readUInt16BE(p + 4)).toBe(f.length);
    let next = f[p + 6]!;
    let q = p + 40;
    while (next === 0 || next === 43 || next === 44 || next === 60) {
      const len = next === 44 ? 8 : (f[q + 1]! + 1) * 8;
      next = f[q]!;
      q += len;
    }
    proto = next;
    l4 = f.subarray(q);
    pseudo = words(f.subarray(p + 8, p + 40)) + proto + l4.length;
  }
  if (proto === 6 || proto === 17 || proto === 58) expect(fold(pseudo + words(l4))).toBe(0xffff);
  else if (proto === 1) expect(fold(words(l4))).toBe(0xffff);
  if (proto === 17) expect(l4.readUInt16BE(4)).toBe(l4.length);
  return proto;
}

