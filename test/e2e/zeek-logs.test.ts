/**
 * `wfo-audit audit` on Zeek conn logs through the built CLI: files (plain, gzip, TSV,
 * JSON lines), stdin (`kcat ... | wfo-audit audit -`), a log mixed with a capture, and
 * damaged logs (counted as warnings, never a crash).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { oneLineError, ROOT, runCli } from '../support/cli.js';
import { row, tsvLog, tsvToJson } from '../records/zeek-support.js';

const dir = mkdtempSync(join(tmpdir(), 'wfo-zeek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small log: an established SQL connection, a refused one, an unanswered attempt, a DNS exchange, one unknown_transport row. */
const LOG = tsvLog([
  row({ 'id.resp_p': '1433' }),
  row({ 'id.orig_p': '50001', 'id.resp_p': '1433', conn_state: 'REJ', history: 'Sr', orig_pkts: '1', resp_pkts: '1', duration: '0.001' }),
  row({ ts: '1710252010.000000', 'id.orig_p': '50002', 'id.resp_p': '445', conn_state: 'S0', history: 'S', orig_pkts: '3', resp_pkts: '0', duration: '3' }),
  row({ ts: '1710252020.000000', proto: 'udp', 'id.orig_p': '50003', 'id.resp_p': '53', conn_state: 'SF', history: 'Dd', orig_pkts: '1', resp_pkts: '1' }),
  row({ ts: '1710252030.000000', proto: 'unknown_transport', 'id.orig_p': '0', 'id.resp_p': '0', conn_state: 'OTH', history: '-' }),
]);

interface Report {
  inputs: { path: string; format: string; gzip: boolean; packets: number; error: string | null; records?: { rows: number; flows: number; other: Record<string, number>; bad: number; badSamples: string[] } }[];
  stats: { first: number | null; last: number | null; packets: number };
  flows: { client: string; server: string; state: string; first: number | null; verdict: string; sources: string[] }[];
  warnings?: { code: string; count: number; message: string }[];
}

/** The flows without `sources` (which name each run's input), and the set of sources they name. */
const bare = (r: Report) => r.flows.map((f) => ({ ...f, sources: undefined }));
const sourcesOf = (r: Report) => new Set(r.flows.flatMap((f) => f.sources));

