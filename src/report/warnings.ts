/**
 * The warnings of a report (`AuditReport.warnings[]`): what limits what the verdicts
 * prove, defined once. Every human format shows them at the top; docs/report-schema.md
 * is checked against WARNING_CODES.
 */
import type { ReportWarning } from './types.js';

/** Every warning code with what it means for the reader, in the order reports list them. */
export const WARNING_CODES = {
  'nothing-judged': 'No flow got a verdict other than ignored or inconclusive: the input proves nothing about the design (exit code 2).',
  'role-absent': 'None of a role\'s addresses appears in the input: the site file may be wrong, or the capture point does not see that host.',
  'truncated-headers': 'Packets whose headers a short snap length (or damage) cut could not become flows: flows and ICMP errors among them are missing from the verdicts.',
  'icmp-quote-cut': 'ICMP errors whose quoted packet a short snap length cut could not be tied to a flow: UDP verdicts may be wrong.',
  'one-sided-capture': 'The capture point misses one direction of some TCP connections (ACKs of data never captured, replies without requests).',
  'flow-table-overflow': 'The flow table was full and evicted flows before they ended: their outcome and verdict rest on what was seen until then.',
  'site-overlap': 'An address or range is in two roles of the site file: the rules it affects may give another verdict than intended.',
  'site-shared-host': 'A note: one host is in two server roles (legitimate, e.g. SQL and the file share on one server).',
  'site-duplicate': 'An address is listed twice in one role.',
  'site-empty-role': 'A role of the site file lists no host: rules with that role never match.',
  'site-hybrid-no-cloud': 'mode hybrid with an empty cloud list: no cloud rule can match.',
  'duplicate-input': 'The same file was given twice: it was read once.',
  'duplicate-frames': 'Identical frames within the duplicate window (a pktmon or overlapping span artefact) were left out of the flows.',
  'records-not-flows': 'Flow-record rows that are not tcp/udp/icmp flows (Zeek unknown_transport, other IP protocols) or lie outside --from/--to were counted, not audited.',
  'records-bad-lines': 'Lines or records of a flow-record input could not be read and were skipped (inputs[].records.badSamples quotes the first ones).',
  'records-no-time': 'Flow-record rows without a time (a masked or unset Zeek ts): their flows have first/last null and are never matched by time.',
  'records-merge-limit': 'More flows than the merge index holds: copies of the later ones in record inputs may be counted twice.',
  'records-lost': 'Flow export records were lost on the way (sequence numbers skipped): the flows in them have no verdict, so a missing connection may have been there.',
  'records-no-template': 'Flow export data arrived without its template and could not be decoded: those flows have no verdict.',
  'exporter-restart': 'An exporter\'s sequence numbers went back: it restarted, and records in flight may be lost.',
  'records-sampled': 'Records come from packet sampling: counts are scaled, and a sampled flow is never called unanswered or refused from its flags.',
  'export-problems': 'Flow export messages or sets could not be read (truncated, bad lengths, unknown versions): counted and skipped.',
  'exporter-not-allowed': 'The collector got datagrams from addresses outside --exporter: they were counted and never classified.',
  'evidence-cut': 'The --evidence file lacks packets of some flagged flows: --evidence-max-mb was reached while reading stdin or a pipe, or there were more flagged flows than it keeps.',
  'nfdump-biflow-flags': 'nfdump overwrote the forward TCP flags of RFC 5103 biflows with the reverse ones: those outcomes are inferred from packet counts.',
} as const;

/** A warning code. */
export type WarningCode = keyof typeof WARNING_CODES;

/** All warning codes, in report order. */
export const WARNING_ORDER: readonly WarningCode[] = Object.keys(WARNING_CODES) as WarningCode[];

/** A warning. */
export function warning(code: WarningCode, message: string, count = 1): ReportWarning {
  return { code, message, count };
}

/** Warnings in report order (stable for the same input): by code order, then as given. */
export function sortWarnings(list: readonly ReportWarning[]): ReportWarning[] {
  const rank = (c: string) => {
    const i = WARNING_ORDER.indexOf(c as WarningCode);
    return i < 0 ? WARNING_ORDER.length : i;
  };
  return list.map((w, i) => ({ w, i })).sort((a, b) => rank(a.w.code) - rank(b.w.code) || a.i - b.i).map((x) => x.w);
}
