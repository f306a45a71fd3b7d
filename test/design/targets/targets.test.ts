/**
 * What every firewall target must say (issue 18), checked on every site fixture:
 * one rule per designed connection with its id in the rule's comment, description or
 * remark; no tcp/udp accept without its destination port; the header's id table with
 * each id's seed rows; inactive rules and modules listed; allow entries included;
 * hostile site-file text kept out of the generated syntax.
 */
import { describe, expect, it } from 'vitest';
import { AddressSet, parseAddress, type AddressSpec } from '../../../src/design/address.js';
import { designedConnections } from '../../../src/design/connections.js';
import { resolveDesign, type ResolvedDesign } from '../../../src/design/resolve.js';
import { parseSite } from '../../../src/design/site.js';
import { firewallPlan, seedText } from '../../../src/design/targets/plan.js';
import { TARGETS, TARGET_NAMES } from '../../../src/design/targets/index.js';
import { DEFAULT_TARGET_OPTIONS as O } from '../../../src/design/targets/options.js';
import { CASES, SITES, designOf } from './cases.js';

/** The ids a firewall must carry: designed connections that got a rule. */
function ruleIds(d: ResolvedDesign): string[] {
  const plan = firewallPlan(d);
  return [...new Set(plan.rules.filter((r) => r.kind === 'designed').map((r) => r.id))].sort();
}

function spec(s: string): AddressSpec {
  return parseAddress(s) as AddressSpec;
}

