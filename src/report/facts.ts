/**
 * The plain-words content shared by the table and markdown reporters: what each
 * verdict means, and the input facts (duration, decode problems, capture quality)
 * phrased for an admin who has not read the docs.
 */
import { problemWords } from '../decode/problems.js';
import type { Verdict } from '../classify/types.js';
import type { FindingVerdict } from './build.js';
import { fmtDuration, fmtInt, fmtPercent, fmtTime, printable } from './format.js';
import type { AuditReport, ConnectionRow, CoverageStatus, LiveStop } from './types.js';
import { judgedCount } from './judged.js';
import { DEFAULT_FAIL_ON } from './options.js';

/** One-line meaning of each verdict, as the summary shows it (the legend). */
export const VERDICT_MEANING: Record<Verdict, string> = {
  expected: 'in the design, right hosts and side, and it worked',
  blocked: 'in the design, but the connection attempt failed',
  'wrong-direction': 'a designed port, but opened from the other side',
  unexpected: 'WFO traffic that the design does not allow',
  inconclusive: 'the input cannot tell whether it worked',
  ignored: 'not WFO traffic (no WFO host or cloud address)',
};

/** Meaning of the protocol-mismatch count. */
export const MISMATCH_MEANING = 'the port carried a protocol its rule does not expect';

/** Section heading of the protocol mismatches. */
export const MISMATCH_TITLE = "Protocol mismatch: a protocol the rule's port should not carry";

/** Meaning of each coverage status. */
export const STATUS_MEANING: Record<CoverageStatus, string> = {
  seen: 'working traffic seen',
  blocked: 'only failed attempts seen',
  'wrong-direction': 'only connections opened from the other side seen',
  inconclusive: 'only flows whose outcome the input cannot tell',
  unseen: 'no traffic seen in this capture',
};

/** Section heading of each finding verdict. */
export const FINDING_TITLE: Record<FindingVerdict, string> = {
  blocked: 'Blocked: designed traffic that failed',
  'wrong-direction': 'Wrong direction: designed ports opened from the other side',
  unexpected: 'Unexpected: WFO traffic outside the design',
};

/** "1 flow" / "3 flows". */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

/** How each way of stopping a live capture reads in a report. */
const STOPPED_BY: Record<LiveStop, string> = {
  q: 'the q key', 'ctrl-c': 'Ctrl-C', sigterm: 'SIGTERM', duration: 'the end of --duration',
  interval: 'the end of the interval (the capture went on)',
};

/** `interval 3 (every 15 min 00 s) … to … UTC; the capture so far: ` before the live facts of a --report-every report. */
function intervalText(i: NonNullable<NonNullable<AuditReport['live']>['interval']>): string {
  const a = fmtTime(i.start), b = fmtTime(i.end);
  return `interval ${i.index} (every ${fmtDuration(i.every)}) ${a} to ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC; the capture so far: `;
}

/** The live facts in one line (wall-clock span, what stopped it, interface, filter, engine, drops); null for audit reports. */
export function liveText(r: AuditReport): string | null {
  const l = r.live;
  if (!l) return null;
  const a = fmtTime(l.startedAt), b = fmtTime(l.stoppedAt);
  const to = a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b;
  if (l.engine === 'collect') {
    return `collected ${fmtDuration(l.stoppedAt - l.startedAt)}, ${a} to ${to} UTC, stopped by ${STOPPED_BY[l.stoppedBy]}; `
      + `listening on ${JSON.stringify(l.interface)}, exporters ${l.filter === null ? 'any (each one is listed under sources)' : JSON.stringify(l.filter)}`;
  }
  const slice = l.interval === undefined ? '' : intervalText(l.interval);
  const drops = l.kernelDrops === null ? 'kernel drops not counted (cap engine; --engine tcpdump counts them)' : `${plural(l.kernelDrops, 'kernel drop')}`;
  // interface and filter are shown as JSON strings: quoted, with any control character escaped
  return `${slice}captured ${fmtDuration(l.stoppedAt - l.startedAt)}, ${a} to ${to} UTC, stopped by ${STOPPED_BY[l.stoppedBy]}; `
    + `interface ${JSON.stringify(l.interface)}, filter ${l.filter === null ? 'none' : JSON.stringify(l.filter)}, engine ${l.engine}, ${drops}`;
}

/** Capture duration from first to last packet, with the UTC span; "no packets" when empty. */
export function durationText(r: AuditReport): string {
  const { first, last } = r.stats;
  if (first === null || last === null) return 'no packets';
  const a = fmtTime(first);
  const b = fmtTime(last);
  // The date once when the capture stays within one UTC day: keeps the line short.
  const to = a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b;
  return `${fmtDuration(last - first)}, ${a} to ${to} UTC`;
}

