/**
 * IPFIX files (RFC 5655 §8: IPFIX messages back to back, as a collector writes them)
 * read as a stream, message by message, into an ExportSession. A message cut by the end
 * of the file, or bytes that are not an IPFIX message header, stop the read with a
 * one-line error naming the message number and offset; the flows before it are kept.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ExportSession } from './export-session.js';
import { IPFIX_HEADER } from './ipfix.js';
import type { RecordReadOptions, RecordReadResult, RecordSink } from './source.js';
import { exportNotes } from './export-notes.js';

/** Reads an IPFIX file (or stdin, as a stream) to the sink. */
export async function readIpfixFile(path: string, stream: Readable | null, gzip: boolean, sink: RecordSink,
  opts: RecordReadOptions & { sourceBase?: number }): Promise<RecordReadResult> {
  const name = path === '-' ? 'stdin' : path;
  const s = new ExportSession(name, opts.input, sink, opts.synGrace, opts.serverPortHint ?? null, 0, opts.sourceBase ?? 0);
  let src: Readable;
  if (stream !== null) src = stream;
  else {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    src = gzip ? raw.pipe(createGunzip()) : raw;
  }
  const origin = { exporter: name, port: null };
  let buf: Buffer = Buffer.alloc(0);
  let offset = 0, messages = 0, consumed = 0;
  let error: string | null = null;
  const onAbort = (): void => { src.destroy(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    outer: for await (const chunk of src) {
      buf = buf.length === 0 ? (chunk as Buffer) : Buffer.concat([buf, chunk as Buffer]);
      consumed += (chunk as Buffer).length;
      let p = 0;
      while (buf.length - p >= 4) {
        const version = (buf[p]! << 8) | buf[p + 1]!;
        const len = (buf[p + 2]! << 8) | buf[p + 3]!;
        if (version !== 10 || len < IPFIX_HEADER) {
          error = `${name}: message ${messages + 1} at byte ${offset + p}: not an IPFIX message header (version ${version}, length ${len}); the report covers the ${messages} messages before it`;
          break outer;
        }
        if (buf.length - p < len) break;
        messages++;
        s.message(buf.subarray(p, p + len), origin, 0, `${name}: message ${messages}`);
        p += len;
      }
      offset += p;
      buf = buf.subarray(p);
      opts.onProgress?.(consumed);
    }
    if (error === null && buf.length > 0 && !opts.signal?.aborted) {
      error = `${name}: message ${messages + 1} at byte ${offset} is cut short (${buf.length} bytes of it in the file); the report covers the ${messages} messages before it`;
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    error = `${name}: read failed after ${messages} messages: ${why.split('\n')[0]}`;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted && error === null) error = `${name}: stopped after ${messages} messages (interrupted); the report covers those only`;
  s.finish();
  return {
    format: 'ipfix', gzip, counts: s.counts, packets: s.packets, bytes: s.bytes, first: s.first, last: s.last, error,
    notes: exportNotes(s), sources: s.sources.rows(),
  };
}
