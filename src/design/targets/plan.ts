/**
 * The firewall plan every target renders: the designed connections of a resolved
 * design (src/design/connections.ts) turned into allow rules between named address
 * sets, plus the site's `allow:` entries, and the header every target prints (the
 * connection ids with their seed rows, inactive rules, modules not enabled, the
 * readings of the design's ambiguous rows). Pure: a function of the resolved design.
 */
import { createHash } from 'node:crypto';
import { findConflicts } from '../../classify/conflicts.js';
import { AddressSet } from '../address.js';
import { designedConnections, type DesignedConnection } from '../connections.js';
import { portRangesText, portsAsRanges, type PortRange } from '../port-range.js';
import { HOST_ROLES, MODULES, type SeedRef } from '../rules.js';
import type { ResolvedDesign, ResolvedRule } from '../resolve.js';

/** One end of a plan rule: an address set with the name targets give its object. */
export interface PlanEnd {
  /** `any`, a role (`wfo-servers`), a pin (`cti-core-host`), `wfo-hosts`, `site-hosts`, an allow entry's `<name>-to`/`-from`, or `addresses-N`. */
  name: string;
  set: AddressSet;
}

/** One allow rule: traffic opened from `from` to `to`'s ports. */
export interface PlanRule {
  /** The connection id, or `allow:<name>` for an `allow:` entry of the site file. */
  id: string;
  kind: 'designed' | 'allow';
  from: PlanEnd;
  to: PlanEnd;
  /** Listening ports and ranges, ascending (empty for ICMP and `any`). */
  ports: readonly PortRange[];
  /** `any` (an allow entry's every IP protocol) has no port match at all. */
  proto: 'tcp' | 'udp' | 'icmp' | 'any';
  /** true for the second rule of a connection either end may open (the listener's side opening). */
  reverse: boolean;
  /** Services of the connection's rules, each once. */
  services: readonly string[];
  /** Rule ids (`allow.<name>` for an allow entry). */
  rules: readonly string[];
  seed: readonly SeedRef[];
  /** What a reviewer must check before loading this rule (ICMP and proto any have no port), else null. */
  check: string | null;
}

/** A connection no rule was made for, and why. */
export interface SkippedConnection {
  id: string;
  why: string;
}

/** Everything a target needs. */
export interface FirewallPlan {
  design: ResolvedDesign;
  /** Active designed connections, in design order. */
  connections: readonly DesignedConnection[];
  /** Allow rules in order: designed connections, then allow entries. */
  rules: readonly PlanRule[];
  /** Named address sets the rules use (never `any`), in first-use order. */
  sets: readonly PlanEnd[];
  skipped: readonly SkippedConnection[];
}

/** A name safe in every target's syntax: letters, digits, `.`, `_` and `-` only. */
export function safeName(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]/g, '_');
  return t === '' ? '_' : t;
}

