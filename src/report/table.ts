/**
 * The table reporter: what a person reads first. Input facts, the summary by
 * verdict (which doubles as the legend), the coverage matrix and the findings
 * grouped by service, port and host pair; never one line per flow unless asked
 * (`all`). Fits the terminal width (at least 80 columns); ANSI colour only when
 * `color` is set.
 */
import type { Verdict } from '../classify/types.js';
import { VERDICTS } from '../classify/types.js';
import {
  compareFlows, FINDING_VERDICTS, findingsMissing, summaryTotal, type FindingGroup, type MismatchGroup,
} from './build.js';
import { groupHosts, groupPort, groupService, moreGroupsText, topGroups } from './shown.js';
import { reportFindings } from './grouper.js';
import { sourceLines } from './sources-text.js';
import {
  captureText, connectionCounts, reportState, resultText, warningLines, coverageCounts, decodeText, durationText, evictionText, FINDING_TITLE, MISMATCH_MEANING, MISMATCH_TITLE,
  liveText, plural, siteText, VERDICT_MEANING, volumeText,
} from './facts.js';
import {
  ANSI, fmtBytes, fmtInt, paint, renderTable, timeFormatter, wrap, type Column, type TableLayout, printable } from './format.js';
import type { ReportOptions } from './options.js';
import { NONE, type AuditReport, type ConnectionRow, type CoverageRow, type CoverageStatus, type FindingPath, type ReportFlow } from './types.js';

/** The RULE column of the coverage table is cut only past this width (the longest built-in id has 29 characters). */
const RULE_MIN = 32;

/** The narrowest layout the table reporter produces. */
export const MIN_WIDTH = 80;

const VERDICT_COLOR: Record<Verdict, string> = {
  expected: ANSI.green,
  blocked: ANSI.red,
  'wrong-direction': ANSI.yellow,
  unexpected: ANSI.yellow,
  inconclusive: ANSI.grey,
  ignored: ANSI.grey,
};

const STATUS_COLOR: Record<CoverageStatus, string> = {
  seen: ANSI.green,
  blocked: ANSI.red,
  'wrong-direction': ANSI.yellow,
  inconclusive: ANSI.grey,
  unseen: ANSI.grey,
};

