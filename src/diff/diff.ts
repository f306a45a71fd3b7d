/**
 * `wfo-audit diff BEFORE.json AFTER.json`: what changed between two JSON reports of the
 * same site (docs/evidence.md, docs/report-schema.md "The diff report"). Pure: two parsed
 * reports in, one Diff out.
 *
 * A finding is a path of the report (`findings.paths[]`): its key is the verdict, the
 * designed connection (or proto/port outside the design) and the listening server; the
 * clients are a detail of it. A finding that is gone from AFTER is `fixed` only when AFTER
 * judged traffic of that connection (or port) to that server; without any, the AFTER
 * capture did not re-test it (`not-re-tested`): the same false pass as a rule claimed
 * "seen" without a working flow.
 */
import { readFileSync } from 'node:fs';
import { VERDICTS } from '../classify/types.js';
import { ReportFileError } from '../errors.js';
import { SCHEMA_VERSION } from '../pipeline/finish.js';
import type { AuditReport, FindingPath } from '../report/types.js';

/** How a finding changed, in the order the diff lists them. */
export const FINDING_CHANGES = ['new', 'persisted', 'fixed', 'not-re-tested'] as const;
/** A finding's change: `new` (only in AFTER), `persisted` (both), `fixed` (gone, and AFTER judged traffic there), `not-re-tested` (gone, but AFTER has no judged traffic there). */
export type FindingChange = (typeof FINDING_CHANGES)[number];

/** Why the two reports may not be comparable, defined once (docs/report-schema.md lists them). */
export const DIFF_WARNING_CODES = {
  'site-differs': 'The two reports name different site files.',
  'mode-differs': 'The two reports judged the traffic in different deployment modes.',
  'modules-differs': 'The two reports enabled different optional modules.',
  'design-differs': 'The resolved designs differ (design.hash): a rule, role address or override changed, so a finding may change without any traffic change.',
  'design-unknown': 'A report carries no design hash (written by an older wfo-audit): whether the designs match cannot be told.',
} as const;
/** A diff warning code. */
export type DiffWarningCode = keyof typeof DIFF_WARNING_CODES;

/** Version of the diff JSON (docs/report-schema.md, "The diff report"). */
export const DIFF_VERSION = 1;

/** One side of a finding: what its report says of it. */
export interface FindingSide {
  flows: number;
  clients: number | string;
  first: number;
  last: number;
  reason: string;
  reasonCode: string;
  sampleClients: string[];
}

/** One finding of either report and how it changed. */
export interface DiffFinding {
  change: FindingChange;
  verdict: string;
  connection: string | null;
  proto: string;
  port: number;
  server: string;
  before: FindingSide | null;
  after: FindingSide | null;
  /** Sample clients only in AFTER / only in BEFORE (of the first 20 each report names). */
  clientsAdded: string[];
  clientsGone: string[];
}

/** A designed connection whose coverage status changed. */
export interface ConnectionChange {
  id: string;
  /** Status in BEFORE / AFTER; null when the connection is not in that report's design. */
  before: string | null;
  after: string | null;
}

/** A report as the diff shows it. */
export interface DiffSide {
  path: string;
  version: string;
  schemaVersion: number;
  site: AuditReport['site'];
  designHash: string | null;
  inputs: { path: string; format: string; packets: number }[];
  first: number | null;
  last: number | null;
  summary: Record<string, number>;
}

/** The whole diff. */
export interface Diff {
  diffVersion: number;
  version: string;
  warnings: { code: DiffWarningCode; message: string }[];
  before: DiffSide;
  after: DiffSide;
  summary: Record<FindingChange, number>;
  findings: DiffFinding[];
  connections: ConnectionChange[];
}

/** A report read for the diff. */
export interface LoadedReport {
  path: string;
  report: AuditReport & { design?: { hash?: string } };
}

/**
 * Reads a JSON report for the diff.
 * @throws ReportFileError (exit 2) when it is not a wfo-audit JSON report, has a schema version
 *   this diff cannot read, or judged nothing
 */
