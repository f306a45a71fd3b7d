/**
 * `audit --evidence FILE.pcapng` (issue 17) on every golden trust and connection scenario,
 * the demo and the premises capture, read from the file (second pass) and from stdin
 * (bounded buffer): tshark reads the evidence without an error, it holds one packet
 * comment per flagged flow, `tshark -z conv,tcp -z conv,udp` lists exactly the flagged
 * TCP/UDP flows, and auditing the evidence alone gives the same verdicts for them; and the
 * same for `live` on lo with the test's own connections between 127.0.0.x addresses.
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, idleOnInput, oneLineError, ROOT, runCli } from '../support/cli.js';
import { needsRoot, requireTools } from '../support/requires.js';
import { PcapWriter } from '../../src/capture/writer.js';
import { LINKTYPE_ETHERNET, TcpSession } from '../../src/synth/craft.js';
import { tdsPrelogin } from '../../src/synth/payloads.js';
import { fullTcp, Trace, WFO } from '../../src/synth/scenarios.js';

interface Flow { proto: string; client: string; server: string; first: number | null; verdict: string; protocolMismatch: boolean }
interface Report { flows: Flow[]; warnings: { code: string; message: string }[]; summary: Record<string, number> }

const FINDINGS = ['blocked', 'wrong-direction', 'unexpected'];
const TRUST_SITE = 'fixtures/sites/trust.yaml';
const scenarioFiles = (dir: string) => readdirSync(join(ROOT, 'fixtures/captures', dir)).filter((f) => f.endsWith('.pcap')).sort()
  .map((f) => ({ name: `${dir}/${f}`, site: TRUST_SITE, capture: `fixtures/captures/${dir}/${f}` }));
const SCENARIOS = [
  ...scenarioFiles('trust'),
  ...scenarioFiles('connections'),
  { name: 'demo', site: 'fixtures/demo/site.yaml', capture: 'fixtures/demo/demo.pcap' },
  { name: 'wfo/premises', site: 'fixtures/sites/premises-all.yaml', capture: 'fixtures/captures/wfo/premises.pcap' },
];

const tmp = mkdtempSync(join(tmpdir(), 'wfo-evidence-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const tmpFile = (ext: string) => join(tmp, `${n++}.${ext}`);

/** tshark's own complaint lines (running as root is not one about the file). */
function tsharkErrors(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Running as user'));
}

function tshark(args: string[]): { code: number | null; stdout: string; errors: string[] } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, errors: tsharkErrors(r.stderr) };
}

const bare = (endpoint: string) => endpoint.replace(/^\[([^\]]+)\]/, '$1');
const pair = (a: string, b: string) => [a, b].sort().join(' <-> ');
const flowKey = (f: Flow) => `${f.proto} ${pair(f.client, f.server)} ${f.first} ${f.verdict}`;

