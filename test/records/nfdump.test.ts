/**
 * nfdump stores: the JSON array splitter, the pairing of uniflows and their outcomes
 * (hand-written records in nfdump's JSON shape), the `-t` window arguments; then real
 * stores: softflowd exports a scenario capture to nfcapd on 127.0.0.1, and `audit` reads
 * the store back with the flows and verdicts of the packet audit of the same capture.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../src/flow/types.js';
import { JsonArrayStream } from '../../src/records/json-array-stream.js';
import { nfdumpArgs, nfdumpTime } from '../../src/records/nfdump.js';
import { NfdumpFlows, parseTcpFlags } from '../../src/records/nfdump-flows.js';
import { oneLineError, ROOT, runCli } from '../support/cli.js';
import { requireTools } from '../support/requires.js';

describe('JsonArrayStream', () => {
  const doc = '[\n{\n\t"type" : "FLOW",\n\t"label" : "a } ] \\" {",\n\t"n" : [1, {"x": 2}]\n},\n{ "type" : "FLOW" }, 3, "s,t"\n]\n';
  it('gives the same elements whatever the chunking', () => {
    const want = JSON.parse(doc) as unknown[];
    for (let cut = 1; cut < doc.length; cut++) {
      const got: unknown[] = [];
      const s = new JsonArrayStream((v) => got.push(v), () => { throw new Error('bad'); });
      s.write(doc.slice(0, cut));
      s.write(doc.slice(cut));
      s.end();
      expect(s.error).toBe(null);
      expect(got).toEqual(want);
    }
  });
  it('a bad element is reported and skipped; a truncated array and a non-array are errors', () => {
    const got: unknown[] = [];
    const bad: number[] = [];
    const s = new JsonArrayStream((v) => got.push(v), (n) => bad.push(n));
    s.write('[{"a":1},{"b":tru},{"c":3}]');
    s.end();
    expect([got, bad, s.error]).toEqual([[{ a: 1 }, { c: 3 }], [2], null]);
    const t = new JsonArrayStream(() => {}, () => {});
    t.write('[{"a":1},{"b"');
    t.end();
    expect(t.error).toBe('the JSON array ends early (after 1 records)');
    const u = new JsonArrayStream(() => {}, () => {});
    u.write('Error: no such file');
    expect(u.error).toBe('output is not a JSON array');
  });
});

/** A uniflow record in nfdump's JSON shape. */
function rec(over: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'FLOW', sampled: 0, export_sysid: 1, first: '2024-03-12T14:00:00.000', last: '2024-03-12T14:00:01.000',
    received: '2099-01-01T00:00:00.000', in_packets: 3, in_bytes: 180, proto: 6, tcp_flags: '...AP.SF',
    src_port: 50000, dst_port: 1433, src4_addr: '10.0.0.1', dst4_addr: '10.0.0.2', ...over,
  };
}

/** The reverse direction of `r`. */
function rev(r: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...r, src_port: r.dst_port, dst_port: r.src_port, src4_addr: r.dst4_addr, dst4_addr: r.src4_addr, ...over };
}

function flowsOf(records: unknown[], synGrace = 3): { flows: FlowRecord[]; p: NfdumpFlows } {
  const flows: FlowRecord[] = [];
  let id = 0;
  const p = new NfdumpFlows('store', 0, { nextId: () => id++, flow: (f) => flows.push(f) }, synGrace);
  records.forEach((r, i) => p.record(r, i + 1));
  p.finish();
  return { flows, p };
}

