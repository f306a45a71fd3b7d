/**
 * The NDJSON reporter: one `{"type":"flow",...}` line per flow, then one
 * `{"type":"summary",...}` line. Live capture streams the flow lines as flows end
 * (the pipeline calls ndjsonFlowLine), so a consumer can tail the file.
 */
import { compareFlows } from './build.js';
import { canonicalFlow, canonicalParts } from './json.js';
import type { ReportOptions } from './options.js';
import type { AuditReport, ReportFlow } from './types.js';

/** One flow as one NDJSON line (with `"type":"flow"` first and a trailing newline). */
export function ndjsonFlowLine(f: ReportFlow): string {
  return JSON.stringify({ type: 'flow', ...canonicalFlow(f) }) + '\n';
}

/** The closing line: everything of the report except the flows. */
export function ndjsonSummaryLine(r: AuditReport): string {
  const { flows: _flows, ...rest } = canonicalParts({ ...r, flows: [] });
  return JSON.stringify({ type: 'summary', ...rest }) + '\n';
}

/** Every flow in report order, one per line, then the summary line. */
export function ndjson(r: AuditReport, _o: ReportOptions): string {
  let out = '';
  for (const f of r.flows.slice().sort(compareFlows)) out += ndjsonFlowLine(f);
  return out + ndjsonSummaryLine(r);
}
