/**
 * Reads one Zeek conn log (a file, plain or gzip, or an already-peeked stream) line
 * by line into ZeekConnParser. Memory stays bounded by the longest line plus the
 * flows a log holds back until its end (one-packet attempts, one-way UDP).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ZeekConnParser } from './zeek-conn.js';
import type { RecordReadOptions, RecordReadResult, RecordSink } from './source.js';

/** A line longer than this is damaged (Zeek's longest conn rows are a few hundred bytes). */
const MAX_LINE = 1 << 20;

/** Opens a file as a byte stream, gunzipping when it starts with the gzip magic. */
export async function openMaybeGzip(path: string): Promise<{ stream: Readable; gzip: boolean; consumed: () => number }> {
  const probe = createReadStream(path, { start: 0, end: 1 });
  const head: Buffer[] = [];
  for await (const c of probe) head.push(c as Buffer);
  const h = Buffer.concat(head);
  const gzip = h.length >= 2 && h[0] === 0x1f && h[1] === 0x8b;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return { stream: file, gzip, consumed: () => file.bytesRead };
  const gz = createGunzip({ chunkSize: 1 << 20 });
  file.on('error', (e) => gz.destroy(e));
  return { stream: file.pipe(gz), gzip, consumed: () => file.bytesRead };
}

/**
 * Parses a conn log from `stream` to the sink.
 * @param name  the file name used in messages (`stdin` for '-')
 */
export async function readZeekStream(name: string, stream: Readable, gzip: boolean, sink: RecordSink,
  opts: RecordReadOptions, consumed?: () => number): Promise<RecordReadResult> {
  const p = new ZeekConnParser(name, opts.input, sink, opts.synGrace, { from: opts.from, to: opts.to });
  let lineNo = 0;
  let rest = '';
  let error: string | null = null;
  let pulled = 0;
  let skipping = false;
  const dec = new StringDecoder('utf8');
  const onAbort = (): void => { stream.destroy(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const text = typeof chunk === 'string' ? chunk : dec.write(chunk as Buffer);
      pulled += typeof chunk === 'string' ? chunk.length : (chunk as Buffer).length;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        lineNo++;
        const line = rest === '' ? text.slice(start, nl) : rest + text.slice(start, nl);
        rest = '';
        if (skipping) skipping = false;
        else p.line(line, lineNo);
        start = nl + 1;
      }
      if (!skipping) rest += text.slice(start);
      if (rest.length > MAX_LINE) {
        p.counts.rows++;
        p.counts.bad++;
        if (p.counts.badSamples.length < 5) p.counts.badSamples.push(`${name}:${lineNo + 1}: line longer than ${MAX_LINE} bytes`);
        rest = '';
        skipping = true;
      }
      opts.onProgress?.(consumed ? consumed() : pulled);
      if (opts.signal?.aborted) break;
    }
  } catch (e) {
    if (!opts.signal?.aborted) {
      error = `${name}: ${gzip ? 'gzip data damaged' : 'read failed'} after line ${lineNo}: ${e instanceof Error ? e.message : String(e)}`;
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (rest !== '' && !skipping) p.line(rest, ++lineNo);
  if (opts.signal?.aborted) error = `${name}: stopped after line ${lineNo} (interrupted); the report covers those only`;
  p.finish();
  if (error === null && !p.sawConn) {
    const why = p.counts.badSamples[0];
    error = why !== undefined ? `not a Zeek conn log: ${why}` : `${name}: not a Zeek conn log (no #fields header naming id.orig_h, no JSON conn record)`;
  }
  return {
    format: p.format ?? 'zeek-tsv', gzip, counts: p.counts, packets: p.packets, bytes: p.bytes,
    first: p.first, last: p.last, error,
  };
}

/** Reads a conn log file (plain or gzip). */
export async function readZeekFile(path: string, sink: RecordSink, opts: RecordReadOptions): Promise<RecordReadResult> {
  const { stream, gzip, consumed } = await openMaybeGzip(path);
  return readZeekStream(path, stream, gzip, sink, opts, consumed);
}
