/**
 * nftables: one complete `table inet wfo_audit` (loaded with `nft -f FILE`), with a
 * named set per role and family and one accept rule per designed connection, its id
 * in the rule's comment. Syntax: nft(8) and the nftables wiki (wiki.nftables.org:
 * "Sets", "Simple rule management", "Quick reference-nftables in 10 minutes").
 * Every tcp/udp accept carries its destination ports (ranges as `49152-65535` in an
 * anonymous set); only an ICMP or proto-any allow entry has none, and it is marked CHECK.
 */
import { portRangeText } from '../port-range.js';
import { firewallPlan, planHeader, ruleFamilies, ruleLabel, specsOf, type PlanEnd, type PlanRule } from './plan.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';

/** nft comments hold at most 128 characters. */
const NFT_COMMENT_MAX = 128;

/** The nft set name of an end in one family: `wfo_servers_v4`. */
function setName(e: PlanEnd, family: 4 | 6): string {
  return `${e.name.replace(/[^A-Za-z0-9]/g, '_')}_v${family}`;
}

function comment(text: string): string {
  const t = text.length > NFT_COMMENT_MAX ? `${text.slice(0, NFT_COMMENT_MAX - 3)}...` : text;
  return `comment "${t}"`;
}

/** The match of one end: `ip saddr @clients_v4` (nothing for `any`). */
function addrMatch(e: PlanEnd, family: 4 | 6 | null, dir: 'saddr' | 'daddr'): string {
  if (e.set.any || family === null) return '';
  return `${family === 4 ? 'ip' : 'ip6'} ${dir} @${setName(e, family)} `;
}

function portMatch(r: PlanRule): string {
  if (r.proto === 'icmp' || r.proto === 'any') return '';
  const items = r.ports.map((p) => portRangeText(p));
  return `${r.proto} dport ${items.length === 1 ? items[0] : `{ ${items.join(', ')} }`} `;
}

function icmpMatch(family: 4 | 6 | null): string {
  return family === 4 ? 'meta l4proto icmp ' : family === 6 ? 'meta l4proto ipv6-icmp ' : 'meta l4proto { icmp, ipv6-icmp } ';
}

/** The rules of one plan rule, one per address family it needs. */
function ruleLines(r: PlanRule): string[] {
  const fams = ruleFamilies(r);
  const out: string[] = [`    # ${ruleLabel(r)}`];
  if (r.check) out.push(`    # CHECK: ${r.check}`);
  for (const f of fams ?? [null]) {
    const proto = r.proto === 'icmp' ? icmpMatch(f) : '';
    out.push(`    ${addrMatch(r.from, f, 'saddr')}${addrMatch(r.to, f, 'daddr')}${proto}${portMatch(r)}counter accept ${comment(r.check ? `CHECK: ${r.id}` : r.id)}`);
  }
  return out;
}

/** The nftables ruleset of a resolved design. */
export function renderNftables(d: ResolvedDesign, o: TargetOptions): string {
  const plan = firewallPlan(d);
  const head = planHeader(plan, 'nftables');
  head.push('');
  head.push(`Chain: ${o.chain} (${o.chain === 'input' ? 'a host firewall on a WFO server: traffic to this host' : 'a firewall between subnets: traffic routed through this host'}).`);
  if (o.enforce) {
    head.push('ENFORCING (--enforce): policy drop. Everything the design does not list is dropped, including');
    head.push('remote administration (RDP 3389, SSH 22), DNS, DHCP, NTP, backups and monitoring: add them to the');
    head.push('site file as allow: entries first, or you lose the connection to this server.');
  } else {
    head.push('Not enforcing: policy accept. The rules count designed traffic; the last rule counts the rest');
    head.push('(`nft list chain inet wfo_audit ' + o.chain + '`). Generate with --enforce to drop it.');
  }
  head.push('Load: nft -f FILE (replaces the table inet wfo_audit, leaves other tables alone). Remove: nft delete table inet wfo_audit');
  const out = ['#!/usr/sbin/nft -f', ...head.map((l) => (l === '' ? '#' : `# ${l}`)), ''];
  // Declaring, then deleting, makes the load replace an existing table and work when there is none.
  out.push('table inet wfo_audit', 'delete table inet wfo_audit', '', 'table inet wfo_audit {');
  for (const e of plan.sets) {
    for (const f of [4, 6] as const) {
      const specs = specsOf(e.set, f);
      if (specs.length === 0) continue;
      out.push(`  set ${setName(e, f)} {`, `    type ${f === 4 ? 'ipv4_addr' : 'ipv6_addr'}`, '    flags interval', '    auto-merge',
        `    elements = { ${specs.map((s) => s.text).join(', ')} }`, `    ${comment(`wfo-audit ${e.name}`)}`, '  }', '');
    }
  }
  out.push(`  chain ${o.chain} {`);
  out.push(`    type filter hook ${o.chain} priority filter; policy ${o.enforce ? 'drop' : 'accept'};`);
  out.push(`    ct state established,related accept ${comment('wfo-audit: replies and related ICMP errors')}`);
  if (o.chain === 'input') out.push(`    iif "lo" accept ${comment('wfo-audit: loopback')}`);
  // Without neighbour discovery IPv6 never reaches a designed port (no link-layer address).
  out.push(`    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept ${comment('wfo-audit: IPv6 neighbour discovery')}`);
  for (const r of plan.rules) out.push(...ruleLines(r));
  if (!o.enforce) out.push(`    counter ${comment('wfo-audit: not designed (dropped with --enforce)')}`);
  out.push('  }', '}');
  return `${out.join('\n')}\n`;
}
