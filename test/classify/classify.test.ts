import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { classifyFlow } from '../../src/classify/classify.js';
import { REASON_CODES, type ReasonCode } from '../../src/classify/reasons.js';
import type { AppProto, ClassifiedFlow } from '../../src/classify/types.js';
import { resolveDesign, type ResolvedDesign } from '../../src/design/resolve.js';
import { loadSite, parseSite } from '../../src/design/site.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { flow } from './flows.js';

const sites = fileURLToPath(new URL('../../fixtures/sites/', import.meta.url));
const P = resolveDesign(loadSite(`${sites}premises-all.yaml`));
const H = resolveDesign(loadSite(`${sites}hybrid.yaml`));
const NONE = resolveDesign(null);
const bare = (extra: string) => resolveDesign(parseSite(
  `mode: premises\nhosts:\n  wfo-servers: [10.10.0.10, 10.10.0.11]\n  sql: [10.10.0.20]\n  clients: [10.20.0.0/16]\n${extra}`, 'inline.yaml'));

interface Case { d: ResolvedDesign; f: FlowRecord; app?: AppProto; check: (cf: ClassifiedFlow) => void }

const CASES: Record<ReasonCode, Case> = {
  'expected': { d: P, f: flow('10.10.0.10:50000', '10.10.0.20:1433'), app: 'tds', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'expected', service: 'sql', rule: 'api-server.sql.1433', protocolMismatch: false });
    expect(cf.alsoMatched).toContain('archiver.sql.1433');
    expect(cf.alsoMatched).not.toContain('cti-core.sql.1433'); // pinned to 10.10.0.11
    expect(cf.reason).toBe('sql tcp/1433: matches rule api-server.sql.1433 (wfo-servers -> sql)');
  } },
  'expected-one-sided': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:80', { outcome: 'one-sided', oneSided: true }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'expected', rule: 'web-portal.in.80' });
  } },
  'inconclusive-input-ended': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:2007', { outcome: 'no-reply-yet' }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'inconclusive', rule: 'on-demand.in.2007', service: 'on-demand' });
    expect(cf.reason).toContain('too soon to tell');
  } },
  'inconclusive-one-way': { d: P, f: flow('10.30.0.5:5062', '10.10.0.11:5060', { proto: 'udp', outcome: 'one-way' }), app: 'sip', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'inconclusive', rule: 'survey.in.5060.udp' });
    expect(cf.reason).toContain('not one-way by design');
  } },
  'inconclusive-no-evidence': { d: P, f: flow('10.10.0.10:50000', '10.10.0.20:1433', { outcome: 'unknown' }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'inconclusive', service: 'sql' });
    expect(cf.reason).toContain('no evidence of the outcome');
  } },
  'not-a-site-host': { d: P, f: flow('198.18.0.9:40000', '10.10.0.10:5633', { outcome: 'unanswered' }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: 'screen-recording.in.5633' });
    expect(cf.reason).toContain('198.18.0.9 is not a host of this site');
  } },
  'allowed': { d: P, f: flow('10.10.0.10:53000', '10.10.0.2:53', { proto: 'udp', outcome: 'replied' }), app: 'dns', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'expected', rule: 'allow.dns', service: null });
    expect(cf.reason).toBe('allowed by the site file (allow entry "dns")');
  } },
  'protocol-mismatch': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:80'), app: 'tls', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'expected', rule: 'web-portal.in.80', protocolMismatch: true });
    expect(cf.reason).toContain('the traffic is TLS, not HTTP');
  } },
  'blocked-no-reply': { d: P, f: flow('10.10.0.10:50000', '10.10.0.30:445', { outcome: 'unanswered' }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'blocked', service: 'cifs', rule: 'archiver.cifs.445' });
    expect(cf.reason).toContain('no reply (dropped by a firewall?)');
  } },
  'blocked-refused': { d: P, f: flow('10.20.1.5:50000', '10.10.0.11:6620', { outcome: 'rejected' }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'blocked', service: 'cti-core', rule: 'cti-core.in.6620' });
    expect(cf.reason).toContain('refused by the host (RST)');
  } },
  'blocked-firewall-denied': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:5633', { outcome: 'unknown',
    denied: { event: 'ingress ACL', acl: '0000abcd', exporter: '10.0.0.1' } }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'blocked', reasonCode: 'blocked-firewall-denied' });
    expect(cf.reason).toContain('denied by the firewall 10.0.0.1 (ingress ACL, ACL 0000abcd)');
  } },
  'blocked-admin-prohibited': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:4510', { outcome: 'unanswered',
    icmpErrors: [{ family: 4, type: 3, code: 13, from: '10.20.0.1', count: 2 }] }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'blocked', rule: 'web-media.in.4510' });
    expect(cf.reason).toContain('ICMP administratively prohibited (firewall) from 10.20.0.1');
  } },
  'blocked-port-unreachable': { d: P, f: flow('10.10.0.10:40000', '10.10.0.40:162', { proto: 'udp', outcome: 'unreachable',
    icmpErrors: [{ family: 4, type: 3, code: 3, from: '10.10.0.40', count: 1 }] }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'blocked', service: 'snmp', rule: 'logger.snmp.162' });
    expect(cf.reason).toContain('ICMP port unreachable (service not listening)');
  } },
  'blocked-unreachable': { d: P, f: flow('10.10.0.10:50000', '10.10.0.41:25', { outcome: 'unanswered',
    icmpErrors: [{ family: 4, type: 3, code: 1, from: '10.10.0.1', count: 1 }] }), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'blocked', service: 'smtp', rule: 'logger.smtp.25' });
    expect(cf.reason).toContain('ICMP destination unreachable (host unreachable) from 10.10.0.1');
  } },
  'wrong-direction': { d: P, f: flow('10.10.0.20:50000', '10.10.0.10:1433'), app: 'tds', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'wrong-direction', service: 'sql', rule: 'api-server.sql.1433', protocolMismatch: false });
    expect(cf.reason).toContain('opened by 10.10.0.20, but the design has wfo-servers open it toward sql');
  } },
  'module-not-enabled': { d: bare(''), f: flow('10.20.1.5:50000', '10.10.0.10:5633'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', service: 'screen-recording', rule: 'screen-recording.in.5633' });
    expect(cf.reason).toContain('of module screen-recording, which the site file does not enable');
  } },
  'cloud-not-in-mode': { d: P, f: flow('207.166.100.5:50000', '10.10.0.10:2010'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: null });
    expect(cf.reason).toContain('207.166.100.5) is the WFO cloud, but the site is in premises mode');
  } },
  'mode-inactive': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:443'), app: 'tls', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: 'web-portal.hybrid.443' });
    expect(cf.reason).toContain('applies only in hybrid mode, not premises');
  } },
  'rule-disabled': { d: bare('rules:\n  web-portal.in.80: { enabled: false }\n'), f: flow('10.20.1.5:50000', '10.10.0.10:80'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: 'web-portal.in.80' });
    expect(cf.reason).toContain('which the site file disables');
  } },
  'pinned-elsewhere': { d: P, f: flow('10.20.1.5:50000', '10.10.0.10:6620'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', service: 'cti-core', rule: 'cti-core.in.6620' });
    expect(cf.reason).toBe('tcp/6620 is cti-core (rule cti-core.in.6620), but cti-core is pinned to 10.10.0.11, not 10.10.0.10');
  } },
  'wrong-peer': { d: P, f: flow('10.10.0.10:50000', '10.10.0.40:1433'), app: 'tds', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: 'api-server.sql.1433' });
    expect(cf.reason).toContain('10.10.0.40 is not a sql host');
  } },
  'wrong-host': { d: H, f: flow('207.166.100.9:50000', '10.20.1.5:2010'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: 'connection-pooling.cloud.2010' });
    expect(cf.reason).toContain('10.20.1.5 is not a host that runs connection-pooling (wfo-servers)');
  } },
  'off-design-protocol': { d: P, f: flow('10.10.0.10:50000', '10.10.0.20:14330'), app: 'tds', check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: null, protocolMismatch: true });
    expect(cf.reason).toBe('TDS (SQL Server) on tcp/14330, a port no rule designs for it');
  } },
  'no-rule': { d: P, f: flow('10.10.0.10:50000', '10.10.0.20:9999'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'unexpected', rule: null, service: null, protocolMismatch: false });
  } },
  'out-of-scope': { d: P, f: flow('10.20.1.5:50000', '10.30.0.5:80'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'ignored', rule: null });
  } },
  'no-site': { d: NONE, f: flow('192.0.2.1:50000', '198.51.100.7:9999'), check: (cf) => {
    expect(cf).toMatchObject({ verdict: 'ignored' });
    expect(cf.reason).toContain('no site file given');
  } },
};

