/**
 * Test-only capture walk: classic pcap and pcapng (SHB/IDB/EPB/SPB), Ethernet with
 * 802.1Q/802.1ad tags, raw IP and Linux SLL, IPv4/IPv6 (common extension headers),
 * TCP/UDP; collects each flow's first payload bytes per direction. It exists so the
 * corpus test of the identifiers does not depend on the real reader and decoder
 * (src/capture, src/decode/decode.ts) that are being written at the same time.
 */
import { readFileSync } from 'node:fs';

/** One flow as seen by this walk, with the first payload each side sent. */
export interface TestFlow {
  proto: 'tcp' | 'udp';
  client: string;
  server: string;
  serverPort: number;
  clientFirst: Uint8Array | null;
  serverFirst: Uint8Array | null;
}

interface Pending {
  flow: TestFlow;
  /** Endpoints decided by a SYN; otherwise by the port rule, revisited never. */
  fixed: boolean;
}

/** Reads a capture file and returns its TCP/UDP flows in order of first packet. */
export function firstPayloads(path: string | URL): TestFlow[] {
  const buf = new Uint8Array(readFileSync(path));
  const flows = new Map<string, Pending>();
  const order: Pending[] = [];
  const onPacket = (p: Uint8Array, linkType: number): void => {
    const l3 = linkPayload(p, linkType);
    if (l3 === null) return;
    const t = transport(p, l3);
    if (t === null) return;
    const a = `${t.src}:${t.sport}`;
    const b = `${t.dst}:${t.dport}`;
    const key = `${t.proto} ${a < b ? a : b} ${a < b ? b : a}`;
    let f = flows.get(key);
    if (f === undefined) {
      const syn = t.proto === 'tcp' && (t.flags & 0x12) === 0x02;
      const synAck = t.proto === 'tcp' && (t.flags & 0x12) === 0x12;
      // A SYN names the client; otherwise the lower port is the server, or the first sender when equal.
      let senderIsClient = t.sport === t.dport ? true : t.sport > t.dport;
      if (syn) senderIsClient = true;
      if (synAck) senderIsClient = false;
      f = {
        flow: {
          proto: t.proto,
          client: senderIsClient ? a : b,
          server: senderIsClient ? b : a,
          serverPort: senderIsClient ? t.dport : t.sport,
          clientFirst: null,
          serverFirst: null,
        },
        fixed: syn || synAck,
      };
      flows.set(key, f);
      order.push(f);
    }
    if (t.payloadEnd <= t.payloadStart) return;
    const bytes = p.slice(t.payloadStart, t.payloadEnd);
    if (a === f.flow.client) {
      if (f.flow.clientFirst === null) f.flow.clientFirst = bytes;
    } else if (f.flow.serverFirst === null) {
      f.flow.serverFirst = bytes;
    }
  };
  walk(buf, onPacket);
  return order.map((f) => f.flow);
}

function walk(buf: Uint8Array, onPacket: (p: Uint8Array, linkType: number) => void): void {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic === 0x0a0d0d0a) return walkPcapng(buf, dv, onPacket);
  let le: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = false;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = true;
  else throw new Error('not a capture file');
  const linkType = dv.getUint32(20, le) & 0xffff;
  let off = 24;
  while (off + 16 <= buf.length) {
    const incl = dv.getUint32(off + 8, le);
    const start = off + 16;
    if (start + incl > buf.length) break;
    onPacket(buf.subarray(start, start + incl), linkType);
    off = start + incl;
  }
}

