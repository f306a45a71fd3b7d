/**
 * Mutations of capture files for `npm run fuzz`: bit flips, truncation, container length
 * fields set to 0 / the maximum / huge values (classic pcap record headers, pcapng block
 * lengths), splices of two files, and gzip damage. Pure and seeded: the same seed and
 * inputs always give the same bytes. Containers follow draft-ietf-opsawg-pcap §4-5
 * (record header: ts_sec, ts_frac, caplen, len) and draft-ietf-opsawg-pcapng §3-4
 * (block type, total length, body, total length again), gzip RFC 1952 §2.
 */
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { mulberry32 } from '../synth/prng.js';

/** The mutation kinds, in the order the fuzzer cycles its choice through. */
export const MUTATIONS = [
  'bit-flip', 'truncate', 'pcap-length', 'pcapng-block-length', 'pcapng-field', 'aligned-length', 'splice', 'gzip-damage',
] as const;

/** One mutation kind. */
export type Mutation = (typeof MUTATIONS)[number];

/** A mutated input and what was done to it (for the crash line). */
export interface Mutant {
  bytes: Buffer;
  mutation: Mutation;
  detail: string;
}

/** Length values worth trying: empty, tiny, just over limits, and absurd. */
const LENGTHS = [0, 1, 3, 4, 7, 8, 11, 12, 13, 16, 28, 32, 0xffff, 0x10000, 0x40000, 0x40001, 0x1000000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

/** A seeded source of choices. */
export class Choices {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  /** A whole number in [0, n). */
  int(n: number): number { return n <= 0 ? 0 : this.next() % n; }
  /** One element of a list. */
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]!; }
  /** true with probability p. */
  chance(p: number): boolean { return this.next() / 0x100000000 < p; }
}

/** Byte order of a classic pcap by its magic, or null when it is not one. */
function pcapOrder(b: Buffer): 'le' | 'be' | null {
  if (b.length < 24) return null;
  const m = b.readUInt32BE(0);
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) return 'be';
  if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1) return 'le';
  return null;
}

/** Offsets of the classic pcap record headers (as far as the lengths hold). */
function pcapRecords(b: Buffer, le: boolean): number[] {
  const out: number[] = [];
  for (let at = 24; at + 16 <= b.length && out.length < 100_000;) {
    out.push(at);
    const caplen = le ? b.readUInt32LE(at + 8) : b.readUInt32BE(at + 8);
    at += 16 + caplen;
  }
  return out;
}

/** Offsets of the pcapng blocks and the byte order of their sections (as far as the lengths hold). */
function pcapngBlocks(b: Buffer): { at: number; le: boolean }[] {
  const out: { at: number; le: boolean }[] = [];
  let le = true;
  for (let at = 0; at + 12 <= b.length && out.length < 100_000;) {
    if (b.readUInt32BE(at) === 0x0a0d0d0a && at + 12 <= b.length) le = b.readUInt32BE(at + 8) === 0x4d3c2b1a;
    out.push({ at, le });
    const len = le ? b.readUInt32LE(at + 4) : b.readUInt32BE(at + 4);
    if (len < 12) break;
    at += len;
  }
  return out;
}

function put32(b: Buffer, at: number, v: number, le: boolean): void {
  if (at < 0 || at + 4 > b.length) return;
  if (le) b.writeUInt32LE(v >>> 0, at); else b.writeUInt32BE(v >>> 0, at);
}

/** Damages a gzip stream: cut short, bit flips in the body, a wrong CRC or size, a bad header. */
function damageGzip(gz: Buffer, c: Choices): { bytes: Buffer; detail: string } {
  const b = Buffer.from(gz);
  switch (c.int(5)) {
    case 0: { const n = c.int(b.length); return { bytes: b.subarray(0, n), detail: `gzip cut at ${n} of ${b.length}` }; }
    case 1: {
      const flips = 1 + c.int(4);
      for (let k = 0; k < flips; k++) { const i = 10 + c.int(Math.max(1, b.length - 18)); if (i < b.length) b[i]! ^= 1 << c.int(8); }
      return { bytes: b, detail: `gzip ${flips} bit flips in the deflate data` };
    }
    case 2: { const i = b.length - 8 + c.int(8); if (i >= 0) b[i]! ^= 1 + c.int(255); return { bytes: b, detail: `gzip trailer byte ${i} changed` }; }
    case 3: { const i = 2 + c.int(8); if (i < b.length) b[i]! = c.int(256); return { bytes: b, detail: `gzip header byte ${i} changed` }; }
    default: return { bytes: Buffer.concat([b, b.subarray(0, c.int(b.length))]), detail: 'gzip member followed by a partial second member' };
  }
}

/**
 * One mutant of `src` (a capture, possibly gzip-compressed). `other` is a second input
 * for splices. The kind is `MUTATIONS[kindIndex % n]` so a run covers every kind evenly.
 */
