/**
 * Assembles the final AuditReport from the engine and the accumulator (offline and live alike).
 */
import { readFileSync } from 'node:fs';
import type { InputInfo } from '../capture/types.js';
import { problemWords } from '../decode/problems.js';
import { findConflicts } from '../classify/conflicts.js';
import { siteWarnings } from '../design/site-warnings.js';
import type { ResolvedDesign } from '../design/resolve.js';
import { designHash } from '../design/hash.js';
import type { AuditReport, ReportWarning } from '../report/types.js';
import { sortWarnings, warning } from '../report/warnings.js';
import { judgedCount } from '../report/judged.js';
import { fmtPercent } from '../report/format.js';
import type { ReportAccumulator } from './accumulator.js';
import type { PacketEngine } from './packet-engine.js';
import type { FlowStats } from '../flow/types.js';

/** The package version, read once. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Rounds capture times to microseconds for stable output. */
export function round6(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/**
 * Version of the JSON contract. 2: verdict `inconclusive`, outcome `unknown`, coverage
 * statuses wrong-direction/inconclusive with per-verdict counts, `connections[]`,
 * `warnings[]`, `findings.paths[]`, `coverage[].connection` (docs/report-schema.md).
 */
export const SCHEMA_VERSION = 2;

/** Figures of inputs read outside the packet engine (flow records): packets and bytes they account for, their time span (NaN when none). */
export interface OtherInputs {
  packets: number;
  bytes: number;
  first: number;
  last: number;
}

/** What finishReport reads of the packet engine (interval reports pass the figures of one interval). */
export type EngineFigures = Pick<PacketEngine, 'packets' | 'bytes' | 'first' | 'last' | 'endOfInput'> & {
  table: { stats(): FlowStats; readonly liveCount: number };
  problems: { toRecord(): Record<string, number> };
};

/** Builds the report once every flow has been classified (after engine.flush and the last drain). */
export function finishReport(engine: EngineFigures, acc: ReportAccumulator, design: ResolvedDesign,
  inputs: InputInfo[], site: AuditReport['site'], extraWarnings: readonly ReportWarning[] = [], other?: OtherInputs): AuditReport {
  const stats = engine.table.stats();
  const end = engine.endOfInput;
  let first = engine.packets === 0 ? NaN : engine.first;
  let last = engine.packets === 0 ? NaN : (Number.isNaN(end) ? engine.last : end);
  let lastSeen = engine.packets === 0 ? NaN : engine.last;
  if (other !== undefined) {
    if (other.first < first || Number.isNaN(first)) first = other.first;
    if (other.last > last || Number.isNaN(last)) last = other.last;
    if (other.last > lastSeen || Number.isNaN(lastSeen)) lastSeen = other.last;
  }
  const empty = !(first <= last);
  const windowSeconds = empty ? 0 : last - first;
  const report: AuditReport = {
    schemaVersion: SCHEMA_VERSION,
    version: VERSION,
    warnings: [],
    inputs,
    stats: {
      packets: engine.packets + (other?.packets ?? 0),
      bytes: engine.bytes + (other?.bytes ?? 0),
      flows: acc.flowCount,
      first: empty ? null : round6(first),
      last: empty ? null : round6(lastSeen),
      decodeErrors: engine.problems.toRecord(),
      evicted: stats.evicted,
      oneSidedShare: stats.oneSidedShare,
      bothWaysShare: stats.bothWaysShare,
      lossEstimate: stats.lossEstimate,
      icmpUnmatched: stats.icmpUnmatched,
    },
    site,
    flows: acc.flows,
    coverage: acc.coverage.rows(windowSeconds),
    connections: acc.coverage.connections(windowSeconds),
    conflicts: findConflicts(design),
    summary: { ...acc.counts },
    design: { hash: designHash(design) },
    findings: { paths: acc.paths.result(), ...acc.grouper.result() },
  };
  const w: ReportWarning[] = [...extraWarnings, ...siteWarnings(design).map((s) => warning(s.code, s.message))];
  const nothing = nothingJudgedWhy(report, engine.table.liveCount);
  if (nothing !== null) w.push(warning('nothing-judged', `no flows could be judged: ${nothing}`));
  for (const r of acc.absentRoles()) {
    w.push(warning('role-absent', `role ${r}: none of its addresses appears in the input (check hosts.${r} in the site file, or the capture point)`));
  }
  const cut = Object.entries(report.stats.decodeErrors).filter(([k, n]) => n > 0 && k.startsWith('truncated_') && k !== 'truncated_icmp_quote');
  if (cut.length > 0 && nothing === null) {
    const n = cut.reduce((a, [, x]) => a + x, 0);
    w.push(warning('truncated-headers', `${n} packets had their headers cut (${cut.map(([k, x]) => `${k} ${x}`).join(', ')}), so they are in no flow: a short snap length hides flows and ICMP errors, and UDP verdicts may be wrong`, n));
  }
  if ((stats.icmpQuoteCut ?? 0) > 0) {
    w.push(warning('icmp-quote-cut', `UDP verdicts may be wrong: snap length ${stats.quoteCutCaplen} cuts ICMP quotes (${stats.icmpQuoteCut} destination-unreachable errors could not be tied to a flow)`, stats.icmpQuoteCut));
  }
  const one = stats.oneSidedShare, loss = stats.lossEstimate;
  if ((one !== null && one >= 0.1) || (loss !== null && loss >= 0.01)) {
    const what: string[] = [];
    if (one !== null && one > 0) what.push(`${fmtPercent(one)} of TCP flows were captured one way only while ACKs or replies prove the other way exists`);
    if (loss !== null && loss > 0) what.push(`about ${fmtPercent(loss)} of acknowledged bytes were never captured`);
    w.push(warning('one-sided-capture', `the capture point misses traffic: ${what.join('; ')}; check the span/mirror port before trusting "blocked"`));
  }
  if (stats.evicted > 0) {
    w.push(warning('flow-table-overflow', `the flow table was full: ${stats.evicted} flows were evicted before they ended, so their outcome rests on what was seen until then (raise --max-flows)`, stats.evicted));
  }
  report.warnings = sortWarnings(w);
  return report;
}

/** Why no flow could be judged, in words, or null when some flow was judged. */
/** Why nothing could be judged, or null; `open`: flows still open (only an interval report has them: the end flushes them). */
function nothingJudgedWhy(r: AuditReport, open: number): string | null {
  if (judgedCount(r.summary) > 0) return null;
  if (r.stats.packets === 0 && r.inputs.some((i) => i.format === 'collect') && (r.inputs[0]?.records?.rows ?? 0) === 0) return 'the collector received no flow records';
  if (r.stats.packets === 0) return r.inputs.length === 0 ? 'no input' : 'the input holds no packets';
  const problems = Object.values(r.stats.decodeErrors).reduce((a, b) => a + b, 0);
  if (r.stats.flows === 0 && open > 0) {
    return `no flow ended in this interval (its ${r.stats.packets} packets belong to flows still open, judged in the interval they end)`;
  }
  if (r.stats.flows === 0) {
    return problems > 0
      ? `none of the ${r.stats.packets} packets could be decoded into a flow (${Object.keys(r.stats.decodeErrors).map(problemWords).join(', ')})`
      : `none of the ${r.stats.packets} packets is TCP, UDP or ICMP`;
  }
  if (r.summary.inconclusive > 0) return `${r.summary.inconclusive} flows match the design but the input cannot tell whether they worked, and the other ${r.stats.flows - r.summary.inconclusive} are ignored`;
  return r.site.path === null ? 'no flow is on a designed port' : `all ${r.stats.flows} flows are ignored: no address of the site file appears in them`;
}
