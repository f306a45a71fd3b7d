/**
 * The verdict of one flow against the resolved design: a pure, synchronous
 * decision (no RxJS). Vocabulary: src/classify/types.ts (verdicts) and
 * src/classify/reasons.ts (reasons); meanings for admins in docs/verdicts.md.
 */
import type { FlowRecord } from '../flow/types.js';
import type { AddressSet } from '../design/address.js';
import type { ResolvedAllow, ResolvedDesign, ResolvedRule } from '../design/resolve.js';
import { inPortRanges } from '../design/port-range.js';
import { WFO_PROTOCOLS, type Direction } from '../design/rules.js';
import { REASON_CODES, reasonText, type ReasonCode } from './reasons.js';
import { proofOf } from './worked.js';
import type { AppProto, ClassifiedFlow, Verdict } from './types.js';

/** Display names of application protocols, for reasons. */
export const APP_NAMES: Readonly<Record<AppProto, string>> = {
  http: 'HTTP', tls: 'TLS', tds: 'TDS (SQL Server)', smb: 'SMB1', smb2: 'SMB2/3', amqp: 'AMQP', sip: 'SIP',
  snmp: 'SNMP', smtp: 'SMTP', 'silverlight-policy': 'Silverlight policy request', dns: 'DNS', rdp: 'RDP', unknown: 'unknown',
};

/**
 * Does `app` contradict what the rule's port should carry? `unknown` never does;
 * SMB1 is accepted where SMB2 is expected (CIFS is SMB either way).
 */
export function appContradicts(want: AppProto | null, app: AppProto): boolean {
  if (want === null || app === 'unknown' || app === want) return false;
  return !(want === 'smb2' && app === 'smb');
}

/**
 * Does the rule describe a connection opened by `opener` to `listener`'s `port`?
 * Inbound: the owner's host listens; outbound: the peer listens; both: either.
 */
function fits(r: ResolvedRule, fam: 4 | 6, opener: readonly number[], listener: readonly number[], port: number,
  hostSet: AddressSet = r.hostSet, peerSet: AddressSet = r.peerSet): boolean {
  return r.ports.includes(port) && fitsHosts(r, fam, opener, listener, hostSet, peerSet);
}

/** `fits` for a rule (or a shape of rules) already known to hold the port (taken from the design's port index). */
function fitsHosts(r: { direction: Direction; hostSet: AddressSet; peerSet: AddressSet }, fam: 4 | 6,
  opener: readonly number[], listener: readonly number[], hostSet: AddressSet = r.hostSet, peerSet: AddressSet = r.peerSet): boolean {
  if (r.direction !== 'outbound' && hostSet.has(fam, listener) && peerSet.has(fam, opener)) return true;
  return r.direction !== 'inbound' && hostSet.has(fam, opener) && peerSet.has(fam, listener);
}

function transportOf(f: FlowRecord): 'tcp' | 'udp' | null {
  return f.proto === 'tcp' || f.proto === 'udp' ? f.proto : null;
}

function result(f: FlowRecord, app: AppProto, verdict: Verdict, code: ReasonCode, reason: string,
  rule: ResolvedRule | null, mismatch = false, service: string | null = rule?.service ?? null, ruleId: string | null = rule?.id ?? null): ClassifiedFlow {
  return { flow: f, service, rule: ruleId, verdict, reasonCode: code, reason, app, protocolMismatch: mismatch };
}

function vars(f: FlowRecord, r: ResolvedRule | null, port = f.serverPort): Record<string, string | number> {
  const host = r ? (r.host === 'wfo-servers' && r.pinned ? `${r.owner} host` : r.host) : '-';
  const peer = peerName(r);
  // The arrow of a reason always points from the opener to the end it contacted.
  const hostOpened = r !== null && hostOpens(f, r, port);
  return {
    proto: f.proto, port, rule: r?.id ?? '-', service: r?.service ?? '-', owner: r?.owner ?? '-',
    host, peer, opener: hostOpened ? host : peer, listener: hostOpened ? peer : host,
  };
}