describe('one test per reason code', () => {
  it('every reason in reasons.ts has a case', () => {
    expect(Object.keys(CASES).sort()).toEqual([...REASON_CODES].sort());
  });
  for (const [code, c] of Object.entries(CASES)) {
    it(code, () => {
      const cf = classifyFlow(c.f, c.d, c.app ?? 'unknown');
      expect(cf.reasonCode).toBe(code);
      expect(cf.reason).not.toMatch(/\{\w+\}/);
      expect(cf.flow).toBe(c.f);
      c.check(cf);
    });
  }
});

describe('protocol mismatch', () => {
  it('unknown never mismatches; SMB1 is fine where SMB2 is expected', () => {
    expect(classifyFlow(flow('10.20.1.5:1', '10.10.0.10:80'), P, 'unknown').protocolMismatch).toBe(false);
    const smb1 = classifyFlow(flow('10.10.0.10:1', '10.10.0.30:445'), P, 'smb');
    expect(smb1).toMatchObject({ verdict: 'expected', reasonCode: 'expected', protocolMismatch: false });
  });
  it('a rule without an expected protocol never mismatches', () => {
    expect(classifyFlow(flow('10.20.1.5:1', '10.10.0.10:5620'), P, 'tls').protocolMismatch).toBe(false);
  });
  it('HTTP on the SQL port is flagged with both names', () => {
    const cf = classifyFlow(flow('10.10.0.10:1', '10.10.0.20:1433'), P, 'http');
    expect(cf).toMatchObject({ verdict: 'expected', reasonCode: 'protocol-mismatch', protocolMismatch: true });
    expect(cf.reason).toContain('the traffic is HTTP, not TDS (SQL Server)');
  });
  it('a non-WFO protocol on an undesigned port is not a mismatch', () => {
    expect(classifyFlow(flow('10.10.0.10:1', '10.10.0.20:9999'), P, 'http')).toMatchObject({ reasonCode: 'no-rule', protocolMismatch: false });
  });
  it('a wrong-direction flow carrying the wrong protocol keeps its verdict and gets the flag', () => {
    const cf = classifyFlow(flow('10.10.0.20:1', '10.10.0.10:1433'), P, 'http');
    expect(cf).toMatchObject({ verdict: 'wrong-direction', protocolMismatch: true });
    expect(cf.reason).toContain('the traffic is HTTP');
  });
});

