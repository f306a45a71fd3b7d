/**
 * The dashboard header: where the packets come from and how fast, in three
 * lines whose height never changes (so the panel below does not jump).
 */
import { Box } from 'ink';
import type { DashboardSnapshot } from '../pipeline/types.js';
import {
  formatElapsed, formatShare, humanBits, humanBytes, humanCount, progressBar,
} from './format.js';
import { Line, type Part } from './Line.js';
import { THEME } from './theme.js';

/** Lines the header always takes. */
export const HEADER_HEIGHT = 3;

/** Screens at least this wide get the extra header fields (totals). */
const WIDE = 100;

const SEP: Part = { text: ' · ', color: THEME.dim };

/** A label in the dim colour followed by its value. */
function field(label: string, value: string, color?: string): Part[] {
  return [{ text: `${label} `, color: THEME.dim }, { text: value, color }];
}

/** Joins groups of parts with the separator. */
function joined(groups: Part[][]): Part[] {
  const out: Part[] = [];
  groups.forEach((g, i) => {
    if (i > 0) out.push(SEP);
    out.push(...g);
  });
  return out;
}

/**
 * What is known of the kernel's drops. libpcap's drop counter is not exposed by the cap
 * binding, so no figure would be honest there; said up front. The tcpdump engine gets
 * tcpdump's count when tcpdump exits.
 */
function dropsPart(c: DashboardSnapshot['capture'], done: boolean): Part {
  // The collector: flow records lost on the way, by the exporters' sequence numbers.
  if (c !== undefined && c.engine === 'collect') {
    const n = c.kernelDrops ?? 0;
    return n > 0 ? { text: `records lost: ${n.toLocaleString('en-US')} (by sequence number)`, color: THEME.warn, bold: true }
      : { text: 'records lost: 0 (by sequence number)', color: THEME.dim };
  }
  if (c === undefined || c.engine === 'cap') return { text: 'kernel drops: unknown (cap cannot report them)', color: THEME.warn };
  if (c.kernelDrops === null) {
    return done
      ? { text: 'kernel drops: unknown (tcpdump did not report them)', color: THEME.warn }
      : { text: 'kernel drops: counted when tcpdump exits', color: THEME.dim };
  }
  return c.kernelDrops > 0
    ? { text: `kernel drops: ${c.kernelDrops.toLocaleString('en-US')}`, color: THEME.warn, bold: true }
    : { text: 'kernel drops: 0', color: THEME.dim };
}

/** The first line: product, source, run state, and for live capture the kernel-drop caveat. */
function sourceLine(s: DashboardSnapshot | null): Part[] {
  const title: Part = { text: 'wfo-audit', color: THEME.title, bold: true };
  if (!s) return [title, SEP, { text: 'waiting for the first packets…', color: THEME.dim }];
  const groups: Part[][] = [[title], field(s.live ? 'live' : 'files', s.source)];
  if (s.done) groups.push([{ text: s.live ? 'capture stopped' : 'input ended', color: THEME.warn }]);
  if (s.live) groups.push([dropsPart(s.capture, s.done)]);
  return joined(groups);
}

/** The second line: time and rates. */
function rateLine(s: DashboardSnapshot, width: number): Part[] {
  const groups: Part[][] = [
    field('elapsed', formatElapsed(s.elapsed)),
    [{ text: `${humanCount(s.packetsPerSec)} pkt/s` }],
    [{ text: humanBits(s.bitsPerSec) }],
    field('live flows', String(s.liveFlows)),
  ];
  if (width >= WIDE) groups.push(field('total', `${humanCount(s.packets)} pkts / ${humanBytes(s.bytes)}`));
  return joined(groups);
}

/** The third line: what the numbers may be missing, and progress through files. */
function healthLine(s: DashboardSnapshot, width: number): Part[] {
  const groups: Part[][] = [
    field('decode problems', String(s.decodeProblems), s.decodeProblems > 0 ? THEME.warn : undefined),
    field('loss est.', formatShare(s.lossEstimate)),
  ];
  if (!s.live && s.totalBytes > 0) {
    const pct = Math.min(100, Math.floor((s.bytesRead / s.totalBytes) * 100));
    const bar = progressBar(s.bytesRead, s.totalBytes, width >= WIDE ? 22 : 12);
    groups.push([
      { text: 'read ', color: THEME.dim },
      { text: `${bar} ${pct}% of ${humanBytes(s.totalBytes)}` },
    ]);
  } else if (!s.live && s.bytesRead > 0) {
    groups.push(field('read', humanBytes(s.bytesRead)));
  }
  return joined(groups);
}

/** Source, elapsed, packets/s, bits/s, live flows, decode problems, loss estimate, and the live-drop caveat or file progress. */
export function Header({ snapshot, width }: { snapshot: DashboardSnapshot | null; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Line parts={sourceLine(snapshot)} width={width} />
      <Line parts={snapshot ? rateLine(snapshot, width) : []} width={width} />
      <Line parts={snapshot ? healthLine(snapshot, width) : []} width={width} />
    </Box>
  );
}
