/**
 * Palo Alto Networks PAN-OS: configuration-mode `set` commands for address objects
 * and address groups (the roles), service objects (the ports) and one security rule
 * per designed connection, its id in the rule's description. Syntax: PAN-OS CLI
 * Quick Start, "Use the CLI: set commands" and the PAN-OS Administrator's Guide,
 * "Security Policy" (docs.paloaltonetworks.com).
 */
import { portRangesText } from '../port-range.js';
import { firewallPlan, planHeader, ruleLabel, seedText, serviceObjectName, type PlanEnd, type PlanRule } from './plan.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';
import type { AddressSpec } from '../address.js';

/** PAN-OS object and rule names hold at most 63 characters, zone names 31. */
const NAME_MAX = 63;
const ZONE_MAX = 31;
/** Rule descriptions: 1024 characters since PAN-OS 8.0, 255 before; the id comes first, so cutting keeps it. */
const DESCRIPTION_MAX = 255;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function objectName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, NAME_MAX);
}

function addressName(s: AddressSpec): string {
  return objectName(`wfoa-${s.text.replace('/', '_')}`);
}

function groupName(e: PlanEnd): string {
  return objectName(`wfoa-${e.name}`);
}

function serviceName(r: PlanRule): string {
  return serviceObjectName(r, NAME_MAX);
}

function ruleName(r: PlanRule, n: number): string {
  const id = r.id.replace('>', '-to-').replace(/[^A-Za-z0-9._-]/g, '-');
  return objectName(`wfoa-${String(n).padStart(3, '0')}-${id}${r.reverse ? '-rev' : ''}`);
}

function zone(given: string | null, e: PlanEnd): string {
  if (given !== null) return given;
  return e.set.any ? 'any' : `CHECK-zone-of-${e.name}`.slice(0, ZONE_MAX);
}

function member(e: PlanEnd): string {
  return e.set.any ? 'any' : groupName(e);
}

/** The PAN-OS set commands of a resolved design. */
export function renderPaloAlto(d: ResolvedDesign, o: TargetOptions): string {
  const plan = firewallPlan(d);
  const head = planHeader(plan, 'paloalto');
  head.push('');
  head.push("Lines starting with # are notes for the reviewer: remove them before pasting (grep -v '^#' FILE).");
  head.push('Paste in configuration mode (configure), review, then commit. New rules are added at the bottom of the');
  head.push('security rulebase: move them above any broader deny (move rulebase security rules NAME top).');
  if (o.panFrom === null || o.panTo === null) {
    head.push('CHECK: zones named CHECK-zone-of-ROLE are placeholders: replace each by the zone those hosts are in,');
    head.push('or generate with --pan-from ZONE --pan-to ZONE when every opener is in one zone and every listener in another.');
  }
  head.push('Traffic no rule allows meets the default rules: allowed within a zone, denied between zones.');
  const out = head.map((l) => (l === '' ? '#' : `# ${l}`));
  const addresses = new Map<string, AddressSpec>();
  for (const e of plan.sets) for (const s of e.set.specs) if (!addresses.has(addressName(s))) addresses.set(addressName(s), s);
  out.push('');
  for (const [name, s] of addresses) out.push(`set address ${name} description "wfo-audit" ip-netmask ${s.text.includes('/') ? s.text : `${s.text}/${s.family === 4 ? 32 : 128}`}`);
  for (const e of plan.sets) {
    out.push(`set address-group ${groupName(e)} description "wfo-audit ${e.name}" static [ ${[...new Set(e.set.specs.map(addressName))].join(' ')} ]`);
  }
  const services = new Set<string>();
  for (const r of plan.rules) {
    if (r.ports.length === 0 || services.has(serviceName(r))) continue;
    services.add(serviceName(r));
    // description before protocol: after `port` the CLI would read it inside the tcp/udp node.
    out.push(`set service ${serviceName(r)} description "wfo-audit" protocol ${r.proto} port ${portRangesText(r.ports)}`);
  }
  plan.rules.forEach((r, i) => {
    const name = ruleName(r, i + 1);
    const seed = r.seed.length ? `seed ${r.seed.map(seedText).join(', ')}` : 'site file allow: entry';
    out.push('', `# ${ruleLabel(r)}`);
    if (r.check) out.push(`# CHECK: ${r.check}`);
    const app = r.proto === 'icmp' ? 'application [ icmp ipv6-icmp ] service application-default'
      : r.proto === 'any' ? 'application any service any' : `application any service ${serviceName(r)}`;
    out.push(`set rulebase security rules ${name} from ${zone(o.panFrom, r.from)} to ${zone(o.panTo, r.to)}`
      + ` source ${member(r.from)} destination ${member(r.to)} ${app} action allow`
      + ` description "${cut(`${r.check ? 'CHECK: ' : ''}${ruleLabel(r)}; rules ${r.rules.join(', ')}; ${seed}`, DESCRIPTION_MAX)}"`);
  });
  return `${out.join('\n')}\n`;
}
