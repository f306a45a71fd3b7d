/**
 * What the service map draws, before layout: the site's roles as nodes, and one edge per
 * pair of roles and coverage status, labelled with the ports of every designed connection
 * it stands for; findings the design does not explain become edges of their own (to or
 * from "(other hosts)" when an end is in no role of the site). A pure function of the
 * report and the site's role addresses.
 */
import { AddressSet, parseAddress, type AddressSpec } from '../../design/address.js';
import type { AuditReport, ConnectionRow, CoverageStatus, FindingPath } from '../types.js';
import { pathPort, reportConnections, reportPaths } from './model.js';

/** How an edge is drawn: a coverage status, or a finding outside the design. */
export type EdgeKind = CoverageStatus | 'finding';

/**
 * One edge of the map: every connection (or outside finding) of one kind between two
 * nodes, drawn once, labelled with all their ports. Per-connection figures are in the
 * coverage table; bundling keeps a real site's map readable.
 */
export interface MapEdge {
  /** Unique within the map: `<from>><to>:<kind>`. */
  key: string;
  from: string;
  to: string;
  /** Port texts on the edge ("5633/tcp", "2012-2015/tcp"), in connection order. */
  ports: string[];
  kind: EdgeKind;
  /** Connection ids drawn by this edge (empty for findings no rule explains). */
  connections: string[];
  /** Flows behind the edge (for the tooltip). */
  flows: number;
}

/** The map before layout. */
export interface ServiceMap {
  nodes: string[];
  edges: MapEdge[];
}

/** The node of hosts that are in no role of the site. */
export const OTHER_HOSTS = '(other hosts)';

/** Node order (also the order the layout receives them): openers first, then servers, then dependencies. */
export const NODE_ORDER = ['clients', 'pbx', 'any', 'wfo-servers', 'cloud', 'sql', 'file-server', 'snmp-manager', 'smtp-relay', OTHER_HOSTS];

/** Roles tried, most specific first, when telling which role an address of a finding is in. */
const LOOKUP_ORDER = ['wfo-servers', 'sql', 'file-server', 'pbx', 'snmp-manager', 'smtp-relay', 'cloud', 'clients'];

/** "2012,2013,2014,2015" -> "2012-2015"; other lists as they are. */
function portRuns(ports: string): string {
  const ns = ports.split(',').map((p) => Number(p.trim()));
  if (ns.length < 3 || ns.some((n, i) => !Number.isInteger(n) || (i > 0 && n !== ns[i - 1]! + 1))) return ports;
  return `${ns[0]}-${ns[ns.length - 1]}`;
}

/** The ends a connection end names: `clients+wfo-servers` is two roles. */
function endRoles(end: string): string[] {
  return end.split('+').filter((e) => e !== '');
}

/** Role -> compiled addresses, from the site's host lists (unparsable entries are left out). */
function compileRoles(roles: Readonly<Record<string, readonly string[]>> | undefined): [string, AddressSet][] {
  if (!roles) return [];
  const out: [string, AddressSet][] = [];
  for (const role of LOOKUP_ORDER) {
    const list = roles[role];
    if (!list) continue;
    const specs = list.map((t) => parseAddress(t)).filter((s): s is AddressSpec => typeof s !== 'string');
    out.push([role, AddressSet.of(specs)]);
  }
  return out;
}

/** A bare address as AddressSet words: IPv4 by hand (most addresses, and ip-address is slow), IPv6 through parseAddress. */
function addressWords(ip: string): { family: 4 | 6; words: number[] } | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (m) {
    const b = m.slice(1).map(Number);
    if (b.some((x) => x > 255)) return null;
    return { family: 4, words: [((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) | 0] };
  }
  const a = parseAddress(ip);
  return typeof a === 'string' ? null : { family: a.family, words: [...a.words] };
}

/** The role an address is in (most specific first), or null; memoised per address. */
function roleLookup(roles: readonly [string, AddressSet][]): (ip: string) => string | null {
  const memo = new Map<string, string | null>();
  return (ip) => {
    let r = memo.get(ip);
    if (r !== undefined) return r;
    r = null;
    const a = addressWords(ip);
    if (a) for (const [role, set] of roles) if (set.has(a.family, a.words)) { r = role; break; }
    memo.set(ip, r);
    return r;
  };
}

