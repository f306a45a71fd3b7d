/**
 * `wfo-audit diff BEFORE.json AFTER.json` (issue 17) on reports of the demo and its
 * synthetic "after" (fixtures/demo/demo-after.pcap, src/synth/after-scenarios.ts): a report
 * against itself, the firewall-change pair (fixed, new, not re-tested; exit 1), different
 * sites (warnings), and inputs that are not reports (exit 2), in every format.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLineError, runCli } from '../support/cli.js';

interface DiffDoc {
  diffVersion: number;
  warnings: { code: string; message: string }[];
  before: { path: string; designHash: string | null; first: number; inputs: { path: string }[] };
  after: { path: string; designHash: string | null; first: number; inputs: { path: string }[] };
  summary: Record<string, number>;
  findings: { change: string; verdict: string; connection: string | null; proto: string; port: number; server: string; before: { flows: number } | null; after: { flows: number } | null }[];
  connections: { id: string; before: string | null; after: string | null }[];
}

const tmp = mkdtempSync(join(tmpdir(), 'wfo-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BEFORE = join(tmp, 'before.json');
const AFTER = join(tmp, 'after.json');
const OTHER_SITE = join(tmp, 'other-site.json');
const DEMO_SITE = 'fixtures/demo/site.yaml';

function audit(out: string, args: string[]): void {
  const r = runCli(['audit', '--format', 'json', '--out', out, ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
}

beforeAll(() => {
  audit(BEFORE, ['--site', DEMO_SITE, 'fixtures/demo/demo.pcap']);
  audit(AFTER, ['--site', DEMO_SITE, 'fixtures/demo/demo-after.pcap']);
  audit(OTHER_SITE, ['--site', 'fixtures/sites/trust.yaml', 'fixtures/demo/demo.pcap']);
}, 60_000);

function diffJson(a: string, b: string, extra: string[] = []): { code: number | null; doc: DiffDoc } {
  const r = runCli(['diff', '--format', 'json', ...extra, a, b]);
  expect(r.stderr).toBe('');
  return { code: r.code, doc: JSON.parse(r.stdout) as DiffDoc };
}

describe('wfo-audit diff', () => {
  it('a report against itself: exit 0, nothing new, fixed or re-tested, no coverage change, no warning', () => {
    const { code, doc } = diffJson(BEFORE, BEFORE);
    expect(code).toBe(0);
    expect(doc.summary).toEqual({ new: 0, persisted: 10, fixed: 0, 'not-re-tested': 0 });
    expect(doc.findings.every((f) => f.change === 'persisted')).toBe(true);
    expect(doc.connections).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(doc.before.designHash).toMatch(/^[0-9a-f]{64}$/);
    const table = runCli(['diff', BEFORE, BEFORE]);
    expect(table.code).toBe(0);
    expect(table.stdout.replace(/\s+/g, ' ')).toContain('no new finding of the --fail-on kinds (blocked,wrong-direction,unexpected); findings: 0 new, 10 still there, 0 fixed, 0 not re-tested');
  }, 60_000);

  it('before/after a firewall change: 5633 fixed, 5672 new, 445 not re-tested (gone but unseen), exit 1', () => {
    const { code, doc } = diffJson(BEFORE, AFTER);
    expect(code).toBe(1);
    const by = (change: string) => doc.findings.filter((f) => f.change === change).map((f) => `${f.verdict} ${f.connection} ${f.server}`);
    expect(by('new')).toEqual(['blocked any>wfo-servers:5672/tcp 10.10.0.10']);
    expect(by('fixed')).toEqual(['blocked wfo-servers+clients>wfo-servers:5633/tcp 10.10.0.10']);
    expect(by('not-re-tested')).toEqual(['blocked wfo-servers>file-server:445/tcp 10.10.0.30']);
    expect(doc.summary).toEqual({ new: 1, persisted: 8, fixed: 1, 'not-re-tested': 1 });
    const conn = Object.fromEntries(doc.connections.map((c) => [c.id, `${c.before} -> ${c.after}`]));
    expect(conn['wfo-servers>file-server:445/tcp']).toBe('seen -> unseen');
    expect(conn['any>wfo-servers:5672/tcp']).toBe('seen -> blocked');
    expect(conn['wfo-servers+clients>wfo-servers:5633/tcp']).toBe('blocked -> seen');
    expect(doc.before.inputs.map((i) => i.path)).toEqual(['fixtures/demo/demo.pcap']);
    expect(doc.after.inputs.map((i) => i.path)).toEqual(['fixtures/demo/demo-after.pcap']);
    expect(doc.after.first - doc.before.first).toBe(86400);
    expect(doc.warnings).toEqual([]);
  }, 60_000);

  it('names the changes in the table and markdown formats, and the windows in UTC with their offset', () => {
    const table = runCli(['diff', BEFORE, AFTER]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^ {2}new +blocked +any>wfo-servers:5672\/tcp +10\.10\.0\.10 /m);
    expect(table.stdout).toMatch(/^ {2}fixed +blocked +wfo-servers\+clients>wfo-servers:5633\/tcp +10\.10\.0\.10 /m);
    expect(table.stdout).toMatch(/^ {2}not re-tested +blocked +wfo-servers>file-server:445\/tcp +10\.10\.0\.30 /m);
    expect(table.stdout).toContain('window: 2026-01-16T09:00:00.000+00:00 to 2026-01-16T09:00:25.363+00:00');
    const md = runCli(['diff', '--format', 'markdown', BEFORE, AFTER]);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| not re-tested | blocked | wfo-servers\\>file-server:445/tcp | 10.10.0.30 |');
    expect(md.stdout).toContain('| fixed | blocked | wfo-servers+clients\\>wfo-servers:5633/tcp | 10.10.0.10 |');
  }, 60_000);

  it('--fail-on decides which new findings fail: none of the new kind, exit 0', () => {
    expect(diffJson(BEFORE, AFTER, ['--fail-on', 'unexpected']).code).toBe(0);
    expect(diffJson(BEFORE, AFTER, ['--fail-on', 'none']).code).toBe(0);
    const bad = runCli(['diff', '--fail-on', 'fixed', BEFORE, AFTER]);
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toMatch(/^wfo-audit: --fail-on: "fixed" is not valid \(allowed: /);
  }, 60_000);

  it('different sites: warnings for the site file and the design hash', () => {
    const { doc } = diffJson(BEFORE, OTHER_SITE);
    expect(doc.warnings.map((w) => w.code)).toEqual(['site-differs', 'design-differs']);
    expect(doc.warnings[0]!.message).toBe('the reports name different site files: fixtures/demo/site.yaml before, fixtures/sites/trust.yaml after');
    const table = runCli(['diff', BEFORE, OTHER_SITE]);
    expect(table.stdout).toContain('WARNINGS (2)');
  }, 60_000);

  it('a report without a design hash (an older wfo-audit) gets a warning, not a refusal', () => {
    const old = JSON.parse(readFileSync(BEFORE, 'utf8')) as Record<string, unknown>;
    delete old.design;
    const file = join(tmp, 'no-hash.json');
    writeFileSync(file, JSON.stringify(old));
    const { code, doc } = diffJson(file, BEFORE);
    expect(code).toBe(0);
    expect(doc.warnings.map((w) => w.code)).toEqual(['design-unknown']);
  }, 60_000);

  it('documents every key of the diff JSON in docs/report-schema.md', () => {
    const r = runCli(['diff', '--format', 'json', BEFORE, AFTER]);
    const doc = readFileSync(new URL('../../docs/report-schema.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## The diff report'));
    expect(section.length).toBeGreaterThan(100);
    const keys = new Set<string>();
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) { for (const x of v) walk(x, `${path}[]`); return; }
      if (v === null || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        const key = path === '' ? k : `${path}.${k}`;
        // AFTER has the keys of BEFORE; a finding's `after` those of its `before`; summaries are counts per verdict.
        keys.add(key.replace(/^after\b/, 'before').replace(/\.after\./, '.before.'));
        if (!/^(before|after)\.summary$/.test(key)) walk(x, key);
      }
    };
    walk(JSON.parse(r.stdout), '');
    const missing = [...keys].filter((k) => !section.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  }, 60_000);

  it('html: one self-contained page with every report string escaped', () => {
    const hostile = JSON.parse(readFileSync(AFTER, 'utf8')) as { inputs: { path: string }[] };
    hostile.inputs[0]!.path = '<script>alert(1)</script>.pcap';
    const file = join(tmp, 'hostile.json');
    writeFileSync(file, JSON.stringify(hostile));
    const r = runCli(['diff', '--format', 'html', BEFORE, file]);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout).not.toContain('<script');
    expect(r.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.pcap');
    expect(r.stdout).toContain('Content-Security-Policy');
    expect(r.stdout).toMatch(/data-key="not-re-tested\|blocked\|wfo-servers&gt;file-server:445\/tcp\|10\.10\.0\.30"/);
  }, 60_000);

  it('exit 2 with one line: not a report, a report of schema 1, a report that judged nothing, a missing file', () => {
    const cases: [string, string, RegExp][] = [];
    cases.push(['README.md', 'README.md', /^wfo-audit: README\.md: not a wfo-audit report \(not JSON; write one with audit --format json\)$/]);
    const notReport = join(tmp, 'array.json');
    writeFileSync(notReport, '[1, 2, 3]\n');
    cases.push([notReport, 'array', /: not a wfo-audit report \(no version, inputs, site and summary/]);
    const v1 = JSON.parse(readFileSync(BEFORE, 'utf8')) as Record<string, unknown>;
    delete v1.schemaVersion;
    const v1File = join(tmp, 'v1.json');
    writeFileSync(v1File, JSON.stringify(v1));
    cases.push([v1File, 'schema 1', /: schema version 1 \(no schemaVersion\) cannot be compared \(this wfo-audit reads 2\)/]);
    const v9 = { ...v1, schemaVersion: 9 };
    const v9File = join(tmp, 'v9.json');
    writeFileSync(v9File, JSON.stringify(v9));
    cases.push([v9File, 'schema 9', /: schema version 9 cannot be compared/]);
    const empty = join(tmp, 'empty.json');
    const e = runCli(['audit', '--site', 'fixtures/sites/trust.yaml', '--format', 'json', '--out', empty, 'fixtures/captures/trust/header-only.pcap']);
    expect(e.code).toBe(2);
    cases.push([empty, 'nothing judged', /: no flows could be judged in this report, so it proves nothing to compare$/]);
    cases.push([join(tmp, 'missing.json'), 'missing', /^wfo-audit: cannot read .*missing\.json: no such file$/]);
    for (const [file, what, message] of cases) {
      for (const args of [[file, BEFORE], [BEFORE, file]]) {
        const r = runCli(['diff', ...args]);
        expect(r.code, what).toBe(2);
        expect(oneLineError(r), what).toMatch(message);
        expect(r.stdout, what).toBe('');
      }
    }
  }, 60_000);
});