function auditJson(args: string[], input?: Buffer | string): { code: number | null; report: Report; stderr: string } {
  const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', ...args], input === undefined ? {} : { input });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe('audit reads Zeek conn logs', () => {
  const tsv = join(dir, 'conn.log');
  writeFileSync(tsv, LOG);
  const gz = join(dir, 'conn.log.gz');
  writeFileSync(gz, gzipSync(LOG));
  const json = join(dir, 'conn.json');
  writeFileSync(json, tsvToJson(LOG));

  it('a TSV file: format zeek-tsv, one flow per tcp/udp row, the unknown_transport row a warning', () => {
    const { code, report, stderr } = auditJson([tsv]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.inputs[0]).toMatchObject({ format: 'zeek-tsv', gzip: false, error: null, records: { rows: 5, flows: 4, other: { unknown_transport: 1 }, bad: 0, first: 1710252000, last: 1710252021 } });
    expect(report.flows.map((f) => f.state).sort()).toEqual(['established', 'rejected', 'replied', 'unanswered']);
    expect(report.stats.first).toBe(1710252000);
    expect(report.stats.last).toBe(1710252021);
    expect(report.warnings?.find((w) => w.code === 'records-not-flows')?.count).toBe(1);
  });

  it('gzip and JSON lines read the same flows', () => {
    const base = auditJson([tsv]).report;
    const g = auditJson([gz]).report;
    expect(g.inputs[0]).toMatchObject({ format: 'zeek-tsv', gzip: true });
    expect(bare(g)).toEqual(bare(base));
    expect(sourcesOf(g)).toEqual(new Set([gz]));
    const j = auditJson([json]).report;
    expect(j.inputs[0]!.format).toBe('zeek-json');
    expect(bare(j)).toEqual(bare(base));
  });

  it('stdin: plain, gzip and JSON lines (kcat | wfo-audit audit -)', () => {
    const base = auditJson([tsv]).report;
    for (const [input, format, gzip] of [[LOG, 'zeek-tsv', false], [gzipSync(LOG), 'zeek-tsv', true], [tsvToJson(LOG), 'zeek-json', false]] as const) {
      const { report, stderr } = auditJson(['-'], input);
      expect(stderr).toBe('');
      expect(report.inputs[0]).toMatchObject({ path: '-', format, gzip });
      expect(bare(report)).toEqual(bare(base));
      expect(sourcesOf(report)).toEqual(new Set(['-']));
    }
  });

  it('a capture on stdin still goes the packet path after the peek', () => {
    const cap = `${ROOT}fixtures/captures/flows/handshake-fin.pcap`;
    const a = auditJson([cap]).report;
    const { report } = auditJson(['-'], readFileSync(cap));
    expect(report.inputs[0]!.format).toBe(a.inputs[0]!.format);
    expect(bare(report)).toEqual(bare(a));
    expect(sourcesOf(report)).toEqual(new Set(['-']));
  });

  it('a log and a capture in one audit: both inputs, flows of both', () => {
    const cap = `${ROOT}fixtures/captures/flows/handshake-fin.pcap`;
    const { report } = auditJson([tsv, cap]);
    expect(report.inputs.map((i) => i.format).sort()).toEqual(['pcap', 'zeek-tsv']);
    expect(report.flows.length).toBe(4 + auditJson([cap]).report.flows.length);
  });

  it('a masked ts gives first/last null in the JSON and a records-no-time warning', () => {
    const masked = join(dir, 'masked.log');
    writeFileSync(masked, LOG.replace(/^1710252\d+\.\d+/gm, 'XXXXXXXXXX.XXXXXX'));
    const { report } = auditJson([masked]);
    expect(report.flows.every((f) => f.first === null)).toBe(true);
    expect(report.stats.first).toBe(null);
    expect(report.warnings?.find((w) => w.code === 'records-no-time')?.count).toBe(4);
  });

  it('damaged lines are counted with file:line, the rest is audited, exit code unchanged', () => {
    const bad = join(dir, 'bad.log');
    writeFileSync(bad, LOG.replace('10.0.0.2\t1433', '10.0.0.999\t1433') + 'garbage line\n\u0000\u0001\u0002\n');
    const { code, report, stderr } = auditJson([bad]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const rec = report.inputs[0]!.records!;
    expect(rec.bad).toBe(3);
    expect(rec.badSamples[0]).toBe(`${bad}:9: "10.0.0.999" is not an IP address`);
    expect(report.flows).toHaveLength(3);
    expect(report.warnings?.find((w) => w.code === 'records-bad-lines')?.count).toBe(3);
  });

  it('--from/--to: rows outside the window are left out; a bad time or an empty window is a usage error (exit 2)', () => {
    const { report } = auditJson(['--from', '2024-03-12T14:00:05Z', '--to', '1710252015', tsv]);
    expect(report.flows.map((f) => f.state).sort()).toEqual(['unanswered']);
    expect(report.inputs[0]!.records!.other).toEqual({ unknown_transport: 1, 'outside the --from/--to window': 3 });
    const bad = runCli(['audit', '--from', 'yesterday', tsv]);
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toMatch(/--from: "yesterday" is not a time/);
    const empty = runCli(['audit', '--from', '1710252020', '--to', '1710252010', tsv]);
    expect(empty.code).toBe(2);
    expect(oneLineError(empty)).toMatch(/--from is later than --to/);
  });

  it('a file that only looks like a log at first (a #fields without id columns) is one error line, exit code 2', () => {
    const other = join(dir, 'dns.log');
    writeFileSync(other, '#separator \\x09\n#fields\tts\tquery\n1\tx\n');
    const r = runCli(['audit', '--format', 'json', other]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/^wfo-audit: not a Zeek conn log: .*dns\.log:2: #fields has no id\.orig_h, id\.orig_p, id\.resp_h, id\.resp_p, proto column: not a conn log$/);
  });
});