/** Text safe inside every target's quoted comment or description (no quotes, backslashes or control characters). */
export function safeText(s: string): string {
  return s.replace(/[^\x20-\x7e]|["'\\`$%]/g, '_');
}

function setKey(s: AddressSet): string {
  return s.any ? '*' : s.specs.map((x) => x.text).sort().join(',');
}

/**
 * The name of a rule's service object (ASA object-group service, PAN-OS service):
 * `wfoa-tcp-53-88-49152_65535`, a range's ends joined by `_`. A name longer than `max`
 * keeps its first port and ends in a digest of the whole list, so two lists never share one.
 */
export function serviceObjectName(r: PlanRule, max: number): string {
  const name = `wfoa-${r.proto}-${portRangesText(r.ports, '-', '_')}`;
  if (name.length <= max) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `wfoa-${r.proto}-${portRangesText(r.ports.slice(0, 1), '-', '_')}-and-more-${digest}`;
}

/** The seed reference of a row as the header and CSV show it: `premises-server#4`. */
export function seedText(s: SeedRef): string {
  return `${s.table}#${s.row}`;
}

/** The (opener, listener) address sets of a rule; `both` rules also open the other way (`reverse`). */
function ruleEnds(r: ResolvedRule): { from: AddressSet; to: AddressSet } {
  return r.direction === 'inbound' ? { from: r.peerSet, to: r.hostSet } : { from: r.hostSet, to: r.peerSet };
}

/** Names address sets: roles first, then service pins, the WFO hosts, every host of the site, else `addresses-N`. */
class SetNames {
  private readonly known = new Map<string, string>();
  readonly used: PlanEnd[] = [];
  private readonly usedKeys = new Set<string>();
  private extra = 0;

  constructor(d: ResolvedDesign) {
    const add = (name: string, s: AddressSet) => { const k = setKey(s); if (!s.empty && !this.known.has(k)) this.known.set(k, name); };
    for (const r of HOST_ROLES) add(r, d.roles[r]);
    add('cloud', d.cloud);
    for (const [svc, s] of Object.entries(d.pins)) add(`${svc}-host`, s!);
    add('wfo-hosts', d.wfo);
    add('site-hosts', d.siteHosts);
  }

  /** The end of a set; a set no role, pin or earlier end has is named `hint` (or `addresses-N`). */
  end(s: AddressSet, hint: string | null = null): PlanEnd {
    if (s.any) return { name: 'any', set: s };
    const k = setKey(s);
    let name = this.known.get(k);
    if (name === undefined) {
      // Targets fold case and punctuation (nft `dns_to_v4`, ASA names ignore case): compare names folded.
      const fold = (n: string) => n.toLowerCase().replace(/[^a-z0-9]/g, '_');
      const taken = new Set([...this.known.values()].map(fold));
      name = hint !== null && !taken.has(fold(hint)) ? hint : `addresses-${++this.extra}`;
      this.known.set(k, name);
    }
    const e = { name, set: s };
    if (!this.usedKeys.has(k)) { this.usedKeys.add(k); this.used.push(e); }
    return e;
  }
}

/** Do two sets have an address family in common (an `any` end has both)? */
function familiesMeet(a: AddressSet, b: AddressSet): boolean {
  if (a.any || b.any) return true;
  return a.specs.some((x) => b.specs.some((y) => x.family === y.family));
}

/**
 * The end pairs of a connection: one per distinct (opener, listener) of its rules, a pair
 * another pair covers left out (a pinned service's SQL rule inside the WFO servers' one).
 */
function endPairs(rules: readonly ResolvedRule[]): { from: AddressSet; to: AddressSet }[] {
  const pairs: { from: AddressSet; to: AddressSet }[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    const p = ruleEnds(r);
    const k = `${setKey(p.from)}>${setKey(p.to)}`;
    if (!seen.has(k)) { seen.add(k); pairs.push(p); }
  }
  return pairs.filter((p, i) => !pairs.some((q, j) => j !== i && q.from.covers(p.from) && q.to.covers(p.to)
    // of two equal pairs keep the first
    && (j < i || !(p.from.covers(q.from) && p.to.covers(q.to)))));
}

/** The name a connection end gives a set no role names (`clients+wfo-servers` -> `clients-and-wfo-servers`). */
function endHint(end: string): string {
  return safeName(end.replace(/\+/g, '-and-'));
}

/** The firewall plan of a resolved design. */
export function firewallPlan(d: ResolvedDesign): FirewallPlan {
  const names = new SetNames(d);
  const byId = new Map(d.rules.map((r) => [r.id, r]));
  const connections = designedConnections(d);
  const rules: PlanRule[] = [];
  const skipped: SkippedConnection[] = [];
  for (const c of connections) {
    const members = c.rules.map((id) => byId.get(id)!);
    const services = [...new Set(members.map((r) => r.service))];
    for (const p of endPairs(members)) {
      const empty = p.from.empty ? c.from : p.to.empty ? c.to : null;
      if (empty !== null) { skipped.push({ id: c.id, why: `the site file gives no hosts for ${empty}` }); continue; }
      if (!familiesMeet(p.from, p.to)) { skipped.push({ id: c.id, why: `${p.from.describe()} and ${p.to.describe()} have no address family in common` }); continue; }
      const base = { id: c.id, kind: 'designed' as const, ports: portsAsRanges(c.ports), proto: c.proto, services, rules: c.rules, seed: c.seed, check: null };
      const from = names.end(p.from, endHint(c.from)), to = names.end(p.to, endHint(c.to));
      rules.push({ ...base, from, to, reverse: false });
      if (c.bothWays) rules.push({ ...base, from: to, to: from, reverse: true });
    }
  }
  for (const a of d.allow) {
    const name = safeName(a.entry.name);
    rules.push({
      id: `allow:${name}`, kind: 'allow', from: names.end(a.from, `${name}-from`), to: names.end(a.to, `${name}-to`),
      ports: a.ports, proto: a.proto, reverse: false,
      services: [name], rules: [`allow.${name}`], seed: [],
      check: a.proto === 'icmp' ? 'ICMP has no port: this accepts every ICMP message between these ends'
        : a.proto === 'any' ? 'proto any has no port: this accepts every protocol and port between these ends' : null,
    });
  }
  return { design: d, connections, rules, sets: names.used, skipped };
}

/** Why an inactive rule is inactive, as the header says it. */
function inactiveText(r: ResolvedRule): string {
  const why = r.inactive!;
  if (why.kind === 'module') return `module ${why.module} not enabled`;
  if (why.kind === 'mode') return `${why.modes.join('/')} only`;
  if (why.kind === 'disabled') return 'disabled by the site file';
  return 'no port given (site file ports:)';
}

/**
 * The header every target prints (without its comment marker): the site, the
 * connection-id table with each id's seed rows and rules, what is left out and why,
 * and the readings of the design the rules depend on.
 */
export function planHeader(plan: FirewallPlan, target: string): string[] {
  const d = plan.design;
  const out: string[] = [];
  out.push(`wfo-audit rules --target ${target}${d.site ? ` for ${safeText(d.site.path)}` : ''}: mode ${d.mode}, modules ${d.modules.length ? d.modules.join(', ') : 'none'}`);
  out.push('Generated from the WFO design (docs/design.md) and the site file. Review before loading.');
  out.push('');
  out.push(`Designed connections (${plan.connections.length}): connection id -> seed rows (rules)`);
  for (const c of plan.connections) {
    out.push(`  ${c.id}${c.bothWays ? ' [either end opens]' : ''} -> ${c.seed.map(seedText).join(', ')} (${c.rules.join(', ')})`);
  }
  const allows = plan.rules.filter((r) => r.kind === 'allow');
  if (allows.length) {
    out.push(`Site allow: entries (${allows.length}):`);
    for (const r of allows) out.push(`  ${r.id} -> ${r.proto}${r.ports.length ? `/${portRangesText(r.ports)}` : ''} from ${safeText(r.from.set.describe())} to ${safeText(r.to.set.describe())}`);
  }
  for (const s of plan.skipped) out.push(`CHECK: no rule for ${s.id}: ${s.why}`);
  const missing = MODULES.filter((m) => !d.modules.includes(m));
  out.push(`Modules not enabled (their rules are left out): ${missing.length ? missing.join(', ') : 'none'}`);
  const inactive = d.rules.filter((r) => !r.active);
  out.push(`Inactive rules (left out):${inactive.length ? '' : ' none'}`);
  for (const r of inactive) out.push(`  ${r.id}: ${inactiveText(r)}`);
  out.push('Readings of the design these rules follow (docs/design.md, "Readings of ambiguous rows"):');
  const anyPeer = d.active.filter((r) => r.peer === null && !(r.peers && r.peers.length));
  if (anyPeer.length) out.push(`  peer "any" (reading 3: any host of the site's roles may open them, the set site-hosts): ${anyPeer.map((r) => r.id).join(', ')}`);
  const several = d.active.filter((r) => r.peer === null && r.peers && r.peers.length);
  if (several.length) out.push(`  peers of rows that name several roles: ${several.map((r) => `${r.id} (${r.peers!.join(' and ')})`).join(', ')}`);
  const inferred = d.active.filter((r) => r.inferred);
  if (inferred.length) out.push(`  inferred rules (not a seed row of their own): ${inferred.map((r) => r.id).join(', ')}`);
  const overridden = d.rules.filter((r) => r.overridden);
  if (overridden.length) out.push(`  changed by the site file: ${overridden.map((r) => r.id).join(', ')}`);
  const pins = Object.entries(d.pins);
  if (pins.length) out.push(`  services pinned to hosts: ${pins.map(([s, a]) => `${s} on ${safeText(a!.describe())}`).join('; ')}`);
  for (const c of findConflicts(d)) out.push(`  conflict (${c.kind}): ${safeText(c.message)}`);
  if (!anyPeer.length && !several.length && !inferred.length && !overridden.length && !pins.length) out.push('  none');
  return out;
}

/** The address families a rule must be written for: null (no address match at all), or 4 and/or 6. */
export function ruleFamilies(r: PlanRule): (4 | 6)[] | null {
  if (r.from.set.any && r.to.set.any) return null;
  const has = (s: AddressSet, f: 4 | 6) => s.any || s.specs.some((x) => x.family === f);
  return ([4, 6] as const).filter((f) => has(r.from.set, f) && has(r.to.set, f));
}

/** The specs of a set in one family. */
export function specsOf(s: AddressSet, family: 4 | 6): AddressSet['specs'] {
  return s.specs.filter((x) => x.family === family);
}

/** A one-line description of a rule for comments: `wfo-servers>sql:1433/tcp` plus `(reverse)`. */
export function ruleLabel(r: PlanRule): string {
  return r.reverse ? `${r.id} (reverse: either end opens)` : r.id;
}