describe('nfdump records to flows', () => {
  it('tcp_flags letters', () => {
    expect(parseTcpFlags('...AP.SF')).toBe(0x1b);
    expect(parseTcpFlags('......S.')).toBe(0x02);
    expect(parseTcpFlags('CEUAPRSF')).toBe(0xff);
    expect(parseTcpFlags('........')).toBe(0);
  });

  it('pairs the two directions into one flow; the lone SYN side is the client', () => {
    const a = rec({}), b = rev(a, { tcp_flags: '...AP.S.', in_packets: 2, in_bytes: 120 });
    const { flows } = flowsOf([b, a]);
    expect(flows).toHaveLength(1);
    const f = flows[0]!;
    expect([f.outcome, f.clientIp, f.clientPort, f.serverPort, f.guessed]).toEqual(['established', '10.0.0.1', 50000, 1433, true]);
    expect([f.packets, f.first, f.last]).toEqual([{ client: 3, server: 2 }, 1710252000, 1710252001]);
  });

  it('refused, unanswered, one-sided, partial, unknown, and no-reply-yet near the end', () => {
    const t = (s: number) => `2024-03-12T14:00:${String(s).padStart(2, '0')}.000`;
    const syn = rec({ tcp_flags: '......S.', in_packets: 1, in_bytes: 60, first: t(0), last: t(0) });
    const rst = rev(syn, { tcp_flags: '...A.R..', in_bytes: 40 });
    const lone = rec({ src_port: 50001, tcp_flags: '......S.', in_packets: 2, first: t(1), last: t(4) });
    const acks = rec({ src_port: 50002, tcp_flags: '...AP...', first: t(2), last: t(5) });
    const noflags = rec({ src_port: 50003, tcp_flags: '........', first: t(2), last: t(3) });
    const mid = rec({ src_port: 50004, tcp_flags: '....P...', first: t(2), last: t(3) });
    const late = rec({ src_port: 50005, tcp_flags: '......S.', in_packets: 1, first: t(30), last: t(30) });
    const out = new Map(flowsOf([syn, rst, lone, acks, noflags, mid, late]).flows.map((f) => [f.clientPort === 1433 ? f.serverPort : f.clientPort, f.outcome]));
    expect(Object.fromEntries(out)).toEqual({
      50000: 'rejected', 50001: 'unanswered', 50002: 'one-sided', 50003: 'unknown', 50004: 'partial', 50005: 'no-reply-yet',
    });
  });

  it('UDP: replied both ways, one-way, unreachable when an ICMP unreachable from the server overlaps', () => {
    const q = rec({ proto: 17, tcp_flags: '........', dst_port: 53, in_packets: 1 });
    const a = rev(q);
    const trap = rec({ proto: 17, tcp_flags: '........', src_port: 40001, dst_port: 162, in_packets: 1 });
    const icmp = { ...rev(trap), proto: 1, src_port: 0, dst_port: 771, icmp_type: 3, icmp_code: 3 };
    delete (icmp as Record<string, unknown>).tcp_flags;
    const { flows } = flowsOf([q, a, trap, icmp]);
    const udp = flows.filter((f) => f.proto === 'udp');
    expect(udp.map((f) => [f.serverPort, f.outcome]).sort()).toEqual([[162, 'unreachable'], [53, 'replied']]);
    expect(udp.find((f) => f.serverPort === 162)!.icmpErrors).toEqual([{ family: 4, type: 3, code: 3, from: '10.0.0.2', count: 1 }]);
    // The ICMP record is part of the UDP flow it answered, not a flow of its own.
    expect(flows.filter((f) => f.proto === 'icmp')).toHaveLength(0);
  });

  it('an RFC 5103 biflow is one flow; flags without the forward SYN are counted as nfdump\'s overwrite', () => {
    const refused = rec({ out_packets: 1, out_bytes: 40, in_packets: 1, tcp_flags: '...A.R..' });
    const ok = rec({ src_port: 50001, out_packets: 4, out_bytes: 400, tcp_flags: '...AP.SF' });
    const { flows, p } = flowsOf([refused, ok]);
    expect(flows.map((f) => f.outcome)).toEqual(['rejected', 'established']);
    expect(p.biflowFlagsSuspect).toBe(1);
  });

  it('IPv6, other protocols counted, damaged records counted with their number', () => {
    const v6 = rec({ src4_addr: undefined, dst4_addr: undefined, src6_addr: '2001:db8::1', dst6_addr: '2001:DB8::2' });
    const gre = rec({ proto: 47 });
    const { flows, p } = flowsOf([v6, gre, 'x', rec({ src4_addr: '10.0.0.300' })]);
    expect(flows.map((f) => [f.family, f.serverIp])).toEqual([[6, '2001:db8::2']]);
    expect(p.counts.other).toEqual({ 'ip proto 47': 1 });
    expect(p.counts.badSamples).toEqual(['store: record 3: not a JSON object', 'store: record 4: bad or missing address "10.0.0.300"']);
  });

  it('random records (any field of any type) are flows or counted, never thrown', async () => {
    const { rng } = await import('../support/prng.js');
    const rnd = rng(14);
    const values = [0, 1, 6, 17, 1, 58, 47, -1, 65536, 1.5, '6', 'x', '', null, true, [], {}, '10.0.0.1', '::1', '2024-03-12T14:00:00.000', '......S.', '...A.R..'];
    const keys = ['proto', 'src4_addr', 'dst4_addr', 'src6_addr', 'dst6_addr', 'src_port', 'dst_port', 'first', 'last', 'in_packets', 'in_bytes', 'out_packets', 'tcp_flags', 'icmp_type', 'type'];
    const recs: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = rec({});
      for (let j = 0; j < 3; j++) (r as Record<string, unknown>)[keys[Math.floor(rnd() * keys.length)]!] = values[Math.floor(rnd() * values.length)];
      recs.push(rnd() < 0.05 ? values[Math.floor(rnd() * values.length)] : r);
    }
    const { flows, p } = flowsOf(recs);
    const c = p.counts;
    expect(c.rows).toBe(recs.length);
    expect(c.flows).toBe(flows.length);
    expect(flows.length).toBeGreaterThan(0);
    for (const f of flows) expect(['tcp', 'udp', 'icmp', 'icmp6']).toContain(f.proto);
  });

  it('--from/--to become nfdump\'s -t window in UTC', () => {
    expect(nfdumpTime(1710252000)).toBe('2024/03/12.14:00:00');
    expect(nfdumpArgs('d', true, 1710252000.5, 1710255600.2)).toEqual(['-R', 'd', '-o', 'json', '-t', '2024/03/12.14:00:00-2024/03/12.15:00:01']);
    expect(nfdumpArgs('f', false)).toEqual(['-r', 'f', '-o', 'json']);
  });
});

