/**
 * The trust semantics (issue 10) and designed connections (issue 11) on their scenario
 * captures (src/synth/trust-scenarios.ts): golden reports in every format under
 * fixtures/golden/trust/ (UPDATE_GOLDEN=1 rewrites them), and for each scenario the one
 * field that says the report no longer claims more than the data proves.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';

const goldenDir = new URL('../../fixtures/golden/trust/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';
const SITE = 'fixtures/sites/trust.yaml';

interface Report {
  summary: Record<string, number>;
  warnings: { code: string; message: string; count: number }[];
  flows: { id: number; client: string; server: string; state: string; verdict: string; reasonCode: string; packets: { client: number; server: number } }[];
  coverage: { rule: string; connection: string; status: string; flows: number; expected: number; blocked: number; inconclusive: number; 'wrong-direction': number }[];
  connections: { id: string; status: string; flows: number; rules: string[]; seed: unknown[] }[];
  findings: { paths: { verdict: string; connection: string | null; server: string; clients: number | string; flows: number; reasonCode: string }[] };
  stats: { oneSidedShare: number | null };
  inputs: unknown[];
}

interface Case {
  name: string;
  args: string[];
  code: number;
  /** The machine formats run to megabytes (2,000 flows): their golden is the SHA-256 of the output. */
  hashMachineFormats?: boolean;
  check: (r: Report, run: CliRun) => void;
}

const cap = (n: string) => `fixtures/captures/${n}`;
const conn = (r: Report, id: string) => r.connections.find((c) => c.id === id)!;
const codes = (r: Report) => r.warnings.map((w) => w.code);

