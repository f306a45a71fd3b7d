/**
 * The inference on hand-made evidence: attempts count, pins, clients summarised without
 * covering another role, conflicts become CHECK lines, public web servers are not WFO servers.
 */
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../src/design/address.js';
import { parseSite } from '../../src/design/site.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { findConflicts } from '../../src/classify/conflicts.js';
import { inferSite, type Draft } from '../../src/discover/infer.js';
import { renderDraft } from '../../src/discover/render.js';
import type { Tuple } from '../../src/discover/evidence.js';
import { networkOf, summariseClients } from '../../src/discover/summarise.js';

const T0 = Date.UTC(2026, 0, 15, 8, 30) / 1000;

function words(ip: string): number[] {
  const a = parseAddress(ip);
  if (typeof a === 'string') throw new Error(a);
  return [...a.words];
}

/** One tuple; `outcome` says how its flows went. */
function tup(client: string, server: string, port: number, opts: { proto?: 'tcp' | 'udp'; flows?: number; outcome?: 'answered' | 'attempt' | 'one-way' | 'unknown'; at?: number; samePort?: boolean } = {}): Tuple {
  const flows = opts.flows ?? 1;
  const o = opts.outcome ?? 'answered';
  return {
    proto: opts.proto ?? 'tcp', family: client.includes(':') ? 6 : 4, client, server,
    clientWords: words(client), serverWords: words(server), port, flows,
    samePort: opts.samePort ? flows : 0, answered: o === 'answered' ? flows : 0, unknown: o === 'unknown' ? flows : 0, attempts: o === 'attempt' ? flows : 0, oneWay: o === 'one-way' ? flows : 0,
    apps: new Set(), first: T0 + (opts.at ?? 0), last: T0 + (opts.at ?? 0) + 1,
  };
}

function draftOf(ts: Tuple[]): Draft {
  return inferSite(ts, ts.reduce((n, t) => n + t.flows, 0), T0, T0 + 60);
}

function values(d: Draft, role: keyof Draft['hosts']): string[] {
  return d.hosts[role].map((i) => i.value);
}