/**
 * Did the rule's own host open this flow? Inbound rules: no; outbound: yes; a rule either
 * end opens: whichever end the opener of the flow (the end not on `port`) fits.
 */
function hostOpens(f: FlowRecord, r: ResolvedRule, port: number): boolean {
  if (r.direction !== 'both') return r.direction === 'outbound';
  const [opener, listener] = port === f.serverPort ? [f.clientWords, f.serverWords] : [f.serverWords, f.clientWords];
  return r.hostSet.has(f.family, opener) && r.peerSet.has(f.family, listener);
}

/** The other end of a rule in words: its role, its roles ("wfo-servers or clients"), or "any site host". */
function peerName(r: ResolvedRule | null): string {
  if (r === null) return 'any';
  if (r.peer !== null) return r.peer;
  return r.peers ? r.peers.join(' or ') : 'any site host';
}

/** Position of every reason code, for the per-rule sentence memo keys. */
const ORDINAL = Object.fromEntries(REASON_CODES.map((c, i) => [c, i])) as Record<ReasonCode, number>;

/** The values of a rule-path reason (the rule's own fields), or a copy with more values. */
type Extra = Readonly<Record<string, string | number>> | null;

/**
 * The sentence of `code` for a flow on `port` that matched (or nearly matched) `r`.
 * Without per-flow values it depends only on the rule, the design and the port (the
 * flow's transport is the rule's), so it is built once per rule and port and shared.
 * With `perFlow` values (addresses) it is built for the flow.
 */
function ruleReason(code: ReasonCode, f: FlowRecord, r: ResolvedRule, port: number, perFlow: Extra = null,
  d: ResolvedDesign | null = null): string {
  if (perFlow !== null) return reasonText(code, vars(f, r, port), perFlow);
  // A rule either end opens has two sentences per port (which end opened shows in the arrow).
  const key = (ORDINAL[code] * 65536 + port) * 2 + (r.direction === 'both' && hostOpens(f, r, port) ? 1 : 0);
  let s = r.sentences.get(key);
  if (s === undefined) {
    s = reasonText(code, vars(f, r, port), inactiveVars(code, r, d));
    r.sentences.set(key, s);
  }
  return s;
}

/** What the reasons for an inactive rule name besides the rule: its module, or its modes and the site's. */
function inactiveVars(code: ReasonCode, r: ResolvedRule, d: ResolvedDesign | null): Extra {
  const why = r.inactive;
  if (code === 'module-not-enabled' && why?.kind === 'module') return { module: why.module };
  if (code === 'mode-inactive' && why?.kind === 'mode' && d !== null) return { modes: why.modes.join('/'), mode: d.mode };
  return null;
}

/** Empty values, for templates without placeholders. */
const NO_VARS: Readonly<Record<string, string | number>> = {};

/** The one line of the ICMP error that says the most, with its meaning (admin-prohibited wins). */
function icmpReason(f: FlowRecord): { code: ReasonCode; from: string; what: string } | null {
  let best: { code: ReasonCode; from: string; what: string } | null = null;
  for (const e of f.icmpErrors) {
    // ICMPv4 type 3 (RFC 792, RFC 1812 §5.2.7.1) and ICMPv6 type 1 (RFC 4443 §3.1).
    const unreach = e.family === 4 ? e.type === 3 : e.type === 1;
    if (!unreach) continue;
    const admin = e.family === 4 ? e.code === 13 || e.code === 9 || e.code === 10 : e.code === 1;
    const port = e.family === 4 ? e.code === 3 : e.code === 4;
    if (admin) return { code: 'blocked-admin-prohibited', from: e.from, what: 'administratively prohibited' };
    if (port) best = { code: 'blocked-port-unreachable', from: e.from, what: 'port unreachable' };
    else if (!best) best = { code: 'blocked-unreachable', from: e.from, what: unreachWhat(e.family, e.code) };
  }
  return best;
}

function unreachWhat(family: 4 | 6, code: number): string {
  if (family === 4) return ['network unreachable', 'host unreachable', 'protocol unreachable', 'port unreachable', 'fragmentation needed'][code] ?? `code ${code}`;
  return ['no route', 'administratively prohibited', 'beyond scope of source', 'address unreachable', 'port unreachable'][code] ?? `code ${code}`;
}

