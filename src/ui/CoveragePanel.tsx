/**
 * The coverage panel: one row per active rule of the design, coloured by
 * whether traffic for it was seen, blocked, or not seen yet.
 */
import { Box } from 'ink';
import type { CoverageRow, CoverageStatus } from '../report/types.js';
import { columnWidths, fit, formatClock, type ColumnSpec } from './format.js';
import { Line, type Part } from './Line.js';
import { STATUS_COLOR, THEME } from './theme.js';

/** Screens at least this wide get the flows, apps, last-seen and note columns. */
const WIDE = 100;

/** Problems first on a small screen: blocked rules, then seen, then unseen. */
const STATUS_RANK: Readonly<Record<CoverageStatus, number>> = { blocked: 0, 'wrong-direction': 1, inconclusive: 2, seen: 3, unseen: 4 };

/** Widest rule-id column: a design has several rules per service and port, the id tells them apart. */
const MAX_RULE = 30;

/** Widest port/proto column: a range ("49152-65535/tcp") fits. */
const MAX_PORT = 15;

/** The columns; the service column takes the room left, up to its longest name. */
function columnSpecs(wide: boolean, longestService: number, longestRule: number, longestPort: number): ColumnSpec[] {
  // The rule id stays on every screen: rows of one service, port and status differ only by it.
  const narrow: ColumnSpec[] = [
    { width: 8, flex: true, max: longestService }, // service
    { width: Math.min(MAX_RULE, longestRule) }, // rule
    { width: Math.min(MAX_PORT, longestPort) }, // port/proto
    { width: 7 }, // status
  ];
  if (!wide) return narrow;
  return [
    ...narrow,
    { width: 6, align: 'right' }, // flows
    { width: 18 }, // apps
    { width: 9 }, // last seen; the note follows, cut by the line
  ];
}

/** Rows in display order: by status rank, design order within a status. */
export function orderCoverage(rows: readonly CoverageRow[]): CoverageRow[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => STATUS_RANK[a.row.status] - STATUS_RANK[b.row.status] || a.i - b.i)
    .map((x) => x.row);
}

/** Lays out one table line from cell texts. */
function cells(texts: readonly string[], specs: readonly ColumnSpec[], width: number): string {
  const widths = columnWidths(specs, width);
  // Cells past the specs (the note) take their own length; the line cuts them at the screen edge.
  return texts.map((t, i) => (i < specs.length ? fit(t, widths[i]!, specs[i]!.align) : t)).join(' ').trimEnd();
}

/** The panel title with counts by status. */
function title(rows: readonly CoverageRow[]): Part[] {
  const n = { seen: 0, blocked: 0, 'wrong-direction': 0, inconclusive: 0, unseen: 0 };
  for (const r of rows) n[r.status]++;
  return [
    { text: 'Coverage', color: THEME.title, bold: true },
    { text: ` · ${n.seen} of ${rows.length} rules seen · `, color: THEME.dim },
    { text: `${n.blocked} blocked`, color: n.blocked > 0 ? STATUS_COLOR.blocked : THEME.dim },
    { text: ` · ${n.unseen} unseen`, color: THEME.dim },
  ];
}

/**
 * Each active rule as a row (service, rule id, port/proto, status; plus flows,
 * apps, last seen and note on wide screens), within `height` lines including the title.
 */
export function CoveragePanel({ rows, width, height }: { rows: readonly CoverageRow[]; width: number; height: number }) {
  const wide = width >= WIDE;
  const longest = (pick: (r: CoverageRow) => string, label: string) => rows.reduce((n, r) => Math.max(n, pick(r).length), label.length);
  const specs = columnSpecs(wide, longest((r) => r.service, 'service'), longest((r) => r.rule, 'rule'), longest((r) => `${r.port}/${r.proto}`, 'port/proto'));
  const head = wide
    ? ['service', 'rule', 'port/proto', 'status', 'flows', 'apps', 'last seen', 'note']
    : ['service', 'rule', 'port/proto', 'status'];
  const ordered = orderCoverage(rows);
  const room = Math.max(0, height - 2);
  // When the rules do not fit, the last line says how many are hidden instead of showing one more rule.
  const shown = ordered.length > room ? ordered.slice(0, Math.max(0, room - 1)) : ordered;
  const hidden = ordered.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Line parts={title(rows)} width={width} />
      <Line parts={[{ text: cells(head, specs, width), color: THEME.dim }]} width={width} />
      {rows.length === 0 ? <Line parts={[{ text: 'no active rules', color: THEME.dim }]} width={width} /> : null}
      {shown.map((r) => {
        const text = wide
          ? [r.service, r.rule, `${r.port}/${r.proto}`, r.status, String(r.flows), r.apps.join(',') || '-', formatClock(r.last), r.note ?? '']
          : [r.service, r.rule, `${r.port}/${r.proto}`, r.status];
        return <Line key={r.rule} parts={[{ text: cells(text, specs, width), color: STATUS_COLOR[r.status] }]} width={width} />;
      })}
      {hidden > 0 && room > 0 ? (
        <Line parts={[{ text: `… ${hidden} more rule${hidden === 1 ? '' : 's'}`, color: THEME.dim }]} width={width} />
      ) : null}
    </Box>
  );
}
