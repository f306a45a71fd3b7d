/**
 * Real exporters: Debian's softflowd and pmacctd read the project's scenario captures
 * and export to 127.0.0.1. Through an IPFIX file (`audit`) and through the collector
 * (`collect`), every flow's verdict equals the packet audit's, except the differences
 * named in docs/flow-records.md (an exporter merging a reused 5-tuple into one record).
 * The IPFIX files are checked against libfixbuf's ipfixDump; nfdump's `-o nsel` reads
 * the NSEL records of the decode tests' kind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { ipfixFile, pmacctExport, softflowdExport, runToEnd } from '../support/exporters.js';
import { runCli } from '../support/cli.js';
import { haveProgram, requireTools } from '../support/requires.js';
import { encodeRecord, ipfixMessage, ipfixTemplates, set, UNIFLOW4, uniflow4 } from '../../src/synth/export-writer.js';

const DIR = mkdtempSync(join(tmpdir(), 'wfo-exporters-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** Scenario captures and their sites. */
const SCENARIOS = [
  { capture: 'fixtures/demo/demo.pcap', site: 'fixtures/demo/site.yaml' },
  { capture: 'fixtures/captures/wfo/premises.pcap', site: 'fixtures/sites/premises-all.yaml' },
  { capture: 'fixtures/captures/wfo/hybrid.pcap', site: 'fixtures/sites/hybrid.yaml' },
  { capture: 'fixtures/captures/wfo/wfm-v2.pcap', site: 'fixtures/sites/wfm-v2.yaml' },
  { capture: 'fixtures/captures/wfo/reasons.pcap', site: 'fixtures/sites/reasons.yaml' },
  { capture: 'fixtures/captures/trust/firewall-drops.pcap', site: 'fixtures/sites/trust.yaml' },
  { capture: 'fixtures/captures/trust/scan-5633.pcap', site: 'fixtures/sites/trust.yaml' },
  { capture: 'fixtures/captures/trust/port-reuse-after-drop.pcap', site: 'fixtures/sites/trust.yaml' },
  { capture: 'fixtures/captures/connections/pcs-refused-5633.pcap', site: 'fixtures/sites/trust.yaml' },
  { capture: 'fixtures/captures/connections/three-sql.pcap', site: 'fixtures/sites/trust.yaml' },
];

/** Captures in which the exporter merges a reused 5-tuple (two connections) into one record: named in docs/flow-records.md. */
const PORT_REUSE = new Set(['fixtures/captures/trust/port-reuse-after-drop.pcap']);

interface JFlow { proto: string; client: string; server: string; verdict: string; state: string; sources: string[] }
interface JReport { flows: JFlow[]; summary: Record<string, number>; sources?: { records: number; optionsRecords: number; lostRecords: number; exporter: string; port: number | null; domain: number }[]; warnings: { code: string }[]; inputs: { path: string; format: string; overlap?: { flows: number; duplicates: number } }[] }