/** Audits one scenario with --evidence and checks the evidence file; returns the flagged flows. */
function checkEvidence(site: string, capture: string, viaStdin: boolean): Flow[] {
  const json = tmpFile('json'), evidence = tmpFile('pcapng');
  const args = ['audit', '--site', site, '--format', 'json', '--out', json, '--evidence', evidence];
  const run = viaStdin
    ? runCli([...args, '-'], { input: readFileSync(join(ROOT, capture)) })
    : runCli([...args, capture]);
  expect(run.stderr).toBe('');
  expect([0, 1, 2]).toContain(run.code);
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  const flagged = report.flows.filter((f) => FINDINGS.includes(f.verdict));

  // tshark reads it to the end without a word.
  const conv = tshark(['-r', evidence, '-q', '-z', 'conv,tcp', '-z', 'conv,udp']);
  expect(conv.errors).toEqual([]);
  expect(conv.code).toBe(0);
  const listed = conv.stdout.split('\n').map((l) => /^(\S+)\s+<->\s+(\S+)\s/.exec(l)).filter((m) => m !== null)
    .map((m) => pair(m[1]!, m[2]!)).sort();
  const expected = flagged.filter((f) => f.proto === 'tcp' || f.proto === 'udp').map((f) => pair(bare(f.client), bare(f.server))).sort();
  expect(listed).toEqual(expected);

  // One packet comment per flagged flow, naming its verdict and its client -> server.
  const comments = tshark(['-r', evidence, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.comment']);
  expect(comments.errors).toEqual([]);
  const lines = comments.stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(flagged.length);
  const said = lines.map((l) => /^wfo-audit ([\w-]+): client (\S+) \u2192 server (\S+); [^;]+, rule \S+; .* \[[\w-]+\](?:; protocol mismatch: \S+ on this port)?; flow \d+$/.exec(l)).map((m) => (m ? `${m[1]} ${m[2]} ${m[3]}` : 'unparsed'));
  expect(said.sort()).toEqual(flagged.map((f) => `${f.verdict} ${f.client} ${f.server}`).sort());

  // Auditing the evidence alone judges those flows the same way, and only those.
  const again = tmpFile('json');
  const re = runCli(['audit', '--site', site, '--format', 'json', '--out', again, evidence]);
  expect(re.stderr).toBe('');
  const second = JSON.parse(readFileSync(again, 'utf8')) as Report;
  expect(second.flows.map(flowKey).sort()).toEqual(flagged.map(flowKey).sort());
  return flagged;
}

describe.runIf(requireTools('tshark', ['tshark', 'capinfos'], 'tshark'))('audit --evidence, read twice (files)', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: tshark reads it, one comment per flagged flow, conv lists them, the same verdicts again`, () => {
      checkEvidence(s.site, s.capture, false);
    }, 60_000);
  }

  it('the demo has flagged flows of every finding verdict (the checks above are not vacuous)', () => {
    const flagged = checkEvidence('fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap', false);
    expect(new Set(flagged.map((f) => f.verdict))).toEqual(new Set(FINDINGS));
  }, 60_000);

  it('keeps interfaces, link types and timestamp resolution of a multi-interface pcapng (µs Ethernet + ns raw IP)', () => {
    const evidence = tmpFile('pcapng');
    const capture = 'fixtures/captures/formats/pcapng-two-linktypes.pcapng';
    const run = runCli(['audit', '--evidence', evidence, '--evidence-verdicts', 'expected,blocked,wrong-direction,unexpected,inconclusive,ignored', capture]);
    expect(run.stderr).toBe('');
    const fields = ['-T', 'fields', '-e', 'frame.interface_id', '-e', 'frame.time_epoch', '-e', 'frame.len'];
    const before = tshark(['-r', join(ROOT, capture), ...fields]);
    const after = tshark(['-r', evidence, ...fields]);
    expect(after.errors).toEqual([]);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout).toMatch(/^1\t\d+\.\d{9}\t/m);
    const ifaces = tshark(['-r', evidence, '-T', 'fields', '-e', 'frame.interface_id', '-e', 'frame.encap_type']);
    expect(new Set(ifaces.stdout.trim().split('\n')).size).toBe(2);
  }, 60_000);

  it('writes the section comment: version, site, inputs, window, verdict counts', () => {
    const evidence = tmpFile('pcapng');
    runCli(['audit', '--site', 'fixtures/demo/site.yaml', '--evidence', evidence, 'fixtures/demo/demo.pcap']);
    const info = spawnSync('capinfos', ['-k', evidence], { encoding: 'utf8' });
    const text = info.stdout;
    expect(text).toMatch(/wfo-audit \d+\.\d+\.\d+ evidence/);
    expect(text).toContain('site: fixtures/demo/site.yaml');
    expect(text).toContain('inputs: fixtures/demo/demo.pcap (pcap)');
    expect(text).toContain('window: 2026-01-15 09:00:00.000 to 2026-01-15 09:00:25.363 UTC');
    expect(text).toContain('blocked 5, wrong-direction 2, unexpected 3');
    expect(text).toContain('flagged flows: 10; in this file: 10');
  }, 60_000);

  it('filters with frame.comment contains "refused"', () => {
    const evidence = tmpFile('pcapng');
    runCli(['audit', '--site', 'fixtures/demo/site.yaml', '--evidence', evidence, 'fixtures/demo/demo.pcap']);
    const r = tshark(['-r', evidence, '-Y', 'frame.comment contains "refused"', '-T', 'fields', '-e', 'ip.dst', '-e', 'tcp.dstport']);
    expect(r.stdout.trim()).toBe('10.10.0.20\t1433');
  }, 60_000);
});

describe.runIf(requireTools('tshark', ['tshark', 'capinfos'], 'tshark'))('audit --evidence from stdin (kept while reading)', () => {
  for (const s of SCENARIOS) {
    it(`${s.name} on stdin: the same checks`, () => {
      checkEvidence(s.site, s.capture, true);
    }, 60_000);
  }

  it('--evidence-max-mb too small: the report warns (evidence-cut) and the section comment says what is missing', () => {
    const json = tmpFile('json'), evidence = tmpFile('pcapng');
    const capture = readFileSync(join(ROOT, 'fixtures/captures/connections/pcs-refused-5633.pcap'));
    const run = runCli(['audit', '--site', TRUST_SITE, '--format', 'json', '--out', json, '--evidence', evidence, '--evidence-max-mb', '0.05', '-'], { input: capture });
    expect(run.stderr).toBe('');
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const w = report.warnings.find((x) => x.code === 'evidence-cut');
    expect(w?.message).toMatch(/^the evidence file .* is incomplete: \d+ flagged flows lost packets to --evidence-max-mb/);
    const info = spawnSync('capinfos', ['-k', evidence], { encoding: 'utf8' });
    expect(info.stdout).toMatch(/not in this file: \d+ lost packets to --evidence-max-mb/);
    expect(tshark(['-r', evidence, '-q']).errors).toEqual([]);
  }, 60_000);
});

describe('audit --evidence: options and inputs without packets', () => {
  it('keeps the end of the input: a single SYN well before the end stays blocked in the evidence alone (isb_endtime)', () => {
    // One SYN to SQL that nobody answers, then 10 s later a working SQL connection (not flagged):
    // in the evidence the SYN is the last packet, and only the stated end keeps it past --syn-grace.
    const t = new Trace('2026-01-15T10:00:00Z');
    t.add(1, new TcpSession({ client: WFO.wfo, server: WFO.sql, cport: 50300, sport: 1433 }).syn());
    t.wait(10_000);
    fullTcp(t, new TcpSession({ client: WFO.wfo, server: WFO.sql, cport: 50301, sport: 1433 }), tdsPrelogin(), tdsPrelogin());
    const capture = tmpFile('pcap');
    const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET }, capture);
    for (const p of t.out) w.write(p);
    w.close();
    const json = tmpFile('json'), evidence = tmpFile('pcapng'), again = tmpFile('json');
    runCli(['audit', '--site', TRUST_SITE, '--format', 'json', '--out', json, '--evidence', evidence, capture]);
    const first = (JSON.parse(readFileSync(json, 'utf8')) as Report).flows;
    expect(first.map((f) => f.verdict)).toEqual(['blocked', 'expected']);
    const r = runCli(['audit', '--site', TRUST_SITE, '--format', 'json', '--out', again, evidence]);
    expect(r.stderr).toBe('');
    const second = (JSON.parse(readFileSync(again, 'utf8')) as Report & { flows: (Flow & { state: string })[] }).flows;
    expect(second.map((f) => `${f.state} ${f.verdict}`)).toEqual(['unanswered blocked']);
  }, 60_000);

  it('refuses a bad --evidence-verdicts like --fail-on', () => {
    const r = runCli(['audit', '--evidence', tmpFile('pcapng'), '--evidence-verdicts', 'blocked,fixed', 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('wfo-audit: --evidence-verdicts: "blocked,fixed" is not valid (allowed: none, or a comma-separated list of expected, blocked, wrong-direction, unexpected, inconclusive, ignored, protocol-mismatch)');
  }, 60_000);

  it('an evidence file that cannot be written is refused before anything is read, in one line', () => {
    const r = runCli(['audit', '--evidence', '/nonexistent-dir/x.pcapng', 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('wfo-audit: cannot write /nonexistent-dir/x.pcapng: no such directory');
    expect(r.stdout).toBe('');
    const m = runCli(['audit', '--evidence', tmpFile('pcapng'), '--evidence-max-mb', '0', 'fixtures/demo/demo.pcap']);
    expect(oneLineError(m)).toBe('wfo-audit: --evidence-max-mb: "0" is not valid (allowed: MiB > 0, at most 65536)');
  }, 60_000);

  it('refuses --evidence-verdicts without --evidence, and an input as the evidence file', () => {
    const a = runCli(['audit', '--evidence-verdicts', 'blocked', 'fixtures/demo/demo.pcap']);
    expect(a.code).toBe(2);
    expect(oneLineError(a)).toBe('wfo-audit: --evidence-verdicts needs --evidence FILE.pcapng');
    const b = runCli(['audit', '--evidence', 'fixtures/demo/demo.pcap', 'fixtures/demo/demo.pcap']);
    expect(b.code).toBe(2);
    expect(oneLineError(b)).toBe('wfo-audit: --evidence: fixtures/demo/demo.pcap is one of the inputs');
  }, 60_000);

  it.runIf(requireTools('tshark', ['tshark', 'capinfos'], 'tshark'))('flows from flow records have no packets: the section comment says how many and why', () => {
    const log = tmpFile('log');
    // One Zeek conn row: an unanswered SYN from the WFO server to the file server (blocked).
    writeFileSync(log, [
      '#separator \\x09', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]',
      '1768471200.000000\tC1\t10.10.0.10\t50000\t10.10.0.30\t445\ttcp\t-\t3.0\t0\t0\tS0\t-\t-\t0\tS\t3\t180\t0\t0\t-',
      '1768471260.000000\tC2\t10.10.0.10\t50001\t10.10.0.20\t1433\ttcp\t-\t0.01\t100\t100\tSF\t-\t-\t0\tShADadFf\t6\t400\t6\t400\t-',
      '',
    ].join('\n'));
    const evidence = tmpFile('pcapng'), json = tmpFile('json');
    const run = runCli(['audit', '--site', TRUST_SITE, '--format', 'json', '--out', json, '--evidence', evidence, log]);
    expect(run.stderr).toBe('');
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.summary.blocked).toBe(1);
    const info = spawnSync('capinfos', ['-k', evidence], { encoding: 'utf8' });
    expect(info.stdout).toContain('flagged flows: 1; in this file: 0');
    expect(info.stdout).toContain('not in this file: 1 came from flow records (Zeek conn logs, nfdump), which hold no packets');
  }, 60_000);
});

/** Opens a TCP connection from `local` to `host`:`port` and waits for it to be refused or accepted (then closed). */
function tryConnect(local: string, host: string, port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host, port, localAddress: local });
    s.on('connect', () => { s.end(); resolve(); });
    s.on('error', () => resolve());
  });
}

describe.runIf(requireTools('tshark', ['tshark', 'capinfos'], 'tshark') && needsRoot())('live --evidence on lo', () => {
  it('a refused 5633 and an unexpected 3389 between 127.0.0.91 and 127.0.0.90: the same checks as for files', async () => {
    const site = tmpFile('yaml'), json = tmpFile('json'), evidence = tmpFile('pcapng');
    writeFileSync(site, 'mode: premises\nmodules: [screen-recording]\nhosts:\n  wfo-servers: [127.0.0.90]\n  clients: [127.0.0.91]\n');
    const p = spawn(process.execPath, [BIN, 'live', '-i', 'lo', '--filter', 'tcp and host 127.0.0.90', '--site', site, '--format', 'json',
      '--out', json, '--evidence', evidence, '--no-dashboard'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const ended = new Promise<number | null>((r) => p.on('close', (code) => r(code)));
    await idleOnInput(p.pid!);
    await tryConnect('127.0.0.91', '127.0.0.90', 5633);
    await tryConnect('127.0.0.91', '127.0.0.90', 3389);
    p.kill('SIGINT');
    expect(await ended).toBe(1);
    expect(stderr).toBe('');
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const flagged = report.flows.filter((f) => FINDINGS.includes(f.verdict));
    expect(flagged.map((f) => `${f.verdict} ${f.server}`).sort()).toEqual(['blocked 127.0.0.90:5633', 'unexpected 127.0.0.90:3389']);
    const conv = tshark(['-r', evidence, '-q', '-z', 'conv,tcp', '-z', 'conv,udp']);
    expect(conv.errors).toEqual([]);
    const listed = conv.stdout.split('\n').map((l) => /^(\S+)\s+<->\s+(\S+)\s/.exec(l)).filter((m) => m !== null).map((m) => pair(m[1]!, m[2]!)).sort();
    expect(listed).toEqual(flagged.map((f) => pair(f.client, f.server)).sort());
    const comments = tshark(['-r', evidence, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.comment']).stdout.split('\n').filter((l) => l !== '');
    expect(comments).toHaveLength(2);
    expect(spawnSync('capinfos', ['-k', evidence], { encoding: 'utf8' }).stdout).toContain('inputs: lo (live)');
    const again = tmpFile('json');
    expect(runCli(['audit', '--site', site, '--format', 'json', '--out', again, evidence]).stderr).toBe('');
    const second = JSON.parse(readFileSync(again, 'utf8')) as Report;
    expect(second.flows.map(flowKey).sort()).toEqual(flagged.map(flowKey).sort());
  }, 60_000);
});