describe('every target on every site fixture', () => {
  for (const c of CASES) {
    const d = designOf(c.site);
    const text = TARGETS[c.target](d, c.options);
    it(`${c.file}: the header maps every designed connection id to its seed rows and lists inactive rules`, () => {
      for (const conn of designedConnections(d)) {
        const line = text.split(/\r?\n/).find((l) => l.includes(` ${conn.id} `) && l.includes('->'));
        if (c.target === 'csv') {
          const cell = conn.id.includes(',') ? `"${conn.id}"` : conn.id;
          expect(text.split('\n').filter((l) => l.startsWith(`${cell},`)), conn.id).toHaveLength(1);
          continue;
        }
        expect(line, conn.id).toBeDefined();
        for (const s of conn.seed) expect(line).toContain(seedText(s));
      }
      if (c.target !== 'csv') for (const r of d.rules.filter((x) => !x.active)) expect(text).toContain(`  ${r.id}: `);
    });
  }

  for (const site of Object.keys(SITES)) {
    const d = designOf(site);
    const ids = ruleIds(d);

    it(`${site}: nftables has one accept per designed connection and family, each with its id and destination port`, () => {
      const text = TARGETS.nftables(d, O);
      const accepts = text.split('\n').filter((l) => / accept comment "/.test(l) && !l.includes('"wfo-audit: '));
      // Issue 18: no accept without its destination port, except ICMP and proto-any allow entries, marked CHECK.
      const portless = new Set(d.allow.filter((a) => a.proto === 'icmp' || a.proto === 'any').map((a) => `CHECK: allow:${a.entry.name}`));
      for (const l of accepts) if (!/ (tcp|udp) dport /.test(l)) expect(portless, l).toContain(/comment "([^"]+)"/.exec(l)![1]);
      const seen = [...new Set(accepts.map((l) => /comment "([^"]+)"/.exec(l)![1]!).filter((id) => !id.startsWith('allow:') && !id.startsWith('CHECK:')))].sort();
      expect(seen).toEqual(ids);
      expect(text).toContain('policy accept;');
      expect(TARGETS.nftables(d, { ...O, enforce: true })).toContain('policy drop;');
    });

    it(`${site}: iptables and ip6tables together carry every designed connection; every tcp/udp ACCEPT has its port`, () => {
      const lines = [...TARGETS.iptables(d, O).split('\n'), ...TARGETS.ip6tables(d, O).split('\n')];
      const accepts = lines.filter((l) => l.startsWith('-A ') && l.endsWith('-j ACCEPT') && !l.includes('"wfo-audit: '));
      for (const l of accepts) if (/-p (tcp|udp) /.test(l)) expect(l).toMatch(/--dports? \d/);
      const portless = new Set(d.allow.filter((a) => a.proto === 'icmp' || a.proto === 'any').map((a) => `CHECK: allow:${a.entry.name}`));
      for (const l of accepts) if (!/--dports? \d/.test(l)) expect(portless, l).toContain(/--comment "([^"]+)"/.exec(l)![1]);
      for (const l of accepts) {
        const m = /--dports ([\d,:]+)/.exec(l);
        if (m) expect(m[1]!.split(',').reduce((n, p) => n + (p.includes(':') ? 2 : 1), 0), l).toBeLessThanOrEqual(15);
      }
      const seen = [...new Set(accepts.map((l) => /--comment "([^"]+)"/.exec(l)![1]!).filter((id) => !id.startsWith('allow:') && !id.startsWith('CHECK:')))].sort();
      expect(seen).toEqual(ids);
    });

    it(`${site}: cisco-asa puts a remark of at most 100 characters with the id before every permit`, () => {
      const lines = TARGETS['cisco-asa'](d, O).split('\n');
      const seen = new Set<string>();
      lines.forEach((l, i) => {
        if (l.includes(' remark ')) expect(l.length - l.indexOf(' remark ') - 8).toBeLessThanOrEqual(100);
        if (!l.includes(' extended permit ')) return;
        let j = i - 1;
        while (!lines[j]!.includes(' remark ')) j--;
        seen.add(lines[j]!.replace(/^.* remark (CHECK: )?/, '').replace(/ \(reverse.*$|: ICMP.*$/, ''));
      });
      expect([...seen].filter((id) => !id.startsWith('allow:')).sort()).toEqual(ids);
      expect(lines.at(-2)).toBe('access-group WFO-AUDIT in interface CHECK-INTERFACE');
    });

    it(`${site}: paloalto has a security rule per designed connection with the id in its description, names of at most 63 characters`, () => {
      const rules = TARGETS.paloalto(d, O).split('\n').filter((l) => l.startsWith('set rulebase security rules '));
      for (const r of rules) expect(r.split(' ')[4]!.length).toBeLessThanOrEqual(63);
      const seen = [...new Set(rules.map((l) => /description "(CHECK: )?([^ ;]+)/.exec(l)![2]!))].filter((id) => !id.startsWith('allow:')).sort();
      expect(seen).toEqual(ids);
    });

    it(`${site}: windows-firewall and netsh give every connection with a WFO server at one end a rule on that server`, () => {
      const plan = firewallPlan(d);
      const onServer = [...new Set(plan.rules.filter((r) => r.kind === 'designed' && (r.to.set.overlaps(d.wfo) || (!r.from.set.any && r.from.set.overlaps(d.wfo)))).map((r) => r.id))].sort();
      const ps = TARGETS['windows-firewall'](d, O);
      const cmd = TARGETS.netsh(d, O);
      const psIds = [...ps.matchAll(/-DisplayName 'wfo-audit (?:in|out) ([^ ']+)/g)].map((m) => m[1]!);
      const cmdIds = [...cmd.matchAll(/ name="wfo-audit (?:in|out) ([^ "]+)/g)].map((m) => m[1]!);
      expect([...new Set(psIds)].filter((id) => !id.startsWith('allow:')).sort()).toEqual(onServer);
      expect([...new Set(cmdIds)].filter((id) => !id.startsWith('allow:')).sort()).toEqual(onServer);
      const adds = ps.split('\n').filter((l) => l.trim().startsWith('New-NetFirewallRule '));
      expect(adds.length).toBeGreaterThan(0);
      for (const l of adds) expect(l).toContain("-Group 'wfo-audit'");
      expect(cmd.split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
    });

    it(`${site}: every allow: entry is in every target`, () => {
      for (const t of TARGET_NAMES) {
        const text = TARGETS[t](d, O);
        for (const a of d.allow) expect(text, `${t} allow:${a.entry.name}`).toContain(`allow:${a.entry.name}`);
      }
    });
  }
});

describe('firewall plan', () => {
  it('a shared dependency is one rule however many seed rows it has, a pinned service inside it included', () => {
    const d = designOf('premises');
    const sql = firewallPlan(d).rules.filter((r) => r.id === 'wfo-servers>sql:1433/tcp');
    expect(sql).toHaveLength(1);
    expect(sql[0]!.rules).toContain('cti-core.sql.1433');
    expect(sql[0]!.seed.length).toBeGreaterThan(5);
  });

  it('a connection whose rules have different ends gets one rule per pair (a pinned CTI Core both listens and opens)', () => {
    const pairs = firewallPlan(designOf('premises')).rules.filter((r) => r.id === 'wfo-servers>wfo-servers:5685/tcp');
    expect(pairs.map((r) => `${r.from.name}>${r.to.name}`)).toEqual(['wfo-servers>cti-core-host', 'cti-core-host>wfo-servers']);
  });

  it('a connection either end opens gets a reverse rule; an ICMP allow entry is marked CHECK', () => {
    const plan = firewallPlan(designOf('dual-stack'));
    const pc = plan.rules.filter((r) => r.id === 'clients>wfo-servers:6505/tcp');
    expect(pc.map((r) => r.reverse)).toEqual([false, true]);
    expect(pc[1]!.from.name).toBe(pc[0]!.to.name);
    const ping = plan.rules.find((r) => r.id === 'allow:monitoring-ping')!;
    expect(ping.check).toMatch(/ICMP/);
    expect(TARGETS.nftables(designOf('dual-stack'), O)).toContain('# CHECK: ICMP has no port');
  });

  it('allow: port lists and ranges are written in each target\'s syntax; proto any is one CHECK rule without a port', () => {
    const d = designOf('domain');
    const nft = TARGETS.nftables(d, O);
    expect(nft).toContain('tcp dport { 53, 88, 135, 389, 445, 464, 636, 3268, 3269, 49152-65535 } counter accept comment "allow:dc-tcp"');
    expect(nft).toContain('tcp dport 10000-10010 counter accept comment "allow:backup"');
    expect(nft).toMatch(/ip saddr @jump_host_from_v4 ip daddr @\S+ counter accept comment "CHECK: allow:jump-host"/);
    const ipt = TARGETS.iptables(d, O).split('\n');
    expect(ipt.some((l) => l.includes('-p tcp -m multiport --dports 53,88,135,389,445,464,636,3268,3269,49152:65535 '))).toBe(true);
    expect(ipt.some((l) => l.includes('-p tcp -m tcp --dport 10000:10010 '))).toBe(true);
    // 4 ports and 7 ranges count 18: two rules, the first taking 15.
    const mon = ipt.filter((l) => l.includes('"allow:monitoring"'));
    expect(mon.map((l) => /--dports (\S+)/.exec(l)![1])).toEqual(['161,443,5985,5986,8000:8009,8100:8109,8200:8209,8300:8309,8400:8409', '8500:8509,8600:8609']);
    const jump = ipt.filter((l) => l.includes('allow:jump-host"'));
    expect(jump).toEqual(['-A INPUT -s 10.10.0.99 -d 10.10.0.10,10.10.0.11 -m comment --comment "CHECK: allow:jump-host" -j ACCEPT']);
    expect(ipt[ipt.indexOf(jump[0]!) - 1]).toMatch(/^# CHECK: proto any has no port/);
    const ps = TARGETS['windows-firewall'](d, O);
    expect(ps).toContain('-Protocol TCP -RemotePort 53,88,135,389,445,464,636,3268,3269,49152-65535 ');
    expect(ps).toMatch(/'wfo-audit in allow:jump-host' -Direction Inbound -Action Allow -Protocol Any -RemoteAddress '10.10.0.99'/);
    const cmd = TARGETS.netsh(d, O);
    expect(cmd).toContain('protocol=tcp localport=10000-10010 ');
    expect(cmd).toContain('protocol=any remoteip=10.10.0.99 ');
    const asa = TARGETS['cisco-asa'](d, O);
    expect(asa).toContain(' port-object range 49152 65535\n');
    expect(asa).toMatch(/extended permit ip object-group wfoa-jump-host-from /);
    for (const m of asa.matchAll(/^object-group service (\S+)/gm)) expect(m[1]!.length).toBeLessThanOrEqual(64);
    const pan = TARGETS.paloalto(d, O);
    expect(pan).toContain('protocol tcp port 53,88,135,389,445,464,636,3268,3269,49152-65535');
    expect(pan).toMatch(/allow-jump-host .* application any service any action allow description "CHECK: allow:jump-host/);
    const names = [...pan.matchAll(/^set service (\S+)/gm)].map((m) => m[1]!);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(names.length);
    expect(TARGETS.csv(d, O)).toContain(',53 88 135 389 445 464 636 3268 3269 49152-65535,tcp,');
  });

  it('a role with no hosts gives no rule and a CHECK line in the header', () => {
    const d = resolveDesign(parseSite('mode: premises\nmodules: []\nhosts: { wfo-servers: [10.0.0.1], clients: [10.1.0.0/16] }\n', 'no-sql.yaml'));
    const plan = firewallPlan(d);
    expect(plan.rules.some((r) => r.id === 'wfo-servers>sql:1433/tcp')).toBe(false);
    expect(plan.skipped.map((s) => s.id)).toContain('wfo-servers>sql:1433/tcp');
    expect(TARGETS.nftables(d, O)).toContain('# CHECK: no rule for wfo-servers>sql:1433/tcp: the site file gives no hosts for sql');
  });

  it('site-file text that would break a syntax (quotes, newlines, %) is replaced in names and comments', () => {
    const site = parseSite([
      'mode: premises', 'modules: []', 'hosts: { wfo-servers: [10.0.0.1], clients: [10.1.0.0/16], sql: [10.0.0.2] }',
      'allow:', '  - { name: "x\\" ; drop %PATH% `rm`\\nnext", proto: tcp, port: 22, to: [10.0.0.1] }', '',
    ].join('\n'), 'hostile "name".yaml');
    const d = resolveDesign(site);
    for (const t of TARGET_NAMES) {
      const text = TARGETS[t](d, O);
      expect(text, t).not.toContain('%PATH%');
      expect(text, t).not.toContain('`rm`');
      expect(text, t).not.toContain('"name"');
      expect(text, t).toContain('allow:x__');
    }
  });

  it('set names stay distinct when a target folds case and punctuation (allow entries "a-b" and "A_b")', () => {
    const d = resolveDesign(parseSite([
      'mode: premises', 'modules: []', 'hosts: { wfo-servers: [10.0.0.1] }', 'allow:',
      '  - { name: a-b, proto: tcp, port: 22, to: [10.0.0.5] }', '  - { name: A_b, proto: tcp, port: 22, to: [10.0.0.6] }', '',
    ].join('\n'), 'fold.yaml'));
    const folded = firewallPlan(d).sets.map((e) => e.name.toLowerCase().replace(/[^a-z0-9]/g, '_'));
    expect(new Set(folded).size).toBe(folded.length);
    const nft = TARGETS.nftables(d, O);
    expect(nft.match(/^  set \S+/gm)!.length).toBe(new Set(nft.match(/^  set \S+/gm)).size);
  });

  it('AddressSet.covers: networks hold their addresses, any holds everything, only any holds any', () => {
    const net = AddressSet.of([spec('10.20.0.0/16'), spec('2001:db8::/32')]);
    expect(net.covers(AddressSet.of([spec('10.20.3.4'), spec('2001:db8:1::5')]))).toBe(true);
    expect(net.covers(AddressSet.of([spec('10.21.0.1')]))).toBe(false);
    expect(net.covers(AddressSet.of([spec('10.0.0.0/8')]))).toBe(false);
    expect(AddressSet.all().covers(net)).toBe(true);
    expect(net.covers(AddressSet.all())).toBe(false);
  });
});