/** Decode problems as "3: truncated 2, bad-ip-header 1", most frequent first; "none" when clean. */
export function decodeText(r: AuditReport): string {
  const entries = Object.entries(r.stats.decodeErrors).filter(([, n]) => n > 0);
  if (entries.length === 0) return 'none';
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return `${fmtInt(total)} packets: ${entries.map(([k, n]) => `${problemWords(k)} ${fmtInt(n)}`).join(', ')}`;
}

/** Evictions in words, saying why they matter. */
export function evictionText(r: AuditReport): string {
  const n = r.stats.evicted;
  if (n === 0) return 'none (the flow table never filled up)';
  return `${plural(n, 'flow')} pushed out of a full flow table (their verdicts may be incomplete)`;
}

/**
 * How complete the capture looks, in plain words: the share of TCP flows seen both
 * ways, the one-sided share and the loss estimate, with a warning when a span port
 * evidently misses a direction (then "blocked" cannot be told from "not seen").
 */
export function captureText(r: AuditReport): string {
  const { bothWaysShare, oneSidedShare, lossEstimate } = r.stats;
  const parts: string[] = [];
  if (bothWaysShare === null) {
    parts.push('no TCP flows, so completeness cannot be judged');
  } else {
    parts.push(`capture saw both directions of ${fmtPercent(bothWaysShare)} of TCP flows`);
  }
  if (oneSidedShare !== null && oneSidedShare > 0) {
    parts.push(`${fmtPercent(oneSidedShare)} show a direction the capture missed (ACKs of uncaptured data, or replies without requests)`);
  }
  if (lossEstimate === null) {
    parts.push('no acknowledged data to estimate loss');
  } else if (lossEstimate === 0) {
    parts.push('no sign of lost packets');
  } else {
    parts.push(`about ${fmtPercent(lossEstimate)} of acknowledged bytes were never captured`);
  }
  let text = parts.join('; ');
  if ((oneSidedShare !== null && oneSidedShare >= 0.1) || (lossEstimate !== null && lossEstimate >= 0.01)) {
    text += '. The capture point misses traffic: check the span/mirror port before trusting "blocked"';
  }
  return text;
}

/** Packets, bytes and flows in one phrase. */
export function volumeText(r: AuditReport, bytes: (n: number) => string): string {
  return `${plural(r.stats.packets, 'packet')} (${bytes(r.stats.bytes)}) in ${plural(r.stats.flows, 'flow')}`;
}

/** The site the report was judged against. */
export function siteText(r: AuditReport): string {
  const modules = r.site.modules.length > 0 ? r.site.modules.join(', ') : 'none';
  const path = r.site.path !== null ? printable(r.site.path) : 'built-in design, no site file';
  return `${path} (mode ${r.site.mode}; modules: ${modules})`;
}

/** Coverage counts ("24 rules: 20 seen, 2 blocked, 2 unseen"). */
export function coverageCounts(r: AuditReport): string {
  const n = statusCounts(r.coverage);
  // seen, blocked and unseen always; wrong-direction and inconclusive when there are any, so the counts add up.
  const parts = (Object.keys(n) as CoverageStatus[])
    .filter((k) => k === 'seen' || k === 'blocked' || k === 'unseen' || n[k] > 0).map((k) => `${n[k]} ${k}`);
  return `${plural(r.coverage.length, 'rule')}: ${parts.join(', ')}`;
}

/** Rows per coverage status, in precedence order. */
function statusCounts(rows: readonly { status: CoverageStatus }[]): Record<CoverageStatus, number> {
  const n: Record<CoverageStatus, number> = { seen: 0, blocked: 0, 'wrong-direction': 0, inconclusive: 0, unseen: 0 };
  for (const c of rows) n[c.status]++;
  return n;
}

/** The warnings of a report as lines ("code: message"), in report order. */
export function warningLines(r: AuditReport): string[] {
  return (r.warnings ?? []).map((w) => w.message);
}

/** What state a report is in, for the result line and the sign-off box. */
export type ReportState = 'input-error' | 'nothing-judged' | 'findings' | 'inconclusive' | 'pass';