export function mutate(src: Buffer, other: Buffer, kindIndex: number, c: Choices): Mutant {
  const gz = src.length >= 2 && src[0] === 0x1f && src[1] === 0x8b;
  const mutation = MUTATIONS[kindIndex % MUTATIONS.length]!;
  // A gzipped input is damaged as gzip, or mutated inside and compressed again.
  if (gz && mutation !== 'gzip-damage') {
    const inner = gunzipLenient(src);
    if (inner === src) return mutate(src, other, MUTATIONS.indexOf('gzip-damage'), c);
    const m = mutate(inner, other, kindIndex, c);
    return { ...m, bytes: gzipSync(m.bytes), detail: `${m.detail}, compressed again` };
  }
  const b = Buffer.from(src);
  switch (mutation) {
    case 'bit-flip': {
      const flips = 1 + c.int(8);
      for (let k = 0; k < flips && b.length > 0; k++) b[c.int(b.length)]! ^= 1 << c.int(8);
      return { bytes: b, mutation, detail: `${flips} bit flips` };
    }
    case 'truncate': {
      const n = c.int(b.length + 1);
      return { bytes: b.subarray(0, n), mutation, detail: `cut at ${n} of ${b.length}` };
    }
    case 'pcap-length': {
      const order = pcapOrder(b);
      if (order === null) return mutate(src, other, kindIndex + 1, c);
      const le = order === 'le';
      const recs = pcapRecords(b, le);
      const v = c.pick(LENGTHS);
      if (recs.length === 0 || c.chance(0.15)) {
        // the file header's snaplen (offset 16) or link type (offset 20)
        const at = c.chance(0.5) ? 16 : 20;
        put32(b, at, v, le);
        return { bytes: b, mutation, detail: `file header offset ${at} = ${v}` };
      }
      const r = c.pick(recs);
      const field = c.pick([8, 12, 4] as const);
      put32(b, r + field, v, le);
      return { bytes: b, mutation, detail: `record at ${r}: ${field === 8 ? 'caplen' : field === 12 ? 'len' : 'ts_frac'} = ${v}` };
    }
    case 'pcapng-block-length': {
      if (b.length < 12 || b.readUInt32BE(0) !== 0x0a0d0d0a) return mutate(src, other, kindIndex + 1, c);
      const blocks = pcapngBlocks(b);
      const blk = c.pick(blocks);
      const v = c.pick(LENGTHS);
      const len = blk.le ? b.readUInt32LE(blk.at + 4) : b.readUInt32BE(blk.at + 4);
      const trailer = c.chance(0.3) && len >= 12 && blk.at + len <= b.length;
      put32(b, trailer ? blk.at + len - 4 : blk.at + 4, v, blk.le);
      return { bytes: b, mutation, detail: `block at ${blk.at}: ${trailer ? 'trailing' : 'leading'} length = ${v}` };
    }
    case 'pcapng-field': {
      if (b.length < 12 || b.readUInt32BE(0) !== 0x0a0d0d0a) return mutate(src, other, kindIndex + 1, c);
      // a field inside a block body: EPB interface id / caplen / len, IDB link type / snaplen, option lengths
      const blocks = pcapngBlocks(b);
      const blk = c.pick(blocks);
      const len = blk.le ? b.readUInt32LE(blk.at + 4) : b.readUInt32BE(blk.at + 4);
      const bodyWords = Math.max(1, Math.floor((Math.min(len, b.length - blk.at) - 12) / 4));
      const at = blk.at + 8 + 4 * c.int(Math.min(bodyWords, 8));
      const v = c.pick(LENGTHS);
      if (c.chance(0.5)) put32(b, at, v, blk.le);
      else if (at + 2 <= b.length) { if (blk.le) b.writeUInt16LE(v & 0xffff, at); else b.writeUInt16BE(v & 0xffff, at); }
      return { bytes: b, mutation, detail: `block at ${blk.at}: field at ${at} = ${v}` };
    }
    case 'aligned-length': {
      // any 4-byte word: packet headers carry lengths too (IP total length, UDP length)
      if (b.length < 4) return { bytes: b, mutation, detail: 'too short to change' };
      const rounds = 1 + c.int(4);
      for (let k = 0; k < rounds; k++) put32(b, c.int(b.length - 3) & ~3, c.pick(LENGTHS), c.chance(0.5));
      return { bytes: b, mutation, detail: `${rounds} aligned words set to length values` };
    }
    case 'splice': {
      const a = c.int(b.length + 1);
      const o = other.length >= 2 && other[0] === 0x1f && other[1] === 0x8b ? gunzipLenient(other) : other;
      const from = c.int(o.length + 1);
      return { bytes: Buffer.concat([b.subarray(0, a), o.subarray(from)]), mutation, detail: `first ${a} bytes, then another file from ${from}` };
    }
    case 'gzip-damage': {
      const inner = gz ? src : (c.chance(0.5) ? b : mutate(src, other, c.int(MUTATIONS.length - 1), c).bytes);
      const d = damageGzip(gz ? src : gzipSync(inner), c);
      return { bytes: d.bytes, mutation, detail: d.detail };
    }
  }
}

/** Decompresses what a (possibly cut) gzip stream holds; the input itself when it holds nothing readable. */
function gunzipLenient(b: Buffer): Buffer {
  try {
    return gunzipSync(b, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return b;
  }
}