describe('other cases', () => {
  it('a server opening a client PC\'s 2007 is wrong-direction', () => {
    expect(classifyFlow(flow('10.10.0.10:50000', '10.20.1.5:2007'), P, 'unknown')).toMatchObject({ verdict: 'wrong-direction', rule: 'on-demand.in.2007' });
  });
  it('a guessed flow is matched the other way round', () => {
    const cf = classifyFlow(flow('10.10.0.20:1433', '10.10.0.10:50000', { guessed: true, outcome: 'partial' }), P, 'unknown');
    expect(cf).toMatchObject({ verdict: 'expected', rule: 'api-server.sql.1433' });
    expect(cf.reason).toContain('tcp/1433');
  });
  it('SIP from the PBX to the CTI Core host matches Survey first and CTI Core too', () => {
    const cf = classifyFlow(flow('10.30.0.5:5060', '10.10.0.11:5060', { proto: 'udp', outcome: 'replied' }), P, 'sip');
    expect(cf).toMatchObject({ verdict: 'expected', rule: 'survey.in.5060.udp' });
    expect(cf.alsoMatched).toEqual(['cti-core.in.5060.udp']);
  });
  it('hybrid: the cloud reaching connection pooling is expected; in premises it is not', () => {
    const f = flow('207.166.100.9:40000', '10.10.0.10:2010');
    expect(classifyFlow(f, H, 'http')).toMatchObject({ verdict: 'expected', service: 'connection-pooling' });
    expect(classifyFlow(f, P, 'http').verdict).toBe('unexpected');
  });
  it('hybrid: a client PC opening the premises server 5633 is expected', () => {
    expect(classifyFlow(flow('10.20.3.3:50000', '10.10.0.10:5633'), H, 'unknown')).toMatchObject({ verdict: 'expected', rule: 'screen-recording.in.5633' });
  });
  it('ICMP echo from a WFO host is unexpected unless allowed', () => {
    const ping = flow('10.10.0.10:0', '10.10.0.20:0', { proto: 'icmp', outcome: 'replied' });
    expect(classifyFlow(ping, P, 'unknown').reasonCode).toBe('no-rule');
    const d = bare('allow:\n  - { name: ping, proto: icmp }\n');
    expect(classifyFlow(ping, d, 'unknown')).toMatchObject({ verdict: 'expected', rule: 'allow.ping' });
  });
  it('IPv6 hosts match by words', () => {
    const d = resolveDesign(parseSite('mode: premises\nhosts:\n  wfo-servers: ["2001:db8::10"]\n  sql: ["2001:db8:20::/64"]\n', 'v6.yaml'));
    const f = flow('0.0.0.0:50000', '0.0.0.0:1433', { family: 6, clientIp: '2001:db8::10', serverIp: '2001:db8:20::5',
      clientWords: [0x20010db8, 0, 0, 0x10], serverWords: [0x20010db8, 0x00200000, 0, 5] });
    expect(classifyFlow(f, d, 'tds')).toMatchObject({ verdict: 'expected', rule: 'api-server.sql.1433' });
  });
  it('a port override moves the rule', () => {
    const d = bare('ports:\n  web-portal: 8080\n');
    expect(classifyFlow(flow('10.20.1.5:1', '10.10.0.10:8080'), d, 'http')).toMatchObject({ verdict: 'expected', rule: 'web-portal.in.80' });
    expect(classifyFlow(flow('10.20.1.5:1', '10.10.0.10:80'), d, 'http').verdict).toBe('unexpected');
  });
  it('a direction override turns the reading around', () => {
    const d = resolveDesign(parseSite('mode: hybrid\nhosts: { wfo-servers: [10.10.0.10] }\nrules:\n  connection-pooling.cloud.2010: { direction: outbound }\n', 'o.yaml'));
    expect(classifyFlow(flow('10.10.0.10:1', '207.166.100.9:2010'), d, 'http').verdict).toBe('expected');
    expect(classifyFlow(flow('207.166.100.9:1', '10.10.0.10:2010'), d, 'http').verdict).toBe('wrong-direction');
  });
});

