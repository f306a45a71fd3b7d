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
 *
 * Exporters do not see the same evidence (one ties an ICMP unreachable to its UDP flow,
 * another exports the ICMP message as a flow of its own; one has TCP flags, another none),
 * so a kept flow is held for HOLD seconds of record time (or to the end of the input) and
 * replaced by a copy with stronger evidence of its outcome, keeping its id and sources. An
 * ICMP flow from one exporter that another exporter's flow holds as its unreachable error
 * is that error's copy, and is dropped the same way.
 */
import type { FlowRecord } from '../flow/types.js';
import { MAX_INDEXED, connectionKey } from './merge.js';

/** Seconds two exporters' times of one connection may differ (v9 has whole seconds; export delays). */
const SLACK = 2;
/** Seconds of record time the index looks back. */
export const WINDOW = 900;

interface Entry { id: number; first: number; last: number; sources: readonly string[]; shared: boolean; held: FlowRecord | null }

/** Seconds of record time a kept flow waits for a copy with better evidence. */
export const HOLD = 60;

/** How much an outcome proves: a copy with a higher rank replaces the flow kept. */
const RANK: Record<string, number> = {
  unknown: 0, partial: 1, 'one-sided': 1, 'no-reply-yet': 1, 'one-way': 2, unanswered: 2,
  replied: 3, rejected: 3, unreachable: 3, established: 3,
};
const rank = (f: FlowRecord): number => (RANK[f.outcome] ?? 0) + (f.icmpErrors.length > 0 ? 1 : 0);

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
  /** Kept flows not passed on yet, in arrival order. */
  private holding: Entry[] = [];
  private head = 0;
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
      if (hit.held !== null && rank(f) > rank(hit.held)) { hit.held = { ...f, id: hit.id, sources: hit.held.sources }; this.noteErrors(hit); }
      this.dropCopy(hit.id, f);
      for (const n of own) this.figuresOf(n).shared++;
      // The kept flow's exporters saw a connection another exporter saw too (counted once per flow).
      if (!hit.shared) { hit.shared = true; for (const n of hit.sources) this.figuresOf(n).shared++; }
      const merged = [...hit.sources];
      for (const n of own) if (!merged.includes(n)) merged.push(n);
      hit.sources = merged;
      if (last > hit.last) hit.last = last;
      return;
    }
    if (f.first > this.latest) this.latest = f.first;
    this.release(this.latest - HOLD);
    if (this.indexed >= this.maxIndexed) this.prune();
    if (this.indexed >= this.maxIndexed) { this.notIndexed++; this.emit(f); return; }
    this.indexed++;
    const e: Entry = { id: f.id, first: f.first, last, sources: own, shared: false, held: f };
    if (l === undefined) this.index.set(k, [e]);
    else l.push(e);
    this.holding.push(e);
    if (f.icmpErrors.length > 0) this.noteErrors(e);
    if (++this.sincePrune >= 50_000) this.prune();
  }

  /**
   * Passes on the held flows that started before `t` (all of them at the end of the input:
   * `end()`). Flows are held in arrival order, which follows record time closely enough:
   * one a little out of order waits for those before it.
   */
  release(t: number): void {
    const h = this.holding;
    let i = this.head;
    if (i >= h.length || !(h[i]!.first < t)) return;
    while (i < h.length && h[i]!.first < t) {
      const e = h[i++]!;
      const f = e.held!;
      e.held = null;
      if ((f.proto === 'icmp' || f.proto === 'icmp6') && f.icmpErrors.length === 0 && this.errors.size > 0) {
        // An ICMP error another exporter's flow holds (as its unreachable) is that error's copy.
        const tied = this.errors.get(`${f.clientIp}>${f.serverIp}`)?.find((x) => x !== e && !sameOne(x.sources, e.sources)
          && x.first <= e.last + SLACK && e.first <= x.last + SLACK);
        if (tied !== undefined) { this.dropCopy(tied.id, f); continue; }
      }
      this.emit(f);
    }
    this.head = i;
    if (i === h.length) { this.holding = []; this.head = 0; } else if (i > 4096 && i * 2 > h.length) { this.holding = h.slice(i); this.head = 0; }
  }

  /** `f` is a copy of kept flow `id`: it is dropped, named on that flow, and counted for its exporters. */
  private dropCopy(id: number, f: FlowRecord): void {
    this.copy(id, f);
    this.duplicates++;
    this.dupPackets += f.packets.client + f.packets.server;
    this.dupBytes += f.bytes.client + f.bytes.server;
    for (const n of f.sources ?? []) this.figuresOf(n).duplicates++;
  }

  /** Flows that hold ICMP errors, by `error source>flow client`: an ICMP flow of another exporter may be their copy. */
  private readonly errors = new Map<string, Entry[]>();

  private noteErrors(e: Entry): void {
    for (const x of e.held?.icmpErrors ?? []) {
      const k = `${x.from}>${e.held!.clientIp}`;
      const l = this.errors.get(k);
      if (l === undefined) this.errors.set(k, [e]);
      else if (!l.includes(e)) l.push(e);
    }
  }

  /** End of the input: every held flow goes on. */
  end(): void {
    this.release(Infinity);
  }

  /** Forgets flows that ended more than WINDOW seconds before the latest one. */
  private prune(): void {
    this.sincePrune = 0;
    const horizon = this.latest - WINDOW;
    for (const [k, l] of this.index) {
      const keep = l.filter((e) => e.last >= horizon || e.held !== null);
      if (keep.length === l.length) continue;
      this.indexed -= l.length - keep.length;
      if (keep.length === 0) this.index.delete(k);
      else this.index.set(k, keep);
    }
    for (const [k, l] of this.errors) {
      const keep = l.filter((e) => e.last >= horizon || e.held !== null);
      if (keep.length === 0) this.errors.delete(k);
      else if (keep.length !== l.length) this.errors.set(k, keep);
    }
  }
}

/** Both lists are the same single exporter. */
function sameOne(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 1 && b.length === 1 && a[0] === b[0];
}
