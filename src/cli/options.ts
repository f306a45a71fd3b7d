/**
 * Pure parsing of option values shared by the commands.
 */
import { UsageError } from '../errors.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import type { AuditReport } from '../report/types.js';
import { judgedCount } from '../report/judged.js';

/** Parses a --fail-on list. */
export function parseFailOn(list: string): Set<string> {
  const allowed = new Set(['expected', 'blocked', 'wrong-direction', 'unexpected', 'inconclusive', 'ignored', 'protocol-mismatch']);
  const out = new Set<string>();
  for (const raw of list.split(',')) {
    const v = raw.trim();
    if (v === '' || v === 'none') continue;
    if (!allowed.has(v)) throw new UsageError(`--fail-on: unknown verdict "${v}" (use ${[...allowed].join(', ')} or none)`);
    out.add(v);
  }
  return out;
}

/** Parses a positive number option. */
export function parseNumber(name: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name}: "${v}" is not a ${integer ? 'whole ' : ''}number >= 0`);
  }
  return n;
}

/**
 * Exit code for a finished run: 2 when nothing could be judged (whatever --fail-on says,
 * `none` included: a capture that proves nothing never passes), else 1 when any verdict in
 * failOn was found, else 0.
 */
export function findingsExitCode(report: AuditReport, failOn: Set<string>): number {
  if (judgedCount(report.summary) === 0) return 2;
  for (const v of failOn) {
    if ((report.summary as Record<string, number>)[v]! > 0) return 1;
  }
  return 0;
}

/** Flow-table options from the command line. */
export function flowOptions(flags: { maxFlows?: string; tcpTimeout?: string; udpTimeout?: string; synGrace?: string; dedupWindow?: string }): FlowTableOptions {
  const o: FlowTableOptions = {};
  const maxFlows = parseNumber('--max-flows', flags.maxFlows, true);
  if (maxFlows !== undefined) {
    if (maxFlows < 1) throw new UsageError('--max-flows: must be at least 1');
    o.maxFlows = maxFlows;
  }
  const tcp = parseNumber('--tcp-timeout', flags.tcpTimeout);
  if (tcp !== undefined) o.tcpTimeout = tcp;
  const udp = parseNumber('--udp-timeout', flags.udpTimeout);
  if (udp !== undefined) { o.udpTimeout = udp; o.icmpTimeout = udp; }
  const grace = parseNumber('--syn-grace', flags.synGrace);
  if (grace !== undefined) o.synGrace = grace;
  const dedup = parseNumber('--dedup-window', flags.dedupWindow);
  if (dedup !== undefined) o.dedupWindow = dedup / 1000;
  return o;
}