/** The report as terminal text. */
export function table(r: AuditReport, o: ReportOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(o.width) || MIN_WIDTH);
  const color = o.color;
  const at = timeFormatter(r.stats.first, r.stats.last);
  const out: string[] = [];
  const heading = (s: string) => {
    out.push('');
    out.push(...wrap(s, width).map((l) => paint(l, ANSI.bold, color)));
  };
  const fact = (label: string, text: string) => {
    const pad = 18;
    const lines = wrap(text, width, ' '.repeat(2 + pad));
    lines[0] = '  ' + label.padEnd(pad) + lines[0]!.slice(2 + pad);
    out.push(...lines);
  };

  out.push(paint(`WFO traffic audit (wfo-audit ${r.version})`, ANSI.bold, color));
  // What the exit code says comes first: a report that judged nothing says so on its first line.
  const state = reportState(r, o.failOn);
  out.push(...wrap(resultText(r, o.failOn), width, '  ').map((l) => paint(l, state === 'pass' ? ANSI.green : ANSI.red, color)));
  out.push(...wrap(`Site: ${siteText(r)}`, width));
  const warns = warningLines(r);
  if (warns.length > 0) {
    heading(`WARNINGS (${warns.length})`);
    for (const w of warns) out.push(...wrapBullet(w, width).map((l) => paint(l, ANSI.yellow, color)));
  }

  heading('INPUT');
  if (r.inputs.length > 0) {
    out.push(...renderTable(r.inputs, [
      { header: 'FILE', get: (i) => printable(i.path), min: 16, flex: true, cutStart: true },
      { header: 'FORMAT', get: (i) => i.format + (i.gzip ? '+gzip' : '') },
      { header: 'PACKETS', get: (i) => fmtInt(i.packets), align: 'right' },
      { header: 'BYTES', get: (i) => fmtBytes(i.bytes), align: 'right' },
      {
        header: 'STATUS', get: (i) => i.error === null ? 'read to the end' : 'stopped early',
        color: (i) => i.error === null ? null : ANSI.red,
      },
    ], width, { indent: '  ', color }));
    // The reason reading stopped matters more than any column: give it whole lines.
    for (const i of r.inputs) {
      if (i.error !== null) out.push(...wrap(printable(`${i.path} stopped early: ${i.error}`), width, '    ').map((l) => paint(l, ANSI.red, color)));
    }
  }
  const live = liveText(r);
  if (live !== null) fact(r.live?.engine === 'collect' ? 'Collector' : 'Live capture', live);
  for (const line of sourceLines(r)) fact('Source', line);
  fact('Traffic', volumeText(r, fmtBytes));
  fact('Duration', durationText(r));
  fact('Decode problems', decodeText(r));
  fact('Evictions', evictionText(r));
  fact('Capture quality', captureText(r));
  if (r.stats.icmpUnmatched > 0) {
    fact('ICMP errors', `${plural(r.stats.icmpUnmatched, 'error')} quoted a packet of no known flow`);
  }

  heading(`SUMMARY BY VERDICT (${plural(summaryTotal(r.summary), 'flow')})`);
  const summaryRows: { label: string; n: number; meaning: string; color: string | null }[] = VERDICTS.map((v) => ({
    label: v, n: r.summary[v] ?? 0, meaning: VERDICT_MEANING[v], color: VERDICT_COLOR[v],
  }));
  summaryRows.push({ label: 'protocol mismatch', n: r.summary['protocol-mismatch'] ?? 0, meaning: MISMATCH_MEANING, color: null });
  out.push(...renderTable(summaryRows, [
    { header: 'VERDICT', get: (s) => s.label, color: (s) => s.n > 0 ? s.color : null },
    { header: 'FLOWS', get: (s) => fmtInt(s.n), align: 'right' },
    { header: 'MEANING', get: (s) => s.meaning, min: 20 },
  ], width, { indent: '  ', color }));

  // One row per designed connection (or per rule with --coverage rules), each row's note under it.
  const withNotes = <T extends { note: string | null }>(rows: readonly T[], cols: Column<T>[]): void => {
    if (rows.length === 0) { out.push('  No active rules.'); return; }
    const lines = renderTable<T>(rows, cols, width, { indent: '  ', color });
    out.push(lines[0]!);
    rows.forEach((c, i) => {
      out.push(lines[i + 1]!);
      if (c.note) out.push(...wrap(c.note, width, '      ').map((l) => paint(l, ANSI.dim, color)));
    });
  };
  const conns = r.connections;
  if (conns && o.coverage !== 'rules') {
    heading(`COVERAGE OF THE DESIGN (${connectionCounts(conns)})`);
    withNotes<ConnectionRow>(conns, [
      { header: 'CONNECTION', get: (c) => c.id, min: 20 },
      { header: 'STATUS', get: (c) => c.status, color: (c) => STATUS_COLOR[c.status] },
      { header: 'FLOWS', get: (c) => fmtInt(c.flows), align: 'right' },
      { header: 'OK', get: (c) => fmtInt(c.expected), align: 'right', drop: 4 },
      { header: 'BLK', get: (c) => fmtInt(c.blocked), align: 'right', drop: 4 },
      { header: 'WD', get: (c) => fmtInt(c['wrong-direction']), align: 'right', drop: 4 },
      { header: 'INC', get: (c) => fmtInt(c.inconclusive), align: 'right', drop: 4 },
      { header: 'RULES', get: (c) => c.rules.length > 1 ? `${c.rules[0]} +${c.rules.length - 1}` : c.rules[0] ?? NONE, min: 12, flex: true },
    ]);
    if (conns.length > 0) out.push(...wrap('(Per-rule rows: --coverage rules; the JSON report always has both.)', width, '  ').map((l) => paint(l, ANSI.dim, color)));
  } else {
    heading(`COVERAGE OF THE DESIGN (${coverageCounts(r)})`);
    withNotes<CoverageRow>(r.coverage, [
      // The rule id is what tells rows apart (nine SQL rules share service, port and status):
      // the times and then the service (the id's first word) go before it is cut.
      { header: 'SERVICE', get: (c) => c.service, min: 10, drop: 3 },
      { header: 'RULE', get: (c) => c.rule, min: RULE_MIN },
      { header: 'PORT', get: (c) => `${c.port}/${c.proto}` },
      { header: 'STATUS', get: (c) => c.status, color: (c) => STATUS_COLOR[c.status] },
      { header: 'FLOWS', get: (c) => fmtInt(c.flows), align: 'right' },
      { header: 'FIRST', get: (c) => c.first === null ? '-' : at(c.first), drop: 1 },
      { header: 'LAST', get: (c) => c.last === null ? '-' : at(c.last), drop: 2 },
      { header: 'APPS', get: (c) => c.apps.join(','), min: 4, flex: true },
    ]);
  }

  const paths = r.findings?.paths ?? [];
  if (paths.length > 0) {
    heading(`FINDINGS BY PATH (${plural(paths.length, 'path')}: one line per verdict, connection and server)`);
    const lines = renderTable<FindingPath>(paths, [
      { header: 'VERDICT', get: (p) => p.verdict, color: (p) => VERDICT_COLOR[p.verdict] },
      { header: 'CONNECTION', get: (p) => p.connection ?? `${p.proto}/${p.port} (no designed connection)`, min: 16 },
      { header: 'SERVER', get: (p) => p.server, min: 15 },
      { header: 'CLIENTS', get: (p) => typeof p.clients === 'number' ? fmtInt(p.clients) : p.clients, align: 'right' },
      { header: 'FLOWS', get: (p) => fmtInt(p.flows), align: 'right' },
      { header: 'FIRST', get: (p) => at(p.first), drop: 2 },
      { header: 'LAST', get: (p) => at(p.last), drop: 1 },
    ], width, { indent: '  ', color });
    out.push(lines[0]!);
    paths.forEach((p, i) => {
      out.push(lines[i + 1]!);
      out.push(...wrap(p.reason, width, '      ').map((l) => paint(l, ANSI.dim, color)));
    });
  }

  const { groups, mismatches } = reportFindings(r);
  const findingFlows = groups.reduce((s, g) => s + g.count, 0);
  heading(`FINDINGS (${plural(groups.length, 'group')}, ${plural(findingFlows, 'flow')})`);
  const missing = findingsMissing(r, findingFlows);
  if (missing > 0) {
    out.push(...wrap(`${plural(missing, 'finding flow')} counted in the summary ${missing === 1 ? 'is' : 'are'} not in the flow list given to this report, so ${missing === 1 ? 'it is' : 'they are'} not grouped here.`, width, '  '));
  } else if (groups.length === 0) {
    out.push(state === 'nothing-judged' ? '  None, but no flow could be judged: this proves nothing (see the first line).'
      : r.summary.inconclusive > 0 ? `  None among the judged flows; ${plural(r.summary.inconclusive, 'flow')} inconclusive.`
        : '  None: every judged flow matched the design.');
  }
  for (const v of FINDING_VERDICTS) {
    const gs = groups.filter((g) => g.verdict === v);
    if (gs.length === 0) continue;
    const n = gs.reduce((s, g) => s + g.count, 0);
    out.push(...wrap(`${FINDING_TITLE[v]} (${plural(n, 'flow')})`, width, '  ').map((l) => paint(l, VERDICT_COLOR[v], color)));
    const shown = topGroups(gs, o.all);
    out.push(...findingLines(shown, width, color, at));
    if (shown.length < gs.length) out.push(...wrap(moreGroupsText(gs, shown), width, '    '));
  }
  if (mismatches.length > 0) {
    const n = mismatches.reduce((s, g) => s + g.count, 0);
    out.push(...wrap(`${MISMATCH_TITLE} (${plural(n, 'flow')})`, width, '  '));
    const shown = topGroups(mismatches, o.all);
    out.push(...mismatchLines(shown, width, color));
    if (shown.length < mismatches.length) out.push(...wrap(moreGroupsText(mismatches, shown), width, '    '));
  }

  if (r.conflicts.length > 0) {
    heading(`CONFLICTS IN THE DESIGN (${r.conflicts.length})`);
    for (const c of r.conflicts) out.push(...wrapBullet(`${c.kind}: ${c.message}`, width));
  }

  if (o.all) {
    heading(`ALL FLOWS (${r.flows.length})`);
    out.push(...flowLines(r.flows.slice().sort(compareFlows), width, color, at));
  } else if (r.flows.length > 0 || r.findings) {
    out.push('');
    const n = Math.max(r.flows.length, summaryTotal(r.summary));
    out.push(paint(`(Individual flows are not listed; --all lists all ${fmtInt(n)}.)`, ANSI.dim, color));
  }
  return out.join('\n') + '\n';
}