export function loadReport(path: string): LoadedReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportFileError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ReportFileError(`${path}: not a wfo-audit report (not JSON; write one with audit --format json)`);
  }
  const r = doc as Partial<AuditReport> | null;
  if (r === null || typeof r !== 'object' || Array.isArray(r) || typeof r.version !== 'string'
    || typeof r.summary !== 'object' || r.summary === null || !Array.isArray(r.inputs) || typeof r.site !== 'object') {
    throw new ReportFileError(`${path}: not a wfo-audit report (no version, inputs, site and summary; write one with audit --format json)`);
  }
  const sv = r.schemaVersion;
  if (sv === undefined || typeof sv !== 'number' || sv < 2 || sv > SCHEMA_VERSION) {
    throw new ReportFileError(`${path}: schema version ${sv === undefined ? '1 (no schemaVersion)' : JSON.stringify(sv)} cannot be compared (this wfo-audit reads ${SCHEMA_VERSION}); audit the capture again`);
  }
  if (!Array.isArray(r.connections) || !Array.isArray(r.findings?.paths)) {
    throw new ReportFileError(`${path}: the report has no connections[] or findings.paths[] to compare`);
  }
  const s = r.summary as Record<string, unknown>;
  const judged = ['expected', 'blocked', 'wrong-direction', 'unexpected'].reduce((n, v) => n + (typeof s[v] === 'number' ? s[v] as number : 0), 0);
  if (judged === 0) {
    throw new ReportFileError(`${path}: no flows could be judged in this report, so it proves nothing to compare`);
  }
  return { path, report: r as LoadedReport['report'] };
}

/** The port of a path as keys write it ("5633/tcp", "icmp"). */
function portText(p: { proto: string; port: number }): string {
  return p.proto === 'icmp' || p.proto === 'icmp6' ? p.proto : `${p.port}/${p.proto}`;
}

/** The key of a finding: verdict, connection (or port/proto), server. */
export function findingKey(p: Pick<FindingPath, 'verdict' | 'connection' | 'proto' | 'port' | 'server'>): string {
  return `${p.verdict}|${p.connection ?? portText(p)}|${p.server}`;
}

/** The address of an "ip:port" endpoint ("[v6]:port" too), as paths name servers. */
function hostOf(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
  const i = endpoint.lastIndexOf(':');
  return i < 0 ? endpoint : endpoint.slice(0, i);
}

function portOf(endpoint: string): number {
  const i = endpoint.lastIndexOf(':');
  return i < 0 ? 0 : Number(endpoint.slice(i + 1));
}

/** What AFTER judged, to tell "fixed" from "not re-tested": judged flows per connection+server and per proto/port+server. */
function judgedTargets(r: AuditReport): Set<string> {
  const connOfRule = new Map<string, string>();
  for (const c of r.coverage ?? []) if (c.connection) connOfRule.set(c.rule, c.connection);
  const out = new Set<string>();
  for (const f of r.flows ?? []) {
    if (f.verdict === 'ignored' || f.verdict === 'inconclusive') continue;
    const server = hostOf(f.server);
    const port = f.proto === 'icmp' || f.proto === 'icmp6' ? 0 : portOf(f.server);
    out.add(`${portText({ proto: f.proto, port })}|${server}`);
    const conn = f.rule === null ? undefined : connOfRule.get(f.rule);
    if (conn !== undefined) out.add(`${conn}|${server}`);
  }
  // A connection judged as a whole (paths name servers the flows may not list, e.g. a report without flows).
  return out;
}

function side(p: FindingPath): FindingSide {
  return {
    flows: p.flows, clients: p.clients, first: p.first, last: p.last, reason: p.reason, reasonCode: p.reasonCode,
    sampleClients: [...p.sampleClients],
  };
}

function describe(l: LoadedReport): DiffSide {
  const r = l.report;
  return {
    path: l.path,
    version: r.version,
    schemaVersion: r.schemaVersion ?? 1,
    site: { path: r.site.path ?? null, mode: r.site.mode, modules: [...(r.site.modules ?? [])] },
    designHash: typeof r.design?.hash === 'string' ? r.design.hash : null,
    inputs: r.inputs.map((i) => ({ path: i.path, format: i.format, packets: i.packets })),
    first: r.stats?.first ?? null,
    last: r.stats?.last ?? null,
    summary: { ...r.summary },
  };
}

