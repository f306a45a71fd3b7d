/**
 * Resolves the built-in design against a site file: which rules are active for
 * the mode and modules, which hosts each rule's two ends may be (compiled address
 * sets), port and reading overrides applied, and the server-port hint the flow
 * table uses to guess a flow's direction.
 */
import { AddressSet, parseAddress, type AddressSpec } from './address.js';
import { DEFAULT_CLOUD, HOST_ROLES, RULES, ROLES, MODULES, type Direction, type Mode, type Module, type Role, type Rule, type Transport, type WfoService } from './rules.js';
import { RuleIndex } from './rule-index.js';
import type { PortRange } from './port-range.js';
import type { AllowEntry, Site } from './site.js';

/** Why a rule is not active. */
export type InactiveReason =
  | { kind: 'module'; module: Module }
  | { kind: 'mode'; modes: readonly Mode[] }
  | { kind: 'disabled' }
  | { kind: 'no-ports' };

/** A rule after the site file: overrides applied, ends compiled to address sets. */
export interface ResolvedRule extends Rule {
  active: boolean;
  /** Why the rule is inactive (null when active). */
  inactive: InactiveReason | null;
  /** Hosts that may run the owner service (its pin, else its role). */
  hostSet: AddressSet;
  /**
   * Hosts the other end may be: the peer role, the union of `peers`, or, when the rule names
   * none, every host of the site's roles (`siteHosts`); AddressSet.all() without a site file.
   */
  peerSet: AddressSet;
  /** true when the owner service is pinned with `services:`. */
  pinned: boolean;
  /** true when the site file changed the rule's ports or reading. */
  overridden: boolean;
  /**
   * Reason sentences that depend only on this rule and the port, memoised by the
   * classifier (key: reason ordinal * 65536 + port) so that most flows share a string.
   */
  readonly sentences: Map<number, string>;
}

/** An `allow:` entry compiled. */
export interface ResolvedAllow {
  entry: AllowEntry;
  proto: AllowEntry['proto'];
  /** Server ports (empty for icmp and any). */
  ports: readonly PortRange[];
  to: AddressSet;
  from: AddressSet;
}

/** Bit in serverPortHint: some active rule has this TCP port as a server port. */
export const HINT_TCP = 1;
/** Bit in serverPortHint: some active rule has this UDP port as a server port. */
export const HINT_UDP = 2;

/** The design the classifier works with. */
export interface ResolvedDesign {
  /** null when no site file was given (hosts unknown: match by port and transport only). */
  site: Site | null;
  /** The site's mode, or 'any' without a site file (every mode's rules are active). */
  mode: Mode | 'any';
  /** Enabled modules (every module without a site file). */
  modules: readonly Module[];
  /** Every rule, in matching order. */
  rules: readonly ResolvedRule[];
  /** Active rules, in matching order. */
  active: readonly ResolvedRule[];
  /** Active rules by transport and port, in matching order (what the classifier tries first). */
  activeByPort: RuleIndex<ResolvedRule>;
  /** Inactive rules by transport and port, in matching order (the nearest-rule explanations). */
  inactiveByPort: RuleIndex<ResolvedRule>;
  /** Role -> addresses (AddressSet.all() for every role without a site file). */
  roles: Readonly<Record<Role, AddressSet>>;
  /** WFO hosts: wfo-servers plus every service pin. */
  wfo: AddressSet;
  /** The cloud range. */
  cloud: AddressSet;
  /**
   * Every host of the site: every role's addresses and pins, plus the cloud in hybrid mode.
   * What a peerless rule's "any" means; an address outside it is not a host of this site.
   * AddressSet.all() without a site file.
   */
  siteHosts: AddressSet;
  /** Service pins. */
  pins: Readonly<Partial<Record<WfoService, AddressSet>>>;
  allow: readonly ResolvedAllow[];
  /** 65536 entries: HINT_TCP / HINT_UDP bits for ports that active rules listen on. */
  serverPortHint: Uint8Array;
}

