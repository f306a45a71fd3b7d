/**
 * The HTML reporter: the sign-off report as one self-contained page for people who will
 * not run a CLI (inline CSS and SVG, no script, no fetch, a Content-Security-Policy that
 * allows nothing else, a print stylesheet for A4). Every string from the input is escaped
 * (html/escape.ts); every number carries a `data-key` naming the JSON report field it
 * shows (docs/signoff.md), so a test can compare the page with the JSON. The service map
 * and the timeline are pure functions of the report (html/map-model.ts and map.ts, html/timeline.ts).
 */
import { VERDICTS, type Verdict } from '../classify/types.js';
import { roundTime } from './build.js';
import { captureText, FINDING_TITLE, MISMATCH_MEANING, STATUS_MEANING, VERDICT_MEANING } from './facts.js';
import { fmtBytes, fmtDuration, fmtPercent, fmtTime, timeFormatter } from './format.js';
import { reportFindings } from './grouper.js';
import { DEFAULT_FAIL_ON, type ReportOptions } from './options.js';
import { groupHosts, groupPort, groupService, TOP_GROUPS, topGroups } from './shown.js';
import type { AuditReport, ConnectionRow, CoverageStatus, FindingPath } from './types.js';
import { COVERAGE_STATUSES, FINDING_VERDICTS } from './types.js';
import { attr, esc } from './html/escape.js';
import { EDGE_STYLE, renderLegend, renderMap } from './html/map.js';
import { mapModel } from './html/map-model.js';
import { pathKey, pathPort, reportConnections, reportPaths } from './html/model.js';
import { keyed, resultHtml, signoffHtml } from './html/result.js';
import { STYLE } from './html/style.js';
import { buildTimeline, renderTimeline, renderTimelineLegend, stepText } from './html/timeline.js';

/** The page's Content-Security-Policy: nothing but inline styles and data: images. */
export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A number shown formatted, with the raw value beside its data-key (bytes, shares, times). */
function keyedValue(key: string, value: number, text: string): string {
  return `<span class="n" data-key="${attr(key)}" data-value="${value}">${esc(text)}</span>`;
}

/** A capture time in UTC with its data-key, as a <time> element (`short`: the table form of timeFormatter). */
function keyedTime(key: string, t: number | null, short?: (t: number) => string): string {
  if (t === null) return '';
  const full = fmtTime(t);
  const text = short ? short(t) : full;
  return `<time data-key="${attr(key)}" data-value="${t}" datetime="${attr(full.replace(' ', 'T') + 'Z')}">${esc(text)}</time>`;
}

/** A table cell holding a keyed count. */
function numCell(key: string, n: number): string {
  return `<td class="num">${keyed(key, n)}</td>`;
}

/** An id (connection, rule) that may wrap after its separators instead of anywhere. */
function idHtml(s: string): string {
  return `<code class="id">${esc(s).replace(/(&gt;|[:,./|])/g, '$1<wbr>')}</code>`;
}

function statusCell(s: CoverageStatus): string {
  return `<td><span class="status status-${s}">${esc(EDGE_STYLE[s].mark)} ${esc(s)}</span></td>`;
}

