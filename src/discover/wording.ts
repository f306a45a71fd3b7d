/**
 * How discover words its evidence in the draft's comments: flow counts, ports, peers,
 * the first and last capture time (UTC) and a confidence. One place, so that every
 * line of a draft reads the same way.
 */
import { compareIp, tupleName, type Tuple } from './evidence.js';

/** How sure a line of the draft is. */
export type Confidence = 'high' | 'medium' | 'low';

/** Capture time as `2026-01-15 08:30:00` (UTC, whole seconds). */
export function utc(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  // A capture can carry times no calendar date holds (damaged or made-up timestamps): say the number.
  if (Number.isNaN(d.getTime())) return `${t} s since 1970`;
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Earliest first time of the tuples (a loop: a spread of a million tuples would overflow the stack). */
export function firstOf(ts: readonly Tuple[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const t of ts) if (t.first < m) m = t.first;
  return m;
}

/** Latest last time of the tuples. */
export function lastOf(ts: readonly Tuple[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const t of ts) if (t.last > m) m = t.last;
  return m;
}

/** First and last capture time: `2026-01-15 08:30:00..08:30:10 UTC` (the date once when both are the same day; one time when both are the same second). */
export function span(first: number, last: number): string {
  const a = utc(first);
  const b = utc(last);
  if (a === b) return `${a} UTC`;
  return `${a}..${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC`;
}

/** `2 flows`, `1 flow`. */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
}

/** Ports of tuples by transport: `80, 943, 4510/tcp; 5060/udp`. */
export function portList(ts: readonly Tuple[]): string {
  const by = new Map<string, Set<number>>();
  for (const t of ts) {
    let s = by.get(t.proto);
    if (!s) by.set(t.proto, (s = new Set()));
    s.add(t.port);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([proto, ports]) => `${[...ports].sort((x, y) => x - y).join(', ')}/${proto}`).join('; ');
}

/** true when every flow of the tuples is an attempt (no answer, no one-way datagram). */
export function attemptsOnly(ts: readonly Tuple[]): boolean {
  return ts.every(triedOnly);
}

/** true when every flow of the tuple is an attempt. */
export function triedOnly(t: Tuple): boolean {
  return t.answered === 0 && t.oneWay === 0 && t.unknown === 0;
}

/** Confidence of an inference from its tuples: attempts only or one flow is low; several flows from several peers high. */
export function confidenceOf(ts: readonly Tuple[], peerOf: (t: Tuple) => string): Confidence {
  if (ts.length === 0 || attemptsOnly(ts)) return 'low';
  const flows = ts.reduce((n, t) => n + t.flows, 0);
  const peers = new Set(ts.map(peerOf)).size;
  if (flows >= 3 && peers >= 2) return 'high';
  return flows >= 2 ? 'medium' : 'low';
}

/**
 * The evidence of one inference: `accepts 80, 943/tcp from 2 hosts: 3 flows (1 attempt), 2026-01-15 08:30:00..08:30:10 UTC`.
 * `side` says whether the host listened (`in`) or opened the connections (`out`).
 */
export function evidence(ts: readonly Tuple[], side: 'in' | 'out'): string {
  const flows = ts.reduce((n, t) => n + t.flows, 0);
  const attempts = ts.reduce((n, t) => n + t.attempts, 0);
  const unknown = ts.reduce((n, t) => n + t.unknown, 0);
  const peers = [...new Set(ts.map((t) => (side === 'in' ? t.client : t.server)))].sort(compareIp);
  const first = firstOf(ts);
  const last = lastOf(ts);
  const who = peers.length === 1 ? peers[0] : `${peers.length} hosts`;
  const verb = side === 'in' ? `accepts ${portList(ts)} from ${who}` : `opened ${portList(ts)} to ${who}`;
  const parts = [attempts ? count(attempts, 'attempt') : '', unknown ? `${unknown} with no outcome known` : ''].filter((p) => p !== '');
  return `${verb}: ${count(flows, 'flow')}${parts.length ? ` (${parts.join(', ')})` : ''}, ${span(first, last)}`;
}

/** The comment tail: `confidence high`, `confidence low, attempts only`. */
export function confidenceText(ts: readonly Tuple[], c: Confidence): string {
  return `confidence ${c}${ts.length > 0 && attemptsOnly(ts) ? ', attempts only' : ''}`;
}

/** Tuples named for a `# CHECK:` line, at most `max` then "and N more". */
export function names(ts: readonly Tuple[], max = 6): string {
  const all = ts.map(tupleName);
  if (all.length <= max) return all.join(', ');
  return `${all.slice(0, max).join(', ')} and ${all.length - max} more`;
}