/** Resolves the design for a site (or for no site: every rule active, hosts unknown). */
export function resolveDesign(site: Site | null): ResolvedDesign {
  const roles = {} as Record<Role, AddressSet>;
  for (const r of ROLES) {
    if (!site) roles[r] = r === 'cloud' ? AddressSet.of([]) : AddressSet.all();
    else roles[r] = AddressSet.of(r === 'cloud' ? site.cloud : site.hosts[r]);
  }
  if (!site) {
    // The cloud range is still known without a site file; keeping it out of `roles` would make the cloud rule unmatched.
    roles.cloud = AddressSet.all();
  }
  const pins: Partial<Record<WfoService, AddressSet>> = {};
  for (const [svc, list] of Object.entries(site?.services ?? {})) pins[svc as WfoService] = AddressSet.of(list!);
  const wfo = site ? AddressSet.union([roles['wfo-servers'], ...Object.values(pins) as AddressSet[]]) : AddressSet.all();
  const cloud = site ? roles.cloud : AddressSet.of(DEFAULT_CLOUD.map((c) => parseAddress(c) as AddressSpec));
  const mode: Mode | 'any' = site ? site.mode : 'any';
  const siteHosts = site
    ? AddressSet.union([...HOST_ROLES.map((r) => roles[r]), wfo, ...(mode === 'hybrid' ? [roles.cloud] : [])])
    : AddressSet.all();
  const roleSet = (r: Role): AddressSet => (r === 'wfo-servers' ? wfo : roles[r]);
  const modules: readonly Module[] = site ? site.modules : MODULES;

  const rules: ResolvedRule[] = RULES.map((base) => {
    const o = site?.rules[base.id] ?? {};
    const ports = site?.ports[base.id] ?? base.ports;
    const direction: Direction = o.direction ?? base.direction;
    const transport: Transport = o.transport ?? base.transport;
    const host = o.host ?? base.host;
    const peer: Role | null = o.peer === undefined ? base.peer : o.peer === 'any' ? null : o.peer;
    // A site override of the peer replaces the row's reading of several peers.
    const peers = o.peer === undefined ? base.peers : undefined;
    const pin = pins[base.owner];
    const hostSet = host === 'wfo-servers' && pin ? pin : roles[host];
    const peerSet = peer !== null ? roleSet(peer)
      : peers ? (site ? AddressSet.union(peers.map(roleSet)) : AddressSet.all())
      : siteHosts;
    let inactive: InactiveReason | null = null;
    if (o.enabled === false) inactive = { kind: 'disabled' };
    else if (mode !== 'any' && !base.modes.includes(mode)) inactive = { kind: 'mode', modes: base.modes };
    else if (base.module && !modules.includes(base.module)) inactive = { kind: 'module', module: base.module };
    else if (ports.length === 0) inactive = { kind: 'no-ports' };
    // An explicitly enabled rule of another mode is active: that is the point of `enabled: true`.
    if (o.enabled === true && inactive?.kind === 'mode') inactive = ports.length === 0 ? { kind: 'no-ports' } : null;
    const { peers: _rowPeers, ...row } = base;
    return {
      ...row, ports, direction, transport, host, peer, ...(peers ? { peers } : {}),
      active: inactive === null, inactive, hostSet, peerSet, pinned: !!pin && host === 'wfo-servers',
      overridden: site !== null && (site.ports[base.id] !== undefined || site.rules[base.id] !== undefined),
      sentences: new Map(),
    };
  });
  const active = rules.filter((r) => r.active);
  const serverPortHint = new Uint8Array(65536);
  for (const r of active) for (const p of r.ports) serverPortHint[p]! |= r.transport === 'tcp' ? HINT_TCP : HINT_UDP;
  const allow: ResolvedAllow[] = (site?.allow ?? []).map((entry) => ({
    entry, proto: entry.proto, ports: entry.ports,
    to: entry.to ? AddressSet.of(entry.to) : AddressSet.all(),
    from: entry.from ? AddressSet.of(entry.from) : AddressSet.all(),
  }));
  // Single ports only: a range such as the dynamic RPC range overlaps every client's own ports.
  for (const a of allow) {
    if (a.proto !== 'tcp' && a.proto !== 'udp') continue;
    for (const r of a.ports) if (r.lo === r.hi) serverPortHint[r.lo]! |= a.proto === 'tcp' ? HINT_TCP : HINT_UDP;
  }
  const activeByPort = new RuleIndex(active);
  const inactiveByPort = new RuleIndex(rules.filter((r) => !r.active));
  return { site, mode, modules, rules, active, activeByPort, inactiveByPort, roles, wfo, cloud, siteHosts, pins, allow, serverPortHint };
}
