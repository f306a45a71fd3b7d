/**
 * The record path of `audit`, beside the packet path: decides whether an input is a
 * flow-record input (detect.ts) and reads it with its source (Zeek conn log, nfdump
 * store) into the pipeline; its `inputs[]` entry and the run-wide figures the report
 * takes from it (time span, packets, warnings).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { InputInfo } from '../capture/types.js';
import type { ReportWarning } from '../report/types.js';
import { warning, type WarningCode } from '../report/warnings.js';
import { detectRecordPath, peekStream, type RecordKind } from './detect.js';
import { readNfdump } from './nfdump.js';
import { readIpfixFile } from './ipfix-file.js';
import type { SourceRow } from './sources.js';
import type { RecordReadOptions, RecordReadResult, RecordSink } from './source.js';
import { readZeekFile, readZeekStream } from './zeek-read.js';

/** How an input is to be read: by the record path (with a peeked stream for stdin) or by the packet path. */
export type InputRoute =
  | { kind: RecordKind; stream: Readable | null; gzip: boolean }
  | { kind: 'packets'; stream: Readable | null; gzip: boolean };

/**
 * Where an input goes. Files are peeked and left for the packet path when they are not
 * records; stdin is peeked once and handed on as a replaying stream (`stream`), since
 * it cannot be read twice.
 */
export async function routeInput(path: string, signal?: AbortSignal): Promise<InputRoute> {
  if (path !== '-') {
    const k = detectRecordPath(path);
    return { kind: k ?? 'packets', stream: null, gzip: false };
  }
  const p = await peekStream(process.stdin, () => createGunzip({ chunkSize: 1 << 20 }), signal);
  return { kind: p.kind, stream: p.stream, gzip: p.gzip };
}

/** Reads a record input to the sink. */
export async function readRecords(path: string, route: InputRoute & { kind: RecordKind }, sink: RecordSink,
  opts: RecordReadOptions & { sourceBase?: number }): Promise<RecordReadResult> {
  const name = path === '-' ? 'stdin' : path;
  if (route.kind === 'nfcapd') return readNfdump(path, sink, opts);
  if (route.kind === 'ipfix') return readIpfixFile(path, route.stream, route.gzip || (route.stream === null && isGzipFile(path)), sink, opts);
  if (route.stream !== null) return readZeekStream(name, route.stream, route.gzip, sink, opts);
  return readZeekFile(path, sink, opts);
}

/** The `inputs[]` entry of a record input. */
export function recordInputInfo(path: string, r: RecordReadResult): InputInfo {
  const time = (t: number): number | null => (Number.isNaN(t) ? null : Math.round(t * 1e6) / 1e6);
  return {
    path, format: r.format, gzip: r.gzip, linkTypes: [], packets: r.packets, bytes: r.bytes, error: r.error,
    records: { ...r.counts, first: time(r.first), last: time(r.last) },
  };
}

function isGzipFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const b = Buffer.alloc(2);
      return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
    } finally { closeSync(fd); }
  } catch {
    return false;
  }
}

/** Run-wide figures of the record inputs, folded into the report by the audit. */
export class RecordTotals {
  /** Exporters of the flow export inputs (the report's `sources[]`), in order of first sight over the inputs. */
  readonly sources: SourceRow[] = [];
  first = NaN;
  last = NaN;
  packets = 0;
  bytes = 0;
  private other = new Map<string, number>();
  private bad = 0;
  private badSample: string | null = null;
  private noTime = 0;
  private notes = new Map<string, { code: string; message: string; count: number }>();

  /** Adds one input's result. */
  add(r: RecordReadResult): void {
    if (r.sources !== undefined) this.sources.push(...r.sources);
    if (r.first < this.first || Number.isNaN(this.first)) this.first = r.first;
    if (r.last > this.last || Number.isNaN(this.last)) this.last = r.last;
    this.packets += r.packets;
    this.bytes += r.bytes;
    for (const [k, n] of Object.entries(r.counts.other)) this.other.set(k, (this.other.get(k) ?? 0) + n);
    this.bad += r.counts.bad;
    this.badSample ??= r.counts.badSamples[0] ?? null;
    this.noTime += r.counts.noTime;
    for (const n of r.notes ?? []) {
      const had = this.notes.get(n.code);
      // The message of the latest input (it names its own count); the count summed.
      this.notes.set(n.code, { ...n, count: n.count + (had?.count ?? 0) });
    }
  }

  /** Warnings for the report: rows that are not flows, unparsable lines, rows without time. */
  warnings(): ReportWarning[] {
    const out: ReportWarning[] = [];
    for (const [kind, n] of [...this.other].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      out.push(warning('records-not-flows', `${n} flow-record row(s) counted, not audited: ${kind}`, n));
    }
    if (this.bad > 0) {
      out.push(warning('records-bad-lines', `${this.bad} flow-record line(s) could not be read and were skipped (first: ${this.badSample})`, this.bad));
    }
    if (this.noTime > 0) {
      out.push(warning('records-no-time', `${this.noTime} flow-record row(s) have no time (masked or unset ts): their flows have no first/last and are never matched by time`, this.noTime));
    }
    for (const n of this.notes.values()) out.push(warning(n.code as WarningCode, n.message, n.count));
    return out;
  }
}