describe('roles from behaviour', () => {
  it('a server whose every connection was refused or unanswered is still a server, marked attempts only', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 5633, { outcome: 'attempt', flows: 4 }),
      tup('10.20.1.6', '10.10.0.10', 5633, { outcome: 'attempt' }),
      tup('10.10.0.10', '10.10.0.20', 1433, { outcome: 'attempt' }),
    ]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10']);
    expect(d.hosts['wfo-servers'][0]!.comment).toContain('attempts only');
    expect(d.hosts['wfo-servers'][0]!.confidence).toBe('low');
    expect(values(d, 'sql')).toEqual(['10.10.0.20']);
    expect(values(d, 'clients')).toEqual(['10.20.1.0/24']);
    expect(d.modules.map((m) => m.value)).toEqual(['screen-recording']);
  });

  it('an unanswered SYN to the cloud range still says hybrid, with a CHECK naming it', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 80, { flows: 3 }),
      tup('10.10.0.10', '207.166.101.7', 2010, { outcome: 'attempt' }),
    ]);
    expect(d.mode.value).toBe('hybrid');
    expect(d.mode.comment).toContain('attempts only');
    expect(d.mode.checks.join('\n')).toContain('10.10.0.10 -> 207.166.101.7:2010/tcp');
  });

  it('the sender of SIP to 5060 is the PBX; 445, 162/udp and 25 make the dependencies', () => {
    const d = draftOf([
      tup('10.30.0.5', '10.10.0.11', 5060, { proto: 'udp' }),
      tup('10.10.0.11', '10.10.0.30', 445),
      tup('10.10.0.11', '10.10.0.40', 162, { proto: 'udp', outcome: 'one-way' }),
      tup('10.10.0.11', '10.10.0.41', 25),
    ]);
    expect(values(d, 'pbx')).toEqual(['10.30.0.5']);
    expect(values(d, 'file-server')).toEqual(['10.10.0.30']);
    expect(values(d, 'snmp-manager')).toEqual(['10.10.0.40']);
    expect(values(d, 'smtp-relay')).toEqual(['10.10.0.41']);
    // a one-way trap is delivered as far as anyone can tell: not "attempts only"
    expect(d.hosts['snmp-manager'][0]!.comment).not.toContain('attempts only');
  });

  it('a host that looks like two roles gets one, and a CHECK names the other evidence', () => {
    const d = draftOf([
      tup('10.10.0.10', '10.10.0.20', 1433, { flows: 2 }),
      tup('10.10.0.11', '10.10.0.20', 1433),
      tup('10.10.0.10', '10.10.0.20', 5672),
      tup('10.20.1.5', '10.10.0.10', 80),
      tup('10.20.1.5', '10.10.0.11', 4510),
    ]);
    expect(values(d, 'sql')).toEqual(['10.10.0.20']);
    expect(values(d, 'wfo-servers')).not.toContain('10.10.0.20');
    expect(d.hosts.sql[0]!.checks.join('\n')).toContain('10.10.0.10 -> 10.10.0.20:5672/tcp');
  });

  it('a WFO server opening a port only clients open makes the listener a client (wrong direction, CHECK)', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 4510),
      tup('10.20.1.6', '10.10.0.10', 943),
      tup('10.10.0.10', '10.20.2.9', 4510),
    ]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10']);
    expect(values(d, 'clients')).toContain('10.20.2.9');
    expect(d.hosts.clients.flatMap((c) => c.checks).join('\n')).toContain('10.10.0.10 -> 10.20.2.9:4510/tcp');
  });

  it('a WFO port carrying a protocol its rules do not expect gets a CHECK on the listener', () => {
    const tls = tup('10.20.1.6', '10.10.0.10', 80);
    tls.apps.add('tls');
    const d = draftOf([tup('10.20.1.5', '10.10.0.10', 4510), tls]);
    expect(d.hosts['wfo-servers'][0]!.checks.join('\n')).toMatch(/10\.20\.1\.6 -> 10\.10\.0\.10:80\/tcp carried TLS, not HTTP/);
  });

  it('a host that only opened a WFO server\'s 1433 is drafted as sql opening the wrong way (CHECK)', () => {
    const d = draftOf([tup('10.20.1.5', '10.10.0.10', 80), tup('10.10.0.20', '10.10.0.10', 1433)]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10']);
    expect(values(d, 'sql')).toEqual(['10.10.0.20']);
    expect(d.hosts.sql[0]!.checks.join('\n')).toMatch(/10\.10\.0\.20 -> 10\.10\.0\.10:1433\/tcp: .*wrong-direction/);
  });

  it('public addresses that only ever tried a WFO port (a scan) are not clients; answered public clients stand alone', () => {
    const ts = [tup('10.20.1.5', '10.10.0.10', 5633), tup('10.20.1.6', '10.10.0.10', 5633)];
    for (let i = 1; i <= 50; i++) ts.push(tup(`198.51.100.${i}`, '10.10.0.10', 5633, { outcome: 'attempt' }));
    ts.push(tup('203.0.113.7', '10.10.0.10', 4510), tup('203.0.113.8', '10.10.0.10', 4510));
    const d = draftOf(ts);
    expect(values(d, 'clients')).toEqual(['10.20.1.0/24', '203.0.113.7', '203.0.113.8']);
    expect(d.notes.join('\n')).toMatch(/CHECK: 50 public addresses only tried WFO ports .*198\.51\.100\.1 -> 10\.10\.0\.10:5633\/tcp/);
  });

  it('IPv6 has no "public": a LAN numbered with global addresses keeps its clients, attempts or not', () => {
    const d = draftOf([
      tup('2001:db8:20::5', '2001:db8:10::10', 5633, { outcome: 'attempt' }),
      tup('2001:db8:20::6', '2001:db8:10::10', 5633, { outcome: 'attempt' }),
    ]);
    expect(values(d, 'clients')).toEqual(['2001:db8:20::/64']);
    expect(d.notes).toEqual([]);
  });

  it('flow records with no outcome (no TCP flags) are evidence, not attempts: public clients stay, nothing says attempts only', () => {
    const d = draftOf([
      tup('203.0.113.7', '10.10.0.10', 4510, { outcome: 'unknown' }),
      tup('10.20.1.5', '10.10.0.10', 943, { outcome: 'unknown', flows: 3 }),
    ]);
    expect(values(d, 'clients')).toEqual(['10.20.1.5', '203.0.113.7']);
    expect(d.hosts['wfo-servers'][0]!.comment).toContain('4 with no outcome known');
    expect(d.hosts['wfo-servers'][0]!.comment).not.toContain('attempts only');
  });

  it('SIP 5060 <-> 5060 seen the wrong way round (flow records) is turned round: the server is not the PBX', () => {
    const d = draftOf([
      tup('10.10.0.11', '10.30.0.5', 5060, { proto: 'udp', samePort: true }),
      tup('10.10.0.11', '10.10.0.20', 1433),
    ]);
    expect(values(d, 'pbx')).toEqual(['10.30.0.5']);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.11']);
  });

  it('a port scanner on the LAN is not drafted in any role (CHECK), a client beside it is', () => {
    const ts = [tup('10.20.1.5', '10.10.0.10', 4510), tup('10.20.1.6', '10.10.0.10', 943)];
    for (const port of [21, 22, 23, 25, 53, 80, 110, 135, 139, 443, 445, 943, 1024, 1433, 2007, 3389, 4510, 5620, 5633, 5685, 6620, 8080]) {
      ts.push(tup('10.20.1.66', '10.10.0.10', port, { outcome: 'attempt' }));
    }
    const d = draftOf(ts);
    expect(values(d, 'clients')).toEqual(['10.20.1.0/24']);
    expect(d.hosts.clients[0]!.comment).toContain('2 hosts (10.20.1.5, 10.20.1.6)');
    expect(d.notes.join('\n')).toMatch(/CHECK: 10\.20\.1\.66 tried 22 ports, nearly all never answered \(a port scanner\?\)/);
  });

  it('a WFO server opening 2010 on hosts outside the cloud range: they are not drafted as servers, a CHECK asks about cloud:', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 4510), tup('10.20.1.6', '10.10.0.10', 943),
      tup('10.10.0.10', '198.51.100.20', 2010), tup('10.10.0.10', '198.51.100.21', 2010),
    ]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10']);
    expect(d.mode.value).toBe('premises');
    expect(d.notes.join('\n')).toMatch(/CHECK: WFO servers opened 2010, .* on 2 hosts outside the cloud range \(10\.10\.0\.10 -> 198\.51\.100\.20:2010\/tcp/);
  });

  it('public web servers are not WFO servers', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 4510),
      tup('10.20.1.5', '93.184.216.34', 443, { flows: 9 }),
      tup('10.20.1.6', '93.184.216.34', 80),
    ]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10']);
    expect(d.notes.join('\n')).toContain('1 public address accepted only 80/443');
    expect(d.notes.join('\n')).toContain('93.184.216.34');
  });

  it('traffic only on 80/443 drafts WFM v2; premises ports draft premises', () => {
    const v2 = draftOf([tup('10.20.1.5', '10.10.0.10', 443, { flows: 3 }), tup('10.20.1.6', '10.10.0.10', 80)]);
    expect(v2.mode.value).toBe('wfm-v2');
    expect(v2.modules).toEqual([]);
    const prem = draftOf([tup('10.20.1.5', '10.10.0.10', 80), tup('10.10.0.10', '10.10.0.20', 1433)]);
    expect(prem.mode.value).toBe('premises');
  });
});