describe('no site file', () => {
  it('designed ports match with any host in any role', () => {
    expect(classifyFlow(flow('192.0.2.1:50000', '198.51.100.7:1433'), NONE, 'tds')).toMatchObject({ verdict: 'expected', service: 'sql' });
    expect(classifyFlow(flow('192.0.2.1:50000', '198.51.100.7:5672', { outcome: 'unanswered' }), NONE, 'unknown')).toMatchObject({ verdict: 'blocked', service: 'rabbitmq' });
  });
  it('a WFO protocol on an undesigned port is still reported', () => {
    expect(classifyFlow(flow('192.0.2.1:50000', '198.51.100.7:14330'), NONE, 'tds')).toMatchObject({ verdict: 'unexpected', reasonCode: 'off-design-protocol', protocolMismatch: true });
  });
});

describe('nearest rule', () => {
  it('a WFO server browsing the web on 80 is no-rule, not a web-portal fault', () => {
    expect(classifyFlow(flow('10.10.0.10:50000', '93.184.216.34:80'), P, 'http').reasonCode).toBe('no-rule');
  });
  it('one WFO server opening another one\'s On-Demand port: the opener is not a client PC', () => {
    const cf = classifyFlow(flow('10.10.0.11:50000', '10.10.0.10:2007'), P, 'unknown');
    expect(cf).toMatchObject({ reasonCode: 'wrong-peer', rule: 'on-demand.in.2007' });
    expect(cf.reason).toContain('10.10.0.11 is not a clients host');
  });
});

