import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSite, parseSite } from '../../src/design/site.js';
import { SiteFileError } from '../../src/errors.js';

const sites = fileURLToPath(new URL('../../fixtures/sites/', import.meta.url));
const bad = `${sites}bad/`;

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SiteFileError);
    return (e as Error).message;
  }
  throw new Error('expected a SiteFileError');
}

describe('site file fixtures', () => {
  it('premises-all is the issue 4 example', () => {
    const s = loadSite(`${sites}premises-all.yaml`);
    expect(s.mode).toBe('premises');
    expect(s.modules).toEqual(['screen-recording', 'desktop-analytics', 'survey', 'speech-analytics', 'on-demand']);
    expect(s.hosts['wfo-servers'].map((a) => a.text)).toEqual(['10.10.0.10', '10.10.0.11']);
    expect(s.hosts.clients[0]).toMatchObject({ family: 4, prefix: 16, words: [0x0a140000] });
    expect(s.services['cti-core']!.map((a) => a.text)).toEqual(['10.10.0.11']);
    expect(s.allow).toHaveLength(1);
    expect(s.allow[0]).toMatchObject({ name: 'dns', proto: 'udp', ports: [{ lo: 53, hi: 53 }] });
    expect(s.cloud.map((a) => a.text)).toEqual(['207.166.100.0/23']);
    expect(s.ports).toEqual({});
  });
  it('hybrid and wfm-v2 load', () => {
    expect(loadSite(`${sites}hybrid.yaml`).mode).toBe('hybrid');
    const v2 = loadSite(`${sites}wfm-v2.yaml`);
    expect(v2.mode).toBe('wfm-v2');
    expect(v2.hosts.sql).toEqual([]);
  });
  it('the demo site file equals premises-all apart from comments', () => {
    const demo = loadSite(fileURLToPath(new URL('../../fixtures/demo/site.yaml', import.meta.url)));
    const p = loadSite(`${sites}premises-all.yaml`);
    expect({ ...demo, path: '', hostsAt: null, cloudAt: null }).toEqual({ ...p, path: '', hostsAt: null, cloudAt: null });
  });
});

describe('overrides', () => {
  it('a service-id port override moves the listener rule only', () => {
    const s = parseSite('mode: premises\nhosts: { wfo-servers: [10.0.0.1] }\nports:\n  web-portal: 8080\n  survey: 5070\n', 's.yaml');
    expect(s.ports).toEqual({ 'web-portal.in.80': [8080], 'survey.in.5060.udp': [5070], 'survey.in.5060.tcp': [5070] });
  });
  it('a list keeps WFM v1 second portal port; a rule id gives the integration ports', () => {
    const s = parseSite('mode: premises\nhosts: { wfo-servers: [10.0.0.1] }\nports:\n  web-portal: [80, 8080]\n  cti-core.integration: [4000, 4001]\n', 's.yaml');
    expect(s.ports['web-portal.in.80']).toEqual([80, 8080]);
    expect(s.ports['cti-core.integration']).toEqual([4000, 4001]);
  });
  it('IPv6 hosts and a cloud override compile to words', () => {
    const s = parseSite('mode: hybrid\nhosts: { wfo-servers: ["2001:db8::10"] }\ncloud: [198.51.100.0/24]\n', 's.yaml');
    expect(s.hosts['wfo-servers'][0]).toMatchObject({ family: 6, prefix: 128, words: [0x20010db8, 0, 0, 0x10] });
    expect(s.cloud.map((a) => a.text)).toEqual(['198.51.100.0/24']);
  });
  it('allow: takes a port, a range, lists of both (sorted, overlaps merged) and proto any', () => {
    const s = parseSite([
      'mode: premises', 'hosts: { wfo-servers: [10.0.0.1] }', 'allow:',
      '  - { name: one, proto: udp, port: 53 }',
      '  - { name: range, proto: tcp, port: "49152-65535" }',
      '  - { name: list, proto: tcp, ports: [389, 88, 49152-65535, "60000-60010", 88] }',
      '  - { name: jump, proto: any, from: [10.0.0.9] }',
      '  - { name: ping, proto: icmp }', '',
    ].join('\n'), 's.yaml');
    expect(s.allow.map((a) => [a.name, a.proto, a.ports])).toEqual([
      ['one', 'udp', [{ lo: 53, hi: 53 }]],
      ['range', 'tcp', [{ lo: 49152, hi: 65535 }]],
      ['list', 'tcp', [{ lo: 88, hi: 88 }, { lo: 389, hi: 389 }, { lo: 49152, hi: 65535 }]],
      ['jump', 'any', []],
      ['ping', 'icmp', []],
    ]);
  });
  it('a list under port: says it belongs under ports:', () => {
    expect(() => parseSite('mode: premises\nhosts: { wfo-servers: [10.0.0.1] }\nallow:\n  - { name: dc, proto: tcp, port: [88, 389] }\n', 's.yaml'))
      .toThrow('s.yaml:4:35: allow[0].port: expected one port or range, got a list (a list goes under ports: ports: [53, "49152-65535"])');
  });
  it('rules overrides are kept', () => {
    const s = parseSite('mode: hybrid\nhosts: { wfo-servers: [10.0.0.1] }\nrules:\n  connection-pooling.cloud.2010: { direction: outbound }\n', 's.yaml');
    expect(s.rules['connection-pooling.cloud.2010']).toEqual({ direction: 'outbound' });
  });
});