/**
 * The sentence of a matched flow: from its designed rule (memoised per rule and port)
 * or, when `r` is null, from the allow entry of the site file it matched.
 */
function matchText(code: ReasonCode, f: FlowRecord, r: ResolvedRule | null, allow: ResolvedAllow | null, port: number,
  extra: Extra): string {
  if (r !== null) return ruleReason(code, f, r, port, extra);
  const name = allow!.entry.name;
  const v = vars(f, null);
  v.name = name;
  v.rule = `allow.${name}`;
  v.service = name;
  return reasonText(code, v, extra);
}

/** Verdict of a flow that matches a designed rule `r` (or, with `r` null, an allow entry), from its outcome. */
function byOutcome(f: FlowRecord, app: AppProto, r: ResolvedRule | null, allow: ResolvedAllow | null, port: number,
  service: string | null, ruleId: string | null, okCode: ReasonCode): ClassifiedFlow {
  const o = f.outcome;
  const proof = proofOf(o, r !== null && r.oneWay);
  // An ICMP error is failure evidence of its own, also for a flow whose outcome alone cannot tell.
  const icmp = proof !== 'worked' && f.denied === undefined ? icmpReason(f) : null;
  const mismatch = r !== null && appContradicts(r.app, app);
  let verdict: Verdict = 'blocked';
  let code: ReasonCode;
  let extra: Extra = null;
  if (f.denied !== undefined) {
    // The firewall's own word beats any inference from flags or counts.
    code = 'blocked-firewall-denied';
    extra = { exporter: f.denied.exporter, event: f.denied.event, acl: f.denied.acl === null ? '' : `, ACL ${f.denied.acl}` };
  } else if (icmp) {
    code = icmp.code;
    extra = { from: icmp.from, what: icmp.what };
  } else if (o === 'unanswered') code = 'blocked-no-reply';
  else if (o === 'rejected') code = 'blocked-refused';
  else if (o === 'unreachable') {
    code = 'blocked-unreachable';
    extra = { from: '?', what: 'no detail' };
  } else if (proof === 'undecided') {
    verdict = 'inconclusive';
    code = o === 'no-reply-yet' ? 'inconclusive-input-ended' : o === 'unknown' ? 'inconclusive-no-evidence' : 'inconclusive-one-way';
  } else {
    verdict = 'expected';
    if (mismatch) {
      code = 'protocol-mismatch';
      extra = { found: APP_NAMES[app], want: APP_NAMES[r!.app!] };
    } else code = o === 'one-sided' ? 'expected-one-sided' : okCode;
  }
  const cf = result(f, app, verdict, code, matchText(code, f, r, allow, port, extra), r, mismatch, service, ruleId);
  return verdict === 'blocked' && mismatch ? withMismatch(cf, { found: APP_NAMES[app], want: APP_NAMES[r!.app!] }) : cf;
}

function withMismatch(cf: ClassifiedFlow, mm: { found: string; want: string } | null): ClassifiedFlow {
  if (mm) cf.reason += `; the traffic is ${mm.found}, not ${mm.want}`;
  return cf;
}

/** Which end is a cloud address, if any. */
function cloudEnd(f: FlowRecord, d: ResolvedDesign): string | null {
  if (d.cloud.has(f.family, f.serverWords)) return f.serverIp;
  if (d.cloud.has(f.family, f.clientWords)) return f.clientIp;
  return null;
}

/**
 * The first active rule that fits a connection opened by `opener` to `listener`'s
 * `port`, as a classified flow (further fitting rules go to `alsoMatched`); null when none fits.
 */
