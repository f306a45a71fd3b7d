/**
 * The HTML reporter on hand-made reports (issue 16): a report with connections[],
 * findings.paths[] and warnings[] whose every input-derived string is hostile markup,
 * and the same report without those fields (rendered from coverage[] and the finding
 * groups). Checks escaping, the CSP, the absence of anything fetched, the result line,
 * that every keyed number equals the JSON report's field, and byte-stable output.
 */
import { describe, expect, it } from 'vitest';
import { html, HTML_CSP } from '../../src/report/html.js';
import { json } from '../../src/report/json.js';
import { esc } from '../../src/report/html/escape.js';
import { renderMap } from '../../src/report/html/map.js';
import { compactPorts, mapModel, OTHER_HOSTS } from '../../src/report/html/map-model.js';
import { reportConnections, reportPaths } from '../../src/report/html/model.js';
import { exitCodeOf } from '../../src/report/html/result.js';
import { bucketStep, buildTimeline, MAX_BUCKETS } from '../../src/report/html/timeline.js';
import type { AuditReport, ConnectionRow, FindingPath } from '../../src/report/types.js';
import type { ReportOptions } from '../../src/report/options.js';
import { disagreements, keyedNumbers } from './html-keys.js';
import { sampleReport, T0 } from './support.js';

const EVIL = `<script>alert("x")</script><img src=x onerror=alert('y')>\u0007\u001b[31m\u202e`;

const ROLES = {
  'wfo-servers': ['10.10.0.10', '10.10.0.11', '2001:db8:10::/64'], sql: ['10.10.0.20'], clients: ['10.20.0.0/16', '2001:db8:20::/64'],
  'snmp-manager': ['10.10.0.40'], 'evil-role': [EVIL],
};

const OPTS: ReportOptions = { color: false, all: false, width: 100, failOn: ['blocked', 'wrong-direction', 'unexpected'], roles: ROLES };

/** Designed connections of the sample, by hand, in the shape issue 11 defines. */
function connections(): ConnectionRow[] {
  const row = (id: string, from: string, to: string, port: string, proto: string, status: ConnectionRow['status'],
    n: Partial<Pick<ConnectionRow, 'expected' | 'blocked' | 'wrong-direction' | 'inconclusive'>>, rules: string[]): ConnectionRow => {
    const expected = n.expected ?? 0, blocked = n.blocked ?? 0, wd = n['wrong-direction'] ?? 0, inc = n.inconclusive ?? 0;
    return {
      id, from, to, port, proto, status, expected, blocked, 'wrong-direction': wd, inconclusive: inc,
      flows: expected + blocked + wd + inc, first: expected + blocked + wd + inc > 0 ? T0 + 1 : null,
      last: expected + blocked + wd + inc > 0 ? T0 + 9.5 : null, rules,
      seed: [{ table: 'premises-server', row: 7, text: `CTI Core | ${EVIL}` }], note: status === 'unseen' ? `rare ${EVIL}` : null,
    };
  };
  return [
    row('clients>wfo-servers:443/tcp', 'clients', 'wfo-servers', '443', 'tcp', 'seen', { expected: 1 }, ['premises.web-portal.443']),
    row('clients+wfo-servers>wfo-servers:5620/tcp', 'clients+wfo-servers', 'wfo-servers', '5620', 'tcp', 'seen', { expected: 1 }, ['premises.api-server.5620']),
    row('wfo-servers>sql:1433/tcp', 'wfo-servers', 'sql', '1433', 'tcp', 'seen', { expected: 2, 'wrong-direction': 1 }, ['premises.sql.1433']),
    row('clients>wfo-servers:2012,2013,2014,2015/tcp', 'clients', 'wfo-servers', '2012,2013,2014,2015', 'tcp', 'blocked', { blocked: 3 }, ['premises.cti-core.2012']),
    row('wfo-servers>snmp-manager:162/udp', 'wfo-servers', 'snmp-manager', '162', 'udp', 'blocked', { blocked: 1 }, ['premises.snmp.162']),
    row('wfo-servers>wfo-servers:5685/tcp', 'wfo-servers', 'wfo-servers', '5685', 'tcp', 'inconclusive', { inconclusive: 2 }, ['premises.cti-core.5685']),
    row('wfo-servers>smtp-relay:25/tcp', 'wfo-servers', 'smtp-relay', '25', 'tcp', 'unseen', {}, ['premises.smtp.25']),
  ];
}

