/**
 * The findings log: Ink's <Static> region above the live panels, where each
 * new blocked / wrong-direction / unexpected finding is written once per key
 * and then scrolls up with the terminal like tcpdump output.
 */
import { Box, Static } from 'ink';
import type { Finding } from '../pipeline/types.js';
import { NONE } from '../report/types.js';
import { formatClock } from './format.js';
import { Line, type Part } from './Line.js';
import { isBurst, type LogBurst, type LogEntry } from './state.js';
import { THEME, VERDICT_COLOR } from './theme.js';

/** Indent of the reason when it goes on its own line (under the verdict, past the time). */
const INDENT = '         ';

/** What was found: time, verdict, service, proto/port, host pair and count. */
export function findingParts(f: Finding): Part[] {
  const flows = f.count === 1 ? '1 flow' : `${f.count} flows`;
  return [
    { text: `${formatClock(f.first)} `, color: THEME.dim },
    { text: f.verdict, color: VERDICT_COLOR[f.verdict], bold: true },
    { text: ` ${f.service ?? NONE} ${f.proto}/${f.port} ${f.clientIp} -> ${f.serverIp}` },
    { text: ` (${flows})`, color: THEME.dim },
  ];
}

/** The log lines of one finding: one line when the reason fits beside it, else the reason indented below. */
export function findingLines(f: Finding, width: number): Part[][] {
  const head = findingParts(f);
  const used = head.reduce((n, p) => n + p.text.length, 0);
  if (used + 2 + f.reason.length <= width) return [[...head, { text: `: ${f.reason}` }]];
  return [head, [{ text: INDENT + f.reason }]];
}

/** The line of a burst: how many new findings arrived at once beyond the per-frame limit, by verdict. */
export function burstParts(b: LogBurst): Part[] {
  const parts: Part[] = [{ text: `… ${b.count} more new finding${b.count === 1 ? '' : 's'} (` }];
  let first = true;
  for (const v of ['blocked', 'wrong-direction', 'unexpected'] as const) {
    if (b.byVerdict[v] === 0) continue;
    if (!first) parts.push({ text: ', ' });
    first = false;
    parts.push({ text: `${b.byVerdict[v]} ` }, { text: v, color: VERDICT_COLOR[v], bold: true });
  }
  parts.push({ text: '): see the final report', color: THEME.dim });
  return parts;
}

/** Every logged finding, written once (the count is the one at the time it was logged). */
export function FindingsLog({ entries, width }: { entries: readonly LogEntry[]; width: number }) {
  return (
    <Static items={entries as LogEntry[]}>
      {(e) => (
        <Box key={e.key} flexDirection="column" width={width}>
          {(isBurst(e) ? [burstParts(e)] : findingLines(e, width)).map((parts, i) => <Line key={i} parts={parts} width={width} />)}
        </Box>
      )}
    </Static>
  );
}
