/**
 * Deterministic capture writers: classic pcap (µs or ns, either byte order) and
 * pcapng (SHB + IDBs + EPBs). Used by the fixtures, the demo, the tests and the
 * benchmark. Formats: libpcap savefile (draft-ietf-opsawg-pcap) and pcapng
 * (draft-ietf-opsawg-pcapng).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** One packet to write. Time is split so nanoseconds survive. */
export interface WriteRecord {
  tsSec: number;
  /** Fraction in nanoseconds (0..1e9-1); written as µs in microsecond pcap. */
  tsNsec: number;
  data: Uint8Array;
  /** Original length; defaults to data.length. */
  origLen?: number;
  /** pcapng interface id (default 0). */
  iface?: number;
}

/** Options for classic pcap. */
export interface PcapOptions {
  linkType: number;
  nanos?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

/** One pcapng interface. */
export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** if_tsresol option byte (default 6 = µs; 9 = ns; 0x80|n = 2^-n). */
  tsresol?: number;
}

/** Options for pcapng. */
export interface PcapngOptions {
  interfaces: PcapngInterface[];
  bigEndian?: boolean;
}

/** Accumulates bytes and flushes them to a sink (memory or file) in large writes. */
class ByteSink {
  private chunks: Buffer[] = [];
  private buf = Buffer.alloc(1 << 20);
  private pos = 0;
  constructor(private readonly fd: number | null) {}
  /** Reserve n bytes and return the buffer and offset to fill. */
  reserve(n: number): [Buffer, number] {
    if (this.pos + n > this.buf.length) this.flush(n);
    const at = this.pos;
    this.pos += n;
    return [this.buf, at];
  }
  /** Writes what is buffered to the file now (a long capture's file stays readable as it grows). */
  flushNow(): void {
    if (this.fd !== null && this.pos > 0) this.flush(0);
  }
  private flush(need: number): void {
    if (this.pos > 0) {
      if (this.fd === null) this.chunks.push(Buffer.from(this.buf.subarray(0, this.pos)));
      else writeSync(this.fd, this.buf, 0, this.pos);
    }
    this.pos = 0;
    if (need > this.buf.length) this.buf = Buffer.alloc(need);
  }
  finish(): Buffer {
    this.flush(0);
    return Buffer.concat(this.chunks);
  }
}

/** Streaming classic-pcap writer (to memory, or to a file when a path is given). */
export class PcapWriter {
  private readonly sink: ByteSink;
  private readonly fd: number | null;
  private readonly be: boolean;
  private readonly nanos: boolean;
  constructor(opts: PcapOptions, path?: string) {
    this.fd = path ? openSync(path, 'w') : null;
    this.sink = new ByteSink(this.fd);
    this.be = !!opts.bigEndian;
    this.nanos = !!opts.nanos;
    const [b, o] = this.sink.reserve(24);
    this.u32(b, o, this.nanos ? 0xa1b23c4d : 0xa1b2c3d4);
    this.u16(b, o + 4, 2);
    this.u16(b, o + 6, 4);
    this.u32(b, o + 8, 0);
    this.u32(b, o + 12, 0);
    this.u32(b, o + 16, opts.snaplen ?? 262144);
    this.u32(b, o + 20, opts.linkType);
  }
  private u32(b: Buffer, o: number, v: number): void {
    if (this.be) b.writeUInt32BE(v >>> 0, o); else b.writeUInt32LE(v >>> 0, o);
  }
  private u16(b: Buffer, o: number, v: number): void {
    if (this.be) b.writeUInt16BE(v, o); else b.writeUInt16LE(v, o);
  }
  /** Appends one record. */
  write(r: WriteRecord): void {
    const n = r.data.length;
    const [b, o] = this.sink.reserve(16 + n);
    this.u32(b, o, r.tsSec);
    this.u32(b, o + 4, this.nanos ? r.tsNsec : Math.floor(r.tsNsec / 1000));
    this.u32(b, o + 8, n);
    this.u32(b, o + 12, r.origLen ?? n);
    b.set(r.data, o + 16);
  }
  /** Flushes; returns the bytes when writing to memory (empty Buffer for files). */
  close(): Buffer {
    const out = this.sink.finish();
    if (this.fd !== null) closeSync(this.fd);
    return out;
  }
}

/** Ticks per second of an if_tsresol byte (6 = µs, 9 = ns, 0x80|n = 2^-n). */
export function tsresolUnits(res: number): number {
  return res & 0x80 ? 2 ** (res & 0x7f) : 10 ** res;
}