function walkPcapng(buf: Uint8Array, dv: DataView, onPacket: (p: Uint8Array, linkType: number) => void): void {
  let off = 0;
  let le = true;
  let links: number[] = [];
  while (off + 12 <= buf.length) {
    let type = dv.getUint32(off, le);
    if (type === 0x0a0d0d0a) {
      le = dv.getUint32(off + 8, true) === 0x1a2b3c4d;
      type = 0x0a0d0d0a;
      links = [];
    }
    const len = dv.getUint32(off + 4, le);
    if (len < 12 || off + len > buf.length) break;
    if (type === 1) links.push(dv.getUint16(off + 8, le));
    else if (type === 6) {
      const iface = dv.getUint32(off + 8, le);
      const cap = dv.getUint32(off + 20, le);
      const lt = links[iface];
      if (lt !== undefined && off + 28 + cap <= buf.length) onPacket(buf.subarray(off + 28, off + 28 + cap), lt);
    } else if (type === 3) {
      const lt = links[0];
      const orig = dv.getUint32(off + 8, le);
      const cap = Math.min(orig, len - 16);
      if (lt !== undefined) onPacket(buf.subarray(off + 12, off + 12 + cap), lt);
    }
    off += len;
  }
}

/** Offset of the IP header for the link types the app corpus uses, or null. */
function linkPayload(p: Uint8Array, linkType: number): number | null {
  if (linkType === 1) {
    let off = 12;
    let et = (p[off]! << 8) | p[off + 1]!;
    while ((et === 0x8100 || et === 0x88a8) && off + 6 <= p.length) {
      off += 4;
      et = (p[off]! << 8) | p[off + 1]!;
    }
    return et === 0x0800 || et === 0x86dd ? off + 2 : null;
  }
  if (linkType === 101 || linkType === 12 || linkType === 228 || linkType === 229) return 0;
  if (linkType === 113) return 16;
  if (linkType === 0) return 4;
  return null;
}

interface Transport {
  proto: 'tcp' | 'udp';
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags: number;
  payloadStart: number;
  payloadEnd: number;
}

function transport(p: Uint8Array, off: number): Transport | null {
  if (off >= p.length) return null;
  const v = p[off]! >> 4;
  let proto: number;
  let l4: number;
  let end: number;
  let src: string;
  let dst: string;
  if (v === 4) {
    const ihl = (p[off]! & 0xf) * 4;
    if (ihl < 20 || off + ihl > p.length) return null;
    const total = (p[off + 2]! << 8) | p[off + 3]!;
    if (((p[off + 6]! & 0x1f) << 8 | p[off + 7]!) !== 0) return null; // not a first fragment
    proto = p[off + 9]!;
    src = Array.from(p.subarray(off + 12, off + 16)).join('.');
    dst = Array.from(p.subarray(off + 16, off + 20)).join('.');
    l4 = off + ihl;
    end = Math.min(p.length, total >= ihl ? off + total : p.length);
  } else if (v === 6) {
    if (off + 40 > p.length) return null;
    const plen = (p[off + 4]! << 8) | p[off + 5]!;
    proto = p[off + 6]!;
    const hex = (s: number): string => Array.from(p.subarray(s, s + 16), (x) => x.toString(16).padStart(2, '0')).join('');
    src = hex(off + 8);
    dst = hex(off + 24);
    l4 = off + 40;
    end = Math.min(p.length, l4 + plen);
    while (proto === 0 || proto === 43 || proto === 60 || proto === 44) {
      if (l4 + 8 > end) return null;
      if (proto === 44 && ((p[l4 + 2]! << 8 | p[l4 + 3]!) & 0xfff8) !== 0) return null;
      const next = p[l4]!;
      l4 += proto === 44 ? 8 : (p[l4 + 1]! + 1) * 8;
      proto = next;
    }
  } else {
    return null;
  }
  if (proto === 6) {
    if (l4 + 20 > end) return null;
    const doff = (p[l4 + 12]! >> 4) * 4;
    if (doff < 20 || l4 + doff > end) return null;
    return {
      proto: 'tcp', src, dst, sport: (p[l4]! << 8) | p[l4 + 1]!, dport: (p[l4 + 2]! << 8) | p[l4 + 3]!,
      flags: p[l4 + 13]!, payloadStart: l4 + doff, payloadEnd: end,
    };
  }
  if (proto === 17) {
    if (l4 + 8 > end) return null;
    return {
      proto: 'udp', src, dst, sport: (p[l4]! << 8) | p[l4 + 1]!, dport: (p[l4 + 2]! << 8) | p[l4 + 3]!,
      flags: 0, payloadStart: l4 + 8, payloadEnd: end,
    };
  }
  return null;
}
