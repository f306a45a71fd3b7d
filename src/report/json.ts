/**
 * The JSON reporter: the whole AuditReport (contract in docs/report-schema.md).
 * Keys are written in one documented order whatever order the report object was
 * built in, and flows in report order, so the same report is always the same bytes.
 */
import { VERDICTS } from '../classify/types.js';
import { compareFlows } from './build.js';
import type { ReportOptions } from './options.js';
import type { AuditReport, CoverageRow, ReportFlow } from './types.js';

type Obj = Record<string, unknown>;

/** A JSON number as JSON.stringify writes it (non-finite numbers become null; -0 becomes 0). */
export function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Printable ASCII other than `"` and `\`: the characters JSON writes as they are. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string (or null) as JSON.stringify writes it; plain ASCII (nearly every field) skips the escaping pass. */
export function jsonString(s: string | null): string {
  if (s === null) return 'null';
  return PLAIN.test(s) ? '"' + s + '"' : JSON.stringify(s);
}

/** Copy `obj` with `keys` first, in that order, then any other keys sorted (fields added later stay deterministic). */
function ordered(obj: object, keys: readonly string[], nested: Record<string, (v: unknown) => unknown> = {}): Obj {
  const src = obj as Obj;
  const out: Obj = {};
  const put = (k: string) => {
    const v = src[k];
    if (v === undefined) return;
    const fix = nested[k];
    out[k] = fix ? fix(v) : v;
  };
  for (const k of keys) if (k in src) put(k);
  for (const k of Object.keys(src).sort()) if (!keys.includes(k)) put(k);
  return out;
}

/** Key order of a flow object (issue 4 order, with the extra fields where they read best). */
export const FLOW_KEYS = [
  'id', 'proto', 'client', 'server', 'state', 'end', 'guessed', 'packets', 'bytes', 'first', 'last',
  'history', 'vlans', 'icmp', 'service', 'rule', 'verdict', 'reason', 'reasonCode', 'app', 'protocolMismatch',
  'sources',
] as const;

const DIR_KEYS = ['client', 'server'] as const;
const ICMP_KEYS = ['type', 'code', 'from', 'count'] as const;
const INPUT_KEYS = ['path', 'format', 'gzip', 'linkTypes', 'packets', 'bytes', 'error'] as const;
const STATS_KEYS = [
  'packets', 'bytes', 'flows', 'first', 'last', 'decodeErrors', 'evicted', 'oneSidedShare',
  'bothWaysShare', 'lossEstimate', 'icmpUnmatched',
] as const;
const SITE_KEYS = ['path', 'mode', 'modules'] as const;
/** Key order of the live facts (AuditReport.live). */
export const LIVE_KEYS = ['startedAt', 'stoppedAt', 'stoppedBy', 'interface', 'filter', 'engine', 'kernelDrops', 'interval'] as const;
const COVERAGE_KEYS = [
  'rule', 'connection', 'service', 'port', 'proto', 'status', 'flows', 'expected', 'blocked', 'wrong-direction', 'inconclusive',
  'first', 'last', 'apps', 'note',
] as const;
/** Key order of a designed connection (AuditReport.connections[]). */
export const CONNECTION_KEYS = [
  'id', 'from', 'to', 'port', 'proto', 'status', 'flows', 'expected', 'blocked', 'wrong-direction', 'inconclusive',
  'first', 'last', 'rules', 'seed', 'note',
] as const;
const SEED_KEYS = ['table', 'row', 'text'] as const;
const WARNING_KEYS = ['code', 'message', 'count'] as const;
/** Key order of a finding path (AuditReport.findings.paths[]). */
export const PATH_KEYS = [
  'verdict', 'connection', 'proto', 'port', 'server', 'clients', 'flows', 'first', 'last', 'reason', 'reasonCode', 'sampleClients',
] as const;
const CONFLICT_KEYS = ['kind', 'message'] as const;
const SUMMARY_KEYS = [...VERDICTS, 'protocol-mismatch'] as const;
/** Key order of a finding group (AuditReport.findings.groups[]). */
export const FINDING_GROUP_KEYS = [
  'key', 'verdict', 'service', 'rule', 'proto', 'port', 'clientIp', 'serverIp', 'folded', 'count', 'first', 'last',
  'reason', 'reasonCode', 'reasons', 'ids',
] as const;
/** Key order of a protocol-mismatch group (AuditReport.findings.mismatches[]). */
export const MISMATCH_GROUP_KEYS = [
  'key', 'service', 'rule', 'proto', 'port', 'clientIp', 'serverIp', 'folded', 'app', 'verdict', 'count', 'first', 'last', 'ids',
] as const;
const REASON_KEYS = ['reason', 'reasonCode', 'count'] as const;
/** Top-level key order of the report (`findings`, when present, follows `summary`). */
export const REPORT_KEYS = [
  'schemaVersion', 'version', 'warnings', 'inputs', 'live', 'site', 'stats', 'flows', 'coverage', 'connections', 'conflicts', 'summary',
  'design',
] as const;

const arr = (fn: (v: object) => Obj) => (v: unknown) => (v as object[]).map(fn);
const sortedKeys = (v: unknown) => ordered(v as object, []);

/** A flow with its keys in documented order. */
export function canonicalFlow(f: ReportFlow): Obj {
  return ordered(f, FLOW_KEYS, {
    packets: (v) => ordered(v as object, DIR_KEYS),
    bytes: (v) => ordered(v as object, DIR_KEYS),
    icmp: arr((e) => ordered(e, ICMP_KEYS)),
  });
}

/** Whether a report flow has exactly the documented fields, of the types the record holds. */
export function reportShaped(f: ReportFlow): boolean {
  if (Object.keys(f).length !== FLOW_KEYS.length) return false;
  if (typeof f.guessed !== 'boolean' || typeof f.protocolMismatch !== 'boolean') return false;
  for (const s of [f.proto, f.client, f.server, f.state, f.end, f.history, f.verdict, f.reason, f.reasonCode, f.app]) {
    if (typeof s !== 'string') return false;
  }
  if ((f.service !== null && typeof f.service !== 'string') || (f.rule !== null && typeof f.rule !== 'string')) return false;
  for (const n of [f.id, f.first, f.last, f.packets.client, f.packets.server, f.bytes.client, f.bytes.server, ...f.vlans]) {
    if (typeof n !== 'number') return false;
  }
  if (Object.keys(f.packets).length !== 2 || Object.keys(f.bytes).length !== 2) return false;
  if (!Array.isArray(f.sources) || f.sources.some((x) => typeof x !== 'string')) return false;
  for (const e of f.icmp) {
    if (Object.keys(e).length !== 4 || typeof e.from !== 'string') return false;
    if (typeof e.type !== 'number' || typeof e.code !== 'number' || typeof e.count !== 'number') return false;
  }
  return true;
}

/** A coverage row with its keys in documented order. */
export function canonicalCoverage(c: CoverageRow): Obj {
  return ordered(c, COVERAGE_KEYS);
}

/** The parts of the report besides `flows`, each in documented key order (shared with ndjson). */
export function canonicalParts(r: AuditReport): Obj {
  return ordered(r, REPORT_KEYS, {
    inputs: arr((i) => ordered(i, INPUT_KEYS)),
    live: (v) => ordered(v as object, LIVE_KEYS),
    site: (v) => ordered(v as object, SITE_KEYS),
    stats: (v) => ordered(v as object, STATS_KEYS, { decodeErrors: sortedKeys }),
    flows: (v) => (v as ReportFlow[]).slice().sort(compareFlows).map(canonicalFlow),
    coverage: arr((c) => canonicalCoverage(c as CoverageRow)),
    connections: arr((c) => ordered(c, CONNECTION_KEYS, { seed: arr((x) => ordered(x, SEED_KEYS)) })),
    warnings: arr((w) => ordered(w, WARNING_KEYS)),
    conflicts: arr((c) => ordered(c, CONFLICT_KEYS)),
    summary: (v) => ordered(v as object, SUMMARY_KEYS),
    design: (v) => ordered(v as object, ['hash']),
    findings: (v) => ordered(v as object, ['paths', 'groups', 'mismatches'], {
      paths: arr((g) => ordered(g, PATH_KEYS)),
      groups: arr((g) => ordered(g, FINDING_GROUP_KEYS, { reasons: arr((x) => ordered(x, REASON_KEYS)) })),
      mismatches: arr((g) => ordered(g, MISMATCH_GROUP_KEYS)),
    }),
  });
}

/** The whole report as JSON: 2-space indent, documented key order, flows in report order, trailing newline. */
export function json(r: AuditReport, _o: ReportOptions): string {
  return JSON.stringify(canonicalParts(r), null, 2) + '\n';
}