describe('hosts that are probably not WFO servers', () => {
  it('a host accepting only 80/443 beside servers with WFO ports of their own is left out, with a CHECK', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 4510),
      tup('10.20.1.6', '10.10.0.10', 80),
      tup('10.20.1.5', '10.20.1.50', 80, { flows: 5 }),
    ]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10']);
    expect(values(d, 'clients')).toEqual(['10.20.1.0/24']);
    expect(d.notes.join('\n')).toContain('CHECK: 10.20.1.50 accepted only 80/443 (10.20.1.5 -> 10.20.1.50:80/tcp)');
  });

  it('...unless it also opens the WFO dependencies: then it is a WFO web server', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 4510),
      tup('10.10.0.10', '10.10.0.20', 1433),
      tup('10.20.1.5', '10.10.0.12', 80, { flows: 5 }),
      tup('10.10.0.12', '10.10.0.20', 1433),
    ]);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10', '10.10.0.12']);
    expect(d.hosts['wfo-servers'][1]!.comment).toContain('accepts 80/tcp from 10.20.1.5');
    expect(d.notes.join('\n')).not.toContain('10.10.0.12');
  });

  it('a host opening only a dependency port from outside the servers\' networks is left out, with a CHECK', () => {
    const d = draftOf([
      tup('10.20.1.5', '10.10.0.10', 4510),
      tup('10.10.0.10', '10.10.0.30', 445),
      tup('10.10.0.11', '10.10.0.30', 445),
      tup('10.50.7.8', '10.10.0.30', 445),
    ]);
    expect(values(d, 'file-server')).toEqual(['10.10.0.30']);
    expect(values(d, 'wfo-servers')).toEqual(['10.10.0.10', '10.10.0.11']);
    expect(d.hosts['wfo-servers'][1]!.checks.join('\n')).toContain('only from connections it opened');
    expect(d.notes.join('\n')).toContain('10.50.7.8 -> 10.10.0.30:445/tcp');
  });
});

