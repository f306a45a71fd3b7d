/**
 * iptables and ip6tables: one `iptables-restore` / `ip6tables-restore` file per
 * family, the filter table with one ACCEPT rule per designed connection, its id in a
 * `-m comment`. Syntax: iptables(8), iptables-extensions(8) (conntrack, comment,
 * multiport, icmp6) and iptables-restore(8) (netfilter.org, "iptables" man pages).
 */
import { portRangeText, type PortRange } from '../port-range.js';
import { firewallPlan, planHeader, ruleFamilies, ruleLabel, specsOf, type PlanEnd, type PlanRule } from './plan.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';

/** The comment match holds at most 256 characters. */
const COMMENT_MAX = 256;

function comment(text: string): string {
  return `-m comment --comment "${text.length > COMMENT_MAX ? `${text.slice(0, COMMENT_MAX - 3)}...` : text}"`;
}

/** `-s a,b` / `-d a,b` for one end in one family (nothing for `any`). */
function addr(e: PlanEnd, family: 4 | 6, flag: '-s' | '-d'): string {
  if (e.set.any) return '';
  return `${flag} ${specsOf(e.set, family).map((s) => s.text).join(',')} `;
}

/** multiport takes at most 15 ports, a range counting as two (iptables-extensions(8)). */
const MULTIPORT_MAX = 15;

/** The port lists of a rule, each one multiport may take. */
export function multiportChunks(list: readonly PortRange[]): PortRange[][] {
  const out: PortRange[][] = [];
  let cur: PortRange[] = [], n = 0;
  for (const p of list) {
    const w = p.lo === p.hi ? 1 : 2;
    if (n + w > MULTIPORT_MAX) { out.push(cur); cur = []; n = 0; }
    cur.push(p);
    n += w;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The protocol and port matches of a rule: one per line it needs (a long port list takes several). */
function ports(r: PlanRule, family: 4 | 6): string[] {
  if (r.proto === 'icmp') return [family === 4 ? '-p icmp ' : '-p ipv6-icmp '];
  if (r.proto === 'any') return [''];
  if (r.ports.length === 1) return [`-p ${r.proto} -m ${r.proto} --dport ${portRangeText(r.ports[0]!, ':')} `];
  return multiportChunks(r.ports).map((c) => `-p ${r.proto} -m multiport --dports ${c.map((p) => portRangeText(p, ':')).join(',')} `);
}

/** The iptables (family 4) or ip6tables (family 6) restore file of a resolved design. */
export function renderIptables(d: ResolvedDesign, o: TargetOptions, family: 4 | 6 = 4): string {
  const plan = firewallPlan(d);
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const chain = o.chain === 'input' ? 'INPUT' : 'FORWARD';
  const head = planHeader(plan, tool);
  head.push('');
  head.push(`IPv${family} only: ${family === 4 ? 'ip6tables' : 'iptables'} is a separate target. Chain: ${chain} (${o.chain === 'input' ? 'a host firewall on a WFO server' : 'a firewall between subnets'}).`);
  if (o.enforce) {
    head.push(`ENFORCING (--enforce): ${chain} policy DROP. Everything the design does not list is dropped, including`);
    head.push('remote administration (RDP 3389, SSH 22), DNS, DHCP, NTP, backups and monitoring: add them to the');
    head.push('site file as allow: entries first, or you lose the connection to this server.');
  } else {
    head.push(`Not enforcing: ${chain} policy ACCEPT. The rules count designed traffic (${tool} -L ${chain} -v -n);`);
    head.push('the last rule counts the rest. Generate with --enforce to drop it.');
  }
  const other = [...new Set(plan.rules.filter((r) => { const f = ruleFamilies(r); return f !== null && !f.includes(family); }).map((r) => r.id))];
  if (other.length) head.push(`No IPv${family} addresses at one end, so no rule here (see the ${family === 4 ? 'ip6tables' : 'iptables'} target): ${other.join(', ')}`);
  head.push(`Load: ${tool}-restore FILE. This REPLACES the whole filter table (every chain of it);`);
  head.push(`check first with ${tool}-restore --test FILE, and keep a copy: ${tool}-save > saved.rules`);
  const out = head.map((l) => (l === '' ? '#' : `# ${l}`));
  out.push('*filter');
  for (const c of ['INPUT', 'FORWARD', 'OUTPUT']) out.push(`:${c} ${c === chain && o.enforce ? 'DROP' : 'ACCEPT'} [0:0]`);
  out.push(`-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED ${comment('wfo-audit: replies and related ICMP errors')} -j ACCEPT`);
  if (chain === 'INPUT') out.push(`-A INPUT -i lo ${comment('wfo-audit: loopback')} -j ACCEPT`);
  if (family === 6) {
    // Without neighbour discovery IPv6 never reaches a designed port.
    for (const t of ['neighbour-solicitation', 'neighbour-advertisement', 'router-solicitation', 'router-advertisement']) {
      out.push(`-A ${chain} -p ipv6-icmp -m icmp6 --icmpv6-type ${t} ${comment('wfo-audit: IPv6 neighbour discovery')} -j ACCEPT`);
    }
  }
  for (const r of plan.rules) {
    const fams = ruleFamilies(r);
    if (fams !== null && !fams.includes(family)) continue;
    out.push(`# ${ruleLabel(r)}`);
    if (r.check) out.push(`# CHECK: ${r.check}`);
    for (const m of ports(r, family)) out.push(`-A ${chain} ${addr(r.from, family, '-s')}${addr(r.to, family, '-d')}${m}${comment(r.check ? `CHECK: ${r.id}` : r.id)} -j ACCEPT`);
  }
  if (!o.enforce) out.push(`-A ${chain} ${comment('wfo-audit: not designed (dropped with --enforce)')}`);
  out.push('COMMIT');
  return `${out.join('\n')}\n`;
}

/** The ip6tables restore file of a resolved design. */
export function renderIp6tables(d: ResolvedDesign, o: TargetOptions): string {
  return renderIptables(d, o, 6);
}