describe('the arrow of a reason points from the opener to the end it contacted', () => {
  it('inbound, outbound and either-end rules', () => {
    // inbound: a PC opened a WFO server's 5620
    expect(classifyFlow(flow('10.20.0.5:50000', '10.10.0.10:5620'), P, 'unknown').reason).toBe('api-server tcp/5620: matches rule api-server.in.5620 (wfo-servers or clients -> wfo-servers)');
    // outbound: a WFO server opened SQL
    expect(classifyFlow(flow('10.10.0.10:50000', '10.10.0.20:1433'), P, 'unknown').reason).toMatch(/ \(wfo-servers -> sql\)$/);
    // either end opens (comet-daemon.pc.6505, host clients): the server opening the PC, then the PC opening the server
    expect(classifyFlow(flow('10.10.0.10:50000', '10.20.0.5:6505'), P, 'unknown').reason).toBe('comet-daemon tcp/6505: matches rule comet-daemon.pc.6505 (wfo-servers -> clients)');
    expect(classifyFlow(flow('10.20.0.5:50001', '10.10.0.11:6505'), P, 'unknown').reason).toMatch(/ -> wfo-servers\)$/);
  });
});

describe('allow entries', () => {
  it('a failed allowed flow is blocked and names the entry', () => {
    const cf = classifyFlow(flow('10.10.0.10:53000', '10.10.0.2:53', { proto: 'udp', outcome: 'unreachable',
      icmpErrors: [{ family: 4, type: 3, code: 3, from: '10.10.0.2', count: 1 }] }), P, 'unknown');
    expect(cf).toMatchObject({ verdict: 'blocked', reasonCode: 'blocked-port-unreachable', rule: 'allow.dns' });
    expect(cf.reason).toBe('dns udp/53 (rule allow.dns): ICMP port unreachable (service not listening) from 10.10.0.2');
  });
  it('a port range, a port list and proto any match as written (docs/site-file.md)', () => {
    const d = bare([
      'allow:',
      '  - { name: dc-tcp, proto: tcp, ports: [88, 389, "49152-65535"], from: [10.10.0.10], to: [10.10.0.2] }',
      '  - { name: jump-host, proto: any, from: [10.10.0.99], to: [10.10.0.10] }', '',
    ].join('\n'));
    const ok = {};
    const udp = { proto: 'udp' as const, outcome: 'replied' as const };
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:50000', ok), d, 'unknown')).toMatchObject({ verdict: 'expected', rule: 'allow.dc-tcp' });
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:49152', ok), d, 'unknown').rule).toBe('allow.dc-tcp');
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:65535', ok), d, 'unknown').rule).toBe('allow.dc-tcp');
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:389', ok), d, 'unknown').rule).toBe('allow.dc-tcp');
    // Outside the list and range, or on the other transport: not allowed.
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:49151', ok), d, 'unknown').reasonCode).toBe('no-rule');
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:390', ok), d, 'unknown').reasonCode).toBe('no-rule');
    expect(classifyFlow(flow('10.10.0.10:40000', '10.10.0.2:50000', udp), d, 'unknown').reasonCode).toBe('no-rule');
    // proto any: tcp and udp on any port, between its ends only.
    expect(classifyFlow(flow('10.10.0.99:50000', '10.10.0.10:3389', ok), d, 'unknown')).toMatchObject({ verdict: 'expected', rule: 'allow.jump-host' });
    expect(classifyFlow(flow('10.10.0.99:50000', '10.10.0.10:161', udp), d, 'unknown').rule).toBe('allow.jump-host');
    expect(classifyFlow(flow('10.10.0.98:50000', '10.10.0.10:3389', ok), d, 'unknown').rule).not.toBe('allow.jump-host');
  });
  it('a range is no direction hint (it overlaps every client\'s own ports); a single allow port is', () => {
    const d = bare('allow:\n  - { name: rpc, proto: tcp, ports: [135, "49152-65535"] }\n');
    expect(d.serverPortHint[135]! & 1).toBe(1);
    expect(d.serverPortHint[50000]).toBe(0);
  });
  it('an allow entry limited to some hosts does not cover others', () => {
    expect(classifyFlow(flow('10.10.0.10:53000', '10.10.0.3:53', { proto: 'udp', outcome: 'replied' }), P, 'dns').reasonCode).toBe('no-rule');
  });
});