describe('at scale', () => {
  it('4,000 clients in 16 /24s and 4,000 PCs on the file share draft 16 client blocks and one CHECK line', () => {
    const ts: Tuple[] = [];
    for (let i = 0; i < 4000; i++) {
      const pc = `10.20.${i % 16}.${1 + Math.floor(i / 16)}`;
      ts.push(tup(pc, '10.10.0.10', 4510), tup(pc, '10.10.0.11', 80, { at: i }));
      ts.push(tup(`10.60.${i % 16}.${1 + Math.floor(i / 16)}`, '10.10.0.30', 445));
    }
    ts.push(tup('10.10.0.10', '10.10.0.30', 445));
    const d = draftOf(ts);
    expect(values(d, 'clients')).toHaveLength(16);
    expect(values(d, 'clients')[0]).toBe('10.20.0.0/24');
    expect(d.notes.filter((n) => n.includes('4000 hosts outside the servers'))).toHaveLength(1);
    expect(renderDraft(d, ['big.pcap']).split('\n').length).toBeLessThan(200);
  });

  it('a /24 of PCs that all opened only ports any host may open gets a few CHECK lines and the rest summed up', () => {
    const ts = [tup('10.20.1.1', '10.10.0.10', 4510)];
    for (let i = 2; i <= 101; i++) ts.push(tup(`10.20.1.${i}`, '10.10.0.10', 5621));
    const d = draftOf(ts);
    const block = d.hosts.clients.find((c) => c.value === '10.20.1.0/24')!;
    expect(block.checks).toHaveLength(9);
    expect(block.checks[8]).toMatch(/^92 more hosts of 10\.20\.1\.0\/24 had CHECK lines like these: 10\.20\.1\.10, /);
  });
});

describe('pins', () => {
  it('a service seen on one of two well-observed servers is pinned there; shared ones are not', () => {
    const d = draftOf([
      tup('10.10.0.11', '10.10.0.10', 5685),
      tup('10.20.1.5', '10.10.0.10', 6620),
      tup('10.20.1.5', '10.10.0.10', 80),
      tup('10.20.1.5', '10.10.0.11', 80),
      tup('10.20.1.5', '10.10.0.11', 4510),
      tup('10.20.1.6', '10.10.0.11', 943),
    ]);
    const pins = Object.fromEntries(d.services.map((s) => [s.service, s.items.map((i) => i.value)]));
    expect(pins['cti-core']).toEqual(['10.10.0.10']);
    expect(pins['web-media']).toEqual(['10.10.0.11']);
    expect(pins['web-portal']).toBeUndefined();
  });

  it('SIP on a server with no CTI Core port pins Survey there and CTI Core to its own server (no 5060 conflict)', () => {
    const d = draftOf([
      tup('10.10.0.11', '10.10.0.10', 5685),
      tup('10.20.1.5', '10.10.0.10', 6620),
      tup('10.30.0.5', '10.10.0.12', 5060, { proto: 'udp' }),
      tup('10.20.1.5', '10.10.0.12', 80),
    ]);
    const pins = Object.fromEntries(d.services.map((s) => [s.service, s.items.map((i) => i.value)]));
    expect(pins['cti-core']).toEqual(['10.10.0.10']);
    expect(pins.survey).toEqual(['10.10.0.12']);
    const site = parseSite(renderDraft(d, ['x.pcap']), 'draft.yaml');
    const design = resolveDesign(site);
    expect(findConflicts(design).filter((c) => c.kind === 'survey-cti-core-port')).toEqual([]);
  });

  it('no pin when the other server was seen on too few ports to tell', () => {
    const d = draftOf([
      tup('10.10.0.11', '10.10.0.10', 5685),
      tup('10.20.1.5', '10.10.0.10', 6620),
      tup('10.20.1.5', '10.10.0.11', 80),
    ]);
    expect(d.services.find((s) => s.service === 'cti-core')).toBeUndefined();
  });
});