function matchActive(f: FlowRecord, d: ResolvedDesign, app: AppProto, t: 'tcp' | 'udp',
  opener: readonly number[], listener: readonly number[], port: number): ClassifiedFlow | null {
  const fam = f.family;
  const shapes = d.activeByPort.shapes(t, port);
  if (shapes === null) return matchActiveLong(f, d, app, t, opener, listener, port);
  // Bits of the port's rule list that fit: the first is the match, the rest also matched.
  let mask = 0;
  for (const sh of shapes) if (fitsHosts(sh, fam, opener, listener)) mask |= sh.mask;
  if (mask === 0) return null;
  const first = d.activeByPort.at(t, port)[31 - Math.clz32(mask & -mask)]!;
  const cf = byOutcome(f, app, first, null, port, first.service, first.id, 'expected');
  const rest = mask & (mask - 1);
  if (rest !== 0) cf.alsoMatched = d.activeByPort.ids(t, port, rest);
  return cf;
}

/** `matchActive` rule by rule, for a port that more rules hold than a bit mask has bits. */
function matchActiveLong(f: FlowRecord, d: ResolvedDesign, app: AppProto, t: 'tcp' | 'udp',
  opener: readonly number[], listener: readonly number[], port: number): ClassifiedFlow | null {
  let first: ResolvedRule | null = null;
  let also: string[] | null = null;
  for (const r of d.activeByPort.at(t, port)) {
    if (!fitsHosts(r, f.family, opener, listener)) continue;
    if (first === null) first = r;
    else (also ??= []).push(r.id);
  }
  if (first === null) return null;
  const cf = byOutcome(f, app, first, null, port, first.service, first.id, 'expected');
  if (also) cf.alsoMatched = also;
  return cf;
}

/**
 * Classifies one flow. `app` is the protocol identified from the first payload
 * bytes ('unknown' never counts as a mismatch). Rules are tried in design order;
 * the first rule that fits is reported, further fitting rules go to `alsoMatched`.
 * Only the rules that hold the flow's port are tried (the design's port index).
 */
