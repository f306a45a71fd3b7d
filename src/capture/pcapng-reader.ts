/**
 * pcapng block reader, written for this project from draft-ietf-opsawg-pcapng:
 * §3.1 general block structure, §4.1 Section Header Block, §4.2 Interface
 * Description Block (if_tsresol §4.2 option 9, if_tsoffset option 14), §4.3
 * Enhanced Packet Block, §4.4 Simple Packet Block, Appendix A obsolete Packet
 * Block. Every other block type (NRB, ISB, DSB, custom, unknown) is skipped by
 * its length. Interface ids are numbered per section (§4.2).
 */
import { CaptureError } from '../errors.js';
import type { PacketSink } from './types.js';
import { u16, u32, u32le } from '../bytes.js';
import { noteLinkType, type RecordWalker } from './walker.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_PB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;
const BT_ISB = 0x00000005;
const BOM = 0x1a2b3c4d;
const BOM_SWAPPED = 0x4d3c2b1a;

/**
 * Largest block accepted. libpcap caps blocks at 16 MiB by default; we allow
 * more headroom but refuse lengths that can only come from corruption, so a bad
 * length cannot make us buffer gigabytes.
 */
export const PCAPNG_MAX_BLOCK = 64 * 1024 * 1024;

const TWO32 = 4294967296;

/** Reads a pcapng stream block by block and delivers packet blocks to the sink in place. */
export class PcapngWalker implements RecordWalker {
  need = 12;
  error: string | null = null;
  packets = 0;
  bytes = 0;
  linkTypes: number[] = [];
  /** Sections seen so far (SHBs). */
  sections = 0;
  /** Interfaces defined so far over all sections. */
  interfaces = 0;

  private le = true;
  /** Interfaces of the current section; index = interface id within the section. */
  private ifCount = 0;
  private ifFirst = 0;
  private ifLink: number[] = [];
  private ifSnap: number[] = [];
  /** Ticks per second, and the tick -> nanosecond factor as (mul / div), exact while units <= 2^32. */
  private ifUnits: number[] = [];
  private ifNsMul: number[] = [];
  private ifNsDiv: number[] = [];
  private ifOffset: number[] = [];
  /** Last timestamp produced; an SPB carries none and reuses it (see docs/capture.md). */
  private tsSec = 0;
  private tsNsec = 0;

  /**
   * @param name       file name for messages
   * @param sink       receives the packets
   * @param ifaceBase  added to every interface index given to the sink
   * @param fileSize   total bytes when known (0 for streams): a block past it is an error at once
   */
  constructor(
    private readonly name: string,
    private readonly sink: PacketSink,
    private readonly ifaceBase: number,
    private readonly fileSize: number,
  ) {}

  private fail(msg: string): void {
    // A damaged first SHB means this is not a readable pcapng file at all.
    if (this.sections === 0) throw new CaptureError(`${this.name}: ${msg}`);
    this.error = `${this.name}: ${msg} (after ${this.packets} packets)`;
    this.need = 0;
  }