function section(id: string, title: string, body: string[]): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${body.join('\n')}\n</section>`;
}

/** The header: site, inputs, time window, capture quality, warnings. */
function header(r: AuditReport): string[] {
  const out: string[] = [];
  const s = r.stats;
  out.push('<dl class="facts">');
  out.push(`<dt>Site</dt><dd><code>${esc(r.site.path ?? 'no site file: the built-in design, matched by port only')}</code></dd>`);
  out.push(`<dt>Mode</dt><dd>${esc(r.site.mode)}</dd>`);
  out.push(`<dt>Modules</dt><dd>${r.site.modules.length > 0 ? r.site.modules.map(esc).join(', ') : 'none'}</dd>`);
  const window = s.first === null || s.last === null ? 'no packets'
    : `${keyedTime('stats.first', s.first)} to ${keyedTime('stats.last', s.last)} UTC (offset +00:00; capture timestamps, not the time this page was made), ${keyedValue('stats.duration', roundTime(s.last - s.first), fmtDuration(s.last - s.first))}`;
  out.push(`<dt>Time window</dt><dd>${window}</dd>`);
  out.push(`<dt>Traffic</dt><dd>${keyed('stats.packets', s.packets)} packets (${keyedValue('stats.bytes', s.bytes, fmtBytes(s.bytes))}) in ${keyed('stats.flows', s.flows)} flows</dd>`);
  const q: string[] = [];
  if (s.bothWaysShare === null) q.push('no TCP flows, so completeness cannot be judged');
  else q.push(`both directions seen for ${keyedValue('stats.bothWaysShare', s.bothWaysShare, fmtPercent(s.bothWaysShare))} of TCP flows`);
  if (s.oneSidedShare !== null && s.oneSidedShare > 0) q.push(`${keyedValue('stats.oneSidedShare', s.oneSidedShare, fmtPercent(s.oneSidedShare))} show a direction the capture missed (ACKs of uncaptured data, or replies without requests)`);
  if (s.lossEstimate === null) q.push('no acknowledged data to estimate loss');
  else if (s.lossEstimate === 0) q.push(`no sign of lost packets (${keyedValue('stats.lossEstimate', 0, '0%')})`);
  else q.push(`about ${keyedValue('stats.lossEstimate', s.lossEstimate, fmtPercent(s.lossEstimate))} of acknowledged bytes never captured`);
  // The span-port warning sentence, worded once in facts.ts.
  const caution = captureText(r).split('. ').slice(1).join('. ');
  out.push(`<dt>Capture quality</dt><dd>${q.join('; ')}${caution ? `. <b>${esc(caution)}</b>` : ''}</dd>`);
  const decode = Object.entries(s.decodeErrors).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  out.push(`<dt>Decode problems</dt><dd>${decode.length === 0 ? 'none' : decode.map(([k, n]) => `${esc(k)} ${keyed(`stats.decodeErrors.${k}`, n)}`).join(', ')}</dd>`);
  out.push(`<dt>Evictions</dt><dd>${s.evicted === 0 ? 'none (the flow table never filled up)' : `${keyed('stats.evicted', s.evicted)} flows pushed out of a full flow table (their verdicts may be incomplete)`}</dd>`);
  if (s.icmpUnmatched > 0) out.push(`<dt>ICMP errors</dt><dd>${keyed('stats.icmpUnmatched', s.icmpUnmatched)} quoted a packet of no known flow</dd>`);
  out.push('</dl>');
  if (r.inputs.length > 0) {
    out.push('<table class="inputs"><thead><tr><th>Input</th><th>Format</th><th class="num">Packets</th><th class="num">Bytes</th><th>Status</th></tr></thead><tbody>');
    r.inputs.forEach((i, k) => {
      out.push(`<tr><td><code>${esc(i.path)}</code></td><td>${esc(i.format + (i.gzip ? ' (gzip)' : ''))}</td>${numCell(`inputs.${k}.packets`, i.packets)}<td class="num">${keyedValue(`inputs.${k}.bytes`, i.bytes, fmtBytes(i.bytes))}</td><td>${i.error === null ? 'read to the end' : `<b>stopped:</b> ${esc(i.error)}`}</td></tr>`);
    });
    out.push('</tbody></table>');
  }
  return out;
}

/** Verdict counts with their meanings. */
function summary(r: AuditReport): string[] {
  const rows = VERDICTS.map((v: Verdict) => `<tr><td class="verdict-${v}">${esc(v)}</td>${numCell(`summary.${v}`, r.summary[v] ?? 0)}<td>${esc(VERDICT_MEANING[v])}</td></tr>`);
  rows.push(`<tr><td>protocol mismatch</td>${numCell('summary.protocol-mismatch', r.summary['protocol-mismatch'] ?? 0)}<td>${esc(MISMATCH_MEANING)}</td></tr>`);
  const out = ['<table class="summary"><thead><tr><th>Verdict</th><th class="num">Flows</th><th>Meaning</th></tr></thead><tbody>', ...rows, '</tbody></table>'];
  const allowed = allowedFlows(r);
  if (allowed.size > 0) {
    out.push(`<p>Allowed by the site file's <code>allow:</code> entries (not WFO traffic, not findings): ${[...allowed].map(([name, n], i) => `<code>${esc(name)}</code> ${keyed(`allowed.${i}.flows`, n)}`).join(', ')} flows.</p>`);
  }
  return out;
}

/**
 * Flows per `allow:` entry of the site file (their rule is `allow.<name>`), by name in
 * code-unit order; keyed by that position (`allowed.<i>.flows`), since a name may hold
 * characters the page shows escaped.
 */
