/**
 * A SYN flood into a file, never sent (issue 12): `sources` distinct random IPv4 sources
 * (address and port) each send one SYN to one WFO port, at `rate` SYNs per second of capture time, so every
 * half-open flow is still live at the end (well inside the 300 s TCP idle timeout) and a
 * flow table smaller than the flood must evict. Ethernet / IPv4 (RFC 791) / TCP (RFC 9293)
 * with correct checksums, written one record at a time from a reused frame buffer.
 *
 * Usage: node dist/synth/syn-flood.js --out FILE [--sources 1000000] [--seed 1]
 *        [--target 10.10.0.10] [--port 443] [--rate 20000]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PcapWriter } from '../capture/writer.js';
import { foldChecksum, LINKTYPE_ETHERNET, parseIpv4, sumWords } from './craft.js';
import { mulberry32 } from './prng.js';

/** Options of `writeSynFlood`. */
export interface SynFloodOptions {
  /** Distinct sources, one SYN each. */
  sources: number;
  /** PRNG seed: the same seed gives the same bytes. */
  seed?: number;
  /** The attacked server (a WFO host) and port. */
  target?: string;
  port?: number;
  /** SYNs per second of capture time. */
  rate?: number;
  /** Capture start, seconds since the epoch (default 2026-01-15T00:00:00Z). */
  startSec?: number;
}

/** What was written. */
export interface SynFloodStats { packets: number; bytes: number; durationSec: number }

const FRAME = 14 + 20 + 20;

/**
 * Distinct pseudo-random 32-bit values: a bijection of 0..n-1 (multiplication by an odd
 * constant and xor-shifts are invertible mod 2^32), so no two sources repeat and no table is needed.
 */
function scramble(i: number, key: number): number {
  let x = (i ^ key) >>> 0;
  x = Math.imul(x, 0x9e3779b1) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  return x >>> 0;
}

/** Writes the flood to `path` as classic pcap (µs); the file is streamed, never held in memory. */
export function writeSynFlood(path: string, o: SynFloodOptions): SynFloodStats {
  const rnd = mulberry32(o.seed ?? 1);
  const key = rnd();
  const target = parseIpv4(o.target ?? '10.10.0.10');
  const port = o.port ?? 443;
  const rate = o.rate ?? 20_000;
  const start = o.startSec ?? 1_768_435_200;
  const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET, snaplen: 65535 }, path);
  const f = Buffer.alloc(FRAME);
  // Ethernet: the server's MAC, a router's MAC, IPv4
  f.set([0x02, 0x00, 0x0a, 0x0a, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00], 0);
  // IPv4 header: version 4, IHL 5, total length 40, DF, TTL 64, TCP
  f.set([0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00], 14);
  f.set(target, 30);
  // TCP: data offset 5, SYN, window 64240
  f.writeUInt16BE(port, 36);
  f[46] = 0x50;
  f[47] = 0x02;
  f.writeUInt16BE(64240, 48);
  let bytes = 24;
  for (let i = 0; i < o.sources; i++) {
    // sources: distinct addresses outside 0/8, 10/8, 127/8 and multicast (first octet 11..223 but 127)
    const v = scramble(i, key);
    let a = 11 + (v >>> 24) % 213;
    if (a === 127) a = 128;
    const src = [a, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    // Addresses may repeat rarely (the first octet is folded into 11..223); the source port, which
    // follows i, keeps every (address, port) source distinct.
    const sport = 1024 + (i % 64000);
    f.set(src, 26);
    f.writeUInt16BE(i & 0xffff, 18);
    f.writeUInt16BE(0, 24);
    f.writeUInt16BE(foldChecksum(sumWords(0, f, 14, 34)), 24);
    f.writeUInt16BE(sport, 34);
    f.writeUInt32BE(rnd(), 38);
    f.writeUInt16BE(0, 50);
    // pseudo-header: addresses, protocol, TCP length (RFC 9293 §3.1)
    let acc = sumWords(0, f, 26, 34) + 6 + 20;
    acc = sumWords(acc, f, 34, 54);
    f.writeUInt16BE(foldChecksum(acc), 50);
    const t = i / rate;
    const sec = Math.floor(t);
    w.write({ tsSec: start + sec, tsNsec: Math.round((t - sec) * 1e6) * 1000, data: f });
    bytes += 16 + FRAME;
  }
  w.close();
  return { packets: o.sources, bytes, durationSec: o.sources / rate };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const get = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const out = get('--out');
  if (!out) {
    process.stderr.write('syn-flood: --out FILE is required\n');
    process.exit(2);
  }
  const num = (name: string, dflt: number): number => {
    const v = get(name);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(n) || n < 1) { process.stderr.write(`syn-flood: ${name}: ${JSON.stringify(v)} is not valid (allowed: a whole number >= 1)\n`); process.exit(2); }
    return n;
  };
  const s = writeSynFlood(out, {
    sources: num('--sources', 1_000_000), seed: num('--seed', 1), rate: num('--rate', 20_000),
    port: num('--port', 443), target: get('--target') ?? '10.10.0.10',
  });
  process.stdout.write(`syn-flood: ${s.packets} SYNs from ${s.packets} sources in ${s.durationSec} s of capture time, ${s.bytes} bytes -> ${out}\n`);
}
