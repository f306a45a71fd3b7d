/**
 * The verdict of one flow against the resolved design: a pure, synchronous
 * decision (no RxJS). Vocabulary: src/classify/types.ts (verdicts) and
 * src/classify/reasons.ts (reasons); meanings for admins in docs/verdicts.md.
 */
import type { FlowRecord } from '../flow/types.js';
import type { AddressSet } from '../design/address.js';
import type { ResolvedDesign, ResolvedRule } from '../design/resolve.js';
import { WFO_PROTOCOLS } from '../design/rules.js';
import { reasonText, type ReasonCode } from './reasons.js';
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
  if (!r.ports.includes(port)) return false;
  const inbound = hostSet.has(fam, listener) && peerSet.has(fam, opener);
  if (r.direction === 'inbound') return inbound;
  const outbound = hostSet.has(fam, opener) && peerSet.has(fam, listener);
  return r.direction === 'outbound' ? outbound : inbound || outbound;
}

function transportOf(f: FlowRecord): 'tcp' | 'udp' | null {
  return f.proto === 'tcp' || f.proto === 'udp' ? f.proto : null;
}

function result(f: FlowRecord, app: AppProto, verdict: Verdict, code: ReasonCode, vars: Record<string, string | number>,
  rule: ResolvedRule | null, mismatch = false, service: string | null = rule?.service ?? null, ruleId: string | null = rule?.id ?? null): ClassifiedFlow {
  return { flow: f, service, rule: ruleId, verdict, reasonCode: code, reason: reasonText(code, vars), app, protocolMismatch: mismatch };
}

function vars(f: FlowRecord, r: ResolvedRule | null, port = f.serverPort): Record<string, string | number> {
  return {
    proto: f.proto, port, rule: r?.id ?? '-', service: r?.service ?? '-', owner: r?.owner ?? '-',
    host: r ? (r.host === 'wfo-servers' && r.pinned ? `${r.owner} host` : r.host) : '-', peer: r?.peer ?? 'any',
  };
}

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