function wrapBullet(text: string, width: number): string[] {
  const lines = wrap(text, width, '    ');
  lines[0] = '  - ' + lines[0]!.slice(4);
  return lines;
}

/** One table row per group; under it the reason, and the full hosts when a column cut them. */
function findingLines(gs: FindingGroup[], width: number, color: boolean, at: (t: number) => string): string[] {
  const layout: TableLayout<FindingGroup> = { columns: [], widths: [] };
  const cols: Column<FindingGroup>[] = [
    { header: 'SERVICE', get: groupService, min: 10 },
    { header: 'PORT', get: groupPort, min: 8 },
    { header: 'FROM', get: (g) => groupHosts(g).from, min: 15 },
    { header: 'TO', get: (g) => groupHosts(g).to, min: 15 },
    { header: 'FLOWS', get: (g) => fmtInt(g.count), align: 'right' },
    { header: 'FIRST', get: (g) => at(g.first), drop: 2 },
    { header: 'LAST', get: (g) => at(g.last), drop: 1 },
    { header: 'RULE', get: (g) => g.rule ?? NONE, drop: 0 },
  ];
  const lines = renderTable(gs, cols, width, { indent: '    ', color, layout });
  const out = [lines[0]!];
  const hostWidth = (h: string) => layout.widths[layout.columns.findIndex((c) => c.header === h)] ?? 0;
  gs.forEach((g, i) => {
    out.push(lines[i + 1]!);
    if (!g.folded && (g.clientIp.length > hostWidth('FROM') || g.serverIp.length > hostWidth('TO'))) {
      out.push(...wrap(`${g.clientIp} -> ${g.serverIp}`, width, '      '));
    }
    for (const x of g.reasons) {
      const text = g.reasons.length > 1 ? `${x.reason} (${plural(x.count, 'flow')})` : x.reason;
      out.push(...wrap(text, width, '      ').map((l) => paint(l, ANSI.dim, color)));
    }
  });
  return out;
}

