/**
 * Service pins of a draft (`services:`): a service seen on some servers only, and Survey and
 * CTI Core kept apart on 5060.
 */
import { RULES, type Mode, type WfoService } from '../design/rules.js';
import { compareIp, type Tuple } from './evidence.js';
import { item, keyOf, push, type Draft } from './draft.js';
import { SERVER_PORTS } from './ports.js';
import { confidenceOf, confidenceText, evidence, names } from './wording.js';

/** Services whose rules are active in a mode. */
function modeServices(mode: Mode): Set<string> {
  return new Set(RULES.filter((r) => r.modes.includes(mode)).map((r) => r.owner));
}

/**
 * Pins: a service (one of its own ports: a port no other service listens on) seen on a strict
 * subset of the servers, when every other server was seen listening on at least 3 ports (seen
 * well enough to say it does not run the service).
 */
export function inferPins(listen: ReadonlyMap<string, Tuple[]>, servers: readonly string[], mode: Mode, survey: boolean): Draft['services'] {
  const active = modeServices(mode);
  const ports = new Map<string, Set<string>>();
  for (const ip of servers) ports.set(ip, new Set((listen.get(ip) ?? []).map(keyOf)));
  const bySvc = new Map<WfoService, Tuple[]>();
  for (const ip of servers) {
    for (const t of listen.get(ip) ?? []) {
      const sp = SERVER_PORTS.get(keyOf(t))!;
      const svcs = [...sp.services].filter((s) => active.has(s));
      if (svcs.length === 1) push(bySvc, svcs[0]!, t);
    }
  }
  const out: Draft['services'] = [];
  for (const [svc, ts] of [...bySvc.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const on = new Set(ts.map((t) => t.server));
    const off = servers.filter((s) => !on.has(s));
    if (off.length === 0 || !off.every((s) => (ports.get(s)?.size ?? 0) >= 3)) continue;
    const items = [...on].sort(compareIp).map((ip) => {
      const mine = ts.filter((t) => t.server === ip);
      const c = confidenceOf(mine, (t) => t.client);
      const checks = c === 'low' ? [`${svc} is pinned to ${ip} from ${names(mine)}; remove the pin if other servers run it too (their ${svc} flows would be unexpected, pinned elsewhere)`] : [];
      return item(ip, `${evidence(mine, 'in')}; not seen on ${off.join(', ')}; ${confidenceText(mine, c)}`, c, checks);
    });
    out.push({ service: svc, items });
  }
  // Survey and CTI Core both listen on 5060 (the seed: not on the same server). SIP on servers that
  // show no CTI Core port of their own is Survey's: pin both, so that neither takes the other's 5060.
  const cti = bySvc.get('cti-core') ?? [];
  const ctiHosts = new Set(cti.map((t) => t.server));
  const sip = servers.flatMap((ip) => (listen.get(ip) ?? []).filter((t) => t.port === 5060 && !ctiHosts.has(ip)));
  if (survey && ctiHosts.size > 0 && sip.length > 0) {
    const surveyHosts = [...new Set(sip.map((t) => t.server))].sort(compareIp);
    const why = `SIP (5060) on ${surveyHosts.join(', ')}, which show no CTI Core port, and CTI Core on ${[...ctiHosts].sort(compareIp).join(', ')}`;
    const pin = (svc: WfoService, ts: Tuple[], hosts: string[]): void => {
      const items = hosts.map((ip) => {
        const mine = ts.filter((t) => t.server === ip);
        return item(ip, `${evidence(mine, 'in')}; ${confidenceText(mine, 'low')}`, 'low',
          [`${svc} is pinned from ${why} (${names(mine)}): the seed keeps Survey and CTI Core off one server; remove both pins if that is not how the site runs them`]);
      });
      const at = out.findIndex((o) => o.service === svc);
      if (at >= 0) out.splice(at, 1);
      out.push({ service: svc, items });
    };
    pin('cti-core', cti, [...ctiHosts].sort(compareIp));
    pin('survey', sip, surveyHosts);
    out.sort((a, b) => a.service.localeCompare(b.service));
  }
  return out;
}