/** The ends of a connection id `<from>><to>:<ports>/<proto>`, or null when it is not one. */
export function connectionEnds(id: string): { from: string; to: string } | null {
  const m = /^([^>]+)>([^:]+):/.exec(id);
  return m ? { from: m[1]!, to: m[2]! } : null;
}

/**
 * A finding path is drawn as an edge of its own when the design does not explain it:
 * an unexpected path, or one no rule explains. (Blocked and wrong-direction paths of a
 * designed connection show in that connection's edge.)
 */
export function isOutsideDesign(p: FindingPath): boolean {
  return p.verdict === 'unexpected' || p.connection === null;
}

/** The nodes and edges of a report's map. */
export function mapModel(r: AuditReport, roles?: Readonly<Record<string, readonly string[]>>): ServiceMap {
  const byKey = new Map<string, MapEdge>();
  const add = (from: string, to: string, kind: EdgeKind, port: string, connection: string | null, flows: number) => {
    const key = `${from}>${to}:${kind}`;
    let e = byKey.get(key);
    if (!e) {
      e = { key, from, to, ports: [], kind, connections: [], flows: 0 };
      byKey.set(key, e);
    }
    if (!e.ports.includes(port)) e.ports.push(port);
    if (connection !== null && !e.connections.includes(connection)) e.connections.push(connection);
    e.flows += flows;
  };
  const conns: ConnectionRow[] = reportConnections(r);
  for (const c of conns) {
    for (const from of endRoles(c.from)) {
      for (const to of endRoles(c.to)) add(from, to, c.status, `${portRuns(c.port)}/${c.proto}`, c.id, c.flows);
    }
  }
  const compiled = compileRoles(roles);
  const byRole = roleLookup(compiled);
  for (const p of reportPaths(r)) {
    if (!isOutsideDesign(p)) continue;
    const ends = p.connection === null ? null : connectionEnds(p.connection);
    let to = p.server === '*' ? null : byRole(p.server);
    let from: string | null = null;
    const clientRoles = new Set(p.sampleClients.map((c) => byRole(c) ?? OTHER_HOSTS));
    if (clientRoles.size === 1) from = [...clientRoles][0]!;
    if (compiled.length === 0 && ends) {
      // Without the site's roles the connection's own ends are the best guess.
      from = endRoles(ends.from)[0] ?? null;
      to = endRoles(ends.to)[0] ?? null;
    }
    add(from ?? OTHER_HOSTS, to ?? OTHER_HOSTS, 'finding', pathPort(p), p.connection, p.flows);
  }
  // Edge order: designed kinds in status order, findings last (drawn on top).
  const kindOrder: EdgeKind[] = ['unseen', 'inconclusive', 'wrong-direction', 'blocked', 'seen', 'finding'];
  const edges = [...byKey.values()].sort((x, y) => kindOrder.indexOf(x.kind) - kindOrder.indexOf(y.kind));
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  const nodes = [...NODE_ORDER.filter((n) => used.has(n)), ...[...used].filter((n) => !NODE_ORDER.includes(n)).sort()];
  return { nodes, edges };
}

/**
 * An edge's ports written compactly: per transport, ascending, runs of consecutive
 * ports as ranges ("2012-2015, 5620, 5621/tcp"); ICMP as it is.
 */
export function compactPorts(ports: readonly string[]): string[] {
  const byProto = new Map<string, Set<number>>();
  const other: string[] = [];
  for (const text of ports) {
    const m = /^([\d,\-]+)\/(\w+)$/.exec(text);
    if (!m) { other.push(text); continue; }
    let set = byProto.get(m[2]!);
    if (!set) byProto.set(m[2]!, set = new Set());
    for (const part of m[1]!.split(',')) {
      const [a, b] = part.split('-').map(Number);
      for (let p = a!; p <= (b ?? a!); p++) set.add(p);
    }
  }
  const out: string[] = [];
  for (const proto of [...byProto.keys()].sort()) {
    const ns = [...byProto.get(proto)!].sort((x, y) => x - y);
    const runs: string[] = [];
    for (let i = 0; i < ns.length;) {
      let j = i;
      while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
      runs.push(j - i >= 2 ? `${ns[i]}-${ns[j]}` : ns.slice(i, j + 1).join(', '));
      i = j + 1;
    }
    const items = runs.join(', ').split(', ');
    items[items.length - 1] += `/${proto}`;
    out.push(...items);
  }
  return [...out, ...other];
}