function paths(): FindingPath[] {
  const p = (verdict: FindingPath['verdict'], connection: string | null, proto: FindingPath['proto'], port: number, server: string,
    clients: number | string, flows: number, reason: string, sample: string[]): FindingPath => ({
    verdict, connection, proto, port, server, clients, flows, first: T0 + 4, last: T0 + 8.5, reason,
    reasonCode: 'tcp-no-reply', sampleClients: sample,
  });
  return [
    p('blocked', 'clients>wfo-servers:2012,2013,2014,2015/tcp', 'tcp', 2012, '10.10.0.11', 1, 3, `no reply ${EVIL}`, ['10.20.1.7']),
    p('blocked', 'wfo-servers>snmp-manager:162/udp', 'udp', 162, '10.10.0.40', 1, 1, 'ICMP administratively prohibited', ['10.10.0.10']),
    p('wrong-direction', 'wfo-servers>sql:1433/tcp', 'tcp', 1433, '10.10.0.10', 1, 1, 'opened by the SQL server', ['10.10.0.20']),
    p('unexpected', null, 'tcp', 3389, '10.10.0.10', 1, 1, 'no rule for 3389/tcp', ['10.20.1.9']),
    p('unexpected', 'clients>wfo-servers:5633/tcp', 'tcp', 5633, '2001:db8:10::a', '≥ 10000', 1, 'module not enabled', ['2001:db8:20::15']),
    p('unexpected', null, 'icmp', 0, '10.10.0.99', 1, 1, 'no rule for ICMP echo', ['10.10.0.10']),
  ];
}

/** The sample report with every input-derived string made hostile, and the issue-11 fields filled. */
function hostileReport(): AuditReport {
  const r = sampleReport();
  const flows = r.flows.map((f) => f.verdict === 'ignored' ? { ...f, reason: `allowed by ${EVIL}` } : f);
  const summary = { ...r.summary, inconclusive: 2, expected: r.summary.expected };
  return {
    ...r,
    schemaVersion: 2,
    warnings: [
      { code: 'role-absent', message: `role sql: none of its addresses appears in ${EVIL}`, count: 1 },
      { code: 'snap-cuts-icmp', message: 'UDP verdicts may be wrong: snap length 60 cuts ICMP quotes', count: 4 },
    ],
    inputs: [
      { path: `captures/${EVIL}.pcapng`, format: 'pcapng', gzip: false, linkTypes: [1], packets: 95, bytes: 14210, error: null },
      { path: `"quoted" 'single' & amp.pcap`, format: 'pcap', gzip: true, linkTypes: [1], packets: 12, bytes: 1864, error: null },
    ],
    site: { path: `sites/${EVIL}.yaml`, mode: 'premises', modules: ['survey'] },
    flows,
    connections: connections(),
    conflicts: [{ kind: `kind ${EVIL}`, message: `message ${EVIL}` }],
    summary,
    findings: { groups: [], mismatches: [], paths: paths() },
  };
}

