/**
 * docs/report-schema.md must name every key the JSON report and the NDJSON lines
 * can contain, so the contract cannot grow silently.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { json } from '../../src/report/json.js';
import { ndjson, ndjsonIntervalLine } from '../../src/report/ndjson.js';
import { FindingGrouper } from '../../src/report/grouper.js';
import { manyFlows, sampleReport, sampleReportV2 } from './support.js';

const doc = readFileSync(new URL('../../docs/report-schema.md', import.meta.url), 'utf8');

/** Dotted key paths of a JSON value; arrays as `[]`; the keys of decodeErrors are data, not schema. */
function paths(v: unknown, prefix: string, out: Set<string>): Set<string> {
  if (Array.isArray(v)) {
    for (const x of v) paths(x, prefix + '[]', out);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      out.add(p);
      if (p !== 'stats.decodeErrors') paths(x, p, out);
    }
  }
  return out;
}

describe('docs/report-schema.md lists the shared vocabulary', () => {
  it('every verdict, outcome, coverage status and warning code is named', async () => {
    const { VERDICTS } = await import('../../src/classify/types.js');
    const { FLOW_OUTCOMES } = await import('../../src/flow/types.js');
    const { COVERAGE_STATUSES } = await import('../../src/report/types.js');
    const { WARNING_ORDER } = await import('../../src/report/warnings.js');
    for (const v of [...VERDICTS, ...FLOW_OUTCOMES, ...COVERAGE_STATUSES, ...WARNING_ORDER]) expect(doc, v).toContain('`' + v + '`');
    const vocab = doc.slice(doc.indexOf('## The shared vocabulary'), doc.indexOf('## Top level')).replace(/\s+/g, ' ');
    expect(vocab).toContain(VERDICTS.map((v) => '`' + v + '`').join(', '));
    expect(vocab).toContain(FLOW_OUTCOMES.map((v) => '`' + v + '`').join(', '));
  });
});

describe('docs/report-schema.md', () => {
  it('documents every key of the JSON report', () => {
    const keys = [...paths(JSON.parse(json(sampleReportV2(), { color: false, all: false, width: 80 })), '', new Set())];
    for (const k of ['schemaVersion', 'warnings[].code', 'connections[].seed[].text', 'findings.paths[].sampleClients', 'coverage[].connection']) expect(keys).toContain(k);
    expect(keys.length).toBeGreaterThan(50);
    expect(keys.filter((k) => !doc.includes('`' + k + '`'))).toEqual([]);
  });

  it('documents every key of a live report (live facts, kernel drops)', () => {
    const r = sampleReportV2();
    r.inputs = r.inputs.map((i) => ({ ...i, kernelDrops: 0 }));
    r.live = { startedAt: 1, stoppedAt: 2, stoppedBy: 'ctrl-c', interface: 'lo', filter: null, engine: 'tcpdump', kernelDrops: 0 };
    const keys = [...paths(JSON.parse(json(r, { color: false, all: false, width: 80 })), '', new Set())];
    for (const k of ['live.startedAt', 'live.stoppedBy', 'live.kernelDrops', 'inputs[].kernelDrops']) expect(keys).toContain(k);
    expect(keys.filter((k) => !doc.includes('`' + k + '`'))).toEqual([]);
    for (const s of ['q', 'ctrl-c', 'sigterm', 'duration']) expect(doc).toContain('`' + s + '`');
  });

  it('documents every key of a --report-every interval report, and its NDJSON line', () => {
    const r = sampleReportV2();
    r.live = { startedAt: 1, stoppedAt: 2, stoppedBy: 'interval', interface: 'lo', filter: null, engine: 'cap', kernelDrops: null,
      interval: { index: 1, every: 900, start: 1, end: 2 } };
    const keys = [...paths(JSON.parse(json(r, { color: false, all: false, width: 80 })), '', new Set())];
    expect(keys).toContain('live.interval.start');
    expect(keys.filter((k) => !doc.includes('`' + k + '`'))).toEqual([]);
    expect(doc).toContain('`interval`');
    const line = JSON.parse(ndjsonIntervalLine(r)) as { type: string };
    expect(line.type).toBe('interval');
    expect(doc).toContain('{"type":"interval", ...}');
  });

  it('documents the NDJSON type field and its values', () => {
    const lines = ndjson(sampleReport(), { color: false, all: false, width: 80 }).trim().split('\n');
    const types = new Set(lines.map((l) => (JSON.parse(l) as { type: string }).type));
    expect([...types].sort()).toEqual(['flow', 'summary']);
    expect(doc).toContain('`type`');
    expect(doc).toContain('{"type":"flow", ...}');
    expect(doc).toContain('{"type":"summary", ...}');
  });

  it('documents every key of the grouped findings, folded groups included', () => {
    const findings = new FindingGrouper({ maxGroups: 5 }).addAll(manyFlows(500)).result();
    const r = { ...sampleReport(), findings };
    const keys = [...paths(JSON.parse(json(r, { color: false, all: false, width: 80 })), '', new Set())]
      .filter((k) => k.startsWith('findings'));
    expect(keys).toContain('findings.groups[].folded');
    expect(keys).toContain('findings.mismatches[].app');
    expect(keys.filter((k) => !doc.includes('`' + k + '`'))).toEqual([]);
  });
});