describe('clients summarised', () => {
  it('to a /24 when two clients share it and no other role lives there, else single hosts', () => {
    expect(summariseClients(['10.20.1.5', '10.20.1.6', '10.20.2.7'], ['10.10.0.10']).map((b) => b.text))
      .toEqual(['10.20.1.0/24', '10.20.2.7']);
    expect(summariseClients(['10.20.1.5', '10.20.1.6'], ['10.20.1.10']).map((b) => b.text))
      .toEqual(['10.20.1.5', '10.20.1.6']);
  });

  it('IPv6 clients to a /64', () => {
    expect(networkOf('2001:db8:1::100')).toBe('2001:db8:1::/64');
    expect(summariseClients(['2001:db8:1::100', '2001:db8:1::101'], ['2001:db8:2::10']).map((b) => b.text)).toEqual(['2001:db8:1::/64']);
  });

  it('a /24 that would cover a server becomes single hosts in the draft, which loads with no overlap', () => {
    const d = draftOf([
      tup('10.10.0.50', '10.10.0.10', 4510),
      tup('10.10.0.51', '10.10.0.10', 943),
    ]);
    expect(values(d, 'clients')).toEqual(['10.10.0.50', '10.10.0.51']);
    const site = parseSite(renderDraft(d, ['x.pcap']), 'draft.yaml');
    expect(site.hosts.clients.map((a) => a.text)).toEqual(['10.10.0.50', '10.10.0.51']);
  });
});

describe('rendering', () => {
  it('an input name with a newline cannot end a comment and add a key', () => {
    const d = draftOf([tup('10.20.1.5', '10.10.0.10', 4510), tup('10.20.1.6', '10.10.0.10', 943)]);
    const site = parseSite(renderDraft(d, ['evil\nmode: wfm-v2\n.pcap']), 'draft.yaml');
    expect(site.mode).toBe('premises');
  });

  it('times no calendar holds are written as numbers, not an internal error', () => {
    const t = tup('10.20.1.5', '10.10.0.10', 4510);
    t.first = 1e15;
    t.last = 1e15;
    const d = inferSite([t], 1, 1e15, 1e15);
    const text = renderDraft(d, ['odd.pcapng']);
    expect(text).toContain('1000000000000000 s since 1970');
    expect(parseSite(text, 'draft.yaml').hosts['wfo-servers'].map((a) => a.text)).toEqual(['10.10.0.10']);
  });

  it('a draft with no traffic at all still loads', () => {
    const d = inferSite([], 0, NaN, NaN);
    const site = parseSite(renderDraft(d, ['empty.pcap']), 'draft.yaml');
    expect(site.mode).toBe('premises');
    expect(site.hosts['wfo-servers']).toEqual([]);
    expect(d.mode.checks.join('\n')).toContain('no flow on a WFO port was seen');
  });
});

describe('never sends a packet', () => {
  it('no module of discover imports networking or name lookup', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/discover/', import.meta.url);
    const files = [...readdirSync(dir).map((f) => new URL(f, dir)), new URL('../../src/pipeline/discover.ts', import.meta.url)];
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, String(f)).not.toMatch(/from '(node:)?(dns|net|dgram|http|https|tls)(\/promises)?'/);
    }
  });
});