  /** @inheritdoc */
  walk(buf: Uint8Array, pos: number, end: number, base: number): number {
    for (;;) {
      if (end - pos < 12) { this.need = 12; return pos; }
      const off = base + pos;
      let type: number;
      if (buf[pos] === 0x0a && buf[pos + 1] === 0x0d && buf[pos + 2] === 0x0d && buf[pos + 3] === 0x0a) {
        type = BT_SHB;
        // The SHB's byte-order magic decides how this section, including this block's length, is read.
        const bom = u32le(buf, pos + 8);
        if (bom === BOM) this.le = true;
        else if (bom === BOM_SWAPPED) this.le = false;
        else { this.fail(`block at offset ${off}: section header with bad byte-order magic 0x${bom.toString(16)}`); return pos; }
      } else {
        type = u32(buf, pos, this.le);
      }
      const le = this.le;
      const len = u32(buf, pos + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > PCAPNG_MAX_BLOCK) {
        this.fail(`block at offset ${off}: bad block length ${len}`);
        return pos;
      }
      if (this.fileSize > 0 && off + len > this.fileSize) {
        this.fail(`block at offset ${off}: block length ${len} runs past the end of the file (${this.fileSize - off} bytes left)`);
        return pos;
      }
      if (end - pos < len) { this.need = len; return pos; }
      const trailer = u32(buf, pos + len - 4, le);
      if (trailer !== len) {
        this.fail(`block at offset ${off}: block length ${len} in the header but ${trailer} in the trailer`);
        return pos;
      }
      switch (type) {
        case BT_SHB: if (!this.sectionHeader(buf, pos, len, off)) return pos; break;
        case BT_IDB: if (!this.interfaceDescription(buf, pos, len, off)) return pos; break;
        case BT_EPB: case BT_PB: {
          if (len < 32) { this.fail(`block at offset ${off}: packet block too short (${len} bytes)`); return pos; }
          const id = type === BT_EPB ? u32(buf, pos + 8, le) : u16(buf, pos + 8, le);
          if (id >= this.ifCount) {
            this.fail(`block at offset ${off}: packet references interface ${id}, but the section defines ${this.ifCount}`);
            return pos;
          }
          const caplen = u32(buf, pos + 20, le);
          if (caplen > len - 32) {
            this.fail(`block at offset ${off}: captured length ${caplen} does not fit in a ${len}-byte block`);
            return pos;
          }
          const origLen = u32(buf, pos + 24, le);
          this.timestamp(id, u32(buf, pos + 12, le), u32(buf, pos + 16, le));
          this.sink.packet(buf, pos + 28, caplen, origLen, this.tsSec, this.tsNsec, this.ifLink[id]!,
            this.ifaceBase + this.ifFirst + id);
          this.packets++;
          this.bytes += origLen;
          break;
        }
        case BT_SPB: {
          if (len < 16) { this.fail(`block at offset ${off}: simple packet block too short (${len} bytes)`); return pos; }
          if (this.ifCount === 0) {
            this.fail(`block at offset ${off}: simple packet block, but the section defines no interface`);
            return pos;
          }
          const origLen = u32(buf, pos + 8, le);
          // §4.4: the captured length is the smaller of the original length and the snaplen; the block bounds it too.
          let caplen = len - 16;
          if (origLen < caplen) caplen = origLen;
          const snap = this.ifSnap[0]!;
          if (snap !== 0 && snap < caplen) caplen = snap;
          this.sink.packet(buf, pos + 12, caplen, origLen, this.tsSec, this.tsNsec, this.ifLink[0]!,
            this.ifaceBase + this.ifFirst);
          this.packets++;
          this.bytes += origLen;
          break;
        }
        case BT_ISB: this.interfaceStatistics(buf, pos, len); break;
        default:
          break; // NRB, DSB, custom and unknown blocks: skipped by length (§3.1)
      }
      pos += len;
    }
  }

  private sectionHeader(buf: Uint8Array, pos: number, len: number, off: number): boolean {
    if (len < 28) { this.fail(`block at offset ${off}: section header too short (${len} bytes)`); return false; }
    const major = u16(buf, pos + 12, this.le);
    const minor = u16(buf, pos + 14, this.le);
    // 1.0 is the only published version; 1.2 appears in files from some old writers and libpcap accepts it.
    if (!(major === 1 && (minor === 0 || minor === 2))) {
      this.fail(`block at offset ${off}: unsupported pcapng section version ${major}.${minor}`);
      return false;
    }
    this.sections++;
    this.ifFirst += this.ifCount;
    this.ifCount = 0;
    this.ifLink.length = 0; this.ifSnap.length = 0; this.ifUnits.length = 0;
    this.ifNsMul.length = 0; this.ifNsDiv.length = 0; this.ifOffset.length = 0;
    return true;
  }

