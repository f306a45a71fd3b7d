/**
 * Many exporters, one collector (issue 15): two routers on the path, or a firewall and a
 * probe, export the same connection. Each flow the collector pairs is indexed by its
 * connection (transport and both endpoints, either direction); a later flow of the same
 * connection, overlapping in time (within SLACK seconds), that another exporter sent is a
 * copy: it is dropped, and the flow kept names its exporter too (FlowSourceNames).
 *
 * Flows of one exporter alone are never merged with each other: an exporter that sends two
 * records of one 5-tuple saw two connections (port reuse) or split one (its active timeout,
 * stitched before this). Exporters of one collector are taken to share a clock within SLACK
 * (NTP): unlike `audit`'s merge of inputs (merge.ts), no offset is estimated. The index keeps
 * the flows of the last WINDOW seconds of record time, at most MAX_INDEXED of them.
 */
import type { FlowRecord } from '../flow/types.js';
import { MAX_INDEXED, connectionKey } from './merge.js';

/** Seconds two exporters' times of one connection may differ (v9 has whole seconds; export delays). */
const SLACK = 2;
/** Seconds of record time the index looks back. */
export const WINDOW = 900;

interface Entry { id: number; first: number; last: number; sources: readonly string[]; shared: boolean }

/** Per exporter (its name, as flows[].sources has it): flows delivered and copies dropped. */
export interface ExporterFigures {
  /** Flows it delivered (kept or dropped as copies). */
  flows: number;
  /** Of those, dropped as copies of a flow another exporter delivered first. */
  duplicates: number;
  /** Of those, connections another exporter saw too (the copies and the kept flows that had copies). */
  shared: number;
}

export class ExporterMerger {
  private readonly index = new Map<string, Entry[]>();
  private indexed = 0;
  private latest = -Infinity;
  private sincePrune = 0;
  /** Flows not indexed because the index was full. */
  notIndexed = 0;
  /** Copies dropped, and their packets and bytes (the totals count each connection once). */
  duplicates = 0;
  dupPackets = 0;
  dupBytes = 0;
  readonly figures = new Map<string, ExporterFigures>();

  /**
   * @param emit  a kept flow, on to classification
   * @param copy  a dropped copy and the id of the flow kept for it
   */
  constructor(private readonly emit: (f: FlowRecord) => void, private readonly copy: (id: number, dup: FlowRecord) => void,
    private readonly maxIndexed = MAX_INDEXED) {}

  private figuresOf(name: string): ExporterFigures {
    let x = this.figures.get(name);
    if (x === undefined) { x = { flows: 0, duplicates: 0, shared: 0 }; this.figures.set(name, x); }
    return x;
  }

  flow(f: FlowRecord): void {
    const own = f.sources ?? [];
    for (const n of own) this.figuresOf(n).flows++;
    if (Number.isNaN(f.first) || own.length === 0) { this.emit(f); return; }
    const last = Number.isNaN(f.last) ? f.first : f.last;
    const k = connectionKey(f);
    const l = this.index.get(k);
    const hit = l?.find((e) => e.first <= last + SLACK && f.first <= e.last + SLACK && !sameOne(e.sources, own));
    if (hit !== undefined) {
      this.copy(hit.id, f);
      this.duplicates++;
      this.dupPackets += f.packets.client + f.packets.server;
      this.dupBytes += f.bytes.client + f.bytes.server;
      for (const n of own) { this.figuresOf(n).duplicates++; this.figuresOf(n).shared++; }
      // The kept flow's exporters saw a connection another exporter saw too (counted once per flow).
      if (!hit.shared) { hit.shared = true; for (const n of hit.sources) this.figuresOf(n).shared++; }
      const merged = [...hit.sources];
      for (const n of own) if (!merged.includes(n)) merged.push(n);
      hit.sources = merged;
      if (last > hit.last) hit.last = last;
      return;
    }
    if (f.first > this.latest) this.latest = f.first;
    if (this.indexed >= this.maxIndexed) this.prune();
    if (this.indexed >= this.maxIndexed) { this.notIndexed++; this.emit(f); return; }
    this.indexed++;
    const e: Entry = { id: f.id, first: f.first, last, sources: own, shared: false };
    if (l === undefined) this.index.set(k, [e]);
    else l.push(e);
    if (++this.sincePrune >= 50_000) this.prune();
    this.emit(f);
  }

  /** Forgets flows that ended more than WINDOW seconds before the latest one. */
  private prune(): void {
    this.sincePrune = 0;
    const horizon = this.latest - WINDOW;
    for (const [k, l] of this.index) {
      const keep = l.filter((e) => e.last >= horizon);
      if (keep.length === l.length) continue;
      this.indexed -= l.length - keep.length;
      if (keep.length === 0) this.index.delete(k);
      else this.index.set(k, keep);
    }
  }
}

/** Both lists are the same single exporter. */
function sameOne(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 1 && b.length === 1 && a[0] === b[0];
}