export function classifyFlow(f: FlowRecord, d: ResolvedDesign, app: AppProto): ClassifiedFlow {
  const fam = f.family;
  const t = transportOf(f);
  const noSite = d.site === null;
  const inScope = noSite || d.wfo.has(fam, f.clientWords) || d.wfo.has(fam, f.serverWords)
    || d.cloud.has(fam, f.clientWords) || d.cloud.has(fam, f.serverWords);
  if (!inScope) return result(f, app, 'ignored', 'out-of-scope', reasonText('out-of-scope', NO_VARS), null);

  if (t !== null) {
    // Forward: the flow as the flow table oriented it; when the direction was guessed, the other way round too.
    const cf = matchActive(f, d, app, t, f.clientWords, f.serverWords, f.serverPort)
      ?? (f.guessed ? matchActive(f, d, app, t, f.serverWords, f.clientWords, f.clientPort) : null);
    if (cf) return cf;
  }

  for (const a of d.allow) {
    if (a.proto === 'icmp' ? (f.proto !== 'icmp' && f.proto !== 'icmp6')
      : a.proto !== 'any' && (a.proto !== t || !inPortRanges(a.ports, f.serverPort))) continue;
    if (!a.to.has(fam, f.serverWords) || !a.from.has(fam, f.clientWords)) continue;
    return byOutcome(f, app, null, a, f.serverPort, null, `allow.${a.entry.name}`, 'allowed');
  }

  if (t !== null && !f.guessed && !noSite) {
    // Same port, roles swapped: the listener is where the design puts the opener.
    for (const r of d.activeByPort.at(t, f.serverPort)) {
      if (r.direction === 'both' || !fitsHosts(r, fam, f.serverWords, f.clientWords)) continue;
      const designedListener = r.direction === 'inbound' ? r.host : (r.peer ?? 'any host');
      const designedOpener = r.direction === 'inbound' ? (r.peer ?? 'any host') : r.host;
      const mismatch = appContradicts(r.app, app);
      const cf = result(f, app, 'wrong-direction', 'wrong-direction',
        ruleReason('wrong-direction', f, r, f.serverPort, { opener: f.clientIp, designedOpener, designedListener }), r, mismatch);
      return withMismatch(cf, mismatch ? { found: APP_NAMES[app], want: APP_NAMES[r.app!] } : null);
    }
  }

  if (noSite) {
    if (WFO_PROTOCOLS.includes(app)) {
      return result(f, app, 'unexpected', 'off-design-protocol', reasonText('off-design-protocol', vars(f, null), { found: APP_NAMES[app] }), null, true);
    }
    return result(f, app, 'ignored', 'no-site', reasonText('no-site', vars(f, null)), null);
  }

  const cloudIp = cloudEnd(f, d);
  if (cloudIp !== null && d.mode !== 'hybrid') {
    return result(f, app, 'unexpected', 'cloud-not-in-mode', reasonText('cloud-not-in-mode', vars(f, null), { cloudIp, mode: d.mode }), null);
  }

  if (t !== null) {
    // Nearest rule: an inactive rule that fits, a pinned service on the wrong host, a wrong peer or host.
    const port = f.serverPort;
    for (const r of d.inactiveByPort.at(t, port)) {
      if (!fitsHosts(r, fam, f.clientWords, f.serverWords)) continue;
      const why = r.inactive!;
      if (why.kind === 'module') return result(f, app, 'unexpected', 'module-not-enabled', ruleReason('module-not-enabled', f, r, port, null, d), r);
      if (why.kind === 'mode') return result(f, app, 'unexpected', 'mode-inactive', ruleReason('mode-inactive', f, r, port, null, d), r);
      if (why.kind === 'disabled') return result(f, app, 'unexpected', 'rule-disabled', ruleReason('rule-disabled', f, r, port), r);
    }
    const candidates = d.activeByPort.at(t, port);
    for (const r of candidates) {
      if (!r.pinned || !fitsHosts(r, fam, f.clientWords, f.serverWords, d.wfo)) continue;
      const ip = r.direction === 'inbound' ? f.serverIp : r.direction === 'outbound' ? f.clientIp
        : (r.hostSet.has(fam, f.serverWords) ? f.clientIp : f.serverIp);
      return result(f, app, 'unexpected', 'pinned-elsewhere', ruleReason('pinned-elsewhere', f, r, port, { pinned: r.hostSet.describe(), ip }), r);
    }
    // A designed port reached from (or reaching) an address in no role at all: not a host of this site.
    for (const r of candidates) {
      if (r.direction === 'both') continue;
      const out = r.direction === 'outbound';
      const other = out ? f.serverWords : f.clientWords;
      if (r.hostSet.has(fam, out ? f.clientWords : f.serverWords) && !d.siteHosts.has(fam, other)) {
        return result(f, app, 'unexpected', 'not-a-site-host', ruleReason('not-a-site-host', f, r, port, { ip: out ? f.serverIp : f.clientIp }), r);
      }
    }
    // Right WFO side, wrong other end first; then right other end (a named role), wrong host.
    for (const r of candidates) {
      if (r.direction === 'both') continue;
      const out = r.direction === 'outbound';
      if (r.hostSet.has(fam, out ? f.clientWords : f.serverWords) && !r.peerSet.has(fam, out ? f.serverWords : f.clientWords)) {
        return result(f, app, 'unexpected', 'wrong-peer', ruleReason('wrong-peer', f, r, port, { ip: out ? f.serverIp : f.clientIp, role: peerName(r) }), r);
      }
    }
    for (const r of candidates) {
      if (r.direction === 'both' || r.peer === null) continue;
      const out = r.direction === 'outbound';
      if (!r.hostSet.has(fam, out ? f.clientWords : f.serverWords) && r.peerSet.has(fam, out ? f.serverWords : f.clientWords)) {
        return result(f, app, 'unexpected', 'wrong-host', ruleReason('wrong-host', f, r, port, { ip: out ? f.clientIp : f.serverIp, role: r.pinned ? r.hostSet.describe() : r.host }), r);
      }
    }
  }
  if (WFO_PROTOCOLS.includes(app)) {
    return result(f, app, 'unexpected', 'off-design-protocol', reasonText('off-design-protocol', vars(f, null), { found: APP_NAMES[app] }), null, true);
  }
  return result(f, app, 'unexpected', 'no-rule', reasonText('no-rule', vars(f, null)), null);
}