const CASES: Case[] = [
  {
    name: 'port-reuse-after-drop', args: ['--site', SITE, cap('trust/port-reuse-after-drop.pcap')], code: 1,
    check: (r) => {
      const sql = r.flows.filter((f) => f.server === '10.10.0.20:1433');
      expect(sql.map((f) => [f.state, f.verdict])).toEqual([['unanswered', 'blocked'], ['established', 'expected']]);
      expect(sql[0]!.packets.client).toBe(3);
    },
  },
  {
    name: 'syn-rst-same-isn', args: ['--site', SITE, cap('trust/syn-rst-same-isn.pcap')], code: 1,
    check: (r) => {
      const smb = r.flows.filter((f) => f.server === '10.10.0.30:445');
      expect(smb).toHaveLength(1);
      expect(smb[0]!.state).toBe('rejected');
      expect(conn(r, 'wfo-servers>file-server:445/tcp').status).toBe('blocked');
    },
  },
  {
    name: 'syn-retried-at-end', args: ['--site', SITE, cap('trust/syn-retried-at-end.pcap')], code: 1,
    check: (r) => {
      expect(r.summary.blocked).toBe(1);
      expect(r.summary.inconclusive).toBe(0);
      expect(r.coverage.find((c) => c.rule === 'archiver.cifs.445')!.status).toBe('blocked');
    },
  },
  {
    name: 'syn-single-at-end', args: ['--site', SITE, cap('trust/syn-single-at-end.pcap')], code: 0,
    check: (r, run) => {
      expect(r.summary.inconclusive).toBe(1);
      expect(r.summary.blocked).toBe(0);
      expect(conn(r, 'wfo-servers>file-server:445/tcp').status).toBe('inconclusive');
      const rows = r.coverage.filter((c) => c.connection === 'wfo-servers>file-server:445/tcp' && c.flows > 0);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((c) => c.status === 'inconclusive' && c.flows === c.inconclusive)).toBe(true);
      void run;
    },
  },
  {
    name: 'firewall-drops', args: ['--site', SITE, cap('trust/firewall-drops.pcap')], code: 1,
    check: (r) => {
      expect(r.summary.blocked).toBe(30);
      expect(r.stats.oneSidedShare).toBe(0);
      expect(codes(r)).not.toContain('one-sided-capture');
    },
  },
  {
    name: 'header-only', args: ['--site', SITE, cap('trust/header-only.pcap')], code: 2,
    check: (r) => { expect(codes(r)[0]).toBe('nothing-judged'); },
  },
  {
    name: 'header-only-fail-on-none', args: ['--site', SITE, '--fail-on', 'none', cap('trust/header-only.pcap')], code: 2,
    check: (r) => { expect(codes(r)).toContain('nothing-judged'); },
  },
  {
    name: 'all-unsupported-linktype', args: ['--site', SITE, cap('trust/all-unsupported-linktype.pcap')], code: 2,
    check: (r) => { expect(r.warnings[0]!.message).toMatch(/none of the 10 packets could be decoded/); },
  },
  {
    name: 'snap-40', args: ['--site', SITE, cap('trust/snap-40.pcap')], code: 2,
    check: (r) => { expect(codes(r)[0]).toBe('nothing-judged'); },
  },
  ...(['ipv4-snap60', 'ipv4-snap68', 'ipv6-snap68'] as const).map((n): Case => ({
    name: `icmp-quote-${n}`, args: ['--site', SITE, cap(`trust/icmp-quote-${n}.pcap`)], code: 1,
    check: (r) => {
      const udp = r.flows.filter((f) => /:(162|5060)$/.test(f.server));
      expect(udp.map((f) => [f.state, f.verdict])).toEqual([['unreachable', 'blocked'], ['unreachable', 'blocked']]);
    },
  })),
  {
    name: 'icmp-quote-ipv6-snap60', args: ['--site', SITE, cap('trust/icmp-quote-ipv6-snap60.pcap')], code: 0,
    check: (r) => {
      // The UDP headers themselves are cut at 60 over IPv6: no flow, said in warnings[], never "expected".
      expect(r.flows.filter((f) => /:(162|5060)$/.test(f.server))).toEqual([]);
      expect(codes(r)).toContain('truncated-headers');
    },
  },
  {
    name: 'icmp-quote-ambiguous-snap60', args: ['--site', SITE, cap('trust/icmp-quote-ambiguous-snap60.pcap')], code: 0,
    check: (r) => {
      const w = r.warnings.find((x) => x.code === 'icmp-quote-cut')!;
      expect(w.message).toContain('snap length 60 cuts ICMP quotes');
      expect(w.count).toBe(1);
    },
  },
  {
    name: 'wrong-direction-only', args: ['--site', SITE, cap('trust/wrong-direction-only.pcap')], code: 1,
    check: (r) => { expect(conn(r, 'wfo-servers>sql:1433/tcp').status).toBe('wrong-direction'); },
  },
  {
    name: 'hosts-absent', args: ['--site', 'fixtures/sites/absent.yaml', cap('wfo/premises.pcap')], code: 2,
    check: (r) => {
      expect(r.summary.ignored).toBeGreaterThan(0);
      expect(codes(r)[0]).toBe('nothing-judged');
      expect(r.warnings.filter((w) => w.code === 'role-absent').map((w) => w.message.split(':')[0])).toEqual([
        'role wfo-servers', 'role sql', 'role file-server', 'role clients', 'role pbx', 'role snmp-manager', 'role smtp-relay',
      ]);
    },
  },
  {
    name: 'scan-5633', args: ['--site', SITE, cap('trust/scan-5633.pcap')], code: 1,
    check: (r) => {
      expect(r.summary.unexpected).toBe(200);
      expect(r.summary.blocked).toBe(3);
      const scan = r.findings.paths.filter((p) => p.verdict === 'unexpected');
      expect(scan).toHaveLength(1);
      expect(scan[0]).toMatchObject({ server: '10.10.0.10', clients: 200, flows: 200, reasonCode: 'not-a-site-host' });
    },
  },
  {
    name: 'three-sql', args: ['--site', SITE, cap('connections/three-sql.pcap')], code: 0,
    check: (r) => {
      const c = conn(r, 'wfo-servers>sql:1433/tcp');
      expect(c).toMatchObject({ status: 'seen', flows: 3 });
      expect(c.rules.length).toBeGreaterThanOrEqual(8);
      expect(r.connections.filter((x) => x.status === 'seen').map((x) => x.id)).toEqual(['wfo-servers>sql:1433/tcp']);
    },
  },
  {
    name: 'pcs-refused-5633', args: ['--site', SITE, cap('connections/pcs-refused-5633.pcap')], code: 1, hashMachineFormats: true,
    check: (r) => {
      expect(r.findings.paths).toHaveLength(1);
      expect(r.findings.paths[0]).toMatchObject({ verdict: 'blocked', server: '10.10.0.10', clients: 2000, flows: 2000 });
    },
  },
  {
    name: 'overlap-site', args: ['--site', 'fixtures/sites/overlap.yaml', cap('connections/three-sql.pcap')], code: 0,
    check: (r) => {
      const o = r.warnings.filter((w) => w.code === 'site-overlap');
      expect(o.length).toBeGreaterThan(0);
      expect(o[0]!.message).toMatch(/^fixtures\/sites\/overlap\.yaml:\d+:\d+: hosts\.wfo-servers\[0\] 10\.10\.0\.10 and .*hosts\.clients\[1\] 10\.10\.0\.0\/16 overlap/);
      expect(codes(r)).toContain('site-duplicate');
    },
  },
  {
    name: 'duplicate-input', args: ['--site', SITE, cap('connections/three-sql.pcap'), cap('connections/three-sql.pcap')], code: 0,
    check: (r) => {
      expect(r.inputs).toHaveLength(1);
      expect(codes(r)).toContain('duplicate-input');
      expect(conn(r, 'wfo-servers>sql:1433/tcp').flows).toBe(3);
    },
  },
  {
    name: 'duplicate-frames', args: ['--site', SITE, cap('connections/duplicate-frames.pcap')], code: 0,
    check: (r) => {
      expect(r.warnings.find((w) => w.code === 'duplicate-frames')!.count).toBe(10);
      const dns = r.flows.find((f) => f.server === '10.10.0.2:53')!;
      expect(dns.packets).toEqual({ client: 2, server: 1 });
      expect(r.flows.find((f) => f.server === '10.10.0.20:1433')!.packets).toEqual({ client: 6, server: 4 });
    },
  },
];

