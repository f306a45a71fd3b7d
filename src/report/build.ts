/**
 * From classified flows to the report's records: the JSON flow shape, a stable flow
 * order, findings grouped the way an admin fixes them (one firewall rule per service,
 * port and host pair), and the summary counts. Pure functions; no wall clock.
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { VERDICTS } from '../classify/types.js';
import type { AuditReport, ReportFlow } from './types.js';

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
export function toReportFlow(cf: ClassifiedFlow): ReportFlow {
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
  };
}

/** Report order of flows: by first packet time, then by id (ids are unique, so the order is total). */
export function compareFlows(a: ReportFlow, b: ReportFlow): number {
  return a.first - b.first || a.id - b.id;
}

/** Deterministic string order independent of locale (plain code-unit comparison). */
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `null` service sorts after every named one. */
function cmpService(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return cmpStr(a, b);
}

/** The verdicts that are findings, in the order reports list them. */
export const FINDING_VERDICTS = ['blocked', 'wrong-direction', 'unexpected'] as const;

/** A finding verdict. */
export type FindingVerdict = (typeof FINDING_VERDICTS)[number];

/** One reason inside a finding group, with how many of the group's flows gave it. */
export interface ReasonCount {
  reason: string;
  reasonCode: string;
  count: number;
}

/** What every group of flows carries: the service, port and host pair, how many flows and when. */
export interface FlowGroup {
  key: string;
  service: string | null;
  /** Rule id of the group's first flow (matched or nearest rule). */
  rule: string | null;
  proto: ReportFlow['proto'];
  /** Server port (0 for ICMP). */
  port: number;
  /** Bare addresses (no brackets), the opener first. */
  clientIp: string;
  serverIp: string;
  count: number;
  first: number;
  last: number;
  /** Flow ids in the group, in report order. */
  ids: number[];
}

/**
 * Flows of one finding verdict grouped by service, proto/port and host pair: what
 * one firewall or configuration change would fix.
 */
export interface FindingGroup extends FlowGroup {
  /** verdict|service|proto/port|client ip|server ip (the same key as the dashboard's Finding). */
  key: string;
  verdict: FindingVerdict;
  /** The most frequent reason (ties: the one seen first). */
  reason: string;
  reasonCode: string;
  /** Every distinct reason, most frequent first. */
  reasons: ReasonCount[];
}

/** Flows whose identified protocol contradicts their rule's port, grouped by service, port, hosts and protocol. */
export interface MismatchGroup extends FlowGroup {
  /** The protocol actually identified on the flows. */
  app: ReportFlow['app'];
  /** Verdict of the group's first flow. */
  verdict: Verdict;
}

function isFindingVerdict(v: Verdict): v is FindingVerdict {
  return v === 'blocked' || v === 'wrong-direction' || v === 'unexpected';
}

/**
 * Group the flows `pick` accepts, in report order: `keyOf` names the group (it is
 * given the common key "service|proto/port|client|server"), `extra` fills a new
 * group's own fields and `add` folds each flow in.
 */
function groupFlows<G extends FlowGroup>(flows: readonly ReportFlow[], pick: (f: ReportFlow) => boolean,
  keyOf: (f: ReportFlow, base: string) => string, extra: (f: ReportFlow) => Omit<G, keyof FlowGroup>,
  add?: (g: G, f: ReportFlow) => void): G[] {
  const groups = new Map<string, G>();
  for (const f of flows.slice().sort(compareFlows)) {
    if (!pick(f)) continue;
    const c = splitEndpoint(f.client);
    const s = splitEndpoint(f.server);
    const key = keyOf(f, `${f.service ?? '-'}|${f.proto}/${s.port}|${c.ip}|${s.ip}`);
    let g = groups.get(key);
    if (!g) {
      const base: FlowGroup = {
        key, service: f.service, rule: f.rule, proto: f.proto, port: s.port, clientIp: c.ip, serverIp: s.ip,
        count: 0, first: f.first, last: f.last, ids: [],
      };
      g = { ...base, ...extra(f) } as G;
      groups.set(key, g);
    }
    g.count++;
    g.ids.push(f.id);
    if (f.first < g.first) g.first = f.first;
    if (f.last > g.last) g.last = f.last;
    add?.(g, f);
  }
  return [...groups.values()];
}

/** Group the blocked, wrong-direction and unexpected flows; sorted by verdict, service, port, proto, hosts. */
export function groupFindings(flows: readonly ReportFlow[]): FindingGroup[] {
  const out = groupFlows<FindingGroup>(flows, (f) => isFindingVerdict(f.verdict),
    (f, base) => `${f.verdict}|${base}`,
    (f) => ({ verdict: f.verdict as FindingVerdict, reason: f.reason, reasonCode: f.reasonCode, reasons: [] }),
    (g, f) => {
      const rc = g.reasons.find((r) => r.reason === f.reason && r.reasonCode === f.reasonCode);
      if (rc) rc.count++;
      else g.reasons.push({ reason: f.reason, reasonCode: f.reasonCode, count: 1 });
    });
  for (const g of out) {
    // Stable sort keeps first-seen order among equal counts.
    g.reasons.sort((a, b) => b.count - a.count);
    g.reason = g.reasons[0]!.reason;
    g.reasonCode = g.reasons[0]!.reasonCode;
  }
  return out.sort((a, b) => FINDING_VERDICTS.indexOf(a.verdict) - FINDING_VERDICTS.indexOf(b.verdict)
    || compareGroups(a, b));
}

/** Group order: service (named first), port, proto, then the host pair. */
function compareGroups(a: FlowGroup, b: FlowGroup): number {
  return cmpService(a.service, b.service)
    || a.port - b.port
    || cmpStr(a.proto, b.proto)
    || cmpStr(a.clientIp, b.clientIp)
    || cmpStr(a.serverIp, b.serverIp);
}

/** Group the protocol-mismatch flows (any verdict); sorted by service, port, proto, hosts, app. */
export function groupMismatches(flows: readonly ReportFlow[]): MismatchGroup[] {
  return groupFlows<MismatchGroup>(flows, (f) => f.protocolMismatch, (f, base) => `${base}|${f.app}`,
    (f) => ({ app: f.app, verdict: f.verdict }))
    .sort((a, b) => compareGroups(a, b) || cmpStr(a.app, b.app));
}

/**
 * Whether the table and markdown reporters need this flow in `AuditReport.flows`
 * (a finding or a protocol mismatch). The pipeline may keep only these flows when
 * neither JSON nor a full listing is asked for; the reporters group findings from them.
 */
export function isFindingFlow(f: { verdict: Verdict; protocolMismatch: boolean }): boolean {
  return isFindingVerdict(f.verdict) || f.protocolMismatch;
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
