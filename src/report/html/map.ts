/**
 * The service map of the HTML report: the site's roles as nodes, each designed
 * connection as an edge labelled by its port and drawn in the style of its coverage
 * status, and the findings the design does not explain as red edges of their own
 * (to or from "(other hosts)" when an end is in no role). Laid out left to right by
 * dagre (deterministic for the same input: nodes and edges are added in a fixed
 * order). A pure function of the report to SVG text; no DOM.
 */
import { createRequire } from 'node:module';
import type DagreModule from '@dagrejs/dagre';
import { AddressSet, parseAddress, type AddressSpec } from '../../design/address.js';
import type { AuditReport, ConnectionRow, CoverageStatus, FindingPath } from '../types.js';
import { attr, esc, num } from './escape.js';
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

/** dagre, loaded on the first map drawn (its CommonJS build, synchronously): other formats do not pay for it. */
let dagreModule: typeof DagreModule | null = null;
function dagre(): typeof DagreModule {
  dagreModule ??= createRequire(import.meta.url)('@dagrejs/dagre') as typeof DagreModule;
  return dagreModule;
}

/** The node of hosts that are in no role of the site. */
export const OTHER_HOSTS = '(other hosts)';

/** Node order (also the order dagre receives them): openers first, then servers, then dependencies. */
const NODE_ORDER = ['clients', 'pbx', 'any', 'wfo-servers', 'cloud', 'sql', 'file-server', 'snmp-manager', 'smtp-relay', OTHER_HOSTS];

/** Roles tried, most specific first, when telling which role an address of a finding is in. */
const LOOKUP_ORDER = ['wfo-servers', 'sql', 'file-server', 'pbx', 'snmp-manager', 'smtp-relay', 'cloud', 'clients'];

/** How each edge kind is drawn: colour, dash pattern (greyscale-safe), width, and the mark after the label. */
export const EDGE_STYLE: Record<EdgeKind, { color: string; dash: string | null; width: number; mark: string; words: string }> = {
  seen: { color: '#1a7f37', dash: null, width: 2, mark: '\u2713', words: 'seen: working traffic' },
  blocked: { color: '#b35900', dash: '9 4', width: 3, mark: '\u2717', words: 'blocked: only failed attempts' },
  'wrong-direction': { color: '#8250df', dash: '9 3 2 3', width: 2.5, mark: '\u21c4', words: 'wrong direction: opened from the other side' },
  inconclusive: { color: '#6e7781', dash: '3 3', width: 2, mark: '?', words: 'inconclusive: outcome unknown' },
  unseen: { color: '#a8b1ba', dash: '1 4', width: 1.5, mark: '\u2013', words: 'unseen: no traffic' },
  finding: { color: '#d1242f', dash: '2 2 8 2', width: 3.5, mark: '!', words: 'finding outside the design' },
};

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

/** The tooltip of an edge. */
function edgeTitle(e: MapEdge): string {
  const what = e.kind === 'finding' ? 'findings outside the design' : e.kind;
  const ids = e.connections.length > 0 ? `\n${e.connections.join('\n')}` : '';
  return `${e.from} -> ${e.to}: ${what}, ${e.flows} flows${ids}`;
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

/** Ports a label shows (three lines); the tooltip and the tables have the rest. */
const LABEL_PORTS = 15;

/** Label lines of an edge: the mark, then at most five ports a line, and how many more. */
function labelLines(e: MapEdge): string[] {
  const all = compactPorts(e.ports);
  const items = all.length > LABEL_PORTS ? [...all.slice(0, LABEL_PORTS - 1), 'more\u2026'] : all;
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += 5) lines.push(items.slice(i, i + 5).join(', '));
  lines[0] = `${EDGE_STYLE[e.kind].mark} ${lines[0] ?? ''}`;
  return lines;
}

