/**
 * The findings log: Ink's <Static> region above the live panels, where each
 * new blocked / wrong-direction / unexpected finding is written once per key
 * and then scrolls up with the terminal like tcpdump output.
 */
import { Static } from 'ink';
import type { Finding } from '../pipeline/types.js';
import { formatClock } from './format.js';
import { Line, type Part } from './Line.js';
import { THEME, VERDICT_COLOR } from './theme.js';

/** The parts of one log line: time, verdict, service, proto/port, host pair, count and reason. */
export function findingParts(f: Finding): Part[] {
  return [
    { text: `${formatClock(f.first)} `, color: THEME.dim },
    { text: f.verdict, color: VERDICT_COLOR[f.verdict], bold: true },
    { text: ` ${f.service ?? 'no rule'} ${f.proto}/${f.port} ${f.clientIp} -> ${f.serverIp}` },
    { text: ` x${f.count}: `, color: THEME.dim },
    { text: f.reason },
  ];
}

/** Every logged finding, one line each, written once (the count is the one at the time it was logged). */
export function FindingsLog({ entries, width }: { entries: readonly Finding[]; width: number }) {
  return (
    <Static items={entries as Finding[]}>
      {(f) => <Line key={f.key} parts={findingParts(f)} width={width} />}
    </Static>
  );
}
