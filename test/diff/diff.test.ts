/**
 * The diff's decisions (src/diff/diff.ts) on hand-built reports: the finding key, when a
 * finding that is gone counts as fixed and when as not re-tested, clients as a detail,
 * coverage changes, the warnings and the exit code; and loadReport's refusals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffExitCode, diffReports, findingKey, loadReport, type LoadedReport } from '../../src/diff/diff.js';
import { ReportFileError } from '../../src/errors.js';
import type { AuditReport, FindingPath } from '../../src/report/types.js';

const T = 1768471200;
const CONN = 'wfo-servers>file-server:445/tcp';

function path(p: Partial<FindingPath>): FindingPath {
  return {
    verdict: 'blocked', connection: CONN, proto: 'tcp', port: 445, server: '10.10.0.30', clients: 1, flows: 1, first: T, last: T + 3,
    reason: 'no reply', reasonCode: 'blocked-no-reply', sampleClients: ['10.10.0.10'], ...p,
  };
}

interface Side { paths?: FindingPath[]; flows?: { verdict: string; server: string; rule: string | null; proto?: string }[]; status?: string; mode?: string; modules?: string[]; sitePath?: string; hash?: string | null }

function side(s: Side, name: string): LoadedReport {
  const r = {
    schemaVersion: 2, version: '0.1.0', warnings: [],
    inputs: [{ path: `${name}.pcap`, format: 'pcap', gzip: false, linkTypes: [1], packets: 10, bytes: 1000, error: null }],
    site: { path: s.sitePath ?? 'site.yaml', mode: s.mode ?? 'premises', modules: s.modules ?? ['survey'] },
    stats: { first: T, last: T + 60 },
    flows: (s.flows ?? []).map((f, i) => ({ id: i, proto: f.proto ?? 'tcp', client: `10.10.0.10:${50000 + i}`, server: f.server, verdict: f.verdict, rule: f.rule })),
    coverage: [{ rule: 'archiver.cifs.445', connection: CONN }],
    connections: [{ id: CONN, status: s.status ?? 'blocked' }],
    summary: { expected: 1, blocked: 1, 'wrong-direction': 0, unexpected: 0, inconclusive: 0, ignored: 0, 'protocol-mismatch': 0 },
    findings: { paths: s.paths ?? [], groups: [], mismatches: [] },
    ...(s.hash === null ? {} : { design: { hash: s.hash ?? 'a'.repeat(64) } }),
  };
  return { path: `${name}.json`, report: r as unknown as LoadedReport['report'] };
}

const before = side({ paths: [path({})], flows: [{ verdict: 'blocked', server: '10.10.0.30:445', rule: 'archiver.cifs.445' }] }, 'before');

describe('diffReports', () => {
  it('keys a finding by verdict, connection (or port/proto outside the design) and server', () => {
    expect(findingKey(path({}))).toBe('blocked|wfo-servers>file-server:445/tcp|10.10.0.30');
    expect(findingKey(path({ verdict: 'unexpected', connection: null, port: 3389 }))).toBe('unexpected|3389/tcp|10.10.0.30');
    expect(findingKey(path({ verdict: 'unexpected', connection: null, proto: 'icmp', port: 0 }))).toBe('unexpected|icmp|10.10.0.30');
  });

  it('gone, and AFTER judged a flow of the connection to that server: fixed', () => {
    const after = side({ flows: [{ verdict: 'expected', server: '10.10.0.30:445', rule: 'archiver.cifs.445' }], status: 'seen' }, 'after');
    const d = diffReports(before, after, 'x');
    expect(d.findings.map((f) => f.change)).toEqual(['fixed']);
    expect(d.connections).toEqual([{ id: CONN, before: 'blocked', after: 'seen' }]);
    expect(diffExitCode(d, new Set(['blocked']))).toBe(0);
  });

  it('gone, but AFTER has no judged flow there (none, only inconclusive, or another server): not re-tested', () => {
    const cases: Side[] = [
      { status: 'unseen' },
      { flows: [{ verdict: 'inconclusive', server: '10.10.0.30:445', rule: 'archiver.cifs.445' }], status: 'inconclusive' },
      { flows: [{ verdict: 'expected', server: '10.10.0.31:445', rule: 'archiver.cifs.445' }], status: 'seen' },
    ];
    for (const c of cases) expect(diffReports(before, side(c, 'after'), 'x').findings.map((f) => f.change)).toEqual(['not-re-tested']);
  });

  it('unexpected traffic that is gone is fixed only when AFTER judged traffic on that port to that server', () => {
    const u = path({ verdict: 'unexpected', connection: null, port: 3389, server: '10.10.0.20' });
    const b = side({ paths: [u] }, 'before');
    expect(diffReports(b, side({}, 'after'), 'x').findings[0]!.change).toBe('not-re-tested');
    const judged = side({ flows: [{ verdict: 'expected', server: '10.10.0.20:3389', rule: 'allow.rdp' }] }, 'after');
    expect(diffReports(b, judged, 'x').findings[0]!.change).toBe('fixed');
  });

  it('the same finding with other clients persists, naming the clients that came and went', () => {
    const after = side({ paths: [path({ clients: 2, flows: 3, sampleClients: ['10.10.0.11', '10.10.0.12'] })] }, 'after');
    const d = diffReports(before, after, 'x');
    expect(d.findings).toHaveLength(1);
    expect(d.findings[0]).toMatchObject({ change: 'persisted', clientsAdded: ['10.10.0.11', '10.10.0.12'], clientsGone: ['10.10.0.10'] });
    expect(d.findings[0]!.before!.flows).toBe(1);
    expect(d.findings[0]!.after!.flows).toBe(3);
  });

  it('a new finding fails the exit code only when its verdict is in --fail-on; new ones are listed first', () => {
    const after = side({ paths: [path({}), path({ verdict: 'wrong-direction', connection: 'wfo-servers>sql:1433/tcp', port: 1433, server: '10.10.0.10' })] }, 'after');
    const d = diffReports(before, after, 'x');
    expect(d.findings.map((f) => `${f.change} ${f.verdict}`)).toEqual(['new wrong-direction', 'persisted blocked']);
    expect(d.summary).toEqual({ new: 1, persisted: 1, fixed: 0, 'not-re-tested': 0 });
    expect(diffExitCode(d, new Set(['wrong-direction']))).toBe(1);
    expect(diffExitCode(d, new Set(['blocked', 'unexpected']))).toBe(0);
  });

  it('warns when site, mode, modules or the design differ, or a hash is missing', () => {
    const w = (s: Side) => diffReports(before, side({ paths: [path({})], ...s }, 'after'), 'x').warnings.map((x) => x.code);
    expect(w({})).toEqual([]);
    expect(w({ sitePath: 'other.yaml' })).toEqual(['site-differs']);
    expect(w({ mode: 'hybrid' })).toEqual(['mode-differs']);
    expect(w({ modules: ['survey', 'on-demand'] })).toEqual(['modules-differs']);
    expect(w({ modules: ['survey'] })).toEqual([]);
    expect(w({ hash: 'b'.repeat(64) })).toEqual(['design-differs']);
    expect(w({ hash: null })).toEqual(['design-unknown']);
  });
});

describe('loadReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-diff-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };
  const good = before.report as unknown as Record<string, unknown>;

  it('reads a schema-2 report that judged something', () => {
    expect(loadReport(write('ok.json', JSON.stringify(good))).report.version).toBe('0.1.0');
  });

  it('refuses, as a ReportFileError (exit 2), what it cannot compare', () => {
    const bad: [string, string, RegExp][] = [
      ['text.json', 'not json', /not a wfo-audit report \(not JSON/],
      ['null.json', 'null', /not a wfo-audit report \(no version/],
      ['ndjson.json', '{"type":"flow","id":0}\n', /not a wfo-audit report \(no version/],
      ['v3.json', JSON.stringify({ ...good, schemaVersion: 3 }), /schema version 3 cannot be compared/],
      ['vstr.json', JSON.stringify({ ...good, schemaVersion: '2' }), /schema version "2" cannot be compared/],
      ['nopaths.json', JSON.stringify({ ...good, findings: undefined }), /has no connections\[\] or findings\.paths\[\]/],
      ['none.json', JSON.stringify({ ...good, summary: { expected: 0, blocked: 0, 'wrong-direction': 0, unexpected: 0, inconclusive: 4, ignored: 2 } }), /no flows could be judged/],
    ];
    for (const [name, text, message] of bad) {
      const f = write(name, text);
      expect(() => loadReport(f), name).toThrow(ReportFileError);
      expect(() => loadReport(f), name).toThrow(message);
    }
  });
});