  private interfaceDescription(buf: Uint8Array, pos: number, len: number, off: number): boolean {
    const le = this.le;
    if (len < 20) { this.fail(`block at offset ${off}: interface description too short (${len} bytes)`); return false; }
    const linkType = u16(buf, pos + 8, le);
    const snap = u32(buf, pos + 12, le);
    let tsresol = 6;
    let tsoffset = 0;
    // Options (§3.5): code, length, value padded to 32 bits; a damaged list just ends the options.
    let p = pos + 16;
    const optEnd = pos + len - 4;
    while (p + 4 <= optEnd) {
      const code = u16(buf, p, le);
      const olen = u16(buf, p + 2, le);
      if (code === 0 || p + 4 + olen > optEnd) break;
      if (code === 9 && olen >= 1) tsresol = buf[p + 4]!;
      else if (code === 14 && olen >= 8) {
        const a = u32(buf, p + 4, le), b = u32(buf, p + 8, le);
        // Signed 64-bit seconds; split so no BigInt is needed.
        const hi = le ? b : a, lo = le ? a : b;
        tsoffset = (hi | 0) * TWO32 + lo;
      }
      p += 4 + ((olen + 3) & ~3);
    }
    let units: number, mul: number, div: number;
    if (tsresol & 0x80) {
      const n = tsresol & 0x7f;
      units = 2 ** n;
      // 1e9 / 2^n = 1953125 * 2^9 / 2^n, so ticks * 1953125 stays exact and the power-of-two division is exact.
      if (n >= 9) { mul = 1953125; div = 2 ** (n - 9); } else { mul = 1953125 * 2 ** (9 - n); div = 1; }
    } else {
      units = 10 ** tsresol;
      if (tsresol <= 9) { mul = 10 ** (9 - tsresol); div = 1; } else { mul = 1; div = 10 ** (tsresol - 9); }
    }
    this.ifLink.push(linkType);
    this.ifSnap.push(snap);
    this.ifUnits.push(units);
    this.ifNsMul.push(mul);
    this.ifNsDiv.push(div);
    this.ifOffset.push(tsoffset);
    this.sink.interfaceAdded?.(this.ifaceBase + this.ifFirst + this.ifCount, linkType, tsresol, snap);
    this.ifCount++;
    this.interfaces++;
    noteLinkType(this.linkTypes, linkType);
    return true;
  }

  /**
   * Splits the 64-bit tick count (hi, lo) into whole seconds and nanoseconds in
   * tsSec/tsNsec. Long division in 16-bit digits keeps every intermediate below
   * 2^53, so the result is exact for any resolution up to 2^32 ticks per second.
   */
  /**
   * Interface Statistics Block (§4.6): its isb_endtime (option 3) is when the capture on
   * that interface stopped, which is part of the end of the input (the SYN grace is
   * measured from it). A damaged or unknown-interface block is skipped, never fatal.
   */
  private interfaceStatistics(buf: Uint8Array, pos: number, len: number): void {
    if (len < 24 || this.sink.endTime === undefined) return;
    const le = this.le;
    const id = u32(buf, pos + 8, le);
    if (id >= this.ifCount) return;
    let p = pos + 20;
    const optEnd = pos + len - 4;
    while (p + 4 <= optEnd) {
      const code = u16(buf, p, le);
      const olen = u16(buf, p + 2, le);
      if (code === 0 || p + 4 + olen > optEnd) break;
      if (code === 3 && olen === 8) {
        const sec = this.tsSec, nsec = this.tsNsec;
        this.timestamp(id, u32(buf, p + 4, le), u32(buf, p + 8, le));
        this.sink.endTime(this.tsSec + this.tsNsec / 1e9);
        this.tsSec = sec; this.tsNsec = nsec;
      }
      p += 4 + ((olen + 3) & ~3);
    }
  }

  private timestamp(id: number, hi: number, lo: number): void {
    const units = this.ifUnits[id]!;
    let sec: number, rem: number;
    if (units <= TWO32) {
      const hq = Math.floor(hi / units);
      const hr = hi - hq * units;
      const a = hr * 65536 + (lo >>> 16);
      const q1 = Math.floor(a / units);
      const r1 = a - q1 * units;
      const b = r1 * 65536 + (lo & 0xffff);
      const q2 = Math.floor(b / units);
      rem = b - q2 * units;
      sec = hq * TWO32 + q1 * 65536 + q2;
    } else {
      // Finer than 2^-32 s (picoseconds): beyond what a double holds exactly; nanoseconds are approximate.
      const t = hi * TWO32 + lo;
      sec = Math.floor(t / units);
      rem = t - sec * units;
      if (rem < 0) rem = 0;
    }
    let nsec = Math.floor((rem * this.ifNsMul[id]!) / this.ifNsDiv[id]!);
    if (nsec >= 1e9) nsec = 999999999;
    this.tsSec = sec + this.ifOffset[id]!;
    this.tsNsec = nsec;
  }

  /** @inheritdoc */
  finish(_buf: Uint8Array, pos: number, end: number, base: number): void {
    if (this.sections === 0) {
      throw new CaptureError(`${this.name}: pcapng section header cut short (${end - pos} bytes)`);
    }
    if (this.error === null && end > pos) {
      this.error = `${this.name}: cut short in the middle of the block at offset ${base + pos}` +
        ` (needs ${this.need} bytes, ${end - pos} left; after ${this.packets} packets)`;
    }
  }
}