/** A smooth SVG path through dagre's points (straight ends, quadratic bends at the inner points). */
function smoothPath(pts: readonly { x: number; y: number }[]): string {
  if (pts.length === 0) return '';
  const p = (q: { x: number; y: number }) => `${num(q.x)},${num(q.y)}`;
  let d = `M${p(pts[0]!)}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const mid = i + 1 === pts.length - 1 ? b : { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    d += ` Q${p(a)} ${p(mid)}`;
  }
  if (pts.length === 2) d += ` L${p(pts[1]!)}`;
  return d;
}

/** The text a node shows. */
function nodeText(n: string): string {
  return n === 'any' ? 'any host of the site' : n;
}

/** Character width used to size boxes (the page's sans-serif at the map's font size, generously). */
const CHAR = 8;
const NODE_H = 34;
const LABEL_H = 14;
const LABEL_CHAR = 6.6;
const LOOP_GAP = 8;
const MARGIN = 12;

/**
 * The map as an inline SVG element (empty text when there is nothing to draw). Edges
 * from a role to itself (WFO server to WFO server) are not given to dagre: the node is
 * laid out taller and the loops with their labels are drawn under its box.
 */
export function renderMap(m: ServiceMap): string {
  if (m.nodes.length === 0) return '';
  const g = new (dagre().graphlib.Graph)({ multigraph: true, directed: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, edgesep: 10, ranksep: 70, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const lines = m.edges.map(labelLines);
  const labelWidth = (i: number) => Math.max(...lines[i]!.map((l) => l.length)) * LABEL_CHAR + 8;
  const labelHeight = (i: number) => lines[i]!.length * LABEL_H + 2;
  const loops = new Map<string, number[]>();
  m.edges.forEach((e, i) => {
    if (e.from === e.to) loops.set(e.from, [...(loops.get(e.from) ?? []), i]);
  });
  for (const n of m.nodes) {
    const own = loops.get(n) ?? [];
    const width = Math.max(90, nodeText(n).length * CHAR + 24, ...own.map((i) => labelWidth(i) + 24));
    const height = NODE_H + own.reduce((sum, i) => sum + labelHeight(i) + LOOP_GAP, 0);
    g.setNode(n, { width, height });
  }
  m.edges.forEach((e, i) => {
    if (e.from !== e.to) g.setEdge(e.from, e.to, { width: labelWidth(i), height: labelHeight(i), labelpos: 'c' }, `e${i}`);
  });
  dagre().layout(g);
  const graph = g.graph() as { width?: number; height?: number };
  const w = Math.ceil(graph.width ?? 0);
  const h = Math.ceil(graph.height ?? 0);
  const box = (n: string) => {
    const v = g.node(n) as { x: number; y: number; width: number; height: number };
    return { x: v.x, top: v.y - v.height / 2, width: v.width, height: v.height };
  };
  const out: string[] = [];
  out.push(`<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="map-title">`);
  out.push('<title id="map-title">Service map: roles and designed connections, drawn by coverage status</title>');
  out.push('<defs>');
  for (const [kind, s] of Object.entries(EDGE_STYLE)) {
    out.push(`<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${s.color}"/></marker>`);
  }
  out.push('</defs>');
  const label = (i: number, cx: number, top: number, color: string) => {
    const wd = labelWidth(i);
    out.push(`<rect x="${num(cx - wd / 2)}" y="${num(top)}" width="${num(wd)}" height="${num(labelHeight(i))}" rx="3" fill="#fff" stroke="${color}" stroke-width="0.8"/>`);
    lines[i]!.forEach((l, k) => {
      out.push(`<text x="${num(cx)}" y="${num(top + 11 + k * LABEL_H)}" text-anchor="middle" class="edge-label">${esc(l)}</text>`);
    });
  };
  const loopTop = new Map<string, number>();
  m.edges.forEach((e, i) => {
    const s = EDGE_STYLE[e.kind];
    const stroke = `fill="none" stroke="${s.color}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} marker-end="url(#arrow-${e.kind})"`;
    out.push(`<g class="edge edge-${e.kind}" data-edge="${attr(e.key)}"><title>${esc(edgeTitle(e))}</title>`);
    if (e.from === e.to) {
      const b = box(e.from);
      const y0 = b.top + NODE_H;
      const top = (loopTop.get(e.from) ?? y0 + LOOP_GAP);
      loopTop.set(e.from, top + labelHeight(i) + LOOP_GAP);
      const left = b.x - b.width / 2 + 4;
      const right = b.x + b.width / 2 - 4;
      const ly = top + labelHeight(i) / 2;
      out.push(`<path d="M${num(left + 10)},${num(y0)} C${num(left - 6)},${num(ly)} ${num(left)},${num(ly)} ${num(b.x - labelWidth(i) / 2)},${num(ly)} M${num(b.x + labelWidth(i) / 2)},${num(ly)} C${num(right)},${num(ly)} ${num(right + 6)},${num(ly)} ${num(right - 10)},${num(y0 + 1)}" ${stroke}/>`);
      label(i, b.x, top, s.color);
    } else {
      const lab = g.edge(e.from, e.to, `e${i}`) as { points?: { x: number; y: number }[]; x?: number; y?: number; height: number };
      out.push(`<path d="${smoothPath(lab.points ?? [])}" ${stroke}/>`);
      if (lab.x !== undefined && lab.y !== undefined) label(i, lab.x, lab.y - lab.height / 2, s.color);
    }
    out.push('</g>');
  });
  for (const n of m.nodes) {
    const b = box(n);
    const other = n === OTHER_HOSTS;
    out.push(`<g class="node${other ? ' node-other' : ''}" data-node="${attr(n)}">`);
    out.push(`<rect x="${num(b.x - b.width / 2)}" y="${num(b.top)}" width="${num(b.width)}" height="${NODE_H}" rx="6" fill="${other ? '#fff5f5' : '#f6f8fa'}" stroke="${other ? '#d1242f' : '#57606a'}" stroke-width="1.5"${other ? ' stroke-dasharray="4 2"' : ''}/>`);
    out.push(`<text x="${num(b.x)}" y="${num(b.top + NODE_H / 2 + 4.5)}" text-anchor="middle" class="node-label">${esc(nodeText(n))}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** The legend: one line sample per edge kind, with its mark and words (readable without colour). */
export function renderLegend(): string {
  const rows = (Object.entries(EDGE_STYLE) as [EdgeKind, (typeof EDGE_STYLE)[EdgeKind]][]).map(([kind, s]) =>
    `<li class="legend-${kind}"><svg xmlns="http://www.w3.org/2000/svg" width="46" height="12" viewBox="0 0 46 12" aria-hidden="true"><line x1="2" y1="6" x2="44" y2="6" stroke="${s.color}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/></svg> <b>${esc(s.mark)}</b> ${esc(s.words)}</li>`);
  return `<ul class="legend">\n${rows.join('\n')}\n</ul>`;
}
