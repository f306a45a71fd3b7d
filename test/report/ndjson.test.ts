/**
 * ndjsonFlowLine writes each flow field by field; it must be byte for byte what
 * JSON.stringify of the canonical flow gives (ndjsonFlowLineGeneric), for every flow
 * of the golden reports and for the awkward ones made here.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ndjsonFlowLine, ndjsonFlowLineGeneric } from '../../src/report/ndjson.js';
import type { ReportFlow } from '../../src/report/types.js';

const GOLDEN = new URL('../../fixtures/golden/e2e/', import.meta.url);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FLOW_CAPTURES = join(ROOT, 'fixtures/captures/flows');

/** Every flow of the golden JSON reports, plus the flow scenario captures (VLAN, IPv6, ICMPv6) read by the built CLI. */
function goldenFlows(): ReportFlow[] {
  const golden = readdirSync(GOLDEN).filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(new URL(f, GOLDEN), 'utf8')) as { flows: ReportFlow[] }).flows);
  const files = readdirSync(FLOW_CAPTURES).map((f) => join(FLOW_CAPTURES, f));
  const out = execFileSync(process.execPath, [join(ROOT, 'bin/wfo-audit.js'), 'audit', '--format', 'json', '--fail-on', 'none', ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  return [...golden, ...(JSON.parse(out) as { flows: ReportFlow[] }).flows];
}

describe('ndjsonFlowLine', () => {
  const flows = goldenFlows();

  it('equals the generic line for every flow of the golden reports', () => {
    expect(flows.length).toBeGreaterThan(100);
    expect(flows.some((f) => f.vlans.length > 0)).toBe(true);
    expect(flows.some((f) => f.icmp.length > 0)).toBe(true);
    expect(flows.some((f) => f.client.startsWith('['))).toBe(true);
    for (const f of flows) expect(ndjsonFlowLine(f)).toBe(ndjsonFlowLineGeneric(f));
  });

  it('escapes as JSON.stringify does and writes non-finite numbers as null', () => {
    const base = flows[0]!;
    const odd: ReportFlow[] = [
      { ...base, reason: 'a "quoted" \\ reason\twith\ncontrol \u0001 and ünïcödé and \ud800 a lone surrogate' },
      { ...base, service: null, rule: null, history: '^ShADadFf' },
      { ...base, first: NaN, last: Infinity, id: -0, vlans: [1, 4094], packets: { client: 2 ** 53, server: 0.5 } },
      { ...base, icmp: [{ type: 3, code: 13, from: '2001:db8::1', count: 2 }, { type: 11, code: 0, from: '10.0.0.1', count: 1 }] },
    ];
    for (const f of odd) expect(ndjsonFlowLine(f)).toBe(ndjsonFlowLineGeneric(f));
  });

  it('takes the generic way for a flow not of the documented shape (extra or missing fields)', () => {
    const base = flows[0]!;
    const extra = { ...base, note: 'x' } as ReportFlow;
    expect(ndjsonFlowLine(extra)).toBe(ndjsonFlowLineGeneric(extra));
    expect(ndjsonFlowLine(extra)).toContain('"note":"x"');
    const { app: _app, ...rest } = base;
    const missing = rest as ReportFlow;
    expect(ndjsonFlowLine(missing)).toBe(ndjsonFlowLineGeneric(missing));
    expect(ndjsonFlowLine(missing)).not.toContain('"app"');
  });
});
