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

  constructor(flowOptions: FlowTableOptions) {
    this.table = new FlowTable(flowOptions, (f) => { this.pending.push(f); });
  }

  /** PacketSink: called synchronously for every record. */
  packet(buf: Uint8Array, offset: number, caplen: number, origLen: number,
    tsSec: number, tsNsec: number, linkType: number, iface: number): void {
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
    this.table.markEnd(ts);
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