function auditJson(site: string, ...input: string[]): JReport {
  const r = runCli(['audit', '--site', site, '--format', 'json', ...input], { maxBuffer: 1 << 28 });
  if (!(r.code === 0 || r.code === 1 || r.code === 2)) throw new Error(`audit ${input}: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JReport;
}

/** Verdicts per connection (transport and both endpoints, either order), sorted. */
function verdicts(r: JReport): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of r.flows) {
    const k = `${f.proto} ${[f.client, f.server].sort().join(' ')}`;
    const l = m.get(k) ?? [];
    l.push(`${f.verdict}/${f.state}`);
    m.set(k, l.sort());
  }
  return m;
}

/** Connections whose verdicts differ: "key: packets [..] records [..]". */
function differences(a: JReport, b: JReport): string[] {
  const va = verdicts(a), vb = verdicts(b);
  const out: string[] = [];
  for (const k of new Set([...va.keys(), ...vb.keys()])) {
    const x = (va.get(k) ?? []).join(','), y = (vb.get(k) ?? []).join(',');
    if (x !== y) out.push(`${k}: packets [${x}] records [${y}]`);
  }
  return out.sort();
}

/** The differences a port-reuse merge explains: one connection's two flows became one record flow. */
function onlyPortReuse(diffs: string[]): boolean {
  return diffs.every((d) => /packets \[[^\]]*,[^\]]*\] records \[[^,\]]+\]$/.test(d));
}

const SOFTFLOWD_IPFIX: { name: string; args: string[] }[] = [
  { name: 'IPFIX -A milli', args: ['-v', '10', '-A', 'milli'] },
  { name: 'IPFIX biflows -b', args: ['-v', '10', '-b', '-A', 'milli'] },
  { name: 'IPFIX -A nano -T vlan', args: ['-v', '10', '-A', 'nano', '-T', 'vlan'] },
];

describe.runIf(requireTools('softflowd', ['softflowd']))('softflowd IPFIX files read by audit', () => {
  for (const v of SOFTFLOWD_IPFIX) {
    it(`${v.name}: every scenario's verdicts equal the packet audit's`, async () => {
      const bad: string[] = [];
      for (const sc of SCENARIOS) {
        const got = await softflowdExport(sc.capture, v.args);
        const file = ipfixFile(join(DIR, `${v.args.join('')}-${sc.capture.replace(/\W/g, '_')}.ipfix`), got);
        const pkt = auditJson(sc.site, sc.capture);
        const rec = auditJson(sc.site, file);
        expect(rec.inputs[0]!.format).toBe('ipfix');
        expect(rec.sources![0]!.lostRecords).toBe(0);
        const d = differences(pkt, rec);
        if (d.length > 0 && !(PORT_REUSE.has(sc.capture) && onlyPortReuse(d))) bad.push(`${sc.capture}: ${d.join('; ')}`);
      }
      expect(bad).toEqual([]);
    }, 240_000);
  }

  it('flows[].sources: one capture and its IPFIX export together, each connection once, listing both', async () => {
    const got = await softflowdExport('fixtures/demo/demo.pcap', ['-v', '10', '-A', 'milli']);
    const file = ipfixFile(join(DIR, 'demo-both.ipfix'), got);
    const alone = auditJson('fixtures/demo/site.yaml', file);
    const exporter = `${alone.sources![0]!.exporter} domain ${alone.sources![0]!.domain}`;
    expect(new Set(alone.flows.flatMap((f) => f.sources))).toEqual(new Set([exporter]));
    const r = auditJson('fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap', file);
    const pkt = auditJson('fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap');
    expect(r.flows).toHaveLength(pkt.flows.length);
    const both = r.flows.filter((f) => f.sources.length === 2);
    // Every copy the merge dropped is named on the flow it kept, the capture first.
    const dups = r.inputs.find((i) => i.format === 'ipfix')!.overlap!.duplicates;
    expect(dups).toBeGreaterThan(0);
    expect(both).toHaveLength(dups);
    for (const f of both) expect(f.sources).toEqual(['fixtures/demo/demo.pcap', exporter]);
    for (const f of r.flows) expect(f.sources[0]).toBe('fixtures/demo/demo.pcap');
    // NDJSON lines are written as flows end: the capture's flows name the capture only.
    const nd = runCli(['audit', '--site', 'fixtures/demo/site.yaml', '--format', 'ndjson', 'fixtures/demo/demo.pcap', file]);
    const lines = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; sources?: string[] });
    const flowLines = lines.filter((l) => l.type === 'flow');
    expect(flowLines).toHaveLength(pkt.flows.length);
    expect(flowLines.every((l) => l.sources!.length === 1)).toBe(true);
  }, 120_000);

  it.runIf(haveProgram('ipfixDump'))('the IPFIX file holds as many data records as libfixbuf\'s ipfixDump reads', async () => {
    const got = await softflowdExport('fixtures/captures/connections/pcs-refused-5633.pcap', ['-v', '10', '-A', 'milli']);
    const file = ipfixFile(join(DIR, 'count.ipfix'), got);
    const dump = await new Promise<string>((res) => {
      const c = spawn('ipfixDump', ['--in', file, '--out', '-']);
      let out = '';
      c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      c.on('close', () => res(out));
    });
    const theirs = (dump.match(/^--- data record/gm) ?? []).length;
    const r = auditJson('fixtures/sites/trust.yaml', file);
    const s = r.sources![0]!;
    expect(theirs).toBeGreaterThan(4000);
    expect(s.records + s.optionsRecords).toBe(theirs);
  }, 120_000);
});

/** Runs `collect` on a free port, lets `feed` export to it, stops it with SIGTERM; the JSON report and exit code. */
async function collect(site: string, feed: (port: number) => Promise<void>, extra: string[] = [], format = 'json'): Promise<{ report: JReport; code: number | null; stderr: string; text: string }> {
  const port = await freeUdpPort();
  const out = join(DIR, `collect-${port}.${format}`);
  const child = spawn(process.execPath, ['bin/wfo-audit.js', 'collect', '--listen', `127.0.0.1:${port}`, '--site', site, '-f', format, '--out', out, '--no-dashboard', ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ready = new Promise<void>((res) => child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); if (stderr.includes('collecting on')) res(); }));
  const done = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  await Promise.race([ready, done]);
  await feed(port);
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGTERM');
  const code = await done;
  const text = readFileSync(out, 'utf8');
  return { report: format === 'json' ? JSON.parse(text) as JReport : ({} as JReport), code, stderr, text };
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  s.close();
  return p;
}

function send(port: number, msgs: readonly Buffer[], from = 0): Promise<void> {
  return new Promise((res) => {
    const s = dgram.createSocket('udp4');
    s.bind(from, '127.0.0.1', () => {
      let i = 0;
      const next = (): void => {
        if (i >= msgs.length) { s.close(); res(); return; }
        s.send(msgs[i++]!, port, '127.0.0.1', next);
      };
      next();
    });
  });
}

describe.runIf(requireTools('softflowd', ['softflowd']))('the collector with softflowd (v5, v9, IPFIX on one port)', () => {
  for (const v of [['-v', '5'], ['-v', '9', '-a'], ['-v', '10', '-A', 'milli']]) {
    it(`softflowd ${v.join(' ')}: the demo's verdicts equal the packet audit's`, async () => {
      const pkt = auditJson('fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap');
      const { report, code } = await collect('fixtures/demo/site.yaml', async (port) => {
        const r = await runToEnd('softflowd', ['-r', 'fixtures/demo/demo.pcap', '-d', '-c', 'none', '-p', join(DIR, `sf-${port}.pid`), '-6', '-n', `127.0.0.1:${port}`, ...v]);
        expect(r.code).toBe(0);
      });
      expect(code).toBe(1);
      expect(report.inputs[0]!.format).toBe('collect');
      expect(report.sources!.map((s) => s.exporter)).toEqual(['127.0.0.1']);
      expect(differences(pkt, report)).toEqual([]);
    }, 120_000);
  }
});

describe.runIf(requireTools('pmacct', ['pmacctd'], 'pmacct'))('the collector with pmacctd (nfprobe)', () => {
  for (const version of [9, 10] as const) {
    it(`pmacctd nfprobe v${version}: the demo's TCP verdicts equal the packet audit's`, async () => {
      const pkt = auditJson('fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap');
      const got = await pmacctExport('fixtures/demo/demo.pcap', version);
      expect(got.length).toBeGreaterThan(0);
      const { report } = await collect('fixtures/demo/site.yaml', (port) => send(port, got.map((d) => d.data)));
      const tcp = (d: string) => d.startsWith('tcp ');
      expect(differences(pkt, report).filter(tcp)).toEqual([]);
    }, 120_000);
  }
});

describe.runIf(requireTools('softflowd', ['softflowd']) && requireTools('pmacct', ['pmacctd'], 'pmacct'))('two sensors at once: softflowd and pmacctd export one capture to one collector', () => {
  it('each connection is one flow listing both exporters; the summary equals a single-exporter run', async () => {
    const capture = 'fixtures/captures/wfo/premises.pcap', site = 'fixtures/sites/premises-all.yaml';
    const sf = (await softflowdExport(capture, ['-v', '10', '-A', 'milli'])).map((d) => d.data);
    const pm = (await pmacctExport(capture, 10)).map((d) => d.data);
    expect(sf.length).toBeGreaterThan(0);
    expect(pm.length).toBeGreaterThan(0);
    const one = await collect(site, (port) => send(port, sf));
    // Both exporters at the same time, each from its own port (two sources of one address).
    const two = await collect(site, (port) => Promise.all([send(port, sf), send(port, pm)]).then(() => {}));
    expect(two.report.sources).toHaveLength(2);
    const names = two.report.sources!.map((x) => `${x.exporter}:${x.port} domain ${x.domain}`);
    expect(two.report.flows).toHaveLength(one.report.flows.length);
    expect(two.report.summary).toEqual(one.report.summary);
    const both = two.report.flows.filter((f) => f.sources.length === 2);
    // pmacctd's nfprobe aggregates by 5-tuple and flags: every connection it exported is in both.
    expect(both.length).toBeGreaterThan(one.report.flows.length / 2);
    for (const f of both) expect([...f.sources].sort()).toEqual([...names].sort());
  }, 180_000);
});

describe('the collector on its own', () => {
  const T = 1_768_464_000_000;
  const tmpl = (seq: number) => ipfixMessage({ exportSec: T / 1000, seq, domain: 1 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }])]);
  const data = (seq: number, recs: Buffer[]) => ipfixMessage({ exportSec: T / 1000, seq, domain: 1 }, [set(256, Buffer.concat(recs))]);
  const refused = [uniflow4('10.20.1.5', '10.10.0.10', 50000, 5633, 6, 0x02, 1, 60, T, T), uniflow4('10.10.0.10', '10.20.1.5', 5633, 50000, 6, 0x14, 1, 40, T, T)];

  it('no record received: exit 2 with nothing-judged', async () => {
    const { report, code } = await collect('fixtures/demo/site.yaml', async () => {});
    expect(code).toBe(2);
    expect(report.warnings.map((w) => w.code)).toContain('nothing-judged');
  }, 60_000);

  it('--exporter: a stranger\'s datagrams are counted and warned about, never classified', async () => {
    const { report, code } = await collect('fixtures/demo/site.yaml', (port) => send(port, [tmpl(0), data(0, refused)]), ['--exporter', '127.0.0.9']);
    expect(code).toBe(2);
    expect(report.flows).toHaveLength(0);
    expect(report.warnings.map((w) => w.code)).toContain('exporter-not-allowed');
  }, 60_000);

  it('two exporters on one address (two ports) with the same template id and domain stay apart; a restart is counted', async () => {
    const { report, code } = await collect('fixtures/demo/site.yaml', async (port) => {
      await send(port, [tmpl(0), data(0, refused), data(2, [uniflow4('10.20.1.6', '10.10.0.10', 50001, 4510, 6, 0x02, 1, 60, T, T)])]);
      // the second exporter, from another port, then a restart (sequence back to 0)
      await send(port, [tmpl(500), data(500, [encodeRecord(UNIFLOW4, ['10.20.1.7', '10.10.0.10', 50002, 943, 6, 0x1b, 5, 500, T, T + 10]), encodeRecord(UNIFLOW4, ['10.10.0.10', '10.20.1.7', 943, 50002, 6, 0x1b, 4, 400, T, T + 10])]), tmpl(0)]);
    });
    expect(code).toBe(1);
    expect(report.sources).toHaveLength(2);
    const by = new Map(report.flows.map((f) => [f.server, `${f.verdict}/${f.state}`]));
    expect(by.get('10.10.0.10:5633')).toBe('blocked/rejected');
    expect(by.get('10.10.0.10:943')).toBe('expected/established');
    expect(report.warnings.map((w) => w.code)).toContain('exporter-restart');
    // Each flow names the exporter (address, port, domain) that sent it, as its sources[] row.
    const names = report.sources!.map((x) => `${x.exporter}:${x.port} domain ${x.domain}`);
    const of = new Map(report.flows.map((f) => [f.server, f.sources]));
    expect(of.get('10.10.0.10:5633')).toEqual([names[0]]);
    expect(of.get('10.10.0.10:943')).toEqual([names[1]]);
  }, 60_000);

  it('the final report as HTML, with the result that the exit code says', async () => {
    const { code, text } = await collect('fixtures/demo/site.yaml', (port) => send(port, [tmpl(0), data(0, refused)]), [], 'html');
    expect(code).toBe(1);
    expect(text).toContain('data-exit-code="1"');
    expect(text).toContain('<svg');
  }, 60_000);

  it('a garbage flood on the port: counted, one line, the process stays up and reports', async () => {
    const junk = Array.from({ length: 3000 }, (_, i) => Buffer.from(Array.from({ length: 1 + (i % 200) }, (_, j) => (i * 31 + j * 7) & 0xff)));
    const { report, code, stderr } = await collect('fixtures/demo/site.yaml', (port) => send(port, [...junk, tmpl(0), data(0, refused)]));
    expect(code).toBe(1);
    expect(report.warnings.map((w) => w.code)).toContain('export-problems');
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe.runIf(requireTools('nfdump', ['nfcapd', 'nfdump'], 'nfdump'))('NSEL deny and teardown records', () => {
  it('nfdump -o nsel reads the same export as DENIED I-ACL; wfo-audit says blocked with the ACL', async () => {
    const { v9Packet, v9Templates } = await import('../../src/synth/export-writer.js');
    const T = Date.now() - 5000;
    const nsel = [{ id: 148, len: 4 }, { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 },
      { id: 233, len: 1 }, { id: 33002, len: 2 }, { id: 33000, len: 12 }, { id: 323, len: 8 }, { id: 231, len: 4 }, { id: 232, len: 4 }, { id: 152, len: 8 }];
    const acl = Buffer.from('0000abcd0000000100000002', 'hex');
    const pk = [
      v9Packet({ upMs: 1000, exportSec: Math.floor(T / 1000), seq: 0, sourceId: 0, count: 1 }, [v9Templates([{ id: 263, fields: nsel }])]),
      v9Packet({ upMs: 1000, exportSec: Math.floor(T / 1000), seq: 1, sourceId: 0, count: 2 }, [set(263, Buffer.concat([
        encodeRecord(nsel, [1, '10.20.1.5', '10.10.0.10', 50000, 5633, 6, 3, 1001, acl, T, 44, 0, T]),
        encodeRecord(nsel, [2, '10.20.1.6', '10.10.0.10', 50001, 4510, 6, 2, 0, Buffer.alloc(12), T + 900, 5000, 9000, T]),
      ]))]),
    ];
    const store = mkdtempSync(join(DIR, 'nfcapd-'));
    const port = await freeUdpPort();
    const nf = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', store, '-t', '3600', '-P', join(store, 'nfcapd.pid')], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1000));
    await send(port, pk);
    await new Promise((r) => setTimeout(r, 500));
    nf.kill('SIGTERM');
    await new Promise((r) => nf.on('close', r));
    const nsl = await new Promise<string>((res) => {
      const c = spawn('nfdump', ['-R', store, '-o', 'nsel'], { env: { ...process.env, TZ: 'UTC' } });
      let out = '';
      c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      c.on('close', () => res(out));
    });
    expect(nsl).toMatch(/DENIED\s+I-ACL/);
    const { report } = await collect('fixtures/demo/site.yaml', (p) => send(p, pk));
    const f = report.flows.find((x) => x.server === '10.10.0.10:5633') as (JFlow & { reason: string }) | undefined;
    expect(f?.verdict).toBe('blocked');
    expect(f?.reason).toMatch(/denied by the firewall 127\.0\.0\.1 \(ingress ACL, ACL 0000abcd0000000100000002\)/);
    expect(report.flows.find((x) => x.server === '10.10.0.10:4510')?.state).toBe('established');
  }, 60_000);
});
