/**
 * `live --report-every`: a complete report per interval of the wall clock, aligned to UTC
 * (with 15m: 16:15:00, 16:30:00 …, as dumpcap's and logrotate's intervals are). Each
 * interval report covers only that interval: the flows that ended (or timed out) in it,
 * judged into a fresh accumulator, and the packets captured in it. So the interval reports
 * of a capture add up to its final report: flows, verdict counts and packets.
 */
import type { FlowSourceNames } from '../report/flow-sources.js';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { AuditReport, LiveFacts, LiveStop } from '../report/types.js';
import { ReportAccumulator } from './accumulator.js';
import { finishReport } from './finish.js';
import type { PacketEngine } from './packet-engine.js';

/** The first interval boundary after `ms` (a multiple of `everySec` seconds since the epoch), in ms. */
export function nextBoundary(ms: number, everySec: number): number {
  const every = everySec * 1000;
  return (Math.floor(ms / every) + 1) * every;
}

/** Cuts a live capture into interval reports. */
export class IntervalReports {
  /** When the current interval ends (ms since the epoch). */
  nextAt: number;
  private acc: ReportAccumulator;
  private index = 1;
  private startMs: number;
  private packets = 0;
  private bytes = 0;
  private problems: Record<string, number> = {};

  constructor(readonly everySec: number, private readonly design: ResolvedDesign, private readonly keepFlows: boolean,
    private readonly engine: PacketEngine, startMs: number, private readonly names: FlowSourceNames) {
    this.startMs = startMs;
    this.nextAt = nextBoundary(startMs, everySec);
    this.acc = new ReportAccumulator(design, keepFlows, names);
  }

  /** Flows judged in the current interval (from the shared verdict stream). */
  add(batch: readonly ClassifiedFlow[]): void {
    this.acc.add(batch);
  }

  /**
   * Ends the current interval at `endMs` (its boundary, or the stop) and starts the next one
   * there; returns the interval's report. `live` is the capture's facts; `stoppedBy` is
   * `interval` unless this is the last interval.
   */
  roll(endMs: number, site: AuditReport['site'], live: Omit<LiveFacts, 'stoppedAt' | 'stoppedBy' | 'interval'>,
    linkType: number, stoppedBy: LiveStop = 'interval'): AuditReport {
    const e = this.engine;
    const problemsNow = e.problems.toRecord();
    const problems: Record<string, number> = {};
    for (const [k, n] of Object.entries(problemsNow)) if (n - (this.problems[k] ?? 0) > 0) problems[k] = n - (this.problems[k] ?? 0);
    const packets = e.packets - this.packets, bytes = e.bytes - this.bytes;
    const start = this.startMs / 1000, end = endMs / 1000;
    // The interval's own figures: packets first and last are bounded by the interval.
    const figures = {
      packets, bytes,
      first: packets === 0 ? NaN : Math.max(start, e.first),
      last: packets === 0 ? NaN : Math.min(end, e.last),
      endOfInput: end,
      table: e.table,
      problems: { toRecord: () => problems },
    };
    const report = finishReport(figures, this.acc, this.design, [{
      path: live.interface, format: 'live', gzip: false, linkTypes: linkType >= 0 ? [linkType] : [],
      packets, bytes, error: null, kernelDrops: null,
    }], this.site(site));
    report.live = { ...live, stoppedAt: end, stoppedBy, kernelDrops: null,
      interval: { index: this.index, every: this.everySec, start, end } };
    this.index++;
    this.startMs = endMs;
    this.nextAt = nextBoundary(endMs, this.everySec);
    this.packets = e.packets;
    this.bytes = e.bytes;
    this.problems = problemsNow;
    this.acc = new ReportAccumulator(this.design, this.keepFlows, this.names);
    return report;
  }

  private site(s: AuditReport['site']): AuditReport['site'] {
    return { ...s, modules: [...s.modules] };
  }
}
