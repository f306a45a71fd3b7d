/**
 * Cisco ASA: network object-groups for the roles, service object-groups for the
 * ports, one `access-list WFO-AUDIT extended permit` entry per designed connection
 * under a `remark` with its id, and the `access-group` line. Syntax: Cisco ASA Series
 * Firewall CLI Configuration Guide, "Objects for Access Control" and "Extended
 * Access Control Lists"; Cisco ASA Series Command Reference (access-list extended,
 * access-list remark, object-group network/service, access-group).
 */
import { firewallPlan, planHeader, ruleLabel, serviceObjectName, type PlanEnd, type PlanRule } from './plan.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';
import type { AddressSpec } from '../address.js';

/** ASA remarks hold at most 100 characters. */
const REMARK_MAX = 100;
/** The access list's name. */
const ACL = 'WFO-AUDIT';
/** The interface placeholder when --asa-interface is not given. */
const INTERFACE_PLACEHOLDER = 'CHECK-INTERFACE';

function remark(text: string): string {
  return `access-list ${ACL} remark ${text.length > REMARK_MAX ? `${text.slice(0, REMARK_MAX - 3)}...` : text}`;
}

function groupName(e: PlanEnd): string {
  return `wfoa-${e.name}`;
}

function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

function networkObject(s: AddressSpec): string {
  const bare = s.text.replace(/\/\d+$/, '');
  if (s.prefix === (s.family === 4 ? 32 : 128)) return ` network-object host ${bare}`;
  return s.family === 4 ? ` network-object ${bare} ${netmask(s.prefix)}` : ` network-object ${bare}/${s.prefix}`;
}

/** ASA object names hold at most 64 characters. */
const ASA_NAME_MAX = 64;

function serviceName(r: PlanRule): string {
  return serviceObjectName(r, ASA_NAME_MAX);
}

function end(e: PlanEnd): string {
  return e.set.any ? 'any' : `object-group ${groupName(e)}`;
}

/** The ASA configuration of a resolved design. */
export function renderCiscoAsa(d: ResolvedDesign, o: TargetOptions): string {
  const plan = firewallPlan(d);
  const iface = o.asaInterface ?? INTERFACE_PLACEHOLDER;
  const head = planHeader(plan, 'cisco-asa');
  head.push('');
  head.push(`Paste in configuration mode. The access-group line applies ${ACL} to traffic entering interface ${iface};`);
  head.push('it REPLACES the access list bound there in that direction, and the implicit deny at the end of an');
  head.push('access list then drops everything these entries do not permit (the last entry logs it).');
  if (!o.asaInterface) head.push(`CHECK: replace ${INTERFACE_PLACEHOLDER} by the nameif of the interface the openers are behind (--asa-interface).`);
  head.push(`Remove: no access-group ${ACL} in interface ${iface}, then clear configure access-list ${ACL}.`);
  const out = head.map((l) => (l === '' ? '!' : `! ${l}`));
  out.push('!');
  for (const e of plan.sets) {
    out.push(`object-group network ${groupName(e)}`, ` description wfo-audit ${e.name}`, ...e.set.specs.map(networkObject));
  }
  const services = new Map<string, PlanRule>();
  for (const r of plan.rules) if (r.ports.length > 0 && !services.has(serviceName(r))) services.set(serviceName(r), r);
  for (const [name, r] of services) {
    out.push(`object-group service ${name} ${r.proto}`, ...r.ports.map((p) => (p.lo === p.hi ? ` port-object eq ${p.lo}` : ` port-object range ${p.lo} ${p.hi}`)));
  }
  out.push('!');
  for (const r of plan.rules) {
    out.push(remark(r.check ? `CHECK: ${ruleLabel(r)}: ${r.check}` : ruleLabel(r)));
    if (r.proto === 'icmp') {
      // icmp matches ICMPv4 only, icmp6 ICMPv6 only.
      out.push(`access-list ${ACL} extended permit icmp ${end(r.from)} ${end(r.to)}`);
      out.push(`access-list ${ACL} extended permit icmp6 ${end(r.from)} ${end(r.to)}`);
    } else if (r.proto === 'any') {
      // ip matches every protocol, IPv4 and IPv6 alike.
      out.push(`access-list ${ACL} extended permit ip ${end(r.from)} ${end(r.to)}`);
    } else {
      out.push(`access-list ${ACL} extended permit ${r.proto} ${end(r.from)} ${end(r.to)} object-group ${serviceName(r)}`);
    }
  }
  out.push(remark('wfo-audit: not designed'), `access-list ${ACL} extended deny ip any any log`);
  if (!o.asaInterface) out.push(`! CHECK: ${INTERFACE_PLACEHOLDER} is a placeholder`);
  out.push(`access-group ${ACL} in interface ${iface}`);
  return `${out.join('\n')}\n`;
}