describe('a missing nfdump program', () => {
  it('is one line saying what to install, exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfo-nf-missing-'));
    writeFileSync(join(dir, 'nfcapd.202403121400'), '');
    try {
      const r = runCli(['audit', dir], { env: { ...process.env, WFO_NFDUMP: '/nonexistent/nfdump', TZ: 'UTC' } });
      expect(r.code).toBe(2);
      expect(oneLineError(r)).toBe(`wfo-audit: ${dir}: reading nfcapd stores needs the nfdump program (apt-get install nfdump)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Exports `capture` with softflowd to an nfcapd on 127.0.0.1 writing into `dir`; resolves when nfcapd has written its file. */
async function exportToStore(capture: string, dir: string, version: 9 | 10): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 30000);
  const pid = join(dir, '..', `nfcapd-${port}.pid`);
  const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', dir, '-t', '3600', '-P', pid], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => nfcapd.on('exit', () => r()));
  try {
    for (let i = 0; i < 100 && !existsSync(pid); i++) await new Promise((r) => setTimeout(r, 50));
    const sf = spawnSync('softflowd', ['-r', capture, '-d', '-c', 'none', '-p', join(dir, '..', `sf-${port}.pid`), '-6',
      '-n', `127.0.0.1:${port}`, '-v', String(version), ...(version === 10 ? ['-A', 'milli'] : ['-a'])], { timeout: 60_000 });
    expect(sf.status).toBe(0);
    // nfcapd reads what is queued on its socket before it handles the signal.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    nfcapd.kill('SIGTERM');
    await exited;
  }
}

interface Rep {
  inputs: { path: string; format: string; error: string | null; records?: { rows: number; flows: number }; overlap?: { duplicates: number; clockOffset: number | null } }[];
  flows: { proto: string; client: string; server: string; state: string; verdict: string; first: number | null; sources: string[] }[];
}

function auditJson(args: string[]): Rep {
  const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', ...args]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Rep;
}

/** TCP/UDP flows as unordered endpoint pairs -> outcome and verdict (records cannot know the packet order of a same-port pair). */
function byPair(r: Rep): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of r.flows) {
    if (f.proto !== 'tcp' && f.proto !== 'udp') continue;
    m.set(`${f.proto} ${[f.client, f.server].sort().join(' ')}`, `${f.state} ${f.verdict}`);
  }
  return m;
}

describe.runIf(requireTools('nfdump', ['nfcapd', 'nfdump', 'softflowd'], 'nfdump softflowd'))('nfdump stores written by nfcapd from softflowd', () => {
  const work = mkdtempSync(join(tmpdir(), 'wfo-nfdump-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const site = `${ROOT}fixtures/sites/premises-all.yaml`;
  const siteArgs = ["--site", site];

  for (const version of [9, 10] as const) {
    it(`NetFlow v${version === 9 ? 9 : '10 (IPFIX)'} export of wfo/premises.pcap: same flows and verdicts as the packet audit`, async () => {
      const cap = `${ROOT}fixtures/captures/wfo/premises.pcap`;
      const dir = join(work, `v${version}`);
      await exportToStore(cap, dir, version);
      const files = readdirSync(dir).filter((f) => f.startsWith('nfcapd.'));
      expect(files).toHaveLength(1);
      const store = auditJson([...siteArgs, dir]);
      const file = auditJson([...siteArgs, join(dir, files[0]!)]);
      const packets = auditJson([...siteArgs, cap]);
      expect(store.inputs[0]).toMatchObject({ format: 'nfcapd', error: null });
      expect(store.inputs[0]!.records!.rows).toBeGreaterThan(store.inputs[0]!.records!.flows);
      const want = byPair(packets);
      expect(want.size).toBeGreaterThan(10);
      expect([...byPair(store)].sort()).toEqual([...want].sort());
      // The same flows; each names the input it was read from (the store directory, or its one file).
      const bare = (r: typeof file) => r.flows.map((f) => ({ ...f, sources: undefined }));
      expect(bare(file)).toEqual(bare(store));
      expect(new Set(store.flows.flatMap((f) => f.sources))).toEqual(new Set([dir]));
      expect(new Set(file.flows.flatMap((f) => f.sources))).toEqual(new Set([join(dir, files[0]!)]));
    });
  }

  it('the capture and its IPFIX export in one audit: each connection once, the summary of the capture alone', async () => {
    const cap = `${ROOT}fixtures/captures/wfo/premises.pcap`;
    const dir = join(work, 'both');
    await exportToStore(cap, dir, 10);
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', ...siteArgs, dir, cap]);
    expect(r.stderr).toBe('');
    const both = JSON.parse(r.stdout) as Rep & { summary: unknown };
    const alone = JSON.parse(runCli(['audit', '--format', 'json', '--fail-on', 'none', ...siteArgs, cap]).stdout) as Rep & { summary: unknown };
    expect(both.flows.length).toBe(alone.flows.length);
    expect(both.summary).toEqual(alone.summary);
    const store = both.inputs.find((i) => i.path === dir)!;
    expect(store.overlap!.duplicates).toBe(both.flows.filter((f) => f.proto === 'tcp' || f.proto === 'udp').length);
    expect(store.overlap!.clockOffset).toBe(0);
  });

  it('a directory of two stores with --from/--to reads only that window', async () => {
    const dir = join(work, 'two');
    await exportToStore(`${ROOT}fixtures/captures/wfo/premises.pcap`, join(work, 'a'), 10);
    await exportToStore(`${ROOT}fixtures/captures/wfo/reasons.pcap`, join(work, 'b'), 10);
    mkdirSync(dir);
    // nfcapd names files by its wall clock; give them the capture times' names as a real store would have.
    renameSync(join(work, 'a', readdirSync(join(work, 'a')).find((f) => f.startsWith('nfcapd.'))!), join(dir, 'nfcapd.202601150830'));
    renameSync(join(work, 'b', readdirSync(join(work, 'b')).find((f) => f.startsWith('nfcapd.'))!), join(dir, 'nfcapd.202601151000'));
    const all = auditJson([dir]);
    const premises = auditJson([join(dir, 'nfcapd.202601150830')]);
    const reasons = auditJson([join(dir, 'nfcapd.202601151000')]);
    expect(all.flows.length).toBe(premises.flows.length + reasons.flows.length);
    // premises.pcap is 2026-01-15 08:30:00..08:30:11 UTC, reasons.pcap 10:00:00..10:00:02.
    const win = auditJson(['--from', '2026-01-15T09:59:00Z', '--to', '2026-01-15T10:01:00Z', dir]);
    expect(win.flows.length).toBe(reasons.flows.length);
    expect(win.flows.every((f) => f.first !== null && f.first >= 1768471140)).toBe(true);
  });
});