function allowedFlows(r: AuditReport): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of r.flows) {
    if (f.rule === null || !f.rule.startsWith('allow.')) continue;
    const name = f.rule.slice('allow.'.length);
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  return new Map([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** Hosts per role, as the site file gives them, beside the map. */
function rolesAside(roles: ReportOptions['roles'], nodes: readonly string[]): string {
  const out: string[] = ['<aside class="roles"><h3>Hosts per role</h3>'];
  if (!roles) {
    out.push('<p class="muted">No site file: roles are not known, so every host may play any role.</p>');
  } else {
    out.push('<dl>');
    for (const [role, hosts] of Object.entries(roles)) {
      if (hosts.length === 0 && !nodes.includes(role)) continue;
      out.push(`<dt>${esc(role)}</dt><dd>${hosts.length === 0 ? '<span class="muted">none given</span>' : hosts.map((h) => `<code>${esc(h)}</code>`).join(', ')}</dd>`);
    }
    out.push('</dl>');
  }
  if (nodes.includes('(other hosts)')) out.push('<p><b>(other hosts)</b>: addresses in no role of the site.</p>');
  out.push('</aside>');
  return out.join('\n');
}

/** Connections per status, for the coverage sentence. */
function statusCounts(conns: readonly ConnectionRow[]): string {
  const parts = COVERAGE_STATUSES.map((s) => `${keyed(`connectionStatus.${s}`, conns.filter((c) => c.status === s).length)} ${esc(s)}`);
  return `${keyed('connectionStatus.total', conns.length)} designed connections: ${parts.join(', ')}.`;
}

function seedText(seed: ConnectionRow['seed']): string {
  return seed.map((x) => `<span title="${attr(x.text)}">${esc(`${x.table} row ${x.row}`)}</span>`).join(', ');
}

/** The coverage table, one row per designed connection. */
function coverage(r: AuditReport, conns: readonly ConnectionRow[]): string[] {
  const out: string[] = [];
  const at = timeFormatter(r.stats.first, r.stats.last);
  out.push(`<p>${statusCounts(conns)} ${COVERAGE_STATUSES.map((s) => `<span class="status status-${s}">${esc(s)}</span>: ${esc(STATUS_MEANING[s])}`).join('; ')}.</p>`);
  if (!r.connections) out.push('<p class="muted">This report has no per-connection figures; the rows below add up its per-rule coverage by connection.</p>');
  if (conns.length === 0) return out;
  out.push('<table class="coverage"><thead><tr><th>Connection</th><th>Status</th><th class="num">Expected</th><th class="num">Blocked</th><th class="num">Wrong dir.</th><th class="num">Inconcl.</th><th class="num">Flows</th><th>First</th><th>Last</th><th>Rules and seed rows</th></tr></thead><tbody>');
  for (const c of conns) {
    const k = `connections.${c.id}`;
    out.push(`<tr data-connection="${attr(c.id)}"><td>${idHtml(c.id)}${c.note ? `<br><span class="muted">${esc(c.note)}</span>` : ''}</td>${statusCell(c.status)}`
      + `${numCell(`${k}.expected`, c.expected)}${numCell(`${k}.blocked`, c.blocked)}${numCell(`${k}.wrong-direction`, c['wrong-direction'])}${numCell(`${k}.inconclusive`, c.inconclusive)}${numCell(`${k}.flows`, c.flows)}`
      + `<td>${keyedTime(`${k}.first`, c.first, at)}</td><td>${keyedTime(`${k}.last`, c.last, at)}</td>`
      + `<td class="rules">${c.rules.map(idHtml).join(' ')}<br><span class="muted">${seedText(c.seed)}</span></td></tr>`);
  }
  out.push('</tbody></table>');
  return out;
}

/** The paths of one verdict in the order the page lists them: most flows first, then earliest. */
export function pathsOf(paths: readonly FindingPath[], v: FindingPath['verdict']): FindingPath[] {
  return paths.filter((p) => p.verdict === v).sort((a, b) => b.flows - a.flows || a.first - b.first);
}

/** Findings per path (the TOP_GROUPS with most flows per verdict, all with --all), mismatch groups. */
function findings(r: AuditReport, o: ReportOptions, paths: readonly FindingPath[], conns: readonly ConnectionRow[]): string[] {
  const out: string[] = [];
  const at = timeFormatter(r.stats.first, r.stats.last);
  const seedOf = new Map(conns.map((c) => [c.id, c.seed]));
  const counted = r.summary.blocked + r.summary['wrong-direction'] + r.summary.unexpected;
  const listed = paths.reduce((n, p) => n + p.flows, 0);
  if (counted === 0) out.push('<p>None: every judged flow matched the design.</p>');
  else if (listed < counted) out.push(`<p>${keyed('findings.unlisted', counted - listed)} finding flows counted in the summary are not in this report's findings.</p>`);
  if (!r.findings?.paths) out.push('<p class="muted">This report has no finding paths; the rows below add up its finding groups per verdict, connection and server.</p>');
  for (const v of FINDING_VERDICTS) {
    let ps = pathsOf(paths, v);
    if (ps.length === 0) continue;
    out.push(`<h3>${esc(FINDING_TITLE[v])}</h3>`);
    const all = ps;
    ps = o.all ? all : all.slice(0, TOP_GROUPS);
    out.push('<table class="paths"><thead><tr><th>Connection or port</th><th>Server</th><th class="num">Clients</th><th class="num">Flows</th><th>First</th><th>Last</th><th>Reason</th><th>Seed</th><th>Sample clients</th></tr></thead><tbody>');
    for (const p of ps) {
      const k = `paths.${pathKey(p)}`;
      const clients = typeof p.clients === 'number' ? keyed(`${k}.clients`, p.clients)
        : `<span class="n" data-key="${attr(`${k}.clients`)}">${esc(p.clients)}</span>`;
      const seed = p.connection === null ? '' : seedText(seedOf.get(p.connection) ?? []);
      const sample = p.sampleClients.slice(0, 5).map((c) => `<code>${esc(c)}</code>`).join(', ') + (p.sampleClients.length > 5 ? ', …' : '');
      out.push(`<tr data-path="${attr(pathKey(p))}"><td>${idHtml(p.connection ?? pathPort(p))}</td><td><code>${esc(p.server === '*' ? '(other hosts)' : p.server)}</code></td><td class="num">${clients}</td>${numCell(`${k}.flows`, p.flows)}`
        + `<td>${keyedTime(`${k}.first`, p.first, at)}</td><td>${keyedTime(`${k}.last`, p.last, at)}</td><td>${esc(p.reason)} <span class="muted">(${esc(p.reasonCode)})</span></td><td>${seed}</td><td>${sample}</td></tr>`);
    }
    out.push('</tbody></table>');
    if (ps.length < all.length) {
      const rest = all.slice(ps.length);
      out.push(`<p>… and ${keyed(`pathsMore.${v}.paths`, rest.length)} more paths (${keyed(`pathsMore.${v}.flows`, rest.reduce((n, p) => n + p.flows, 0))} flows): see <code>--format json</code>, or <code>--all</code>.</p>`);
    }
  }
  const { mismatches } = reportFindings(r);
  if (mismatches.length > 0) {
    out.push(`<h3>Protocol mismatch: ${esc(MISMATCH_MEANING)}</h3>`);
    out.push('<table class="mismatches"><thead><tr><th>Service</th><th>Port</th><th>From</th><th>To</th><th>Carried</th><th class="num">Flows</th><th>Verdict</th></tr></thead><tbody>');
    const shown = topGroups(mismatches, o.all);
    for (const g of shown) {
      const h = groupHosts(g);
      out.push(`<tr><td>${esc(groupService(g))}</td><td>${esc(groupPort(g))}</td><td><code>${esc(h.from)}</code></td><td><code>${esc(h.to)}</code></td><td>${esc(g.app)}</td>${numCell(`mismatches.${g.key}.count`, g.count)}<td>${esc(g.verdict)}</td></tr>`);
    }
    out.push('</tbody></table>');
    if (shown.length < mismatches.length) {
      const rest = mismatches.length - shown.length;
      const flows = mismatches.reduce((n, g) => n + g.count, 0) - shown.reduce((n, g) => n + g.count, 0);
      out.push(`<p>… and ${keyed('mismatchesMore.groups', rest)} more groups (${keyed('mismatchesMore.flows', flows)} flows): see <code>--format json</code>, or <code>--all</code>.</p>`);
    }
  }
  return out;
}

/** How to read the page, in a few lines. */
function howTo(): string[] {
  return ['<ul class="howto">',
    '<li><b>Start with the result line.</b> It says what the exit code says: 2 when an input could not be read to the end or no flow could be judged, else 1 when a verdict listed in <code>--fail-on</code> was found, else 0. Inconclusive flows prove nothing either way.</li>',
    '<li><b>The map</b> has one box per role of the site file and one line per kind of designed connection between two roles: every port on a line has the same coverage status. The line style says the status, so the map also reads in black and white. Red lines are findings the design does not explain; "(other hosts)" are addresses in no role.</li>',
    '<li><b>The timeline</b> counts flows by the time of their first packet, per bucket, by verdict (ignored flows left out). Under it, each finding path is a bar from its first to its last flow: where a bar starts is when that failure was first seen.</li>',
    '<li><b>Coverage</b> has one row per designed connection, with its rule ids and the seed rows it comes from. <i>Unseen</i> means no traffic in this window, which for rare traffic (alerts, traps) is no sign of a fault.</li>',
    '<li><b>Findings</b> are grouped per path: one verdict, one connection (or port), one server, whatever the client. One firewall change usually fixes one path for every client at once. Each verdict lists its 20 paths with most flows (<code>--all</code>: every path).</li>',
    '<li>All times are capture times in UTC. Hover a line or a bar for its figures; the JSON report (<code>--format json</code>) has every flow.</li>',
    '</ul>'];
}

/** The report as one self-contained HTML page. */
export function html(r: AuditReport, o: ReportOptions): string {
  const failOn = o.failOn ?? DEFAULT_FAIL_ON;
  const conns = reportConnections(r);
  const paths = reportPaths(r);
  const result = resultHtml(r, failOn);
  const map = mapModel(r, o.roles);
  const timeline = buildTimeline(r);
  const title = `WFO traffic audit: ${r.site.path ?? 'built-in design'}`;
  const body: string[] = [];
  body.push(`<header>\n<h1>WFO traffic audit</h1>`);
  body.push(`<p class="result result-${result.code}" data-exit-code="${result.code}">${result.html}</p>`);
  const warnings = r.warnings ?? [];
  if (warnings.length > 0) {
    body.push('<ul class="warnings">');
    warnings.forEach((w, i) => body.push(`<li><b>${esc(w.code)}</b>: ${esc(w.message)}${w.count > 1 ? ` (${keyed(`warnings.${i}.count`, w.count)} times)` : ''}</li>`));
    body.push('</ul>');
  }
  body.push(...header(r), '</header>');
  body.push(section('summary', 'Summary', summary(r)));
  const mapSvg = renderMap(map);
  body.push(section('map', 'Service map', [
    '<div class="map-area">',
    `<figure>${mapSvg || '<p class="muted">No designed connection and no finding to draw.</p>'}</figure>`,
    rolesAside(o.roles, map.nodes),
    '</div>',
    renderLegend(),
  ]));
  const tl = renderTimeline(r, timeline, paths);
  body.push(section('timeline', 'Timeline', [
    timeline ? `<p>Flows per ${keyedValue('timeline.step', timeline.step, stepText(timeline.step))} by verdict, then each finding path from its first to its last flow.</p>` : '<p class="muted">This report carries no flow list, so only the finding paths are drawn.</p>',
    tl || '<p class="muted">No packets, so no timeline.</p>',
    timeline ? renderTimelineLegend() : '',
  ]));
  body.push(section('coverage', 'Coverage of the design', coverage(r, conns)));
  body.push(section('findings', 'Findings', findings(r, o, paths, conns)));
  body.push(section('conflicts', 'Conflicts in the design', r.conflicts.length === 0 ? ['<p>None.</p>']
    : ['<ul>', ...r.conflicts.map((c) => `<li><b>${esc(c.kind)}</b>: ${esc(c.message)}</li>`), '</ul>']));
  body.push(section('how-to-read', 'How to read this report', howTo()));
  body.push(section('sign-off', 'Sign-off', [
    `<div class="signoff"><p><b>${signoffHtml(r, failOn, conns.filter((c) => c.status === 'unseen').length)}</b></p>`,
    '<p>&#9744; Every blocked finding has a firewall change or a written reason to accept it<br>&#9744; Every wrong-direction and unexpected finding has been reviewed<br>&#9744; Unseen connections are idle in this window, not broken</p>',
    '<p>Reviewed by: ____________________ &nbsp; Date: ____________ &nbsp; Change ticket: ____________</p></div>',
  ]));
  body.push(`<footer>Generated by wfo-audit ${esc(r.version)} from the inputs above. All times are capture times in UTC.</footer>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${attr(HTML_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
