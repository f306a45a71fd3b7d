/**
 * Traffic -> draft site file: pure inference over the evidence tuples (src/discover/evidence.ts),
 * each decision kept with the tuples it rests on. Nothing here sends a packet or looks a name
 * up: addresses only. Reference for admins: docs/site-file.md, "Start from a draft".
 *
 * Order of the decisions:
 *  1. connections in the wrong direction (a WFO server opening a port only clients open; a
 *     dependency host opening a WFO server's 1433) are set aside, so they do not make roles;
 *  2. hosts that accept WFO server ports are wfo-servers; hosts that accept 1433/445/162/25
 *     (or speak TDS) are the dependencies; a host with both gets the stronger role and a CHECK;
 *  3. the other hosts take the role of what they opened: SIP to 5060 -> pbx, client ports ->
 *     clients, ports only servers open or the dependencies' -> wfo-servers (with a CHECK);
 *  4. mode (mode.ts), modules (the ports only a module uses), pins (pins.ts), ports that may
 *     carry something else (port-misuse.ts), allow entries for DNS/NTP, clients summarised
 *     (summarise.ts). Same-port flows whose opener is a guess are turned round first (orient.ts).
 */
import { AddressSet, parseAddress, type AddressSpec } from '../design/address.js';
import { DEFAULT_CLOUD, HOST_ROLES, MODULES, RULES, type Module } from '../design/rules.js';
import { APP_NAMES } from '../classify/classify.js';
import { compareIp, tupleName, type Tuple } from './evidence.js';
import { isPrivate, item, keyOf, push, type Draft, type DraftItem, type HostRole } from './draft.js';
import { decideMode } from './mode.js';
import { orient } from './orient.js';
import { inferPins } from './pins.js';
import { portMisuse } from './port-misuse.js';
import {
  DEPENDENCY_PORTS, GENERIC_PORTS, INFRASTRUCTURE, SERVER_PORTS, clientsOnly, moduleOfPort, portKey, serversOnly,
  type DependencyRole,
} from './ports.js';
import { networkOf, summariseClients } from './summarise.js';
import { confidenceOf, confidenceText, count, evidence, firstOf, lastOf, names, portList, span, triedOnly } from './wording.js';

export type { Draft, DraftItem, HostRole } from './draft.js';

/** Options of the inference. */
export interface InferOptions {
  /** The cloud range (default: the built-in 207.166.100.0/23). */
  cloud?: readonly string[];
}

/** Distinct ports a host must have tried (80% never answered) to count as a port scanner. */
const SCAN_PORTS = 20;

/** CHECK lines written under one client block before the rest are summed up. */
const MAX_BLOCK_CHECKS = 8;

const DEPENDENCY_ORDER: readonly DependencyRole[] = ['sql', 'file-server', 'snmp-manager', 'smtp-relay'];

