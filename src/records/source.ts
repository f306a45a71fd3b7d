/**
 * The contract between flow-record sources (Zeek conn logs, nfdump stores) and the
 * audit pipeline, beside the packet path: a record source turns one input into
 * finished FlowRecords and hands them to a RecordSink; the pipeline classifies them
 * exactly like flows built from packets. What a source read is reported in
 * `inputs[].records` (RecordCounts); lines or records it could not use are counted
 * there, never fatal.
 *
 * A source implements `readRecords(path, sink, opts)` returning a RecordReadResult.
 */
import type { FlowRecord } from '../flow/types.js';
import type { SourceRow } from './sources.js';

/** Flow-record formats, as `inputs[].format` names them. */
export type RecordFormat = 'zeek-tsv' | 'zeek-json' | 'nfcapd' | 'ipfix' | 'collect';

/** Takes finished flow records, synchronously (a source calls it as it parses). */
export interface RecordSink {
  /** A fresh flow id, in the same sequence as the packet path's flows (FlowRecord.id). */
  nextId(): number;
  /** One finished flow (`final` true, `input` set by the source). */
  flow(f: FlowRecord): void;
}

/**
 * What one record input held (`inputs[].records`): rows read, flows made, rows that
 * are not flows counted by kind, and lines that could not be parsed.
 */
export interface RecordCounts {
  /** Data rows (log lines or nfdump records), headers and comments not counted. */
  rows: number;
  /** Flows handed to the audit (tcp, udp and icmp rows). */
  flows: number;
  /** Rows that are not tcp/udp/icmp flows, by kind (e.g. `unknown_transport`), keys sorted. */
  other: Record<string, number>;
  /** Lines or records that could not be parsed (counted, skipped). */
  bad: number;
  /** The first few bad lines as `file:line: reason`, at most BAD_SAMPLES. */
  badSamples: string[];
  /** ICMP error rows matched to the UDP flow they answered: part of that flow (`icmp`), not flows of their own. */
  attached: number;
  /** Rows whose time was masked or unset: their flows have `first`/`last` null. */
  noTime: number;
  /** Bytes the sensor says it missed (Zeek `missed_bytes`), summed. */
  missedBytes: number;
  /** Earliest start and latest end of this input's rows, seconds since the epoch; null when no row had a time. */
  first?: number | null;
  last?: number | null;
}

/** How many bad lines are quoted in `badSamples`. */
export const BAD_SAMPLES = 5;

/** Empty counts to fill. */
export function newCounts(): RecordCounts {
  return { rows: 0, flows: 0, other: {}, bad: 0, badSamples: [], attached: 0, noTime: 0, missedBytes: 0 };
}

/** Counts a bad line, quoting the first few. */
export function countBad(c: RecordCounts, where: string, why: string): void {
  c.bad++;
  if (c.badSamples.length < BAD_SAMPLES) c.badSamples.push(`${where}: ${why}`);
}

/** Counts a row that is not a flow, by kind. */
export function countOther(c: RecordCounts, kind: string): void {
  c.other[kind] = (c.other[kind] ?? 0) + 1;
}

/**
 * Input text quoted in a message: at most `max` characters, in double quotes, with
 * control characters (C0, DEL, C1) as \xHH so that nothing from the input can drive
 * a terminal.
 */
export function quoteInput(s: string, max = 60): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return `"${cut.replace(/[\x00-\x1f\x7f-\x9f"\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}"`;
}

/** Options a record source takes. */
export interface RecordReadOptions {
  /** Index of the input in the report's `inputs` (FlowRecord.input). */
  input: number;
  /** A one-packet attempt this close (seconds) to the end of the input is `no-reply-yet` (the packet path's --syn-grace). */
  synGrace?: number;
  /** Only records overlapping [from, to] (seconds since the epoch), when the source can filter. */
  from?: number;
  to?: number;
  /** Designed server ports (ResolvedDesign.serverPortHint) for deciding direction when records do not tell. */
  serverPortHint?: Uint8Array;
  signal?: AbortSignal;
  /** Called now and then with the input bytes consumed so far. */
  onProgress?: (bytesRead: number) => void;
}

/** What a record source read from one input. */
export interface RecordReadResult {
  format: RecordFormat;
  gzip: boolean;
  counts: RecordCounts;
  /** Packets and bytes the records account for (both directions). */
  packets: number;
  bytes: number;
  /** Earliest start and latest end over the rows with a time; NaN when none. */
  first: number;
  last: number;
  /** null when read to the end; otherwise why reading stopped (flows before it were delivered). */
  error: string | null;
  /** Source-specific warnings for the report (ReportWarning shape), merged over inputs by code. */
  notes?: { code: string; message: string; count: number }[];
  /** Flow export inputs (IPFIX files, the collector): one row per exporter and domain (the report's `sources[]`). */
  sources?: SourceRow[];
}
