import { describe, expect, it } from 'vitest';
import { FLOW_KEYS, json, REPORT_KEYS } from '../../src/report/json.js';
import { ndjson, ndjsonFlowLine, ndjsonSummaryLine } from '../../src/report/ndjson.js';
import type { AuditReport } from '../../src/report/types.js';
import { emptyReport, sampleReport, sampleReportV2 } from './support.js';

const o = { color: false, all: false, width: 80 };

/** The same data with every object's keys in reverse insertion order. */
function reverseKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reverseKeys) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) as T;
  }
  return v;
}

describe('json reporter', () => {
  it('parses back equal to the report', () => {
    for (const r of [sampleReport(), emptyReport()]) {
      expect(JSON.parse(json(r, o))).toEqual(r);
    }
  });

  it('uses 2-space indentation and ends with one newline', () => {
    const text = json(sampleReport(), o);
    expect(text.startsWith('{\n  "version": "0.1.0",\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('writes keys in the documented order whatever order the object was built in', () => {
    const r = sampleReportV2();
    const text = json(r, o);
    expect(json(reverseKeys(r), o)).toBe(text);
    const parsed = JSON.parse(text) as AuditReport;
    expect(Object.keys(parsed)).toEqual([...REPORT_KEYS.filter((k) => k !== 'live'), 'findings']);
    expect(Object.keys(parsed.flows[0]!)).toEqual([...FLOW_KEYS]);
    expect(Object.keys(parsed.stats.decodeErrors)).toEqual(['bad_ipv4_header_length', 'truncated_tcp_header']);
  });

  it('lists every flow, ignored ones too, in report order even when given out of order', () => {
    const r = sampleReport();
    const shuffled = { ...r, flows: r.flows.slice().reverse() };
    const parsed = JSON.parse(json(shuffled, o)) as AuditReport;
    expect(parsed.flows.map((f) => f.id)).toEqual(r.flows.map((f) => f.id));
    expect(parsed.flows.some((f) => f.verdict === 'ignored')).toBe(true);
  });

  it('keeps fields added later, after the documented ones', () => {
    const r = { ...sampleReport(), extra: 1 } as AuditReport;
    const parsed = JSON.parse(json(r, o)) as Record<string, unknown>;
    expect(Object.keys(parsed).at(-1)).toBe('extra');
  });
});

describe('ndjson reporter', () => {
  it('writes one parseable flow line per flow and a final summary line', () => {
    const r = sampleReport();
    const text = ndjson(r, o);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(r.flows.length + 1);
    lines.slice(0, -1).forEach((l, i) => {
      expect(l.type).toBe('flow');
      const { type: _t, ...flow } = l;
      expect(flow).toEqual(r.flows[i]);
    });
    const summary = lines.at(-1)!;
    expect(Object.keys(summary)).toEqual(['type', 'version', 'inputs', 'site', 'stats', 'coverage', 'conflicts', 'summary']);
    expect(summary.summary).toEqual(r.summary);
    expect(summary.coverage).toEqual(r.coverage);
    expect(summary.stats).toEqual(r.stats);
  });

  it('ndjsonFlowLine is one line with "type":"flow" first', () => {
    const line = ndjsonFlowLine(sampleReport().flows[0]!);
    expect(line.startsWith('{"type":"flow","id":2,')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  it('a report without flows is just the summary line', () => {
    const r = emptyReport();
    expect(ndjson(r, o)).toBe(ndjsonSummaryLine(r));
    expect((JSON.parse(ndjson(r, o)) as { type: string }).type).toBe('summary');
  });
});
