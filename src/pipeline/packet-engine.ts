/**
 * The per-packet loop: decode, count problems, update the flow table. Plain and
 * synchronous (no RxJS): a capture source calls `packet` for every record and
 * the pipeline drains ended flows in batches between chunks.
 */
import type { PacketSink } from '../capture/types.js';
import { DecodedPacket } from '../decode/packet.js';
import { decodePacket } from '../decode/decode.js';
import { ProblemCounter } from '../decode/problems.js';
import { FlowTable, type FlowTableOptions } from '../flow/flow-table.js';
import type { FlowRecord } from '../flow/types.js';

/** Decodes packets into the flow table and queues ended flows for the pipeline. */
export class PacketEngine implements PacketSink {
  readonly table: FlowTable;
  readonly problems = new ProblemCounter();
  /** Flows ended since the last drain. */
  private pending: FlowRecord[] = [];
  private readonly pkt = new DecodedPacket();
  /** Index of the input currently being read (set by the pipeline between inputs). */
  input = 0;
  packets = 0;
  bytes = 0;
  /** Capture time of the first and last packet (NaN before the first). */
  first = NaN;
  last = NaN;

  /** Frames left out as duplicates (identical leading bytes and lengths within `dedupWindow`). */
  duplicateFrames = 0;
  /** Seconds within which identical frames are duplicates (0: off). */
  readonly dedupWindow: number;
  // The last DEDUP_RING frames: a hash of their first bytes, their lengths and times.
  private readonly dHash = new Int32Array(DEDUP_RING);
  private readonly dLen = new Float64Array(DEDUP_RING);
  private readonly dTs = new Float64Array(DEDUP_RING).fill(-Infinity);
  private dPos = 0;

  constructor(flowOptions: FlowTableOptions, dedupWindowSeconds = 0.001) {
    this.table = new FlowTable(flowOptions, (f) => { this.pending.push(f); });
    this.dedupWindow = dedupWindowSeconds;
  }

  /**
   * Whether this frame repeats one of the last frames within the dedup window: the same
   * captured and original length and the same first DEDUP_BYTES bytes (which hold the IP
   * identification, checksums and TCP sequence numbers, so distinct packets differ). Never
   * by count: a real retransmission comes later than the window, a SYN retry seconds later.
   */
  private duplicate(buf: Uint8Array, offset: number, caplen: number, origLen: number, ts: number): boolean {
    let h = 0x811c9dc5 ^ caplen;
    const end = offset + (caplen < DEDUP_BYTES ? caplen : DEDUP_BYTES);
    for (let i = offset; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const len = caplen * 65536 + origLen;
    const win = this.dedupWindow;
    for (let i = 0; i < DEDUP_RING; i++) {
      const dt = ts - this.dTs[i]!;
      if (dt >= 0 && dt <= win && this.dHash[i] === h && this.dLen[i] === len) return true;
    }
    const p = this.dPos;
    this.dHash[p] = h; this.dLen[p] = len; this.dTs[p] = ts;
    this.dPos = (p + 1) & (DEDUP_RING - 1);
    return false;
  }

  /** PacketSink: called synchronously for every record. */
  packet(buf: Uint8Array, offset: number, caplen: number, origLen: number,
    tsSec: number, tsNsec: number, linkType: number, iface: number): void {
    if (this.dedupWindow > 0 && this.duplicate(buf, offset, caplen, origLen, tsSec + tsNsec / 1e9)) {
      this.duplicateFrames++;
      return;
    }
    const p = this.pkt;
    // decodePacket sets buf, offset, caplen and linkType; the record's own fields are ours
    decodePacket(p, buf, offset, caplen, linkType);
    p.origLen = origLen;
    p.ts = tsSec + tsNsec / 1e9;
    p.iface = iface;
    this.packets++;
    this.bytes += origLen;
    if (this.packets === 1) this.first = p.ts;
    else if (p.ts < this.first) this.first = p.ts;
    if (!(p.ts <= this.last)) this.last = p.ts;
    if (p.problem !== 0) this.problems.add(p);
    this.table.add(p, this.input);
  }

  /** Latest stated end of the input (pcapng isb_endtime, a live stop), NaN when none. */
  statedEnd = NaN;

  /** PacketSink: the input's stated end of capture. */
  endTime(ts: number): void {
    if (!Number.isFinite(ts)) return;
    if (!(ts <= this.statedEnd)) this.statedEnd = ts;
    // A stated end moves the capture clock as a packet would: the SYN grace is measured from it.
    this.table.advance(ts);
  }

  /** End of the input: the latest of the last packet and the stated ends (NaN when neither). */
  get endOfInput(): number {
    if (Number.isNaN(this.last)) return this.statedEnd;
    return Number.isNaN(this.statedEnd) || this.statedEnd < this.last ? this.last : this.statedEnd;
  }

  /** Ends all live flows (end of input). */
  flush(): void {
    this.table.flush();
  }

  /** Takes the flows ended since the last call. */
  drain(): FlowRecord[] {
    if (this.pending.length === 0) return EMPTY;
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

const EMPTY: FlowRecord[] = [];
/** Frames compared for duplicates (a power of two). */
const DEDUP_RING = 8;
/** Leading bytes hashed for the duplicate check. */
const DEDUP_BYTES = 96;