const VARIANTS = [
  { format: 'table', suffix: '.txt' },
  { format: 'json', suffix: '.json' },
  { format: 'ndjson', suffix: '.ndjson' },
  { format: 'markdown', suffix: '.md' },
] as const;

const runs = new Map<string, CliRun>();
function run(c: Case, format: string): CliRun {
  const key = `${c.name}.${format}`;
  let r = runs.get(key);
  if (!r) {
    r = runCli(['audit', '--format', format, ...c.args], { maxBuffer: 64 << 20 });
    runs.set(key, r);
  }
  return r;
}

describe('trust and connection scenarios', () => {
  for (const c of CASES) {
    for (const v of VARIANTS) {
      it(`${c.name}${v.suffix}: exit ${c.code}, golden`, () => {
        const r = run(c, v.format);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(c.code);
        const hashed = c.hashMachineFormats === true && (v.format === 'json' || v.format === 'ndjson');
        const name = `${c.name}${v.suffix}${hashed ? '.sha256' : ''}`;
        const want = hashed ? `${createHash('sha256').update(r.stdout).digest('hex')}\n` : r.stdout;
        const file = new URL(name, goldenDir);
        if (update) {
          mkdirSync(goldenDir, { recursive: true });
          writeFileSync(file, want);
        }
        expect(existsSync(file), `missing golden fixtures/golden/trust/${name}: run with UPDATE_GOLDEN=1`).toBe(true);
        expect(want).toBe(readFileSync(file, 'utf8'));
      });
    }
    it(`${c.name}: ${c.code === 2 ? 'nothing judged' : 'its own field'}`, () => {
      const r = run(c, 'json');
      c.check(JSON.parse(r.stdout) as Report, r);
    });
  }

  it('the table report of a capture that proves nothing says so on its first result line', () => {
    const r = run(CASES.find((c) => c.name === 'header-only')!, 'table');
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^ {2}NOTHING JUDGED \(exit 2, whatever --fail-on says\): no flows could be judged/);
    expect(lines.slice(1, 3).join(' ').replace(/\s+/g, ' ')).toContain('the input holds no packets');
  });

  it('the markdown sign-off box has one wording per state', () => {
    const box = (name: string) => {
      const md = run(CASES.find((c) => c.name === name)!, 'markdown').stdout;
      return md.slice(md.indexOf('## Sign-off')).split('\n')[2]!;
    };
    expect(box('header-only')).toMatch(/^Nothing here can be signed off/);
    expect(box('scan-5633')).toMatch(/^Not ready to sign off/);
    expect(box('syn-single-at-end')).toMatch(/^No findings among the judged flows, but 1 flow is inconclusive/);
    expect(box('three-sql')).toMatch(/^Every judged flow matched the design/);
  });
});
