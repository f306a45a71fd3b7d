/**
 * Assembles the final AuditReport from the engine and the accumulator (offline and live alike).
 */
import { readFileSync } from 'node:fs';
import type { InputInfo } from '../capture/types.js';
import { findConflicts } from '../classify/conflicts.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { AuditReport } from '../report/types.js';
import type { ReportAccumulator } from './accumulator.js';
import type { PacketEngine } from './packet-engine.js';

/** The package version, read once. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Rounds capture times to microseconds for stable output. */
export function round6(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** Figures of inputs read outside the packet engine (flow records): packets and bytes they account for, their time span (NaN when none). */
export interface OtherInputs {
  packets: number;
  bytes: number;
  first: number;
  last: number;
}

/** Builds the report once every flow has been classified (after engine.flush and the last drain). */
export function finishReport(engine: PacketEngine, acc: ReportAccumulator, design: ResolvedDesign,
  inputs: InputInfo[], site: AuditReport['site'], other?: OtherInputs): AuditReport {
  const stats = engine.table.stats();
  let first = engine.packets === 0 ? NaN : engine.first, last = engine.packets === 0 ? NaN : engine.last;
  if (other !== undefined) {
    if (other.first < first || Number.isNaN(first)) first = other.first;
    if (other.last > last || Number.isNaN(last)) last = other.last;
  }
  const empty = !(first <= last);
  return {
    version: VERSION,
    inputs,
    stats: {
      packets: engine.packets + (other?.packets ?? 0),
      bytes: engine.bytes + (other?.bytes ?? 0),
      flows: acc.flowCount,
      first: empty ? null : round6(first),
      last: empty ? null : round6(last),
      decodeErrors: engine.problems.toRecord(),
      evicted: stats.evicted,
      oneSidedShare: stats.oneSidedShare,
      bothWaysShare: stats.bothWaysShare,
      lossEstimate: stats.lossEstimate,
      icmpUnmatched: stats.icmpUnmatched,
    },
    site,
    flows: acc.flows,
    coverage: acc.coverage.rows(empty ? 0 : last - first),
    conflicts: findConflicts(design),
    summary: { ...acc.counts },
    findings: acc.grouper.result(),
  };
}