/** Drafts a site file from the evidence tuples. */
export function inferSite(given: readonly Tuple[], flowCount: number, first: number, last: number,
  opts: InferOptions = {}): Draft {
  // Port scanners (many distinct ports tried, nearly all never answered) say nothing about roles:
  // their tuples are set aside and named in a CHECK line.
  const opened = new Map<string, { ports: Set<string>; tried: number; tuples: number }>();
  for (const t of given) {
    let o = opened.get(t.client);
    if (!o) opened.set(t.client, (o = { ports: new Set(), tried: 0, tuples: 0 }));
    o.ports.add(keyOf(t));
    o.tuples++;
    if (triedOnly(t)) o.tried++;
  }
  const scanning = (ip: string): boolean => {
    const o = opened.get(ip);
    return !!o && o.ports.size >= SCAN_PORTS && o.tried >= 0.8 * o.tuples;
  };
  const portScans = given.filter((t) => scanning(t.client));
  const tuples = orient(portScans.length === 0 ? given : given.filter((t) => !scanning(t.client)));
  const cloud = AddressSet.of((opts.cloud ?? DEFAULT_CLOUD).map((c) => parseAddress(c) as AddressSpec));
  const cloudClient = (t: Tuple): boolean => cloud.has(t.family, t.clientWords);
  const cloudServer = (t: Tuple): boolean => cloud.has(t.family, t.serverWords);

  // 1. Wrong-direction connections, decided by who accepts WFO ports from more hosts.
  const inPeers = new Map<string, Set<string>>();
  const depListeners = new Map<string, Set<string>>();
  for (const t of tuples) {
    const k = keyOf(t);
    if (SERVER_PORTS.has(k) && !cloudServer(t)) {
      let s = inPeers.get(t.server);
      if (!s) inPeers.set(t.server, (s = new Set()));
      s.add(t.client);
    }
    if (DEPENDENCY_PORTS.has(k)) {
      let s = depListeners.get(k);
      if (!s) depListeners.set(k, (s = new Set()));
      s.add(t.server);
    }
  }
  const deg = (ip: string): number => inPeers.get(ip)?.size ?? 0;
  const anyListener = new Set<string>();
  for (const [, set] of depListeners) for (const ip of set) anyListener.add(ip);
  const reversed = new Set<Tuple>();
  // A WFO server opening a port only the cloud opens (2010) on hosts outside the cloud range:
  // those hosts are more likely the cloud under other addresses than WFO servers.
  const cloudLike: Tuple[] = [];
  for (const t of tuples) {
    if (cloudClient(t) || cloudServer(t)) continue;
    const k = keyOf(t);
    const sp = SERVER_PORTS.get(k);
    if (sp && sp.openers.size === 1 && sp.openers.has('cloud') && deg(t.client) > deg(t.server)) { cloudLike.push(t); continue; }
    if (sp && clientsOnly(sp) && deg(t.client) > deg(t.server)) reversed.add(t);
    // A WFO server's 1433 (445, ...) opened by a host that accepts no WFO port: the dependency
    // opening the wrong way, when the opener accepts that port from others too or nothing at all.
    if (!sp && DEPENDENCY_PORTS.has(k) && deg(t.client) === 0 && deg(t.server) > 0
      && (depListeners.get(k)!.has(t.client) || !anyListener.has(t.client))) reversed.add(t);
  }

  const cloudLikeSet = new Set(cloudLike);

  // 2. Listeners: WFO server ports, dependency ports (and TDS on any port).
  const listen = new Map<string, Tuple[]>();
  const depListen = new Map<string, Map<DependencyRole, Tuple[]>>();
  const publicWeb = new Set<string>();
  for (const t of tuples) {
    if (cloudServer(t) || reversed.has(t) || cloudLikeSet.has(t)) continue;
    const k = keyOf(t);
    const sp = SERVER_PORTS.get(k);
    const dep = DEPENDENCY_PORTS.get(k) ?? (!sp && t.apps.has('tds') ? 'sql' : undefined);
    if (sp) {
      if (GENERIC_PORTS.has(k) && !isPrivate(t, t.serverWords)) { publicWeb.add(t.server); continue; }
      push(listen, t.server, t);
    } else if (dep) {
      let m = depListen.get(t.server);
      if (!m) depListen.set(t.server, (m = new Map()));
      push(m, dep, t);
    }
  }
  // Hosts that accepted only 80/443, where other servers show WFO ports of their own: more
  // likely a printer or an intranet site than a WFO server; left out, with a CHECK.
  const distinctive = [...listen.values()].some((ts) => ts.some((t) => !GENERIC_PORTS.has(keyOf(t))));
  const webOnly = new Map<string, Tuple[]>();
  if (distinctive) {
    for (const [ip, ts] of listen) {
      if (ts.every((t) => GENERIC_PORTS.has(keyOf(t)))) { webOnly.set(ip, ts); listen.delete(ip); }
    }
  }
  const reversedBy = new Map<string, Tuple[]>();
  for (const t of reversed) push(reversedBy, t.client, t);
  const role = new Map<string, HostRole>();
  const evidenceOf = new Map<string, { tuples: Tuple[]; side: 'in' | 'out'; checks: string[] }>();
  const listeners = new Set([...listen.keys(), ...depListen.keys()]);
  for (const ip of listeners) {
    const server = listen.get(ip) ?? [];
    const deps = depListen.get(ip) ?? new Map<DependencyRole, Tuple[]>();
    let best: HostRole = 'wfo-servers';
    let bestTuples = server;
    for (const r of DEPENDENCY_ORDER) {
      const ts = deps.get(r) ?? [];
      if (ts.length > 0 && ts.length >= bestTuples.length) { best = r; bestTuples = ts; }
    }
    const checks: string[] = [];
    const others: [HostRole, Tuple[]][] = [['wfo-servers', server], ...DEPENDENCY_ORDER.map((r) => [r, deps.get(r) ?? []] as [HostRole, Tuple[]])];
    for (const [r, ts] of others) {
      if (r === best || ts.length === 0) continue;
      checks.push(`${ip} also looks like ${r} (${names(ts)}); drafted as ${best} only. If it is both, list it under both roles`);
    }
    if (best === 'wfo-servers' && bestTuples.length === 1 && bestTuples[0]!.flows === 1) {
      checks.push(`${ip} is drafted as a WFO server from one flow (${names(bestTuples)}): confirm it is one`);
    }
    const odd = bestTuples.filter((t) => best === 'sql' && t.port !== 1433);
    if (odd.length > 0) checks.push(`${ip} speaks TDS (SQL Server) on a port other than 1433 (${names(odd)}); the audit calls these flows unexpected unless the port is overridden`);
    const wrong = (reversedBy.get(ip) ?? []).filter((t) => DEPENDENCY_PORTS.has(keyOf(t)));
    if (wrong.length > 0) checks.push(`${names(wrong)}: ${ip} opened the ${best} port of a WFO server; the audit calls these flows wrong-direction`);
    role.set(ip, best);
    evidenceOf.set(ip, { tuples: bestTuples, side: 'in', checks });
  }
  const isServer = (ip: string): boolean => role.get(ip) === 'wfo-servers';
  // Networks of the servers and dependencies: a host opening a dependency's port from
  // elsewhere is more likely a PC using the share than a WFO server.
  const serverNets = new Set([...role.keys()].map(networkOf));
  const depOnly: Tuple[] = [];

  // 3. Openers: what they opened on the hosts of step 2.
  const votes = new Map<string, { server: Tuple[]; client: Tuple[]; pbx: Tuple[]; weak: Tuple[]; dep: Tuple[] }>();
  const vote = (ip: string, kind: 'server' | 'client' | 'pbx' | 'weak' | 'dep', t: Tuple): void => {
    let v = votes.get(ip);
    if (!v) votes.set(ip, (v = { server: [], client: [], pbx: [], weak: [], dep: [] }));
    v[kind].push(t);
  };
  for (const t of tuples) {
    if (cloudClient(t) || cloudServer(t) || cloudLikeSet.has(t)) continue;
    if (reversed.has(t)) {
      if (!role.has(t.server) && SERVER_PORTS.has(keyOf(t))) vote(t.server, 'client', t);
      if (!role.has(t.client) && DEPENDENCY_PORTS.has(keyOf(t))) vote(t.client, 'dep', t);
      continue;
    }
    if (role.has(t.client)) continue;
    const k = keyOf(t);
    const sp = SERVER_PORTS.get(k);
    if (sp && isServer(t.server)) {
      if (sp.openers.has('clients')) vote(t.client, 'client', t);
      else if (sp.openers.has('pbx')) vote(t.client, 'pbx', t);
      else if (serversOnly(sp)) vote(t.client, 'server', t);
      else vote(t.client, 'weak', t);
    } else if (!sp && DEPENDENCY_PORTS.has(k) && role.get(t.server) === DEPENDENCY_PORTS.get(k)) {
      if (serverNets.has(networkOf(t.client))) vote(t.client, 'server', t);
      else depOnly.push(t);
    }
  }
  const scanners: Tuple[] = [];
  for (const [ip, v] of votes) {
    const checks: string[] = [];
    let r: HostRole;
    let ts: Tuple[];
    const sample = v.client[0] ?? v.weak[0];
    if (v.dep.length > 0) {
      r = DEPENDENCY_PORTS.get(keyOf(v.dep[0]!))!;
      ts = v.dep;
      checks.push(`${names(v.dep)}: ${ip} opened the ${r} port of a WFO server and accepts no WFO port: drafted as ${r}, opening the wrong way (the audit calls these flows wrong-direction). If ${r} runs on the WFO server instead, move that server to ${r} too and give ${ip} its real role`);
    } else if (v.server.length === 0 && v.pbx.length === 0 && sample && !isPrivate(sample, sample.clientWords)
      && [...v.client, ...v.weak].every(triedOnly)) {
      // A public address that only ever tried a WFO port (a scan): not a client of this site.
      scanners.push(...v.client, ...v.weak);
      continue;
    } else if (v.client.length > 0) {
      r = 'clients';
      ts = v.client;
      const wrong = v.client.filter((t) => reversed.has(t));
      if (wrong.length > 0) checks.push(`${ip} accepted ${names(wrong)}, a port that clients open on WFO servers: drafted as a client, so the audit calls these flows wrong-direction`);
      if (v.server.length > 0) checks.push(`${ip} (drafted as a client) also opened ports only WFO servers open: ${names(v.server)}`);
      if (v.pbx.length > 0) checks.push(`${ip} (drafted as a client) also sent SIP like a PBX: ${names(v.pbx)}`);
    } else if (v.pbx.length > 0) {
      r = 'pbx';
      ts = v.pbx;
      if (v.server.length + v.weak.length > 0) checks.push(`${ip} (drafted as the PBX) also opened ${names([...v.server, ...v.weak])}`);
    } else if (v.server.length > 0 && webOnly.has(ip)) {
      // A web server that also opens the WFO dependencies (the portal's SQL) is a WFO web server.
      r = 'wfo-servers';
      ts = webOnly.get(ip)!;
      checks.push(`${ip} accepted only 80/443 but also opened ${names(v.server)}: drafted as a WFO web server`);
    } else if (v.server.length > 0) {
      r = 'wfo-servers';
      ts = v.server;
      checks.push(`${ip} is drafted as a WFO server only from connections it opened (${names([...v.server, ...v.weak])}); no WFO port of its own was seen. Remove it if it is not a WFO server`);
    } else {
      r = 'clients';
      ts = v.weak;
      checks.push(`${ip} opened only ports any host may open (${names(v.weak)}); drafted as a client. Move it to wfo-servers if it is one`);
    }
    role.set(ip, r);
    evidenceOf.set(ip, { tuples: ts, side: ts.every((t) => t.server === ip) ? 'in' : 'out', checks });
  }

  const servers = [...role.entries()].filter(([, r]) => r === 'wfo-servers').map(([ip]) => ip).sort(compareIp);
  const serverSet = new Set(servers);
  const touchesServer = (t: Tuple): boolean => serverSet.has(t.server) || serverSet.has(t.client);

  // 4a. Mode.
  const cloudTuples = tuples.filter((t) => cloudClient(t) || cloudServer(t));
  const mode = decideMode(tuples, cloudTuples, serverSet, role, reversed);

  // 4b. Modules: the ports only a module uses, in either direction, attempts included.
  const modules: DraftItem[] = [];
  const moduleNotes: string[] = [];
  if (mode.value !== 'wfm-v2') {
    const byModule = new Map<Module, Tuple[]>();
    for (const t of tuples) {
      if (!touchesServer(t)) continue;
      const m = moduleOfPort(keyOf(t));
      if (m) push(byModule, m, t);
    }
    const sip = tuples.filter((t) => t.port === 5060 && serverSet.has(t.server));
    if (sip.length > 0) byModule.set('survey', sip);
    for (const m of MODULES) {
      const ts = byModule.get(m);
      if (!ts) continue;
      const c = confidenceOf(ts, (t) => t.client);
      const checks: string[] = [];
      if (m === 'survey') checks.push(`survey rests on SIP to 5060 (${names(ts)}), which CTI Core also listens on: remove survey if the site does not use it`);
      else if (c === 'low') checks.push(`${m} rests on ${count(ts.reduce((n, t) => n + t.flows, 0), 'flow')} (${names(ts)}): remove it if the module is not in use (the audit then calls these flows unexpected, module not enabled)`);
      modules.push(item(m, `${portList(ts)} carried ${count(ts.reduce((n, t) => n + t.flows, 0), 'flow')} (${names(ts, 3)}), ${span(firstOf(ts), lastOf(ts))}; ${confidenceText(ts, c)}`, c, checks));
    }
    const unseen = MODULES.filter((m) => !byModule.has(m) && m !== 'speech-analytics');
    if (unseen.length > 0) moduleNotes.push(`not seen: ${unseen.join(', ')} (add a module the site uses; its traffic is otherwise unexpected)`);
    moduleNotes.push('CHECK: speech-analytics has no port of its own (only SQL and CIFS): add it if the site uses it');
  }

  // 4c. Hosts.
  const hosts = Object.fromEntries(HOST_ROLES.map((r) => [r, [] as DraftItem[]])) as Record<HostRole, DraftItem[]>;
  const nonClients = [...role.entries()].filter(([, r]) => r !== 'clients').map(([ip]) => ip);
  const mismatches = portMisuse(tuples, role);
  for (const [ip, r] of [...role.entries()].sort(([a], [b]) => compareIp(a, b))) {
    if (r === 'clients') continue;
    const ev = evidenceOf.get(ip)!;
    const c = ev.checks.length > 0 ? 'low' : confidenceOf(ev.tuples, (t) => (ev.side === 'in' ? t.client : t.server));
    // A protocol that does not belong on the port questions the port, not the host's role.
    hosts[r].push(item(ip, `${evidence(ev.tuples, ev.side)}; ${confidenceText(ev.tuples, c)}`, c, [...ev.checks, ...(mismatches.get(ip) ?? [])]));
  }
  const clientIps = [...role.entries()].filter(([, r]) => r === 'clients').map(([ip]) => ip);
  const coversCloud = (net: string): boolean => {
    const spec = parseAddress(net);
    return typeof spec !== 'string' && AddressSet.of([spec]).overlaps(cloud);
  };
  const publicClient = new Set(clientIps.filter((ip) => {
    const t = evidenceOf.get(ip)!.tuples[0]!;
    return !isPrivate(t, t.client === ip ? t.clientWords : t.serverWords);
  }));
  for (const block of summariseClients(clientIps, nonClients, (net) => coversCloud(net), (ip) => !publicClient.has(ip))) {
    const ts = block.hosts.flatMap((h) => evidenceOf.get(h)!.tuples);
    let checks = block.hosts.flatMap((h) => evidenceOf.get(h)!.checks);
    if (checks.length > MAX_BLOCK_CHECKS) {
      // A /24 of PCs that all did the same odd thing: a few examples and the hosts, not one line each.
      const odd = block.hosts.filter((h) => evidenceOf.get(h)!.checks.length > 0);
      const shown = checks.slice(0, MAX_BLOCK_CHECKS);
      const named = new Set(odd.filter((h) => shown.some((c) => c.startsWith(`${h} `))));
      const rest = odd.filter((h) => !named.has(h));
      checks = [...shown, `${count(rest.length, 'more host')} of ${block.text} had CHECK lines like these: ${rest.slice(0, 20).join(', ')}${rest.length > 20 ? ', ...' : ''}`];
    }
    const c = confidenceOf(ts, (t) => `${t.client}>${t.server}`);
    const who = block.hosts.length === 1 ? '' : `${block.hosts.length} hosts (${block.hosts.slice(0, 4).join(', ')}${block.hosts.length > 4 ? ', ...' : ''}) `;
    const outTs = ts.filter((t) => !reversed.has(t));
    const what = outTs.length > 0 ? evidence(outTs, 'out') : evidence(ts, 'in');
    // A block's confidence is its evidence's; the CHECK lines below it name single hosts.
    const own = block.hosts.length > 1 ? c : (checks.length > 0 ? 'low' : c);
    hosts.clients.push(item(block.text, `${who}${what}; ${confidenceText(ts, own)}`, own, checks));
  }
  const roleChecks: string[] = [];
  const activeRoles = new Set<HostRole>();
  for (const r of RULES) {
    if (!r.modes.includes(mode.value) || (r.module && !modules.some((m) => m.value === r.module))) continue;
    activeRoles.add(r.host);
    if (r.peer && r.peer !== 'cloud') activeRoles.add(r.peer);
  }
  for (const r of HOST_ROLES) {
    if (hosts[r].length === 0 && activeRoles.has(r)) {
      roleChecks.push(`CHECK: no host was seen in role ${r}: add it if the site has one (its flows are otherwise unexpected or ignored)`);
    }
  }

  // 4d. Pins: a service seen on some servers only, when the other servers were seen well enough.
  const services = inferPins(listen, servers, mode.value, modules.some((m) => m.value === 'survey'));

  // 4e. Allow entries for infrastructure the servers use.
  const allow: Draft['allow'] = [];
  for (const inf of INFRASTRUCTURE) {
    const ts = tuples.filter((t) => t.proto === inf.proto && t.port === inf.port && serverSet.has(t.client) && !role.has(t.server));
    if (ts.length === 0) continue;
    const to = [...new Set(ts.map((t) => t.server))].sort(compareIp);
    allow.push({ ...inf, to, comment: `WFO servers ${evidence(ts, 'out').replace(/^opened /, 'used ')}; not in the WFO design; ${confidenceText(ts, confidenceOf(ts, (t) => t.client))}` });
  }

  // Traffic of the drafted hosts no rule or allow entry explains: the audit will call it unexpected.
  const explained = new Set([...SERVER_PORTS.keys(), ...DEPENDENCY_PORTS.keys(), ...allow.map((a) => portKey(a.proto, a.port))]);
  const cloudSet = new Set(cloudTuples);
  const unexplained = tuples.filter((t) => touchesServer(t) && !explained.has(keyOf(t)) && !cloudSet.has(t))
    .map((t) => `${tupleName(t)}: ${count(t.flows, 'flow')}${t.apps.size ? ` (${[...t.apps].map((a) => APP_NAMES[a]).join(', ')})` : ''}, ${span(t.first, t.last)}`);
  const notes: string[] = [];
  if (scanners.length > 0) {
    const who = new Set(scanners.map((t) => t.client)).size;
    notes.push(`CHECK: ${count(who, 'public address')} only tried WFO ports and were never answered (a scan?): not drafted as clients, so the audit calls these flows unexpected (not a site host): ${names(scanners)}`);
  }
  const unplaced = cloudLike.filter((t) => !role.has(t.server));
  if (unplaced.length > 0) {
    const hosts = [...new Set(unplaced.map((t) => t.server))].sort(compareIp);
    notes.push(`CHECK: WFO servers opened 2010, the port the cloud opens for connection pooling, on ${count(hosts.length, 'host')} outside the cloud range (${names(unplaced)}): not drafted. If they are the inContact cloud under other addresses, list them under cloud: and set mode: hybrid`);
  }
  const scanBy = new Map<string, Tuple[]>();
  for (const t of portScans) push(scanBy, t.client, t);
  for (const [ip, ts] of [...scanBy.entries()].sort(([a], [b]) => compareIp(a, b))) {
    notes.push(`CHECK: ${ip} tried ${opened.get(ip)!.ports.size} ports, nearly all never answered (a port scanner?): not drafted, so the audit calls its flows unexpected (not a site host) where they touch the site: ${names(ts)}`);
  }
  for (const [ip, ts] of [...webOnly.entries()].sort(([a], [b]) => compareIp(a, b))) {
    if (role.has(ip)) continue;
    notes.push(`CHECK: ${ip} accepted only 80/443 (${names(ts)}): not drafted as a WFO server, since other servers show WFO ports of their own. Add it to wfo-servers if it is a WFO web server (its flows are otherwise ignored)`);
  }
  const depLeft = depOnly.filter((t) => !role.has(t.client));
  if (depLeft.length > 0) {
    const who = [...new Set(depLeft.map((t) => t.client))].sort(compareIp);
    notes.push(`CHECK: ${count(who.length, 'host')} outside the servers' networks opened only a dependency's port (${names(depLeft)}): not drafted (PCs using the share or database?). Add any that are WFO servers to wfo-servers (their flows are otherwise ignored)`);
  }
  if (publicWeb.size > 0) notes.push(`${count(publicWeb.size, 'public address')} accepted only 80/443 (web servers, not drafted as WFO servers): ${[...publicWeb].sort(compareIp).slice(0, 6).join(', ')}${publicWeb.size > 6 ? ', ...' : ''}`);
  return { flows: flowCount, first, last, mode, modules, moduleNotes, hosts, roleChecks, services, allow, unexplained, notes };
}

