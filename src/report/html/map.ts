/**
 * The service map of the HTML report drawn as SVG: the model of map-model.ts laid out
 * left to right by dagre (deterministic for the same input: nodes and edges are added in
 * a fixed order), each edge in the style of its coverage status, with a legend that reads
 * without colour. Text only; no DOM.
 */
import { createRequire } from 'node:module';
import type DagreModule from '@dagrejs/dagre';
import { attr, esc, num } from './escape.js';
import { compactPorts, OTHER_HOSTS, type EdgeKind, type MapEdge, type ServiceMap } from './map-model.js';

/** dagre, loaded on the first map drawn (its CommonJS build, synchronously): other formats do not pay for it. */
let dagreModule: typeof DagreModule | null = null;
function dagre(): typeof DagreModule {
  dagreModule ??= createRequire(import.meta.url)('@dagrejs/dagre') as typeof DagreModule;
  return dagreModule;
}

/** How each edge kind is drawn: colour, dash pattern (greyscale-safe), width, and the mark after the label. */
export const EDGE_STYLE: Record<EdgeKind, { color: string; dash: string | null; width: number; mark: string; words: string }> = {
  seen: { color: '#1a7f37', dash: null, width: 2, mark: '\u2713', words: 'seen: working traffic' },
  blocked: { color: '#b35900', dash: '9 4', width: 3, mark: '\u2717', words: 'blocked: only failed attempts' },
  'wrong-direction': { color: '#8250df', dash: '9 3 2 3', width: 2.5, mark: '\u21c4', words: 'wrong direction: opened from the other side' },
  inconclusive: { color: '#6e7781', dash: '3 3', width: 2, mark: '?', words: 'inconclusive: outcome unknown' },
  unseen: { color: '#a8b1ba', dash: '1 4', width: 1.5, mark: '\u2013', words: 'unseen: no traffic' },
  finding: { color: '#d1242f', dash: '2 2 8 2', width: 3.5, mark: '!', words: 'finding outside the design' },
};

/** The tooltip of an edge. */
function edgeTitle(e: MapEdge): string {
  const what = e.kind === 'finding' ? 'findings outside the design' : e.kind;
  const ids = e.connections.length > 0 ? `\n${e.connections.join('\n')}` : '';
  return `${e.from} -> ${e.to}: ${what}, ${e.flows} flows${ids}`;
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
