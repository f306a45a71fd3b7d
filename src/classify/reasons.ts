/**
 * Reason codes: every sentence a verdict can carry, defined once. Templates use
 * `{name}` placeholders. docs/verdicts.md is checked against this table by
 * test/classify/reasons.test.ts.
 */
import type { Verdict } from './types.js';

/** One reason: the verdict it goes with, the sentence template, and what it means for an admin. */
export interface ReasonDef {
  verdict: Verdict;
  template: string;
  meaning: string;
}

/** Every reason code. Order is documentation order. */
export const REASONS = {
  'expected': {
    verdict: 'expected',
    template: '{service} {proto}/{port}: matches rule {rule} ({opener} -> {listener})',
    meaning: 'The flow is designed: the right service host, the right peer role, opened from the right side, and it worked.',
  },
  'expected-one-sided': {
    verdict: 'expected',
    template: '{service} {proto}/{port}: matches rule {rule}; only one direction was captured, but acknowledgements show the other side answered',
    meaning: 'Designed, and it worked, but the capture saw one direction only (asymmetric routing or a one-way SPAN).',
  },
  'allowed': {
    verdict: 'expected',
    template: 'allowed by the site file (allow entry "{name}")',
    meaning: 'Not part of the WFO design, but the site file lists it under `allow:` (DNS, NTP, ...).',
  },
  'protocol-mismatch': {
    verdict: 'expected',
    template: '{service} {proto}/{port}: matches rule {rule}, but the traffic is {found}, not {want}',
    meaning: 'The port and hosts are designed, but what speaks on the port is another protocol (protocolMismatch is set; counted in summary "protocol-mismatch").',
  },
  'blocked-no-reply': {
    verdict: 'blocked',
    template: '{service} {proto}/{port} (rule {rule}): no reply (dropped by a firewall?)',
    meaning: 'The opening packet(s) got no answer at all: typically a firewall dropping silently, or the host is down.',
  },
  'blocked-refused': {
    verdict: 'blocked',
    template: '{service} {proto}/{port} (rule {rule}): refused by the host (RST)',
    meaning: 'The host answered the SYN with a reset: it is reachable but nothing listens on the port (or a firewall resets).',
  },
  'blocked-firewall-denied': {
    verdict: 'blocked',
    template: '{service} {proto}/{port} (rule {rule}): denied by the firewall {exporter} ({event}{acl})',
    meaning: 'A firewall\'s own flow records (Cisco NSEL deny event) say it dropped the connection: the reason names the event (ingress or egress ACL, interface, first packet not SYN), the ACL ids and the exporter.',
  },
  'blocked-admin-prohibited': {
    verdict: 'blocked',
    template: '{service} {proto}/{port} (rule {rule}): ICMP administratively prohibited (firewall) from {from}',
    meaning: 'A router or firewall said "administratively prohibited": a filter rule denies the flow.',
  },
  'blocked-port-unreachable': {
    verdict: 'blocked',
    template: '{service} {proto}/{port} (rule {rule}): ICMP port unreachable (service not listening) from {from}',
    meaning: 'The host said the port is closed: the service is not running or listens elsewhere.',
  },
  'blocked-unreachable': {
    verdict: 'blocked',
    template: '{service} {proto}/{port} (rule {rule}): ICMP destination unreachable ({what}) from {from}',
    meaning: 'A router could not deliver the flow (network or host unreachable, fragmentation needed, ...).',
  },
  'wrong-direction': {
    verdict: 'wrong-direction',
    template: '{service} {proto}/{port} (rule {rule}): opened by {opener}, but the design has {designedOpener} open it toward {designedListener}',
    meaning: 'The port and hosts match a rule, but the connection was opened from the other side (e.g. the SQL server connecting to a WFO server\'s 1433). Firewalls that allow only the designed direction will block it.',
  },
  'not-a-site-host': {
    verdict: 'unexpected',
    template: '{proto}/{port} is a designed port of {service} (rule {rule}), but {ip} is not a host of this site',
    meaning: 'An address in no role of the site file (and not the cloud) reached a designed port: a scan, a stray host, or a host missing from the site file. Never reported as blocked designed traffic.',
  },
  'cloud-not-in-mode': {
    verdict: 'unexpected',
    template: 'one end ({cloudIp}) is the WFO cloud, but the site is in {mode} mode (cloud traffic belongs to hybrid)',
    meaning: 'Traffic with the inContact cloud range in a deployment that is not hybrid.',
  },
  'module-not-enabled': {
    verdict: 'unexpected',
    template: '{proto}/{port} matches rule {rule} of module {module}, which the site file does not enable',
    meaning: 'The traffic belongs to an optional module missing from `modules:`. Either the module is in use (add it) or something leftover still runs.',
  },
  'mode-inactive': {
    verdict: 'unexpected',
    template: '{proto}/{port} matches rule {rule}, which applies only in {modes} mode, not {mode}',
    meaning: 'The traffic fits a rule of another deployment mode (e.g. a hybrid-only port in a premises site).',
  },
  'rule-disabled': {
    verdict: 'unexpected',
    template: '{proto}/{port} matches rule {rule}, which the site file disables',
    meaning: 'The site file turned the rule off (`rules: {id}: {enabled: false}`), yet the traffic is there.',
  },
  'pinned-elsewhere': {
    verdict: 'unexpected',
    template: '{proto}/{port} is {service} (rule {rule}), but {service} is pinned to {pinned}, not {ip}',
    meaning: 'The service\'s port is in use on a WFO host the site file does not pin the service to.',
  },
  'wrong-peer': {
    verdict: 'unexpected',
    template: '{proto}/{port} matches rule {rule} on the WFO side, but {ip} is not a {role} host',
    meaning: 'The WFO side is right but the other end is not in the role the rule names (e.g. SQL traffic to a host that is not listed under hosts.sql).',
  },
  'wrong-host': {
    verdict: 'unexpected',
    template: '{proto}/{port} matches rule {rule} by port, but {ip} is not a host that runs {owner} ({role})',
    meaning: 'A designed port is used, but not on a host where the design puts the service.',
  },
  'off-design-protocol': {
    verdict: 'unexpected',
    template: '{found} on {proto}/{port}, a port no rule designs for it',
    meaning: 'A WFO protocol (TDS, AMQP, SMB, SIP) runs on a port the design does not list, e.g. SQL on 14330 (protocolMismatch is set).',
  },
  'no-rule': {
    verdict: 'unexpected',
    template: 'no rule for {proto}/{port} between these hosts',
    meaning: 'In scope (a WFO host or the cloud is an end) but nothing in the design or `allow:` covers it.',
  },
  'inconclusive-input-ended': {
    verdict: 'inconclusive',
    template: '{service} {proto}/{port}: matches rule {rule}; inconclusive: a single SYN less than the SYN grace before the end of the input, too soon to tell whether it would be answered',
    meaning: 'Designed, but the input ended right after one SYN: nobody can tell whether it would have been answered. Neither expected nor blocked; it does not make the rule seen.',
  },
  'inconclusive-one-way': {
    verdict: 'inconclusive',
    template: '{service} {proto}/{port}: matches rule {rule}; inconclusive: datagrams went one way only, and this traffic is not one-way by design, so nothing proves they arrived',
    meaning: 'Designed UDP traffic with no reply and no ICMP error. Only SNMP traps (logger.snmp.162) are one-way by design; for anything else a missing reply may be a firewall or a capture that sees one direction.',
  },
  'inconclusive-no-evidence': {
    verdict: 'inconclusive',
    template: '{service} {proto}/{port}: matches rule {rule}; inconclusive: the source carries no evidence of the outcome (no TCP flags)',
    meaning: 'Designed, but the flow came from a source that does not say whether the connection worked (flow records without TCP flags).',
  },
  'out-of-scope': {
    verdict: 'ignored',
    template: 'neither end is a WFO host or the WFO cloud',
    meaning: 'The flow does not involve the WFO deployment; it is counted but not judged.',
  },
  'no-site': {
    verdict: 'ignored',
    template: 'no site file given: {proto}/{port} is on no designed port, and without hosts nothing else can be judged',
    meaning: 'Without `--site`, only designed ports are judged (by port and transport, with any host in any role); everything else is ignored.',
  },
} as const satisfies Record<string, ReasonDef>;

/** A reason code. */
export type ReasonCode = keyof typeof REASONS;

/** All reason codes, in documentation order. */
export const REASON_CODES: readonly ReasonCode[] = Object.keys(REASONS) as ReasonCode[];

/** A template split at its placeholders: literal, name, literal, name, ..., literal. */
type TemplateParts = readonly string[];

const PARTS = {} as Record<ReasonCode, TemplateParts>;
for (const code of REASON_CODES) PARTS[code] = REASONS[code].template.split(/\{(\w+)\}/);

/**
 * Fills a reason template; unknown placeholders stay visible so a missing value is
 * noticed in tests. Values in `more` win over those in `vars` (as if spread after them).
 */
export function reasonText(code: ReasonCode, vars: Readonly<Record<string, string | number>>,
  more: Readonly<Record<string, string | number>> | null = null): string {
  // Templates are split once; filling is plain concatenation (this runs for every flow).
  const parts = PARTS[code];
  let s = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const k = parts[i]!;
    const v = more !== null && more[k] !== undefined ? more[k] : vars[k];
    s += (v === undefined ? `{${k}}` : String(v)) + parts[i + 1]!;
  }
  return s;
}