function warnings(b: DiffSide, a: DiffSide): Diff['warnings'] {
  const w: Diff['warnings'] = [];
  const say = (code: DiffWarningCode, message: string) => w.push({ code, message });
  if (b.site.path !== a.site.path) say('site-differs', `the reports name different site files: ${b.site.path ?? '(none)'} before, ${a.site.path ?? '(none)'} after`);
  if (b.site.mode !== a.site.mode) say('mode-differs', `mode ${b.site.mode} before, ${a.site.mode} after: the same traffic gets other verdicts`);
  const bm = [...b.site.modules].sort().join(', '), am = [...a.site.modules].sort().join(', ');
  if (bm !== am) say('modules-differs', `modules ${bm || 'none'} before, ${am || 'none'} after`);
  if (b.designHash === null || a.designHash === null) {
    say('design-unknown', `${b.designHash === null ? b.path : a.path} carries no design hash (an older wfo-audit wrote it): whether the designs match cannot be told`);
  } else if (b.designHash !== a.designHash) {
    say('design-differs', `the resolved designs differ (design.hash ${b.designHash.slice(0, 12)} before, ${a.designHash.slice(0, 12)} after): a rule, role address or override changed, so findings may change without any traffic change`);
  }
  return w;
}

const VERDICT_RANK = new Map<string, number>(VERDICTS.map((v, i) => [v, i]));

/** Compares two loaded reports. */
export function diffReports(before: LoadedReport, after: LoadedReport, version: string): Diff {
  const b = before.report, a = after.report;
  const bPaths = new Map<string, FindingPath>(), aPaths = new Map<string, FindingPath>();
  for (const p of b.findings?.paths ?? []) bPaths.set(findingKey(p), p);
  for (const p of a.findings?.paths ?? []) aPaths.set(findingKey(p), p);
  const judged = judgedTargets(a);
  const findings: DiffFinding[] = [];
  for (const [key, p] of aPaths) {
    const old = bPaths.get(key);
    const bs = old ? side(old) : null, as = side(p);
    findings.push({
      change: old ? 'persisted' : 'new', verdict: p.verdict, connection: p.connection, proto: p.proto, port: p.port, server: p.server,
      before: bs, after: as,
      clientsAdded: bs ? as.sampleClients.filter((c) => !bs.sampleClients.includes(c)) : [],
      clientsGone: bs ? bs.sampleClients.filter((c) => !as.sampleClients.includes(c)) : [],
    });
  }
  for (const [key, p] of bPaths) {
    if (aPaths.has(key)) continue;
    const target = `${p.connection ?? portText(p)}|${p.server}`;
    const retested = p.server !== '*' && judged.has(target);
    findings.push({
      change: retested ? 'fixed' : 'not-re-tested', verdict: p.verdict, connection: p.connection, proto: p.proto, port: p.port,
      server: p.server, before: side(p), after: null, clientsAdded: [], clientsGone: [],
    });
  }
  const rank = (c: FindingChange) => FINDING_CHANGES.indexOf(c);
  findings.sort((x, y) => rank(x.change) - rank(y.change)
    || (VERDICT_RANK.get(x.verdict) ?? 9) - (VERDICT_RANK.get(y.verdict) ?? 9)
    || (x.connection ?? portText(x)).localeCompare(y.connection ?? portText(y))
    || x.server.localeCompare(y.server));

  const bConn = new Map((b.connections ?? []).map((c) => [c.id, c.status as string]));
  const aConn = new Map((a.connections ?? []).map((c) => [c.id, c.status as string]));
  const connections: ConnectionChange[] = [];
  for (const [id, st] of bConn) {
    const now = aConn.get(id) ?? null;
    if (now !== st) connections.push({ id, before: st, after: now });
  }
  for (const [id, st] of aConn) if (!bConn.has(id)) connections.push({ id, before: null, after: st });

  const summary = Object.fromEntries(FINDING_CHANGES.map((c) => [c, 0])) as Record<FindingChange, number>;
  for (const f of findings) summary[f.change]++;
  const bs = describe(before), as = describe(after);
  return { diffVersion: DIFF_VERSION, version, warnings: warnings(bs, as), before: bs, after: as, summary, findings, connections };
}

/** Exit code of a diff: 1 when a new finding has a verdict of `failOn`, else 0. */
export function diffExitCode(d: Diff, failOn: ReadonlySet<string>): 0 | 1 {
  return d.findings.some((f) => f.change === 'new' && failOn.has(f.verdict)) ? 1 : 0;
}