describe('html escaping and safety', () => {
  const page = html(hostileReport(), OPTS);

  it('renders every hostile string as text: no script or img element, no event handler, no raw control character', () => {
    // Every `<` of the page starts real markup (input text has `&lt;`), and every `"` delimits an attribute
    // value (input text has `&quot;`): with the values blanked, the tags are what the reporter wrote.
    const tags = page.match(/<[^>]*>/g)!.map((t) => t.replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /^<\/?(script|img|iframe|object|embed|link|base|form)\b/i.test(t))).toEqual([]);
    expect(tags.filter((t) => /\son\w+=/i.test(t))).toEqual([]);
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/);
    // The escaped forms are there: file name, site path, warnings, conflicts, allow-entry reasons, site roles.
    const shown = esc(EVIL);
    expect(shown).toContain('&lt;script&gt;');
    expect(shown).toContain('\\x07');
    expect(shown).toContain('\\u202e');
    const count = page.split(shown).length - 1;
    expect(count).toBeGreaterThanOrEqual(8);
    expect(page).toContain('&quot;quoted&quot; &#39;single&#39; &amp; amp.pcap');
  });

  it('has the CSP meta tag, fetches nothing and needs no script', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP.replace(/'/g, '&#39;')}">`);
    expect(HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    const tags = page.match(/<[^>]*>/g)!.map((t) => t.replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /\s(src|href|action|srcset|poster|xlink:href)=/i.test(t))).toEqual([]);
    expect(page).not.toMatch(/url\((?!#)/);
    expect(page).not.toMatch(/@import/);
    // The only URL is the SVG namespace name, which is never fetched.
    const urls = page.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect([...new Set(urls)]).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('is the same bytes every time', () => {
    expect(html(hostileReport(), OPTS)).toBe(page);
  });
});

describe('html numbers and the JSON report', () => {
  it('every keyed number equals the JSON field it names (issue-11 fields present)', () => {
    const r = hostileReport();
    const keys = keyedNumbers(html(r, OPTS));
    const doc = JSON.parse(json(r, OPTS)) as AuditReport;
    expect(keys.length).toBeGreaterThan(80);
    expect(disagreements(doc, keys)).toEqual([]);
    const names = new Set(keys.map((k) => k.key));
    for (const k of ['summary.blocked', 'summary.inconclusive', 'stats.packets', 'warnings.1.count', 'connections.wfo-servers>sql:1433/tcp.wrong-direction',
      'paths.unexpected|clients>wfo-servers:5633/tcp|2001:db8:10::a.clients', 'timeline.peak', 'connectionStatus.blocked']) {
      expect(names.has(k), k).toBe(true);
    }
  });

  it('a wrong number is caught: the comparison is not vacuous', () => {
    const r = hostileReport();
    const keys = keyedNumbers(html(r, OPTS));
    const doc = JSON.parse(json(r, OPTS)) as AuditReport;
    doc.summary.blocked += 1;
    doc.connections![2]!.expected += 1;
    expect(disagreements(doc, keys)).toEqual(expect.arrayContaining([
      expect.stringContaining('summary.blocked'), expect.stringContaining('connections.wfo-servers>sql:1433/tcp.expected'),
    ]));
  });

  it('without connections[] and paths[] the sections come from coverage[] and the finding groups, keyed the same way', () => {
    const r = sampleReport();
    r.inputs = r.inputs.map((i) => ({ ...i, error: null }));
    const page = html(r, OPTS);
    expect(page).toContain('add up its per-rule coverage by connection');
    expect(page).toContain('add up its finding groups per verdict, connection and server');
    const conns = reportConnections(r);
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) expect(page).toContain(`data-connection="${esc(c.id)}"`);
    const ps = reportPaths(r);
    expect(ps.reduce((n, p) => n + p.flows, 0)).toBe(r.summary.blocked + r.summary['wrong-direction'] + r.summary.unexpected);
    const doc = JSON.parse(json(r, OPTS)) as AuditReport;
    expect(doc.connections).toBeUndefined();
    expect(disagreements(doc, keyedNumbers(page))).toEqual([]);
  });
});

describe('html result line', () => {
  const resultOf = (page: string) => /<p class="result result-(\d)" data-exit-code="\d">(.*?)<\/p>/s.exec(page)!;
  const text = (s: string) => s.replace(/<[^>]+>/g, '');

  it('states exit code 1 with the --fail-on in force and the inconclusive count', () => {
    const r = hostileReport();
    const m = resultOf(html(r, OPTS));
    expect(m[1]).toBe('1');
    const s = r.summary;
    expect(s.blocked * s['wrong-direction'] * s.unexpected * s.inconclusive).toBeGreaterThan(0);
    expect(text(m[2]!)).toBe(`Exit code 1: ${s.blocked} blocked, ${s['wrong-direction']} wrong-direction, ${s.unexpected} unexpected found, which --fail-on blocked,wrong-direction,unexpected fails on. ${s.inconclusive} inconclusive: the input cannot tell whether those flows worked, so they prove nothing either way.`);
  });

  it('exit code 0 with --fail-on none and with a --fail-on nothing matched; no inconclusive sentence at 0', () => {
    const r = { ...hostileReport(), summary: { ...hostileReport().summary, inconclusive: 0 } };
    expect(text(resultOf(html(r, { ...OPTS, failOn: [] }))[2]!)).toBe('Exit code 0: --fail-on none, so no finding fails the run; read the findings below.');
    expect(text(resultOf(html(r, { ...OPTS, failOn: ['expected'] }))[2]!)).toBe(`Exit code 1: ${r.summary.expected} expected found, which --fail-on expected fails on.`);
    const quiet = { ...r, summary: { ...r.summary, 'protocol-mismatch': 0 } };
    expect(text(resultOf(html(quiet, { ...OPTS, failOn: ['protocol-mismatch'] }))[2]!)).toBe('Exit code 0: nothing that --fail-on protocol-mismatch fails on was found.');
  });

  it('exit code 2 when an input was not read to the end, whatever --fail-on says', () => {
    const r = sampleReport();
    expect(exitCodeOf(r, [])).toBe(2);
    expect(text(resultOf(html(r, OPTS))[2]!)).toMatch(/^Exit code 2: an input was not read to the end/);
  });
});

describe('html service map', () => {
  it('draws designed connections by status, splits a joined end, and findings outside the design as their own edges', () => {
    const m = mapModel(hostileReport(), ROLES);
    const kinds = m.edges.map((e) => `${e.from}>${e.to}:${e.kind}`);
    expect(kinds).toEqual(expect.arrayContaining([
      'clients>wfo-servers:seen', 'wfo-servers>wfo-servers:seen', 'clients>wfo-servers:blocked', 'wfo-servers>sql:seen',
      'wfo-servers>snmp-manager:blocked', 'wfo-servers>wfo-servers:inconclusive', 'wfo-servers>smtp-relay:unseen',
      // 3389 from a client to a WFO server; the IPv6 5633 path; ICMP to an address in no role.
      'clients>wfo-servers:finding', 'wfo-servers>(other hosts):finding',
    ]));
    const finding = m.edges.find((e) => e.key === 'clients>wfo-servers:finding')!;
    expect(finding.ports).toEqual(['3389/tcp', '5633/tcp']);
    expect(m.nodes).toContain(OTHER_HOSTS);
    // A designed blocked/wrong-direction path is shown by its connection's edge, not a finding edge.
    expect(m.edges.filter((e) => e.kind === 'finding').flatMap((e) => e.ports)).not.toContain('1433/tcp');
  });

  it('labels an edge with at most 15 ports; the rest are in the tooltip and the tables', () => {
    const ports = Array.from({ length: 30 }, (_, i) => `${1000 + 2 * i}/tcp`);
    const svg = renderMap({ nodes: ['clients', 'wfo-servers'], edges: [{ key: 'k', from: 'clients', to: 'wfo-servers', ports, kind: 'finding', connections: [], flows: 30 }] });
    const labels = svg.match(/<text [^>]*class="edge-label">[^<]*<\/text>/g)!;
    expect(labels.length).toBe(3);
    expect(labels.join(' ')).toContain('more\u2026');
    expect(labels.join(' ')).not.toContain('1058');
  });

  it('writes ports compactly: ranges for runs, one transport suffix', () => {
    expect(compactPorts(['2012,2013,2014,2015/tcp', '5620/tcp', '5621/tcp', '162/udp', 'icmp'])).toEqual(['2012-2015', '5620', '5621/tcp', '162/udp', 'icmp']);
  });
});

describe('html timeline', () => {
  it('picks a bucket length that gives at most MAX_BUCKETS buckets', () => {
    for (const span of [0, 0.5, 24.9, 59, 600, 3599, 86400, 7 * 86400, 400 * 86400]) {
      const step = bucketStep(span);
      expect(Math.floor(span / step) + 1, `span ${span}`).toBeLessThanOrEqual(MAX_BUCKETS);
    }
    expect(bucketStep(24.9)).toBe(1);
    expect(bucketStep(3600)).toBe(120);
  });

  it('counts every non-ignored flow once, in the bucket of its first packet', () => {
    const r = hostileReport();
    const t = buildTimeline(r)!;
    const total = t.counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(r.flows.filter((f) => f.verdict !== 'ignored').length);
    const blocked = r.flows.filter((f) => f.verdict === 'blocked');
    for (const f of blocked) expect(t.counts[Math.floor((f.first - t.start) / t.step)]!.blocked).toBeGreaterThan(0);
  });

  it('is left out, with a note, when the report carries no flows', () => {
    const r = { ...hostileReport(), flows: [] };
    expect(buildTimeline(r)).toBeNull();
    expect(html(r, OPTS)).toContain('This report carries no flow list, so only the finding paths are drawn.');
  });
});

describe('html findings list', () => {
  it('lists the 20 paths with most flows per verdict and counts the rest; --all lists every path', () => {
    const r = hostileReport();
    const many: FindingPath[] = Array.from({ length: 25 }, (_, i) => ({
      verdict: 'unexpected', connection: null, proto: 'tcp', port: 3389, server: `10.10.1.${i}`, clients: 1, flows: i + 1,
      first: T0 + i, last: T0 + i + 1, reason: 'no rule', reasonCode: 'no-rule', sampleClients: ['10.20.1.9'],
    }));
    r.findings = { groups: [], mismatches: [], paths: many };
    const page = html(r, OPTS);
    const rows = (p: string) => (p.match(/<tr data-path="unexpected\|/g) ?? []).length;
    expect(rows(page)).toBe(20);
    // The five left out are those with fewest flows: 1 + 2 + 3 + 4 + 5 flows.
    expect(page).toContain('<span class="n" data-key="pathsMore.unexpected.paths">5</span> more paths (<span class="n" data-key="pathsMore.unexpected.flows">15</span> flows)');
    expect(page).not.toContain('data-path="unexpected|3389/tcp|10.10.1.0"');
    const doc = JSON.parse(json(r, OPTS)) as AuditReport;
    expect(disagreements(doc, keyedNumbers(page))).toEqual([]);
    const all = html(r, { ...OPTS, all: true });
    expect(rows(all)).toBe(25);
    expect(all).not.toContain('pathsMore');
  });
});

describe('html with capture times no date can hold', () => {
  it('renders (times as seconds, at most MAX_BUCKETS buckets) and its numbers still agree with the JSON', () => {
    // A real pcapng in the corpus has a packet at 2^64 µs (18446744073204 s).
    const r = hostileReport();
    const odd = 18446744073204.277;
    r.stats = { ...r.stats, first: 1422527998.578, last: odd };
    r.flows = r.flows.map((f, i) => (i === 0 ? { ...f, first: odd, last: odd } : f));
    const page = html(r, OPTS);
    expect(page).toContain('18446744073204.277 s');
    const t = buildTimeline(r)!;
    expect(t.counts.length).toBeLessThanOrEqual(MAX_BUCKETS);
    const ticks = (page.match(/<line [^>]*y2="[^"]*"[^>]*stroke="#57606a"\/>/g) ?? []).length;
    expect(ticks).toBeLessThanOrEqual(9);
    const doc = JSON.parse(json(r, OPTS)) as AuditReport;
    expect(disagreements(doc, keyedNumbers(page))).toEqual([]);
  });
});
