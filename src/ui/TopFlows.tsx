/**
 * The top-flows panel: the busiest current flows with their service and
 * (provisional) verdict, filtered by the verdict filter.
 */
import { Box } from 'ink';
import type { ClassifiedFlow } from '../classify/types.js';
import { NONE } from '../report/types.js';
import { columnWidths, fit, humanBytes, humanCount, type ColumnSpec } from './format.js';
import { Line, type Part } from './Line.js';
import type { VerdictFilter } from './state.js';
import { THEME, VERDICT_COLOR } from './theme.js';

/** Screens at least this wide get the client's port, and the packets, state and app columns. */
const WIDE = 100;

/** The columns; the service column takes the room left, up to its longest name. */
function columnSpecs(wide: boolean, longestService: number): ColumnSpec[] {
  const narrow: ColumnSpec[] = [
    { width: wide ? 21 : 15 }, // client (with its port on wide screens: 255.255.255.255:65535)
    { width: 2 }, // ->
    { width: 15 }, // server
    { width: 9 }, // proto/port
    { width: 8, flex: true, max: longestService }, // service
    { width: 15 }, // verdict
    { width: 6, align: 'right' }, // bytes: humanBytes is at most 6 wide
  ];
  if (!wide) return narrow;
  return [
    ...narrow,
    { width: 7, align: 'right' }, // packets
    { width: 12 }, // state
    { width: 8 }, // app
  ];
}

/** Total bytes of a flow, both directions. */
function flowBytes(c: ClassifiedFlow): number {
  return c.flow.bytes.client + c.flow.bytes.server;
}

/** The flows the panel lists: those passing `filter`, busiest first, then by flow id for a stable order. */
export function selectTopFlows(flows: readonly ClassifiedFlow[], filter: VerdictFilter): ClassifiedFlow[] {
  return flows
    .filter((c) => filter === 'all' || c.verdict === filter)
    .sort((a, b) => flowBytes(b) - flowBytes(a) || a.flow.id - b.flow.id);
}

/** The texts of one flow row. */
function rowTexts(c: ClassifiedFlow, wide: boolean): string[] {
  const f = c.flow;
  const ports = f.proto === 'tcp' || f.proto === 'udp';
  const port = ports ? `${f.proto}/${f.serverPort}` : f.proto;
  // Two flows between the same hosts and service differ only by the client's port.
  const client = wide && ports ? `${f.family === 6 ? `[${f.clientIp}]` : f.clientIp}:${f.clientPort}` : f.clientIp;
  const texts = [client, '->', f.serverIp, port, c.service ?? NONE, c.verdict, humanBytes(flowBytes(c))];
  if (wide) texts.push(humanCount(f.packets.client + f.packets.server), f.outcome, c.app);
  return texts;
}

/** Cells of one row as parts, the verdict cell in its colour. */
function rowParts(texts: readonly string[], specs: readonly ColumnSpec[], width: number, verdictColor?: string): Part[] {
  const widths = columnWidths(specs, width);
  const parts: Part[] = [];
  texts.forEach((t, i) => {
    const cell = fit(t, widths[i]!, specs[i]!.align) + (i < texts.length - 1 ? ' ' : '');
    parts.push(i === 5 && verdictColor ? { text: cell, color: verdictColor } : { text: cell });
  });
  return parts;
}

/**
 * The busiest flows (client -> server, proto/port, service, verdict, bytes;
 * plus the client's port, packets, state and app on wide screens), within `height` lines including the title.
 */
export function TopFlows({ flows, filter, width, height }: {
  flows: readonly ClassifiedFlow[];
  filter: VerdictFilter;
  width: number;
  height: number;
}) {
  const wide = width >= WIDE;
  const selected = selectTopFlows(flows, filter);
  const room = Math.max(0, height - 2);
  const shown = selected.slice(0, room);
  const specs = columnSpecs(wide, shown.reduce((n, c) => Math.max(n, (c.service ?? NONE).length), 'service'.length));
  const head = ['client', '', 'server', 'port', 'service', 'verdict', 'bytes', ...(wide ? ['packets', 'state', 'app'] : [])];
  const title: Part[] = [
    { text: 'Top flows', color: THEME.title, bold: true },
    { text: ` · verdict: ${filter} · ${shown.length} of ${selected.length}`, color: THEME.dim },
  ];
  return (
    <Box flexDirection="column" width={width}>
      <Line parts={title} width={width} />
      <Line parts={[{ text: rowParts(head, specs, width).map((p) => p.text).join('').trimEnd(), color: THEME.dim }]} width={width} />
      {selected.length === 0 ? (
        <Line parts={[{ text: filter === 'all' ? 'no flows yet' : `no ${filter} flows`, color: THEME.dim }]} width={width} />
      ) : null}
      {shown.map((c) => (
        <Line key={c.flow.id} parts={trimLast(rowParts(rowTexts(c, wide), specs, width, VERDICT_COLOR[c.verdict]))} width={width} />
      ))}
    </Box>
  );
}

/** Drops trailing padding so lines end at their last character, like every other line. */
function trimLast(parts: Part[]): Part[] {
  const last = parts[parts.length - 1];
  if (last) parts[parts.length - 1] = { ...last, text: last.text.trimEnd() };
  return parts;
}
