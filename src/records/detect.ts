/**
 * Tells flow-record inputs from packet captures by content, never by name: a Zeek
 * conn log (TSV header lines or JSON lines naming `id.orig_h`), an nfcapd file (the
 * nfdump file header magic 0xA50C, little-endian as nfcapd writes it), an IPFIX file
 * (RFC 5655: a message header of version 10), or a directory of
 * nfcapd files (an nfdump store, read with `nfdump -R`). Anything else is left to the packet path,
 * which names what it found. gzip is looked through.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zc, gunzipSync } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';

/** What a record input is. */
export type RecordKind = 'zeek' | 'nfcapd' | 'ipfix';

/** Bytes looked at (enough for a Zeek header with a long #fields line). */
const PEEK = 64 * 1024;

/** The kind the first bytes (already decompressed) show: a record kind, 'packets' (not ours), or 'more' (undecided, need more bytes). */
export function sniffRecordBytes(b: Uint8Array, complete: boolean): RecordKind | 'packets' | 'more' {
  if (b.length >= 2 && b[0] === 0x0c && b[1] === 0xa5) return 'nfcapd';
  // An IPFIX file (RFC 5655): message header version 10 and a length of at least the header, then a set header.
  if (b.length >= 2 && b[0] === 0x00 && b[1] === 0x0a) {
    if (b.length < 20) return complete ? 'packets' : 'more';
    const len = (b[2]! << 8) | b[3]!, set = (b[16]! << 8) | b[17]!, setLen = (b[18]! << 8) | b[19]!;
    return len >= 20 && (set === 2 || set === 3 || set >= 256) && setLen >= 4 && setLen <= len - 16 ? 'ipfix' : 'packets';
  }
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  if (i >= b.length) return complete ? 'packets' : 'more';
  if (b[i] !== 0x23 /* # */ && b[i] !== 0x7b /* { */) return 'packets';
  // Text: decide on whole lines only.
  const text = Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  const lines = text.split('\n');
  if (!complete) lines.pop();
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('{')) return line.includes('"id.orig_h"') ? 'zeek' : 'packets';
    if (line.startsWith('#fields')) return line.includes('id.orig_h') ? 'zeek' : 'packets';
    if (line.startsWith('#separator ')) return 'zeek';
    if (!line.startsWith('#')) return 'packets';
  }
  return complete || b.length >= PEEK ? 'packets' : 'more';
}

function gunzipHead(b: Uint8Array): Uint8Array | null {
  try {
    return gunzipSync(b, { finishFlush: zc.Z_SYNC_FLUSH });
  } catch {
    return null;
  }
}

/** Whether a directory holds an nfcapd file (`nfcapd.*`), looking a few levels down (stores are often YYYY/MM/DD trees). */
function holdsNfcapd(dir: string, depth = 4): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) if (e.isFile() && e.name.startsWith('nfcapd.') && !e.name.startsWith('nfcapd.current')) return true;
  if (depth === 0) return false;
  for (const e of entries) if (e.isDirectory() && holdsNfcapd(join(dir, e.name), depth - 1)) return true;
  return false;
}

/**
 * The record kind of a path, or null for a capture (or anything the packet path should
 * report). A directory holding nfcapd.* files is an nfdump store (any other directory is left to
 * the packet path, which says it is one). Pipes, devices and stdin are not peeked here.
 */
export function detectRecordPath(path: string): RecordKind | null {
  if (path === '-') return null;
  let fd: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return holdsNfcapd(path) ? 'nfcapd' : null;
    if (!st.isFile()) return null;
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.allocUnsafe(PEEK);
    const n = readSync(fd, buf, 0, PEEK, 0);
    let head: Uint8Array = buf.subarray(0, n);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      const g = gunzipHead(head);
      if (g === null) return null;
      head = g.subarray(0, PEEK);
    }
    const k = sniffRecordBytes(head, true);
    return k === 'zeek' || k === 'nfcapd' || k === 'ipfix' ? k : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A stream looked at: its kind, whether it was gzip, and a stream that replays every byte (decompressed when gzip). */
export interface PeekedStream {
  kind: RecordKind | 'packets';
  gzip: boolean;
  stream: Readable;
}

/**
 * The bytes a peek took, then the rest of the source: a Readable whose destruction also
 * destroys the source, so that stopping a read (Ctrl-C) never waits on a pipe.
 */
class Replay extends Readable {
  private reading = false;
  constructor(private readonly head: Uint8Array[], private readonly it: AsyncIterator<unknown>, private readonly source: Readable) {
    super();
  }
  override _read(): void {
    if (this.head.length > 0) { this.push(this.head.shift()); return; }
    if (this.reading) return;
    this.reading = true;
    this.it.next().then((r) => {
      this.reading = false;
      if (r.done) this.push(null);
      else this.push(typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Uint8Array));
    }, (e: unknown) => { this.reading = false; this.destroy(e instanceof Error ? e : new Error(String(e))); });
  }
  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.source.destroy();
    cb(err);
  }
}

/** Reads from `it` until `enough` says so or the stream ends; returns the chunks read and whether it ended. */
async function peek(it: AsyncIterator<unknown>, enough: (b: Uint8Array, ended: boolean) => boolean): Promise<{ head: Uint8Array[]; ended: boolean }> {
  const head: Uint8Array[] = [];
  let have = 0;
  for (;;) {
    const all = head.length === 1 ? head[0]! : Buffer.concat(head, have);
    if (have > 0 && enough(all, false)) return { head, ended: false };
    let r: IteratorResult<unknown>;
    try {
      r = await it.next();
    } catch {
      return { head, ended: true };
    }
    if (r.done) return { head, ended: true };
    const c = typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Uint8Array);
    head.push(c);
    have += c.length;
  }
}

/**
 * Looks at the start of a stream (stdin, a pipe) without losing it: gzip is undone,
 * then enough lines are read to tell a Zeek log from a capture. Waits for whole lines,
 * so `kcat ... | wfo-audit audit -` decides on the first record.
 */
export async function peekStream(input: Readable, gunzip: () => NodeJS.ReadWriteStream, signal?: AbortSignal): Promise<PeekedStream> {
  // Stopped while waiting for the first bytes: the source ends, and the packet path reports the stop.
  const onAbort = (): void => { input.destroy(); };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const it = input[Symbol.asyncIterator]();
    const first = await peek(it, (b) => b.length >= 2);
    const h0 = first.head.length > 0 ? Buffer.concat(first.head) : Buffer.alloc(0);
    const gzip = h0.length >= 2 && h0[0] === 0x1f && h0[1] === 0x8b;
    let src: Readable = new Replay(first.head, it, input);
    if (gzip) {
      const gz = gunzip() as unknown as Readable & NodeJS.WritableStream;
      pipeline(src, gz, () => { /* errors reach the reader through gz */ });
      src = gz;
    }
    const it2 = src[Symbol.asyncIterator]();
    const got = await peek(it2, (b) => sniffRecordBytes(b, false) !== 'more');
    const all = got.head.length > 0 ? Buffer.concat(got.head) : Buffer.alloc(0);
    const k = sniffRecordBytes(all, got.ended);
    return { kind: k === 'more' ? 'packets' : k, gzip, stream: new Replay(got.head, it2, src) };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
