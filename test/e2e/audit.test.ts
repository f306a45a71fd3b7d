/**
 * `wfo-audit audit` end to end: exit codes, damaged input, stdin, several files,
 * determinism, --out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, CORPUS, ROOT, oneLineError, runCli } from '../support/cli.js';
import { needsCorpus } from '../support/requires.js';

const withCorpus = needsCorpus();
import { PcapWriter } from '../../src/capture/writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'wfo-audit-audit-'));
const DEMO = ['--site', 'fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap'];

interface Doc {
  inputs: { path: string; packets: number; error: string | null }[];
  stats: { packets: number; flows: number };
  flows: { client: string; server: string; packets: { client: number; server: number }; state: string }[];
  summary: Record<string, number>;
}

describe('exit codes', () => {
  it('1 when findings match --fail-on (the demo has blocked flows)', () => {
    const r = runCli(['audit', ...DEMO]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('SUMMARY BY VERDICT');
  });

  it('0 with --fail-on none or when no listed verdict occurs; 1 for any listed verdict present', () => {
    expect(runCli(['audit', '--fail-on', 'none', ...DEMO]).code).toBe(0);
    const doc = JSON.parse(runCli(['audit', '--format', 'json', ...DEMO]).stdout) as Doc;
    expect(doc.summary['wrong-direction']).toBeGreaterThan(0);
    expect(runCli(['audit', '--fail-on', 'wrong-direction', ...DEMO]).code).toBe(1);
    // a replied SIP exchange: expected, nothing blocked
    const ok = runCli(['audit', '--fail-on', 'blocked', 'fixtures/captures/flows/udp-replied.pcap']);
    expect(ok.code).toBe(0);
  });

  it.runIf(withCorpus)('2 for a damaged capture, with the report for what was read', () => {
    const r = runCli(['audit', '--format', 'json', `${CORPUS}captures/dpkt__truncated_dns_2.pcap`]);
    expect(r.code).toBe(2);
    const line = oneLineError(r);
    expect(line).toContain('truncated_dns_2.pcap');
    expect(line).toMatch(/packet 2/);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.stats.packets).toBe(1);
    expect(doc.inputs[0]!.error).toBe(line.replace(/^wfo-audit: /, ''));
  });

  it.runIf(withCorpus)('2 for a rejected file among good ones, the good ones still reported', () => {
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none',
      `${CORPUS}captures/pcapplusplus__solaris.snoop`, 'fixtures/captures/flows/udp-replied.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/solaris\.snoop.*snoop/);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.stats.packets).toBe(2);
    expect(doc.inputs.filter((i) => i.error !== null)).toHaveLength(1);
  });
});

describe('inputs', () => {
  it('reads stdin (-) like a file', () => {
    const file = readFileSync(join(ROOT, 'fixtures/demo/demo.pcap'));
    const p = spawnSync(process.execPath, [BIN, 'audit', '--format', 'json', '--site', 'fixtures/demo/site.yaml', '-'],
      { cwd: ROOT, input: file, encoding: 'utf8' });
    const fromFile = runCli(['audit', '--format', 'json', ...DEMO]);
    const a = JSON.parse(p.stdout) as Doc;
    const b = JSON.parse(fromFile.stdout) as Doc;
    expect(a.stats).toEqual(b.stats);
    // The same flows; each names the input it came from (flows[].sources): '-' for stdin.
    const bare = (d: Doc) => d.flows.map((f) => ({ ...(f as object), sources: undefined }));
    expect(bare(a)).toEqual(bare(b));
    expect(new Set(a.flows.flatMap((f) => (f as { sources: string[] }).sources))).toEqual(new Set(['-']));
    expect(new Set(b.flows.flatMap((f) => (f as { sources: string[] }).sources))).toEqual(new Set([DEMO[DEMO.length - 1]]));
    expect(a.inputs[0]!.path).toBe('-');
  });

  it('several files are one capture: a flow split across two files is one flow, files ordered by first packet', () => {
    // one TCP connection, its first half in b.pcap and second half in a.pcap (names in the wrong order on purpose)
    const all = readFileSync(join(ROOT, 'fixtures/captures/flows/handshake-fin.pcap'));
    const recs: { ts: number; ns: number; data: Buffer }[] = [];
    for (let o = 24; o + 16 <= all.length;) {
      const len = all.readUInt32LE(o + 8);
      recs.push({ ts: all.readUInt32LE(o), ns: all.readUInt32LE(o + 4) * 1000, data: all.subarray(o + 16, o + 16 + len) });
      o += 16 + len;
    }
    expect(recs.length).toBe(10);
    const half = (name: string, part: typeof recs): string => {
      const w = new PcapWriter({ linkType: all.readUInt32LE(20) });
      for (const r of part) w.write({ tsSec: r.ts, tsNsec: r.ns, data: r.data });
      const path = join(tmp, name);
      writeFileSync(path, w.close());
      return path;
    };
    const second = half('a.pcap', recs.slice(5));
    const first = half('b.pcap', recs.slice(0, 5));
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', second, first]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.inputs.map((i) => i.path)).toEqual([first, second]);
    const tcp = doc.flows;
    expect(tcp).toHaveLength(1);
    expect(tcp[0]!.state).toBe('established');
    expect(tcp[0]!.packets.client + tcp[0]!.packets.server).toBe(10);
  });

  it.runIf(withCorpus)('gzip-compressed captures are read transparently', () => {
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', `${CORPUS}captures/scapy__macos.pcapng.gz`]);
    // Read (one packet), but that one packet is on no designed port: nothing judged, exit 2 even with --fail-on none.
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as Doc).stats.packets).toBe(1);
  });
});

describe('output', () => {
  it('is deterministic: the same input gives byte-identical reports in every format', () => {
    for (const format of ['table', 'json', 'ndjson', 'markdown']) {
      const a = runCli(['audit', '--format', format, '--all', ...DEMO]);
      const b = runCli(['audit', '--format', format, '--all', ...DEMO]);
      expect(a.stdout.length).toBeGreaterThan(500);
      expect(a.stdout).toBe(b.stdout);
    }
  });

  it('--out writes the report to a file and nothing to stdout', () => {
    const out = join(tmp, 'report.json');
    const r = runCli(['audit', '--format', 'json', '--out', out, ...DEMO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Doc;
    expect(doc.summary.expected).toBeGreaterThan(0);
  });

  it('ndjson: one flow per line, then one summary line', () => {
    const r = runCli(['audit', '--format', 'ndjson', ...DEMO]);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.at(-1)!.type).toBe('summary');
    expect(lines.slice(0, -1).every((l) => l.type === 'flow')).toBe(true);
    const json = JSON.parse(runCli(['audit', '--format', 'json', ...DEMO]).stdout) as Doc;
    expect(lines.length - 1).toBe(json.flows.length);
  });
});
