/**
 * The diff's formats, one function each, registered in one map (the `--format` choices of
 * `wfo-audit diff` come from it): table (terminal), markdown (change ticket), json
 * (docs/report-schema.md, "The diff report") and html (one self-contained page, every
 * string from the reports escaped).
 */
import { esc, attr } from '../report/html/escape.js';
import { HTML_CSP } from '../report/html.js';
import { STYLE } from '../report/html/style.js';
import { mdText } from '../report/markdown.js';
import { fmtInt, isoTime, renderTable, wrap } from '../report/format.js';
import { DIFF_WARNING_CODES, FINDING_CHANGES, type Diff, type DiffFinding, type DiffSide, type FindingChange } from './diff.js';

/** Options of a diff rendering. */
export interface DiffRenderOptions {
  failOn: readonly string[];
  width: number;
}

/** How each change reads in the human formats. */
export const CHANGE_WORDS: Record<FindingChange, string> = {
  new: 'new',
  persisted: 'still there',
  fixed: 'fixed',
  'not-re-tested': 'not re-tested',
};

/** What each change means, for the legend. */
export const CHANGE_MEANING: Record<FindingChange, string> = {
  new: 'only in the after report: a finding the change introduced, or traffic the before capture did not have',
  persisted: 'in both reports (the clients may differ)',
  fixed: 'gone, and the after report judged traffic of that connection to that server',
  'not-re-tested': 'gone, but the after report has no judged traffic of that connection to that server: not proven fixed, capture again while it is used',
};

