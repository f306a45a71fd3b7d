/**
 * Pure parsing of option values shared by the commands. Every refusal is one line in
 * the same words: `--option: "value" is not valid (allowed: range)`, exit 2.
 */
import { UsageError } from '../errors.js';
import { VERDICTS } from '../classify/types.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import type { AuditReport } from '../report/types.js';
import { judgedCount } from '../report/judged.js';

/** What --fail-on accepts: every verdict, and protocol-mismatch. */
export const FAIL_ON_VALUES: readonly string[] = [...VERDICTS, 'protocol-mismatch'];

/** The default --fail-on list (inconclusive is accepted but not in it: it says "cannot tell"). */
export const DEFAULT_FAIL_ON = 'blocked,wrong-direction,unexpected';

/** Largest --buffer-size in MiB: the kernel takes the buffer size as a signed 32-bit byte count. */
export const MAX_BUFFER_MIB = 2047;

/** The one wording of a refused option value. */
export function invalidOption(option: string, value: string, allowed: string): UsageError {
  return new UsageError(`${option}: ${JSON.stringify(value)} is not valid (allowed: ${allowed})`);
}

/** Parses a --fail-on list: verdict names separated by commas, or `none` alone. */
export function parseFailOn(list: string): Set<string> {
  return parseVerdictList('--fail-on', list);
}

/** Parses a list of verdict names (and protocol-mismatch) as --fail-on does, refusing with the option's name (--evidence-verdicts). */
export function parseVerdictList(option: string, list: string): Set<string> {
  const allowed = `none, or a comma-separated list of ${FAIL_ON_VALUES.join(', ')}`;
  const items = list.split(',').map((v) => v.trim());
  if (items.some((v) => v === '')) throw invalidOption(option, list, allowed);
  if (items.includes('none')) {
    // "none" with verdicts beside it contradicts itself
    if (items.length > 1) throw invalidOption(option, list, allowed);
    return new Set();
  }
  for (const v of items) if (!FAIL_ON_VALUES.includes(v)) throw invalidOption(option, list, allowed);
  return new Set(items);
}

/** A number range an option accepts, and how it is said in the error line. */
export interface NumberRange {
  /** Whole numbers only. */
  integer?: boolean;
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min: number;
  minExclusive?: boolean;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  max?: number;
  maxExclusive?: boolean;
  /** The range in words, for the error line, e.g. `seconds > 0`. */
  words: string;
}

/** Parses a number option against its range; undefined when the option is absent. */
export function parseNumber(option: string, v: string | undefined, range: NumberRange): number | undefined {
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? Number.NaN : Number(v);
  const ok = Number.isFinite(n)
    && (!range.integer || Number.isInteger(n))
    && (range.minExclusive ? n > range.min : n >= range.min)
    && (range.max === undefined || (range.maxExclusive ? n < range.max : n <= range.max));
  if (!ok) throw invalidOption(option, v, range.words);
  return n;
}

/**
 * Exit code for a finished run: 2 when nothing could be judged (whatever --fail-on says,
 * `none` included: a capture that proves nothing never passes), else 1 when any verdict in
 * failOn was found, else 0.
 */
export function findingsExitCode(report: AuditReport, failOn: Set<string>): number {
  if (report.inputs.some((i) => i.error !== null) || judgedCount(report.summary) === 0) return 2;
  for (const v of failOn) {
    if (((report.summary as Record<string, number>)[v] ?? 0) > 0) return 1;
  }
  return 0;
}

/** Flow-table options from the command line. */
export function flowOptions(flags: { maxFlows?: string; tcpTimeout?: string; udpTimeout?: string; synGrace?: string; dedupWindow?: string }): FlowTableOptions {
  const o: FlowTableOptions = {};
  const maxFlows = parseNumber('--max-flows', flags.maxFlows, { integer: true, min: 1, words: 'a whole number >= 1' });
  if (maxFlows !== undefined) o.maxFlows = maxFlows;
  const tcp = parseNumber('--tcp-timeout', flags.tcpTimeout, { min: 0, minExclusive: true, words: 'seconds > 0' });
  if (tcp !== undefined) o.tcpTimeout = tcp;
  const udp = parseNumber('--udp-timeout', flags.udpTimeout, { min: 0, minExclusive: true, words: 'seconds > 0' });
  if (udp !== undefined) { o.udpTimeout = udp; o.icmpTimeout = udp; }
  const tcpTimeout = o.tcpTimeout ?? 300;
  const grace = parseNumber('--syn-grace', flags.synGrace,
    { min: 0, max: tcpTimeout, maxExclusive: true, words: `seconds >= 0 and below --tcp-timeout ${tcpTimeout}` });
  if (grace !== undefined) o.synGrace = grace;
  const dedup = parseNumber('--dedup-window', flags.dedupWindow, { min: 0, words: 'milliseconds >= 0' });
  if (dedup !== undefined) o.dedupWindow = dedup / 1000;
  return o;
}

/**
 * A --from/--to time: epoch seconds, or ISO 8601 (a date-time without a zone is UTC).
 * @throws UsageError naming the option when it is neither
 */
export function parseTime(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const iso = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/i.exec(t);
  if (iso) {
    const zoned = iso[4] !== undefined ? t : iso[1] !== undefined ? `${t}Z` : `${t}T00:00:00Z`;
    const ms = Date.parse(zoned.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new UsageError(`${option}: "${t.slice(0, 40)}" is not a time (epoch seconds or ISO 8601 such as 2024-03-12T14:00:00Z)`);
}

/** --duration of a live capture in seconds (absent: until Ctrl-C). */
export function parseDuration(v: string | undefined): number | undefined {
  return parseNumber('--duration', v, { min: 0, minExclusive: true, words: 'seconds > 0' });
}

/** --buffer-size in MiB. */
export function parseBufferSize(v: string | undefined): number | undefined {
  return parseNumber('--buffer-size', v, { integer: true, min: 1, max: MAX_BUFFER_MIB, words: `whole MiB from 1 to ${MAX_BUFFER_MIB}` });
}

/** What --report-every accepts, in the refusal's words. */
const INTERVAL_WORDS = 'whole seconds >= 1, or a number with s, m or h such as 30s, 15m, 1h';

/**
 * --report-every: plain seconds (`900`) or a number with a unit (`30s`, `15m`, `1h`), to
 * whole seconds >= 1 (interval reports are named to the second); undefined when absent.
 */
export function parseInterval(option: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$/i.exec(v);
  const unit = m ? ({ '': 1, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2]!.toLowerCase()]! : 0;
  const sec = m ? Number(m[1]) * unit : Number.NaN;
  if (!(Number.isInteger(sec) && sec >= 1)) throw invalidOption(option, v, INTERVAL_WORDS);
  return sec;
}

/** --write-size in MB (1,000,000 bytes, as dumpcap counts), fractions allowed. */
export function parseWriteSize(v: string | undefined): number | undefined {
  const mb = parseNumber('--write-size', v, { min: 0, minExclusive: true, max: 1e6, words: 'MB > 0 (1 MB = 1,000,000 bytes), up to 1000000' });
  return mb === undefined ? undefined : Math.max(1, Math.round(mb * 1e6));
}

/** --write-files: how many ring files to keep. */
export function parseWriteFiles(v: string | undefined): number | undefined {
  return parseNumber('--write-files', v, { integer: true, min: 1, max: 99999, words: 'a whole number from 1 to 99999' });
}
