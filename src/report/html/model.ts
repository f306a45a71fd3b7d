/**
 * What the HTML report draws, taken from the AuditReport: the designed connections
 * (`connections[]`, or, in a report without them, the coverage rows counted per
 * connection), the finding paths (`findings.paths[]`, or the finding groups counted per
 * path), and the `data-key` names that tie every number on the page to the JSON report.
 * Pure functions; no DOM.
 */
import { connectionIdOf, ruleEnds } from '../../design/connections.js';
import { RULES_BY_ID } from '../../design/rules.js';
import { reportFindings } from '../grouper.js';
import type { AuditReport, ConnectionRow, CoverageRow, CoverageStatus, FindingPath } from '../types.js';
import { COVERAGE_STATUSES } from '../types.js';

/** Ports of a coverage row's `port` text ("5060", "2012,2013", "2012-2015"). */
function portsOf(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let p = a; p <= b && p - a < 65536; p++) out.push(p);
  }
  return out;
}

/** The connection id of a coverage row: its own `connection`, else the built-in rule's (null for an unknown rule). */
export function coverageConnection(c: CoverageRow): string | null {
  if (c.connection) return c.connection;
  const rule = RULES_BY_ID.get(c.rule);
  return rule ? connectionIdOf({ ...rule, ports: portsOf(c.port), transport: c.proto === 'udp' ? 'udp' : 'tcp' }) : null;
}

/** The status that wins among several, by the precedence of COVERAGE_STATUSES. */
export function strongestStatus(statuses: readonly CoverageStatus[]): CoverageStatus {
  let best = COVERAGE_STATUSES.length - 1;
  for (const s of statuses) best = Math.min(best, COVERAGE_STATUSES.indexOf(s));
  return COVERAGE_STATUSES[best]!;
}

/**
 * The designed connections of a report: `connections[]` when the report has it; otherwise
 * the coverage rows counted per connection id (rules of the built-in design; a site's
 * reading overrides are not known then), in the order of their first rule.
 */
export function reportConnections(r: AuditReport): ConnectionRow[] {
  if (r.connections) return r.connections;
  const byId = new Map<string, { row: ConnectionRow; statuses: CoverageStatus[] }>();
  for (const c of r.coverage) {
    const id = coverageConnection(c) ?? `?>?:${c.port}/${c.proto}`;
    let e = byId.get(id);
    if (!e) {
      const rule = RULES_BY_ID.get(c.rule);
      const ends = rule ? ruleEnds(rule) : { from: '?', to: '?' };
      e = {
        row: {
          id, from: ends.from, to: ends.to, port: c.port, proto: c.proto, status: 'unseen',
          expected: 0, blocked: 0, 'wrong-direction': 0, inconclusive: 0, flows: 0,
          first: null, last: null, rules: [], seed: [], note: null,
        },
        statuses: [],
      };
      byId.set(id, e);
    }
    const row = e.row;
    e.statuses.push(c.status);
    row.expected += c.expected;
    row.blocked += c.blocked;
    row['wrong-direction'] += c['wrong-direction'] ?? 0;
    row.inconclusive += c.inconclusive ?? 0;
    row.flows = row.expected + row.blocked + row['wrong-direction'] + row.inconclusive;
    if (c.first !== null) row.first = row.first === null ? c.first : Math.min(row.first, c.first);
    if (c.last !== null) row.last = row.last === null ? c.last : Math.max(row.last, c.last);
    row.rules.push(c.rule);
    const seed = RULES_BY_ID.get(c.rule)?.seed;
    if (seed && !row.seed.some((s) => s.table === seed.table && s.row === seed.row)) row.seed.push(seed);
    if (c.note !== null && row.note === null) row.note = c.note;
  }
  return [...byId.values()].map((e) => ({ ...e.row, status: strongestStatus(e.statuses) }));
}

/** The connection id of each rule of a report (from its coverage rows). */
function connectionOfRule(r: AuditReport): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const c of r.coverage) m.set(c.rule, coverageConnection(c));
  return m;
}

/**
 * The finding paths of a report: `findings.paths[]` when the report has it; otherwise the
 * finding groups counted per verdict, connection (of the group's rule) and server.
 * A folded group's `*` server is kept as `*`; its clients are not known, so not counted.
 */
export function reportPaths(r: AuditReport): FindingPath[] {
  if (r.findings?.paths) return r.findings.paths;
  const ofRule = connectionOfRule(r);
  const byKey = new Map<string, { p: FindingPath; clients: Set<string>; reasons: Map<string, { code: string; n: number }> }>();
  for (const g of reportFindings(r).groups) {
    const connection = g.rule === null ? null : (ofRule.get(g.rule) ?? null);
    const k = pathKey({ verdict: g.verdict, connection, proto: g.proto, port: g.port, server: g.serverIp });
    let e = byKey.get(k);
    if (!e) {
      e = {
        p: {
          verdict: g.verdict, connection, proto: g.proto, port: g.port, server: g.serverIp, clients: 0, flows: 0,
          first: g.first, last: g.last, reason: g.reason, reasonCode: g.reasonCode, sampleClients: [],
        },
        clients: new Set(), reasons: new Map(),
      };
      byKey.set(k, e);
    }
    const p = e.p;
    p.flows += g.count;
    p.first = Math.min(p.first, g.first);
    p.last = Math.max(p.last, g.last);
    if (g.clientIp !== '*' && !e.clients.has(g.clientIp)) {
      e.clients.add(g.clientIp);
      if (p.sampleClients.length < 20) p.sampleClients.push(g.clientIp);
    }
    p.clients = e.clients.size;
    for (const x of g.reasons) {
      const n = e.reasons.get(x.reason);
      if (n) n.n += x.count;
      else e.reasons.set(x.reason, { code: x.reasonCode, n: x.count });
    }
  }
  return [...byKey.values()].map((e) => {
    let best: [string, { code: string; n: number }] | null = null;
    for (const x of e.reasons) if (best === null || x[1].n > best[1].n) best = x;
    return best === null ? e.p : { ...e.p, reason: best[0], reasonCode: best[1].code };
  });
}

/** The port of a path as written in keys and labels ("5633/tcp", "icmp"). */
export function pathPort(p: Pick<FindingPath, 'proto' | 'port'>): string {
  return p.proto === 'icmp' || p.proto === 'icmp6' ? p.proto : `${p.port}/${p.proto}`;
}

/** The id of a path in `data-key`s: `<verdict>|<connection, or port/proto>|<server>`. */
export function pathKey(p: Pick<FindingPath, 'verdict' | 'connection' | 'proto' | 'port' | 'server'>): string {
  return `${p.verdict}|${p.connection ?? pathPort(p)}|${p.server}`;
}