/** Control characters, lone surrogates and bidi overrides shown as visible escapes: text from a report never drives the terminal. */
function plain(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A capture time as ISO 8601 in UTC with its offset written out. */
export function utcText(t: number | null): string {
  if (t === null) return 'no time';
  const iso = isoTime(t);
  return iso === null ? `${t} s` : iso.replace('Z', '+00:00');
}

function windowText(s: DiffSide): string {
  return s.first === null ? 'no packets' : `${utcText(s.first)} to ${utcText(s.last)}`;
}

function siteLine(s: DiffSide): string {
  const mods = s.site.modules.length > 0 ? s.site.modules.join(', ') : 'none';
  return `${s.site.path ?? '(no site file)'}, mode ${s.site.mode}, modules ${mods}, design ${s.designHash === null ? 'hash unknown' : s.designHash.slice(0, 12)}`;
}

function inputsLine(s: DiffSide): string {
  return s.inputs.map((i) => `${i.path} (${i.format}, ${fmtInt(i.packets)} packets)`).join(', ');
}

/** The connection (or port) of a finding as shown. */
export function findingTarget(f: Pick<DiffFinding, 'connection' | 'proto' | 'port'>): string {
  return f.connection ?? (f.proto === 'icmp' || f.proto === 'icmp6' ? `${f.proto} (outside the design)` : `${f.port}/${f.proto} (outside the design)`);
}

/** The one-line result: new findings decide the exit code. */
export function diffResultText(d: Diff, failOn: readonly string[]): string {
  const failing = d.findings.filter((f) => f.change === 'new' && failOn.includes(f.verdict)).length;
  const counts = FINDING_CHANGES.map((c) => `${d.summary[c]} ${CHANGE_WORDS[c]}`).join(', ');
  const head = failing > 0
    ? `${failing} new finding${failing === 1 ? '' : 's'} (exit 1 with --fail-on ${failOn.join(',')})`
    : `no new finding of the --fail-on kinds (${failOn.length > 0 ? failOn.join(',') : 'none'})`;
  return `${head}; findings: ${counts}`;
}

function clientsText(f: DiffFinding, arrow = '->'): string {
  const n = (x: DiffFinding['before']) => (x === null ? '-' : String(x.clients));
  const parts = [`${n(f.before)} ${arrow} ${n(f.after)}`];
  if (f.clientsAdded.length > 0) parts.push(`+${f.clientsAdded.join(' +')}`);
  if (f.clientsGone.length > 0) parts.push(`-${f.clientsGone.join(' -')}`);
  return parts.join(' ');
}

/** The table format. */
export function diffTable(d: Diff, o: DiffRenderOptions): string {
  const w = o.width;
  const out: string[] = [`wfo-audit diff (wfo-audit ${d.version})`];
  out.push(...wrap(plain(diffResultText(d, o.failOn)), w, '  '));
  if (d.warnings.length > 0) {
    out.push('', `WARNINGS (${d.warnings.length})`);
    for (const x of d.warnings) out.push(...wrap(`- ${plain(x.message)}`, w, '  ').map((l, i) => (i === 0 ? l : `  ${l}`)));
  }
  for (const [name, s] of [['BEFORE', d.before], ['AFTER', d.after]] as const) {
    out.push('', `${name}  ${plain(s.path)}`);
    out.push(...wrap(plain(`site: ${siteLine(s)}`), w, '  '));
    out.push(...wrap(plain(`inputs: ${inputsLine(s)}`), w, '  '));
    out.push(...wrap(`window: ${windowText(s)}`, w, '  '));
  }
  out.push('', `FINDINGS (${d.findings.length})`);
  if (d.findings.length === 0) out.push('  none in either report');
  else {
    out.push(...renderTable(d.findings, [
      { header: 'CHANGE', get: (f) => CHANGE_WORDS[f.change] },
      { header: 'VERDICT', get: (f) => f.verdict },
      { header: 'CONNECTION', get: (f) => plain(findingTarget(f)), flex: true, min: 20 },
      { header: 'SERVER', get: (f) => plain(f.server) },
      { header: 'FLOWS', align: 'right', get: (f) => `${f.before?.flows ?? '-'} -> ${f.after?.flows ?? '-'}` },
      { header: 'CLIENTS', get: (f) => plain(clientsText(f)), flex: true, drop: 1 },
      { header: 'REASON', get: (f) => plain((f.after ?? f.before)!.reasonCode), drop: 2 },
    ], w, { indent: '  ' }));
    const seen = new Set(d.findings.map((f) => f.change));
    for (const c of FINDING_CHANGES) if (seen.has(c)) out.push(...wrap(`${CHANGE_WORDS[c]}: ${CHANGE_MEANING[c]}`, w, '  '));
  }
  out.push('', `COVERAGE CHANGES (${d.connections.length} designed connections)`);
  if (d.connections.length === 0) out.push('  no designed connection changed status');
  else {
    out.push(...renderTable(d.connections, [
      { header: 'CONNECTION', get: (c) => plain(c.id), flex: true },
      { header: 'BEFORE', get: (c) => c.before ?? '(not in design)' },
      { header: 'AFTER', get: (c) => c.after ?? '(not in design)' },
    ], w, { indent: '  ' }));
  }
  return out.join('\n') + '\n';
}

/** The markdown format. */
export function diffMarkdown(d: Diff, o: DiffRenderOptions): string {
  const out: string[] = ['# WFO traffic audit: what changed', ''];
  out.push(`**Result:** ${mdText(diffResultText(d, o.failOn))}`, '');
  if (d.warnings.length > 0) {
    out.push('## Warnings', '');
    for (const x of d.warnings) out.push(`- ${mdText(x.message)}`);
    out.push('');
  }
  out.push('## Reports', '', '| | before | after |', '| --- | --- | --- |');
  const row = (label: string, f: (s: DiffSide) => string) => out.push(`| ${label} | ${mdText(f(d.before))} | ${mdText(f(d.after))} |`);
  row('report', (s) => s.path);
  row('site', (s) => siteLine(s));
  row('inputs', inputsLine);
  row('window', windowText);
  out.push('', `## Findings (${d.findings.length})`, '');
  if (d.findings.length === 0) out.push('None in either report.');
  else {
    out.push('| change | verdict | connection | server | flows | clients | reason |', '| --- | --- | --- | --- | ---: | --- | --- |');
    for (const f of d.findings) {
      out.push(`| ${[CHANGE_WORDS[f.change], f.verdict, findingTarget(f), f.server, `${f.before?.flows ?? '-'} → ${f.after?.flows ?? '-'}`,
        clientsText(f, '→'), (f.after ?? f.before)!.reason].map(mdText).join(' | ')} |`);
    }
    out.push('');
    for (const c of FINDING_CHANGES) if (d.summary[c] > 0) out.push(`- **${CHANGE_WORDS[c]}**: ${mdText(CHANGE_MEANING[c])}`);
  }
  out.push('', `## Coverage changes (${d.connections.length})`, '');
  if (d.connections.length === 0) out.push('No designed connection changed status.');
  else {
    out.push('| connection | before | after |', '| --- | --- | --- |');
    for (const c of d.connections) out.push(`| ${[c.id, c.before ?? '(not in design)', c.after ?? '(not in design)'].map(mdText).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}

/** The JSON format: keys in the documented order (docs/report-schema.md, "The diff report"). */
export function diffJson(d: Diff, _o: DiffRenderOptions): string {
  const sideObj = (s: DiffSide) => ({
    path: s.path, version: s.version, schemaVersion: s.schemaVersion,
    site: { path: s.site.path, mode: s.site.mode, modules: s.site.modules },
    designHash: s.designHash, inputs: s.inputs.map((i) => ({ path: i.path, format: i.format, packets: i.packets })),
    first: s.first, last: s.last, summary: s.summary,
  });
  const fs = (x: DiffFinding['before']) => (x === null ? null : {
    flows: x.flows, clients: x.clients, first: x.first, last: x.last, reason: x.reason, reasonCode: x.reasonCode, sampleClients: x.sampleClients,
  });
  const doc = {
    diffVersion: d.diffVersion,
    version: d.version,
    warnings: d.warnings.map((w) => ({ code: w.code, message: w.message })),
    before: sideObj(d.before),
    after: sideObj(d.after),
    summary: d.summary,
    findings: d.findings.map((f) => ({
      change: f.change, verdict: f.verdict, connection: f.connection, proto: f.proto, port: f.port, server: f.server,
      before: fs(f.before), after: fs(f.after), clientsAdded: f.clientsAdded, clientsGone: f.clientsGone,
    })),
    connections: d.connections.map((c) => ({ id: c.id, before: c.before, after: c.after })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The HTML format: one page, no scripts, every report string escaped. */
export function diffHtml(d: Diff, o: DiffRenderOptions): string {
  const code = diffResultText(d, o.failOn).startsWith('no new') ? 0 : 1;
  const body: string[] = ['<header>', '<h1>WFO traffic audit: what changed</h1>', '</header>'];
  body.push(`<div class="result result-${code}" data-key="result">${esc(diffResultText(d, o.failOn))}</div>`);
  if (d.warnings.length > 0) {
    body.push('<ul class="warnings">', ...d.warnings.map((w) => `<li data-key="warning-${attr(w.code)}">${esc(w.message)}</li>`), '</ul>');
  }
  body.push('<h2>Reports</h2>', '<table><tr><th></th><th>before</th><th>after</th></tr>');
  const row = (label: string, f: (s: DiffSide) => string) => body.push(`<tr><th>${label}</th><td>${esc(f(d.before))}</td><td>${esc(f(d.after))}</td></tr>`);
  row('report', (s) => s.path);
  row('site', siteLine);
  row('inputs', inputsLine);
  row('window', windowText);
  body.push('</table>');
  body.push(`<h2>Findings (${d.findings.length})</h2>`);
  if (d.findings.length === 0) body.push('<p>None in either report.</p>');
  else {
    body.push('<table><tr><th>change</th><th>verdict</th><th>connection</th><th>server</th><th class="num">flows</th><th>clients</th><th>reason</th></tr>');
    for (const f of d.findings) {
      const key = `${f.change}|${f.verdict}|${f.connection ?? `${f.port}/${f.proto}`}|${f.server}`;
      body.push(`<tr data-key="${attr(key)}"><td>${esc(CHANGE_WORDS[f.change])}</td><td>${esc(f.verdict)}</td><td><code>${esc(findingTarget(f))}</code></td>`
        + `<td>${esc(f.server)}</td><td class="num">${esc(`${f.before?.flows ?? '-'} → ${f.after?.flows ?? '-'}`)}</td>`
        + `<td>${esc(clientsText(f, '→'))}</td><td>${esc((f.after ?? f.before)!.reason)}</td></tr>`);
    }
    body.push('</table>', '<ul>');
    for (const c of FINDING_CHANGES) if (d.summary[c] > 0) body.push(`<li><b>${esc(CHANGE_WORDS[c])}</b>: ${esc(CHANGE_MEANING[c])}</li>`);
    body.push('</ul>');
  }
  body.push(`<h2>Coverage changes (${d.connections.length})</h2>`);
  if (d.connections.length === 0) body.push('<p>No designed connection changed status.</p>');
  else {
    body.push('<table><tr><th>connection</th><th>before</th><th>after</th></tr>');
    for (const c of d.connections) {
      body.push(`<tr data-key="connection-${attr(c.id)}"><td><code>${esc(c.id)}</code></td><td>${esc(c.before ?? '(not in design)')}</td><td>${esc(c.after ?? '(not in design)')}</td></tr>`);
    }
    body.push('</table>');
  }
  body.push(`<footer>Generated by wfo-audit ${esc(d.version)} from the two reports above. All times are capture times in UTC.</footer>`);
  return [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${attr(HTML_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>WFO traffic audit: what changed</title>', `<style>${STYLE}</style>`, '</head>', '<body>',
    ...body, '</body>', '</html>', '',
  ].join('\n');
}

/** Every diff format by name. */
export const DIFF_RENDERERS = { table: diffTable, markdown: diffMarkdown, json: diffJson, html: diffHtml } as const;
/** A diff `--format` value. */
export type DiffFormat = keyof typeof DIFF_RENDERERS;
/** The diff formats, in help order. */
export const DIFF_FORMATS = Object.keys(DIFF_RENDERERS) as DiffFormat[];
/** Codes of the diff warnings, for the docs check. */
export const DIFF_WARNINGS = Object.keys(DIFF_WARNING_CODES);