/**
 * A time as the 64-bit pcapng timestamp (high, low 32 bits) in `unitsPerSec` ticks.
 * Nanosecond units put today's ticks past 2^53, so the product is split on 16 bits to
 * stay exact in doubles.
 */
export function pcapngTicks(tsSec: number, tsNsec: number, unitsPerSec: number): [number, number] {
  const frac = Math.floor((tsNsec * unitsPerSec) / 1e9);
  const a = Math.floor(tsSec / 65536) * unitsPerSec;
  const aHi = Math.floor(a / 65536);
  const low = (tsSec % 65536) * unitsPerSec + frac + (a - aHi * 65536) * 65536;
  const carry = Math.floor(low / 4294967296);
  return [aHi + carry, low - carry * 4294967296];
}

/** Streaming pcapng writer: one section, the given interfaces, Enhanced Packet Blocks. */
export class PcapngWriter {
  private readonly sink: ByteSink;
  private readonly fd: number | null;
  private readonly be: boolean;
  private readonly units: number[];
  /** @param path  a file to create, or a file descriptor opened already (it is closed by close()) */
  constructor(opts: PcapngOptions, path?: string | number) {
    this.fd = typeof path === 'number' ? path : path ? openSync(path, 'w') : null;
    this.sink = new ByteSink(this.fd);
    this.be = !!opts.bigEndian;
    // SHB: type, len, BOM, major 1, minor 0, section length -1 (unknown), len
    {
      const [b, o] = this.sink.reserve(28);
      this.u32(b, o, 0x0a0d0d0a); this.u32(b, o + 4, 28); this.u32(b, o + 8, 0x1a2b3c4d);
      this.u16(b, o + 12, 1); this.u16(b, o + 14, 0);
      b.writeInt32LE(-1, o + 16); b.writeInt32LE(-1, o + 20);
      this.u32(b, o + 24, 28);
    }
    this.units = [];
    for (const itf of opts.interfaces) {
      const res = itf.tsresol ?? 6;
      const withOpt = res !== 6;
      const len = 20 + (withOpt ? 12 : 0);
      const [b, o] = this.sink.reserve(len);
      this.u32(b, o, 1); this.u32(b, o + 4, len);
      this.u16(b, o + 8, itf.linkType); this.u16(b, o + 10, 0);
      this.u32(b, o + 12, itf.snaplen ?? 262144);
      let p = o + 16;
      if (withOpt) {
        this.u16(b, p, 9); this.u16(b, p + 2, 1); b[p + 4] = res; b[p + 5] = 0; b[p + 6] = 0; b[p + 7] = 0;
        this.u16(b, p + 8, 0); this.u16(b, p + 10, 0); // opt_endofopt
        p += 12;
      }
      this.u32(b, p, len);
      this.units.push(tsresolUnits(res));
    }
  }
  private u32(b: Buffer, o: number, v: number): void {
    if (this.be) b.writeUInt32BE(v >>> 0, o); else b.writeUInt32LE(v >>> 0, o);
  }
  private u16(b: Buffer, o: number, v: number): void {
    if (this.be) b.writeUInt16BE(v, o); else b.writeUInt16LE(v, o);
  }
  /** Writes the buffered blocks to the file now. */
  flush(): void {
    this.sink.flushNow();
  }
  /** Appends one Enhanced Packet Block. */
  write(r: WriteRecord): void {
    const iface = r.iface ?? 0;
    const unitsPerSec = this.units[iface] ?? 1e6;
    const n = r.data.length;
    const padded = (n + 3) & ~3;
    const len = 32 + padded;
    const [hi, lo] = pcapngTicks(r.tsSec, r.tsNsec, unitsPerSec);
    const [b, o] = this.sink.reserve(len);
    this.u32(b, o, 6); this.u32(b, o + 4, len); this.u32(b, o + 8, iface);
    this.u32(b, o + 12, hi); this.u32(b, o + 16, lo);
    this.u32(b, o + 20, n); this.u32(b, o + 24, r.origLen ?? n);
    b.set(r.data, o + 28);
    b.fill(0, o + 28 + n, o + 28 + padded);
    this.u32(b, o + 28 + padded, len);
  }
  /** Flushes; returns the bytes when writing to memory (empty Buffer for files). */
  close(): Buffer {
    const out = this.sink.finish();
    if (this.fd !== null) closeSync(this.fd);
    return out;
  }
}
