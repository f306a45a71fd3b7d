/**
 * From classified flows to the report's records: the JSON flow shape, a stable flow
 * order and the summary counts (the grouping of findings is in grouper.ts). Pure
 * functions; no wall clock.
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { VERDICTS } from '../classify/types.js';
import type { AuditReport, ReportFlow } from './types.js';
import type { FlowSourceNames } from './flow-sources.js';

export { FINDING_VERDICTS } from './types.js';
export type { FindingGroup, FindingVerdict, FlowGroup, MismatchGroup, ReasonCount } from './types.js';
// The grouping lives in grouper.ts (incremental and bounded); these are its batch forms.
export { groupFindings, groupMismatches } from './grouper.js';

/** Round a capture time to microseconds, the precision pcap timestamps usually carry. */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** "ip:port", or "[addr]:port" for IPv6 (RFC 3986 §3.2.2 brackets; the address is already RFC 5952). */
export function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Split an endpoint written by `endpoint` back into address and port. */
export function splitEndpoint(ep: string): { ip: string; port: number } {
  const colon = ep.lastIndexOf(':');
  let ip = ep.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return { ip, port: Number(ep.slice(colon + 1)) };
}

/** The JSON report's view of one classified flow (issue 4 contract). */
export function toReportFlow(cf: ClassifiedFlow, names: FlowSourceNames): ReportFlow {
  const f = cf.flow;
  const icmpOnly = f.proto === 'icmp' || f.proto === 'icmp6';
  const cPort = icmpOnly ? 0 : f.clientPort;
  const sPort = icmpOnly ? 0 : f.serverPort;
  return {
    id: f.id,
    proto: f.proto,
    client: endpoint(f.clientIp, cPort),
    server: endpoint(f.serverIp, sPort),
    state: f.outcome,
    end: f.end,
    guessed: f.guessed,
    packets: { client: f.packets.client, server: f.packets.server },
    bytes: { client: f.bytes.client, server: f.bytes.server },
    first: roundTime(f.first),
    last: roundTime(f.last),
    history: f.history,
    vlans: f.vlans.slice(),
    icmp: f.icmpErrors.map((e) => ({ type: e.type, code: e.code, from: e.from, count: e.count })),
    service: cf.service,
    rule: cf.rule,
    verdict: cf.verdict,
    reason: cf.reason,
    reasonCode: cf.reasonCode,
    app: cf.app,
    protocolMismatch: cf.protocolMismatch,
    sources: names.withCopies(f.id, names.of(f)).slice(),
  };
}

/** Report order of flows: by first packet time, then by id (ids are unique, so the order is total). */
export function compareFlows(a: ReportFlow, b: ReportFlow): number {
  // A flow without a time (a record with a masked ts: first NaN, null in the JSON) sorts before every timed one.
  const fa = a.first === a.first ? a.first : -Infinity, fb = b.first === b.first ? b.first : -Infinity;
  return (fa === fb ? 0 : fa < fb ? -1 : 1) || a.id - b.id;
}

/**
 * Whether the table and markdown reporters need this flow in `AuditReport.flows`
 * (a finding or a protocol mismatch). The pipeline may keep only these flows when
 * neither JSON nor a full listing is asked for; the reporters group findings from them.
 */
export function isFindingFlow(f: { verdict: Verdict; protocolMismatch: boolean }): boolean {
  return f.verdict === 'blocked' || f.verdict === 'wrong-direction' || f.verdict === 'unexpected' || f.protocolMismatch;
}

/** Total flows counted in a summary (every verdict; protocol mismatches are not a verdict). */
export function summaryTotal(s: AuditReport['summary']): number {
  let n = 0;
  for (const v of VERDICTS) n += s[v] ?? 0;
  return n;
}

/** Flows per verdict, plus how many carried a protocol that contradicts their rule. */
export function summarize(flows: readonly ReportFlow[]): AuditReport['summary'] {
  const s = {} as AuditReport['summary'];
  for (const v of VERDICTS) s[v] = 0;
  s['protocol-mismatch'] = 0;
  for (const f of flows) {
    s[f.verdict]++;
    if (f.protocolMismatch) s['protocol-mismatch']++;
  }
  return s;
}

/**
 * Finding flows the summary counts but the flow list lacks (a pipeline that kept no
 * flows); reporters say so rather than print "no findings".
 */
export function findingsMissing(r: AuditReport, grouped: number): number {
  const counted = r.summary.blocked + r.summary['wrong-direction'] + r.summary.unexpected;
  return Math.max(0, counted - grouped);
}