function mismatchLines(gs: MismatchGroup[], width: number, color: boolean): string[] {
  return renderTable(gs, [
    { header: 'SERVICE', get: groupService, min: 10 },
    { header: 'PORT', get: groupPort, min: 8 },
    { header: 'FROM', get: (g) => groupHosts(g).from, min: 11 },
    { header: 'TO', get: (g) => groupHosts(g).to, min: 11 },
    { header: 'CARRIED', get: (g) => g.app },
    { header: 'FLOWS', get: (g) => fmtInt(g.count), align: 'right' },
    { header: 'VERDICT', get: (g) => g.verdict, drop: 1 },
  ], width, { indent: '    ', color });
}

function flowLines(flows: ReportFlow[], width: number, color: boolean, at: (t: number) => string): string[] {
  return renderTable(flows, [
    { header: 'ID', get: (f) => String(f.id), align: 'right' },
    { header: 'START', get: (f) => at(f.first), drop: 2 },
    { header: 'PROTO', get: (f) => f.proto },
    { header: 'CLIENT', get: (f) => f.client, min: 15 },
    { header: 'SERVER', get: (f) => f.server, min: 15 },
    { header: 'STATE', get: (f) => f.state, min: 7 },
    { header: 'VERDICT', get: (f) => f.verdict, min: 7, color: (f) => VERDICT_COLOR[f.verdict] },
    { header: 'SERVICE', get: (f) => f.service ?? NONE, min: 7, drop: 3 },
    { header: 'APP', get: (f) => f.app, drop: 1 },
  ], width, { indent: '  ', color });
}

export { portText } from './shown.js';
