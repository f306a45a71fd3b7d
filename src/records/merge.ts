/**
 * Many sensors, one audit: a connection that several inputs saw (a capture and an export
 * of the same traffic, two Zeek workers after a failover, two routers on the path) is one
 * flow. Every flow that reaches classification is indexed by its connection (transport and
 * both endpoints, either direction); a flow from a record input that matches an indexed
 * flow of another input, with overlapping time once that input's clock offset is allowed
 * for, is a duplicate: it is dropped and counted for both inputs.
 *
 * The clock offset of a record input against the inputs before it is the median time
 * difference of its first connections that match exactly one earlier flow within
 * MAX_OFFSET seconds; its first OFFSET_SAMPLE flows wait for that estimate.
 * Flows without a time are never matched. The index holds at most MAX_INDEXED flows, so
 * memory stays bounded beside a large capture; flows past it are counted (`notIndexed`).
 */
import type { FlowRecord } from '../flow/types.js';

/** Largest clock offset looked for, seconds. */
export const MAX_OFFSET = 300;
/** Flows of a record input held back to estimate its clock offset. */
const OFFSET_SAMPLE = 2000;
/** Slack when matching times after the offset, seconds (NetFlow v9 has whole seconds). */
const SLACK = 1;
/** Flows indexed at most (≈150 bytes each); later flows are not matched (`notIndexed`). */
export const MAX_INDEXED = 2_000_000;

/** Per-input figures of the merge (`inputs[].overlap`). */
export interface SourceFigures {
  /** Flows this input delivered (kept or dropped as duplicates). */
  flows: number;
  /** Of those, dropped because an earlier input had the same connection. */
  duplicates: number;
  /** Share (0..1) of its flows no other input saw; null without flows. */
  onlyHere: number | null;
  /** Estimated clock offset in seconds (this input's time minus the earlier inputs'); null when no common connection told it. */
  clockOffset: number | null;
  /** Connections used for the estimate. */
  offsetSamples: number;
}

interface Entry { id: number; input: number; first: number; last: number; shared: boolean }

/** The connection key: transport and both endpoints, the same in either direction. */
export function connectionKey(f: FlowRecord): string {
  const a = `${f.clientIp}|${f.clientPort}`, b = `${f.serverIp}|${f.serverPort}`;
  return a < b ? `${f.proto} ${a} ${b}` : `${f.proto} ${b} ${a}`;
}

/** Indexes emitted flows and drops the duplicates among record flows. */
export class SourceMerger {
  private readonly index = new Map<string, Entry[]>();
  private readonly stats = new Map<number, { flows: number; duplicates: number; offset: number | null; samples: number }>();
  private held: FlowRecord[] = [];
  private indexed = 0;
  /** Flows left out of the index because it was full: their copies in later inputs were not found. */
  notIndexed = 0;
  /** Packets and bytes of the dropped duplicates (the report's totals count each connection once). */
  dupPackets = 0;
  dupBytes = 0;
  private heldInput = -1;
  private offset: number | null = null;
  private estimated = false;

  /**
   * @param emit        passes a kept record flow on (to classification)
   * @param copy        a dropped duplicate and the id of the flow it is a copy of (that flow lists its source)
   * @param maxIndexed  flows indexed at most
   */
  constructor(private readonly emit: (f: FlowRecord) => void, private readonly copy: (id: number, dup: FlowRecord) => void = () => {},
    private readonly maxIndexed = MAX_INDEXED) {}

  private statsOf(input: number) {
    let s = this.stats.get(input);
    if (s === undefined) { s = { flows: 0, duplicates: 0, offset: null, samples: 0 }; this.stats.set(input, s); }
    return s;
  }

  /** Every flow that reached classification (packet and record flows alike). */
  indexFlow(f: FlowRecord): void {
    this.statsOf(f.input).flows++;
    if (Number.isNaN(f.first)) return;
    if (this.indexed >= this.maxIndexed) { this.notIndexed++; return; }
    this.indexed++;
    const k = connectionKey(f);
    const e: Entry = { id: f.id, input: f.input, first: f.first, last: Number.isNaN(f.last) ? f.first : f.last, shared: false };
    const l = this.index.get(k);
    if (l === undefined) this.index.set(k, [e]);
    else l.push(e);
  }

  /** A flow from a record input, before classification. */
  recordFlow(f: FlowRecord): void {
    if (f.input !== this.heldInput) this.endInput();
    if (Number.isNaN(f.first)) { this.emit(f); return; }
    if (!this.estimated) {
      this.heldInput = f.input;
      this.held.push(f);
      if (this.held.length >= OFFSET_SAMPLE) this.estimate();
      return;
    }
    this.match(f);
  }

  /** End of a record input: estimate from what was held and let it through. */
  endInput(): void {
    if (this.heldInput >= 0 && !this.estimated) this.estimate();
    this.heldInput = -1;
    this.estimated = false;
    this.offset = null;
  }

  private estimate(): void {
    const diffs: number[] = [];
    for (const f of this.held) {
      const cands = (this.index.get(connectionKey(f)) ?? []).filter((e) => e.input !== f.input && Math.abs(f.first - e.first) <= MAX_OFFSET);
      if (cands.length === 1) diffs.push(f.first - cands[0]!.first);
    }
    diffs.sort((a, b) => a - b);
    this.offset = diffs.length > 0 ? diffs[Math.floor((diffs.length - 1) / 2)]! : null;
    if (this.heldInput >= 0) {
      const s = this.statsOf(this.heldInput);
      s.offset = this.offset === null ? null : Math.round(this.offset * 1000) / 1000;
      s.samples = diffs.length;
    }
    this.estimated = true;
    const held = this.held;
    this.held = [];
    for (const f of held) this.match(f);
  }

  private match(f: FlowRecord): void {
    const off = this.offset ?? 0;
    const first = f.first - off, last = (Number.isNaN(f.last) ? f.first : f.last) - off;
    const l = this.index.get(connectionKey(f));
    const hit = l?.find((e) => e.input !== f.input && e.first <= last + SLACK && first <= e.last + SLACK);
    if (hit === undefined) { this.emit(f); return; }
    hit.shared = true;
    this.copy(hit.id, f);
    this.dupPackets += f.packets.client + f.packets.server;
    this.dupBytes += f.bytes.client + f.bytes.server;
    const s = this.statsOf(f.input);
    s.flows++;
    s.duplicates++;
  }

  /** Figures per input index, after the last input. */
  figures(): Map<number, SourceFigures> {
    this.endInput();
    const only = new Map<number, number>(), timed = new Map<number, number>();
    for (const l of this.index.values()) {
      for (const e of l) {
        timed.set(e.input, (timed.get(e.input) ?? 0) + 1);
        if (!e.shared) only.set(e.input, (only.get(e.input) ?? 0) + 1);
      }
    }
    const out = new Map<number, SourceFigures>();
    for (const [input, s] of this.stats) {
      // Flows without a time are not indexed: nothing can match them, so they count as seen only here.
      const untimed = s.flows - s.duplicates - (timed.get(input) ?? 0);
      const onlyHere = (only.get(input) ?? 0) + Math.max(0, untimed);
      out.set(input, {
        flows: s.flows, duplicates: s.duplicates,
        onlyHere: s.flows > 0 ? Math.round((onlyHere / s.flows) * 1e4) / 1e4 : null,
        clockOffset: s.offset, offsetSamples: s.samples,
      });
    }
    return out;
  }
}
