/**
 * The NDJSON reporter: one `{"type":"flow",...}` line per flow, then one
 * `{"type":"summary",...}` line. Live capture streams the flow lines as flows end
 * (the pipeline calls ndjsonFlowLine), so a consumer can tail the file.
 */
import { compareFlows } from './build.js';
import { canonicalFlow, canonicalParts, jsonNumber as num, jsonString as str, reportShaped } from './json.js';
import type { ReportOptions } from './options.js';
import type { AuditReport, ReportFlow } from './types.js';
import { sourcesKey } from './flow-sources.js';

/** The generic way, for any object: what ndjsonFlowLine must equal byte for byte. */
export function ndjsonFlowLineGeneric(f: ReportFlow): string {
  return JSON.stringify({ type: 'flow', ...canonicalFlow(f) }) + '\n';
}

/**
 * One flow as one NDJSON line (with `"type":"flow"` first and a trailing newline), in
 * the documented key order. Written field by field: JSON.stringify of the reordered
 * object cost ≈14 µs a flow, most of an NDJSON audit. A flow not of the documented
 * shape goes the generic way.
 */
export function ndjsonFlowLine(f: ReportFlow): string {
  if (!reportShaped(f)) return ndjsonFlowLineGeneric(f);
  let vlans = '';
  for (let i = 0; i < f.vlans.length; i++) vlans += (i === 0 ? '' : ',') + num(f.vlans[i]!);
  let icmp = '';
  for (let i = 0; i < f.icmp.length; i++) {
    const e = f.icmp[i]!;
    icmp += (i === 0 ? '{"type":' : ',{"type":') + num(e.type) + ',"code":' + num(e.code) + ',"from":' + str(e.from)
      + ',"count":' + num(e.count) + '}';
  }
  return '{"type":"flow","id":' + num(f.id) + ',"proto":' + str(f.proto) + ',"client":' + str(f.client)
    + ',"server":' + str(f.server) + ',"state":' + str(f.state) + ',"end":' + str(f.end)
    + ',"guessed":' + (f.guessed ? 'true' : 'false')
    + ',"packets":{"client":' + num(f.packets.client) + ',"server":' + num(f.packets.server)
    + '},"bytes":{"client":' + num(f.bytes.client) + ',"server":' + num(f.bytes.server)
    + '},"first":' + num(f.first) + ',"last":' + num(f.last) + ',"history":' + str(f.history)
    + ',"vlans":[' + vlans + '],"icmp":[' + icmp + '],"service":' + str(f.service) + ',"rule":' + str(f.rule)
    + ',"verdict":' + str(f.verdict) + ',"reason":' + str(f.reason) + ',"reasonCode":' + str(f.reasonCode)
    + ',"app":' + str(f.app) + ',"protocolMismatch":' + (f.protocolMismatch ? 'true' : 'false')
    + ',"sources":' + sourcesJson(f.sources) + '}\n';
}

/** Lists of sources are few and short: their text is kept. */
const sourcesText = new Map<string, string>();

function sourcesJson(l: readonly string[]): string {
  const k = sourcesKey(l);
  let t = sourcesText.get(k);
  if (t === undefined) {
    t = JSON.stringify(l);
    if (sourcesText.size < 10_000) sourcesText.set(k, t);
  }
  return t;
}

/** The closing line: everything of the report except the flows. */
export function ndjsonSummaryLine(r: AuditReport): string {
  const { flows: _flows, ...rest } = canonicalParts({ ...r, flows: [] });
  return JSON.stringify({ type: 'summary', ...rest }) + '\n';
}

/** A --report-every line: the summary of one interval's report, `{"type":"interval", ...}` with the same keys as the summary line. */
export function ndjsonIntervalLine(r: AuditReport): string {
  const { flows: _flows, ...rest } = canonicalParts({ ...r, flows: [] });
  return JSON.stringify({ type: 'interval', ...rest }) + '\n';
}

/** Every flow in report order, one per line, then the summary line. */
export function ndjson(r: AuditReport, _o: ReportOptions): string {
  let out = '';
  for (const f of r.flows.slice().sort(compareFlows)) out += ndjsonFlowLine(f);
  return out + ndjsonSummaryLine(r);
}
