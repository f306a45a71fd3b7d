/**
 * Classic pcap (libpcap savefile) record walk, written for this project.
 * Layout: draft-ietf-opsawg-pcap §4 (24-byte file header) and §5 (16-byte record
 * header); the version, link-type and caplen rules follow what libpcap's
 * savefile reader accepts, so a file libpcap refuses is refused here too.
 */
import { CaptureError } from '../errors.js';
import type { PacketSink } from './types.js';
import { u16, u32 } from '../bytes.js';
import { noteLinkType, type RecordWalker } from './walker.js';

/**
 * Largest captured length accepted in one record. libpcap's savefile reader
 * uses the same 256 KiB bound (MAXIMUM_SNAPLEN); a larger value means a corrupt
 * record header, and trusting it would make us buffer garbage.
 */
export const PCAP_MAX_CAPLEN = 262144;

/** Bytes of the classic pcap file header. */
export const PCAP_HEADER_LEN = 24;
const REC_HDR = 16;

/**
 * Reads a classic pcap stream: file header, then records delivered to the sink
 * in place. Construct after sniffing (the magic gave byte order and resolution).
 */
export class PcapWalker implements RecordWalker {
  need = PCAP_HEADER_LEN;
  error: string | null = null;
  packets = 0;
  bytes = 0;
  linkTypes: number[] = [];
  /** Version minor from the header, for callers that report it. */
  versionMinor = 0;
  private headerDone = false;
  private linkType = 0;
  /** 0: never swap, 1: always swap caplen/len (before 2.3), 2: swap when caplen > len (2.3). */
  private swapMode = 0;

  /**
   * @param name   file name for messages
   * @param le     header and records are little-endian
   * @param nanos  record fractions are nanoseconds (magic a1b23c4d), else microseconds
   * @param iface  interface index given to the sink
   */
  constructor(
    private readonly name: string,
    private readonly le: boolean,
    private readonly nanos: boolean,
    private readonly sink: PacketSink,
    private readonly iface: number,
  ) {}

  private header(buf: Uint8Array, pos: number): void {
    const le = this.le;
    const major = u16(buf, pos + 4, le);
    const minor = u16(buf, pos + 6, le);
    // libpcap accepts 2.0 through 2.4 and refuses everything else by these words.
    if (major !== 2 || minor > 4) {
      throw new CaptureError(`${this.name}: unsupported pcap version ${major}.${minor} (libpcap reads 2.0 to 2.4)`);
    }
    this.versionMinor = minor;
    // Files before 2.3 wrote caplen and len the other way round; 2.3 writers were mixed.
    this.swapMode = minor < 3 ? 1 : minor === 3 ? 2 : 0;
    const field = u32(buf, pos + 20, le);
    // Bits 16-25 are reserved (draft-ietf-opsawg-pcap §4, LinkType and additional information);
    // bits 26-31 carry the FCS length and are ignored, as libpcap does.
    if ((field & 0x03ff0000) !== 0) {
      throw new CaptureError(
        `${this.name}: unsupported pcap link-type field 0x${field.toString(16).padStart(8, '0')} (reserved bits set)`);
    }
    this.linkType = field & 0xffff;
    noteLinkType(this.linkTypes, this.linkType);
    this.sink.interfaceAdded?.(this.iface, this.linkType, this.nanos ? 9 : 6, u32(buf, pos + 16, le));
    this.headerDone = true;
  }

  /** @inheritdoc */
  walk(buf: Uint8Array, pos: number, end: number, base: number): number {
    if (!this.headerDone) {
      if (end - pos < PCAP_HEADER_LEN) { this.need = PCAP_HEADER_LEN; return pos; }
      this.header(buf, pos);
      pos += PCAP_HEADER_LEN;
    }
    const le = this.le, sink = this.sink, linkType = this.linkType, iface = this.iface;
    const fracToNs = this.nanos ? 1 : 1000, swapMode = this.swapMode;
    let packets = this.packets, bytes = this.bytes;
    for (;;) {
      if (end - pos < REC_HDR) { this.need = REC_HDR; break; }
      let caplen = u32(buf, pos + 8, le);
      let origLen = u32(buf, pos + 12, le);
      if (swapMode === 1 || (swapMode === 2 && caplen > origLen)) { const t = caplen; caplen = origLen; origLen = t; }
      if (caplen > PCAP_MAX_CAPLEN) {
        this.error = `${this.name}: packet ${packets + 1} at offset ${base + pos}: captured length ${caplen}` +
          ` exceeds the ${PCAP_MAX_CAPLEN}-byte maximum (corrupt record header)`;
        this.need = 0;
        break;
      }
      if (end - pos < REC_HDR + caplen) { this.need = REC_HDR + caplen; break; }
      let sec = u32(buf, pos, le);
      let nsec = u32(buf, pos + 4, le) * fracToNs;
      if (nsec >= 1e9) {
        // Out-of-range fractions (tcpdump's timestamp_invalid_* files) carry into the seconds.
        const carry = Math.floor(nsec / 1e9);
        sec += carry;
        nsec -= carry * 1e9;
      }
      sink.packet(buf, pos + REC_HDR, caplen, origLen, sec, nsec, linkType, iface);
      packets++;
      bytes += origLen;
      pos += REC_HDR + caplen;
    }
    this.packets = packets;
    this.bytes = bytes;
    return pos;
  }

  /** @inheritdoc */
  finish(_buf: Uint8Array, pos: number, end: number, base: number): void {
    if (!this.headerDone) {
      throw new CaptureError(`${this.name}: pcap file header cut short (${end - pos} of ${PCAP_HEADER_LEN} bytes)`);
    }
    if (this.error === null && end > pos) {
      this.error = `${this.name}: cut short in the middle of packet ${this.packets + 1}` +
        ` (record at offset ${base + pos} needs ${this.need} bytes, ${end - pos} left)`;
    }
  }
}