/** Verdict of a flow that matches a designed rule (or an allow entry), from its outcome. */
function byOutcome(f: FlowRecord, app: AppProto, r: ResolvedRule | null, v: Record<string, string | number>,
  service: string | null, ruleId: string | null, okCode: ReasonCode): ClassifiedFlow {
  const failed = f.outcome === 'unanswered' || f.outcome === 'rejected' || f.outcome === 'unreachable' || f.outcome === 'no-reply-yet';
  const icmp = failed ? icmpReason(f) : null;
  const mismatch = r !== null && appContradicts(r.app, app);
  const mm = mismatch ? { found: APP_NAMES[app], want: APP_NAMES[r!.app!] } : null;
  if (icmp) return withMismatch(result(f, app, 'blocked', icmp.code, { ...v, from: icmp.from, what: icmp.what }, r, mismatch, service, ruleId), mm);
  if (f.outcome === 'unanswered') return withMismatch(result(f, app, 'blocked', 'blocked-no-reply', v, r, mismatch, service, ruleId), mm);
  if (f.outcome === 'rejected') return withMismatch(result(f, app, 'blocked', 'blocked-refused', v, r, mismatch, service, ruleId), mm);
  if (f.outcome === 'unreachable') return withMismatch(result(f, app, 'blocked', 'blocked-unreachable', { ...v, from: '?', what: 'no detail' }, r, mismatch, service, ruleId), mm);
  if (mm) return result(f, app, 'expected', 'protocol-mismatch', { ...v, ...mm }, r, true, service, ruleId);
  if (f.outcome === 'no-reply-yet') return result(f, app, 'expected', 'unverifiable', v, r, false, service, ruleId);
  if (f.outcome === 'one-sided') return result(f, app, 'expected', 'expected-one-sided', v, r, false, service, ruleId);
  return result(f, app, 'expected', okCode, v, r, false, service, ruleId);
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
 * Classifies one flow. `app` is the protocol identified from the first payload
 * bytes ('unknown' never counts as a mismatch). Rules are tried in design order;
 * the first rule that fits is reported, further fitting rules go to `alsoMatched`.
 */
export function classifyFlow(f: FlowRecord, d: ResolvedDesign, app: AppProto): ClassifiedFlow {
  const fam = f.family;
  const t = transportOf(f);
  const noSite = d.site === null;
  const inScope = noSite || d.wfo.has(fam, f.clientWords) || d.wfo.has(fam, f.serverWords)
    || d.cloud.has(fam, f.clientWords) || d.cloud.has(fam, f.serverWords);
  if (!inScope) return result(f, app, 'ignored', 'out-of-scope', vars(f, null), null);

  if (t !== null) {
    // Forward: the flow as the flow table oriented it; when the direction was guessed, the other way round too.
    const orientations: [readonly number[], readonly number[], number][] = [[f.clientWords, f.serverWords, f.serverPort]];
    if (f.guessed) orientations.push([f.serverWords, f.clientWords, f.clientPort]);
    for (const [opener, listener, port] of orientations) {
      let first: ResolvedRule | null = null;
      let also: string[] | null = null;
      for (const r of d.active) {
        if (r.transport !== t || !fits(r, fam, opener, listener, port)) continue;
        if (first === null) first = r;
        else (also ??= []).push(r.id);
      }
      if (first) {
        const cf = byOutcome(f, app, first, vars(f, first, port), first.service, first.id, 'expected');
        if (also) cf.alsoMatched = also;
        return cf;
      }
    }
  }

  for (const a of d.allow) {
    if (a.proto === 'icmp' ? (f.proto !== 'icmp' && f.proto !== 'icmp6') : (a.proto !== t || a.port !== f.serverPort)) continue;
    if (!a.to.has(fam, f.serverWords) || !a.from.has(fam, f.clientWords)) continue;
    return byOutcome(f, app, null, { ...vars(f, null), name: a.entry.name, rule: `allow.${a.entry.name}`, service: a.entry.name },
      null, `allow.${a.entry.name}`, 'allowed');
  }

  if (t !== null && !f.guessed && !noSite) {
    // Same port, roles swapped: the listener is where the design puts the opener.
    for (const r of d.active) {
      if (r.transport !== t || r.direction === 'both' || !fits(r, fam, f.serverWords, f.clientWords, f.serverPort)) continue;
      const designedListener = r.direction === 'inbound' ? r.host : (r.peer ?? 'any host');
      const designedOpener = r.direction === 'inbound' ? (r.peer ?? 'any host') : r.host;
      const mismatch = appContradicts(r.app, app);
      const cf = result(f, app, 'wrong-direction', 'wrong-direction',
        { ...vars(f, r), opener: f.clientIp, designedOpener, designedListener }, r, mismatch);
      return withMismatch(cf, mismatch ? { found: APP_NAMES[app], want: APP_NAMES[r.app!] } : null);
    }
  }

  if (noSite) {
    if (WFO_PROTOCOLS.includes(app)) return result(f, app, 'unexpected', 'off-design-protocol', { ...vars(f, null), found: APP_NAMES[app] }, null, true);
    return result(f, app, 'ignored', 'no-site', vars(f, null), null);
  }

  const cloudIp = cloudEnd(f, d);
  if (cloudIp !== null && d.mode !== 'hybrid') {
    return result(f, app, 'unexpected', 'cloud-not-in-mode', { ...vars(f, null), cloudIp, mode: d.mode }, null);
  }

  if (t !== null) {
    // Nearest rule: an inactive rule that fits, a pinned service on the wrong host, a wrong peer or host.
    for (const r of d.rules) {
      if (r.active || r.transport !== t || !fits(r, fam, f.clientWords, f.serverWords, f.serverPort)) continue;
      const v = vars(f, r);
      const why = r.inactive!;
      if (why.kind === 'module') return result(f, app, 'unexpected', 'module-not-enabled', { ...v, module: why.module }, r);
      if (why.kind === 'mode') return result(f, app, 'unexpected', 'mode-inactive', { ...v, modes: why.modes.join('/'), mode: d.mode }, r);
      if (why.kind === 'disabled') return result(f, app, 'unexpected', 'rule-disabled', v, r);
    }
    for (const r of d.active) {
      if (r.transport !== t || !r.pinned || !fits(r, fam, f.clientWords, f.serverWords, f.serverPort, d.wfo)) continue;
      const ip = r.direction === 'inbound' ? f.serverIp : r.direction === 'outbound' ? f.clientIp
        : (r.hostSet.has(fam, f.serverWords) ? f.clientIp : f.serverIp);
      return result(f, app, 'unexpected', 'pinned-elsewhere', { ...vars(f, r), pinned: r.hostSet.describe(), ip }, r);
    }
    // Right WFO side, wrong other end first; then right other end (a named role), wrong host.
    for (const wantHost of [true, false]) {
      for (const r of d.active) {
        if (r.transport !== t || r.direction === 'both' || !r.ports.includes(f.serverPort)) continue;
        const out = r.direction === 'outbound';
        const hostOk = r.hostSet.has(fam, out ? f.clientWords : f.serverWords);
        const peerOk = r.peerSet.has(fam, out ? f.serverWords : f.clientWords);
        if (wantHost && hostOk && !peerOk) {
          return result(f, app, 'unexpected', 'wrong-peer', { ...vars(f, r), ip: out ? f.serverIp : f.clientIp, role: r.peer ?? 'any' }, r);
        }
        if (!wantHost && !hostOk && peerOk && r.peer !== null) {
          return result(f, app, 'unexpected', 'wrong-host', { ...vars(f, r), ip: out ? f.clientIp : f.serverIp, role: r.pinned ? r.hostSet.describe() : r.host }, r);
        }
      }
    }
  }
  if (WFO_PROTOCOLS.includes(app)) return result(f, app, 'unexpected', 'off-design-protocol', { ...vars(f, null), found: APP_NAMES[app] }, null, true);
  return result(f, app, 'unexpected', 'no-rule', vars(f, null), null);
}