const BAD: Record<string, string> = {
  'unknown-key.yaml': '5:1: firewall: unknown key "firewall" (expected one of: mode, modules, hosts, services, ports, allow, cloud, rules)',
  'bad-address.yaml': '3:29: hosts.wfo-servers[1]: "10.10.0.300" is not an IPv4 address or CIDR',
  'cidr-host-bits.yaml': '4:13: hosts.clients[0]: "10.20.0.1/16" has host bits set (the network is 10.20.0.0/16)',
  'unknown-service.yaml': '5:3: services.cti-kore: unknown service "cti-kore" (expected one of: web-portal, api-server, archiver, cti-core, rabbitmq, comet-daemon, info-broker, logger, service-manager, transcoder, web-media, speech-analytics, desktop-analytics, on-demand, screen-recording, survey, connection-pooling, wfm-v2)',
  'unknown-module.yaml': '2:19: modules[1]: "quality-management" is not one of: screen-recording, desktop-analytics, survey, speech-analytics, on-demand',
  'unknown-role.yaml': '4:3: hosts.printers: unknown key "printers" (expected one of: wfo-servers, sql, file-server, clients, pbx, snmp-manager, smtp-relay)',
  'port-out-of-range.yaml': '5:15: ports.web-portal: port 70000 is out of range 1..65535',
  'wrong-type.yaml': '3:16: hosts.wfo-servers: expected a list, got "10.10.0.10"',
  'not-yaml.yaml': '4:3: (yaml): not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  'empty.yaml': '1:1: (root): the site file is empty (it needs at least `mode:` and `hosts:`)',
  'bad-mode.yaml': '1:7: mode: "cloud" is not one of: premises, hybrid, wfm-v2',
  'unknown-rule.yaml': '5:3: rules.cti-core.in.9999: unknown rule id "cti-core.in.9999" (see `wfo-audit design` for rule ids)',
  'ambiguous-port-override.yaml': '5:3: ports.api-server: service "api-server" has several ports (5620, 5621, 2012): override by rule id',
  'ipv6-host-bits.yaml': '4:13: hosts.clients[0]: "2001:db8:20::1/48" has host bits set (the network is 2001:db8:20::/48)',
  'missing-mode.yaml': '1:1: mode: missing (one of: premises, hybrid, wfm-v2)',
  'allow-without-port.yaml': '5:25: allow[0].proto: a udp allow entry needs a port',
  'allow-range-backwards.yaml': '5:43: allow[0].ports[1]: the range "65535-49152" runs backwards (write "49152-65535")',
  'allow-range-out-of-range.yaml': '5:43: allow[0].ports[1]: port 70000 is out of range 1..65535',
  'allow-port-not-a-number.yaml': '5:36: allow[0].port: "dns" is not a port or a range (write 53 or "49152-65535")',
  'allow-port-and-ports.yaml': '5:40: allow[0].ports: give port or ports, not both',
  'allow-any-with-ports.yaml': '5:29: allow[0].ports: a proto any allow entry takes no port (it allows every protocol)',
  'allow-any-without-ends.yaml': '5:32: allow[0].proto: a proto any allow entry needs to: or from: (without either it allows all traffic)',
  'allow-empty-ports.yaml': '5:37: allow[0].ports: the list is empty',
  'allow-port-mapping.yaml': '5:38: allow[0].ports[0]: expected a port number or a range "LOW-HIGH", got a mapping',
  'list-root.yaml': '1:1: (root): expected a mapping of keys (mode, hosts, ...), got a list',
  'dependency-pinned.yaml': '5:3: services.sql: "sql" is a shared dependency, not a WFO service: list its hosts under hosts (sql)',
  'duplicate-key.yaml': '4:1: (yaml): not valid YAML: Map keys must be unique',
};

describe('bad site files: one line each, FILE:LINE:COL: key.path: what', () => {
  it('every bad fixture has an expectation', () => {
    expect(readdirSync(bad).sort()).toEqual(Object.keys(BAD).sort());
  });
  for (const [file, want] of Object.entries(BAD)) {
    it(file, () => {
      const msg = errorOf(() => loadSite(`${bad}${file}`));
      expect(msg).not.toContain('\n');
      expect(msg.startsWith(`${bad}${file}:`)).toBe(true);
      expect(msg).toMatch(/^.+:\d+:\d+: \S+: .+/);
      expect(msg).toContain(want);
    });
  }
  it('a missing file', () => {
    expect(errorOf(() => loadSite(`${bad}nope.yaml`))).toBe(`${bad}nope.yaml:1:1: (file): cannot read the site file: no such file`);
  });
  it('exit code 2', () => {
    try { loadSite(`${bad}empty.yaml`); } catch (e) { expect((e as SiteFileError).exitCode).toBe(2); }
    expect.assertions(1);
  });
});