/** The state of a report under a --fail-on list. */
export function reportState(r: AuditReport, failOn: readonly string[] = DEFAULT_FAIL_ON): ReportState {
  // An input not read to the end is exit 2 whatever was judged: the report covers part of the traffic only.
  if (r.inputs.some((i) => i.error !== null)) return 'input-error';
  if (judgedCount(r.summary) === 0) return 'nothing-judged';
  const s = r.summary as unknown as Record<string, number>;
  if (failOn.some((v) => (s[v] ?? 0) > 0)) return 'findings';
  if (r.summary.inconclusive > 0) return 'inconclusive';
  return 'pass';
}

/**
 * The result in one line, saying what the exit code says with the --fail-on in force,
 * and "N inconclusive" whenever N > 0.
 */
export function resultText(r: AuditReport, failOn: readonly string[] = DEFAULT_FAIL_ON): string {
  const state = reportState(r, failOn);
  const fo = failOn.length === 0 ? 'none' : failOn.join(',');
  const inc = r.summary.inconclusive > 0 ? `; ${fmtInt(r.summary.inconclusive)} inconclusive (not proven either way)` : '';
  if (state === 'nothing-judged') {
    const why = (r.warnings ?? []).find((w) => w.code === 'nothing-judged')?.message ?? 'no flows could be judged';
    return `NOTHING JUDGED (exit 2, whatever --fail-on says): ${why}`;
  }
  const judged = judgedCount(r.summary);
  if (state === 'input-error') {
    const bad = r.inputs.filter((i) => i.error !== null);
    const s = r.summary as unknown as Record<string, number>;
    const parts = failOn.filter((v) => (s[v] ?? 0) > 0).map((v) => `${fmtInt(s[v]!)} ${v}`);
    return `INCOMPLETE INPUT (exit 2, whatever --fail-on says): ${plural(bad.length, 'input')} not read to the end (${printable(bad[0]!.error!)}); what was read: ${parts.length > 0 ? parts.join(', ') : 'no findings'} among ${plural(judged, 'judged flow')}${inc}`;
  }
  if (state === 'findings') {
    const s = r.summary as unknown as Record<string, number>;
    const parts = failOn.filter((v) => (s[v] ?? 0) > 0).map((v) => `${fmtInt(s[v]!)} ${v}`);
    return `FINDINGS (exit 1 with --fail-on ${fo}): ${parts.join(', ')} among ${plural(judged, 'judged flow')}${inc}`;
  }
  return `PASS (exit 0 with --fail-on ${fo}): none of the ${plural(judged, 'judged flow')} is a ${fo === 'none' ? 'finding' : fo.replace(/,/g, ' or ')} flow${inc}`;
}

/** Connection counts ("14 designed connections: 9 seen, 2 blocked, 3 unseen"); zero counts left out. */
export function connectionCounts(rows: readonly ConnectionRow[]): string {
  const n = statusCounts(rows);
  const parts = (Object.keys(n) as CoverageStatus[]).filter((k) => n[k] > 0).map((k) => `${n[k]} ${k}`);
  return `${plural(rows.length, 'designed connection')}${parts.length > 0 ? ': ' + parts.join(', ') : ''}`;
}

/** The sign-off statement of a report with an input not read to the end. */
export const INPUT_ERROR_SIGNOFF = 'Not ready to sign off: an input was not read to the end, so this report covers part of the traffic only. Repair or replace that input and audit again.';

/** The sign-off statement for the report's state: never more than the data shows. */
export function signoffText(r: AuditReport, failOn: readonly string[] = DEFAULT_FAIL_ON): string {
  const state = reportState(r, failOn);
  const unseen = (r.connections ?? []).filter((c) => c.status === 'unseen').length;
  const unseenText = unseen > 0 ? ` ${plural(unseen, 'designed connection')} ${unseen === 1 ? 'was' : 'were'} not seen in this window: this capture does not prove ${unseen === 1 ? 'it works' : 'they work'}.` : '';
  switch (state) {
    case 'input-error':
      return INPUT_ERROR_SIGNOFF;
    case 'nothing-judged':
      return 'Nothing here can be signed off: no flow could be judged, so this report proves nothing about the design.';
    case 'findings':
      return `Not ready to sign off: there are findings of the --fail-on kinds. Sign off only once each is fixed or accepted in writing.${unseenText}`;
    case 'inconclusive':
      return `No findings among the judged flows, but ${plural(r.summary.inconclusive, 'flow')} ${r.summary.inconclusive === 1 ? 'is' : 'are'} inconclusive: ${r.summary.inconclusive === 1 ? 'it' : 'they'} neither prove nor disprove the design; re-capture or check them before signing.${unseenText}`;
    default:
      return `Every judged flow matched the design (no findings of the --fail-on kinds).${unseenText}`;
  }
}
