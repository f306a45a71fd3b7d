/**
 * Opens a capture file or stdin, sniffs its format and pumps it through the
 * matching reader in large reused chunks: bounded memory for any file size,
 * records parsed in place, the event loop given a turn between chunks.
 */
import { closeSync, constants as fsConstants, createReadStream, openSync, readSync, statSync, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { createGunzip } from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import { CaptureError } from '../errors.js';
import type { CaptureFormat, InputInfo, PacketSink, ReadOptions } from './types.js';
import { SNIFF_BYTES, sniffFormat } from './sniff.js';
import { PcapWalker } from './pcap-reader.js';
import { PcapngWalker } from './pcapng-reader.js';
import type { RecordWalker } from './walker.js';

/** Default bytes per read: large enough that syscalls do not matter, small enough to stay cache-friendly. */
export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Give the event loop a turn at least this often (bytes), so a dashboard can render. */
const YIELD_EVERY = 1024 * 1024;

/** A byte source read into the pump's buffer; returns 0 at end of input. */
interface ChunkSource {
  read(buf: Uint8Array, at: number, max: number): number | Promise<number>;
  /** Bytes consumed from the underlying file (compressed bytes for gzip). */
  consumed(): number;
  close(): void;
  /** Ends a read that may wait forever (a pipe): the pending and every later read return 0. */
  interrupt?(): void;
}

/** Human words for the errno codes users actually hit. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a parent of the path is not a directory';
    case 'EMFILE': case 'ENFILE': return 'too many open files';
    default: return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** Reads a file descriptor synchronously; the fastest path measured on this machine. */
class FileSource implements ChunkSource {
  private done = 0;
  constructor(private readonly fd: number, private readonly name: string) {}
  read(buf: Uint8Array, at: number, max: number): number {
    let n: number;
    try {
      n = readSync(this.fd, buf, at, max, null);
    } catch (e) {
      throw new CaptureError(`cannot read ${this.name}: ${reason(e)}`);
    }
    this.done += n;
    return n;
  }
  consumed(): number { return this.done; }
  close(): void { closeSync(this.fd); }
}

/**
 * Adapts an async byte stream (stdin, gunzip) to the pump. Chunks are copied
 * into the pump's buffer, once; a stream error ends the input with `failure` set.
 */
class StreamSource implements ChunkSource {
  private chunk: Uint8Array | null = null;
  private at = 0;
  private ended = false;
  private pulled = 0;
  /** Message of the error that ended the stream, if any. */
  failure: string | null = null;
  /** zlib's code for that error (Z_BUF_ERROR: the stream ended early; Z_DATA_ERROR: damaged data). */
  failureCode: string | null = null;
  /**
   * @param it        the stream's chunks
   * @param head      chunks already taken from `it` while peeking, delivered first
   * @param closer    releases the stream(s)
   * @param consumed  bytes of the underlying input consumed (defaults to the bytes pulled)
   */
  constructor(private readonly it: AsyncIterator<Uint8Array | string>, private readonly head: Uint8Array[],
    private readonly closer: () => void, private readonly consumedFn?: () => number) {}
  async read(buf: Uint8Array, at: number, max: number): Promise<number> {
    while (this.chunk === null || this.at >= this.chunk.length) {
      if (this.head.length > 0) { this.chunk = this.head.shift()!; this.at = 0; continue; }
      if (this.ended) return 0;
      try {
        const r = await this.it.next();
        if (r.done) { this.ended = true; return 0; }
        this.chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        this.at = 0;
      } catch (e) {
        this.ended = true;
        this.failure = e instanceof Error ? e.message : String(e);
        this.failureCode = (e as NodeJS.ErrnoException)?.code ?? null;
        return 0;
      }
    }
    const n = Math.min(max, this.chunk.length - this.at);
    buf.set(this.chunk.subarray(this.at, this.at + n), at);
    this.at += n;
    this.pulled += n;
    return n;
  }
  consumed(): number { return this.consumedFn ? this.consumedFn() : this.pulled; }
  /** Bytes this stream delivered (decompressed bytes for gzip). */
  delivered(): number { return this.pulled; }
  close(): void { this.closer(); }
  interrupt(): void {
    this.ended = true;
    this.closer();
  }
}

/** Chunks of `head` then the rest of `it`: the bytes a peek took, given back to a decompressor. */
async function* replay(head: Uint8Array[], it: AsyncIterator<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for (const h of head) yield h;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
  }
}

/** A gunzip over `input`, with errors of either stream surfacing on the gunzip's iterator. */
function gunzipSource(input: Readable, consumed?: () => number, alsoClose?: () => void): StreamSource {
  // 1 MiB output chunks rather than the default 16 KiB: a fortieth of the async steps and copies.
  const gz = createGunzip({ chunkSize: 1 << 20 });
  pipeline(input, gz, () => { /* errors reach the consumer through gz's iterator */ });
  return new StreamSource(gz[Symbol.asyncIterator](), [], () => { input.destroy(); gz.destroy(); alsoClose?.(); }, consumed);
}

/** The pump's working buffer with the unconsumed window [pos, end). */
class Window {
  buf: Uint8Array;
  pos = 0;
  end = 0;
  /** Stream offset of buf[0]. */
  base = 0;
  constructor(size: number) { this.buf = Buffer.allocUnsafe(size); }
  /** Moves the unconsumed tail to the front and makes room for `need` bytes plus one chunk. */
  compact(need: number, chunk: number): void {
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    if (need > this.buf.length || this.end >= this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.end) + chunk);
      bigger.set(this.buf.subarray(0, this.end), 0);
      this.buf = bigger;
    }
  }
}

/** Result of pumping one (possibly decompressed) stream. */
type PumpResult = { kind: 'gzip' } | { kind: 'done'; format: CaptureFormat; walker: RecordWalker };

async function pump(name: string, src: ChunkSource, sink: PacketSink, opts: ReadOptions,
  totalBytes: number, fileSize: number, gzipped: boolean): Promise<PumpResult> {
  const chunk = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
  const w = new Window(Math.max(chunk, 65536) + 65536);
  const yieldEvery = Math.min(YIELD_EVERY, chunk);
  let eof = false;
  const fill = async (): Promise<void> => {
    let n = src.read(w.buf, w.end, Math.min(chunk, w.buf.length - w.end));
    if (typeof n !== 'number') n = await n;
    if (n === 0) eof = true;
    w.end += n;
  };
  while (!eof && w.end < SNIFF_BYTES) await fill();
  // A gzip stream that failed before a whole capture header came out is a gzip problem, not an empty file.
  if (gzipped && w.end < SNIFF_BYTES && src instanceof StreamSource && src.failure !== null) {
    throw new CaptureError(gzipFailure(name, src, w.end < 1 ? null : 0));
  }
  const sniffed = sniffFormat(w.buf, 0, w.end, name);
  if (sniffed.kind === 'gzip') {
    if (gzipped) throw new CaptureError(`${name}: gzip inside gzip, decompress it first`);
    return { kind: 'gzip' };
  }
  const ifaceBase = opts.ifaceBase ?? 0;
  const walker: RecordWalker = sniffed.kind === 'pcap'
    ? new PcapWalker(name, sniffed.le, sniffed.nanos, sink, ifaceBase)
    : new PcapngWalker(name, sink, ifaceBase, gzipped ? 0 : fileSize);
  const format: CaptureFormat = sniffed.kind === 'pcapng' ? 'pcapng' : sniffed.nanos ? 'pcap-ns' : 'pcap';
  let sinceYield = 0;
  // Stopping (Ctrl-C, the dashboard's q) ends a read that waits on a pipe, too.
  let interrupted = false;
  const onAbort = (): void => {
    interrupted = true;
    src.interrupt?.();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let stopped = false;
  for (;;) {
    w.pos = walker.walk(w.buf, w.pos, w.end, w.base);
    if (walker.error !== null) break;
    if (opts.signal?.aborted && (!eof || interrupted)) { stopped = true; break; }
    if (eof) { walker.finish(w.buf, w.pos, w.end, w.base); break; }
    w.compact(walker.need, chunk);
    const before = w.end;
    await fill();
    sinceYield += w.end - before;
    opts.onProgress?.({ bytesRead: src.consumed(), totalBytes, packets: walker.packets });
    if (sinceYield >= yieldEvery) {
      sinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  opts.signal?.removeEventListener('abort', onAbort);
  if (stopped) {
    walker.error = stoppedMessage(name, walker.packets);
  } else if (src instanceof StreamSource && src.failure !== null && gzipped) {
    // The gzip failure is the real problem: a record cut short by it would only be its echo.
    walker.error = gzipFailure(name, src, walker.packets);
  } else if (src instanceof StreamSource && src.failure !== null && walker.error === null) {
    walker.error = `${name}: read failed after ${walker.packets} packets: ${src.failure}`;
  }
  opts.onProgress?.({ bytesRead: src.consumed(), totalBytes, packets: walker.packets });
  return { kind: 'done', format, walker };
}

/**
 * Why a gzip stream ended early, in words: cut short (with the offset reached in the
 * decompressed stream) or damaged (zlib's reason). `packets`: complete packets read, or
 * null when not even the capture header came out.
 */
function gzipFailure(name: string, src: StreamSource, packets: number | null): string {
  const at = src.delivered();
  const read = packets === null ? 'nothing could be read' : `${packets} packets read`;
  if (src.failureCode === 'Z_BUF_ERROR') {
    return `${name}: gzip stream cut short at offset ${at} of the decompressed data (${read}); the file is incomplete`;
  }
  return `${name}: damaged gzip stream at offset ${at} of the decompressed data: ${src.failure} (${read})`;
}

/** An input of which nothing was read, with the reason. */
export function noInput(path: string, error: string): InputInfo {
  return { path, format: 'unknown', gzip: false, linkTypes: [], packets: 0, bytes: 0, error };
}

/** Why an input stopped early when the run was interrupted (Ctrl-C, SIGTERM, the dashboard's q). */
function stoppedMessage(name: string, packets: number): string {
  return `${name}: stopped after ${packets} packets (interrupted); the report covers those only`;
}

function info(path: string, format: CaptureFormat, gzip: boolean, w: RecordWalker): InputInfo {
  return {
    path, format, gzip,
    linkTypes: [...w.linkTypes].sort((a, b) => a - b),
    packets: w.packets, bytes: w.bytes, error: w.error,
  };
}

/**
 * Reads one input stream (already open) to the sink; gzip is detected and
 * undone on the fly. Used for stdin, and by tests with an in-memory Readable.
 * @param path  name reported in InputInfo ('-' is called stdin in messages)
 * @throws CaptureError when the input is rejected before any packet
 */
export async function readStream(path: string, stream: Readable, sink: PacketSink,
  opts: ReadOptions = {}): Promise<InputInfo> {
  const name = path === '-' ? 'stdin' : path;
  const it: AsyncIterator<Uint8Array | string> = stream[Symbol.asyncIterator]();
  // Stopped while waiting for the first bytes: nothing was read.
  const onAbort = (): void => { stream.destroy(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // Peek at the first two bytes: a gzip stream must reach the decompressor whole.
  const head: Uint8Array[] = [];
  let have = 0;
  try {
    while (have < 2 && !opts.signal?.aborted) {
      const r = await it.next();
      if (r.done) break;
      const c = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      head.push(c);
      have += c.length;
    }
  } catch (e) {
    if (!opts.signal?.aborted) throw new CaptureError(`cannot read ${name}: ${reason(e)}`);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) {
    stream.destroy();
    return noInput(path, stoppedMessage(name, 0));
  }
  const first = head.length > 0 ? Buffer.concat(head) : Buffer.alloc(0);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const src = gzip
    ? gunzipSource(Readable.from(replay(head, it)), undefined, () => stream.destroy())
    : new StreamSource(it, head, () => stream.destroy());
  try {
    const r = await pump(name, src, sink, opts, 0, 0, gzip);
    if (r.kind === 'gzip') throw new CaptureError(`${name}: gzip inside gzip, decompress it first`);
    return info(path, r.format, gzip, r.walker);
  } finally {
    src.close();
  }
}

/**
 * Reads one capture file, or stdin for '-', delivering every packet to the sink
 * synchronously and in file order. Memory stays bounded by the chunk size plus
 * the largest record, whatever the file size.
 * @param index  position of the input on the command line (reserved for callers' bookkeeping)
 * @returns what was delivered; `error` is set when reading stopped early (packets before it were delivered)
 * @throws CaptureError when the input cannot be opened or is rejected before any packet
 */
export async function readInput(path: string, index: number, sink: PacketSink,
  opts: ReadOptions = {}): Promise<InputInfo> {
  void index;
  if (path === '-') return readStream('-', process.stdin, sink, opts);
  let kind: Stats;
  try {
    kind = statSync(path);
  } catch (e) {
    throw new CaptureError(`cannot read ${path}: ${reason(e)}`);
  }
  if (kind.isDirectory()) throw new CaptureError(`cannot read ${path}: is a directory`);
  if (kind.isFIFO()) {
    // A named pipe (dumpcap -w FIFO) or a process substitution (/dev/fd/N): read it once, as a
    // stream like stdin (it cannot be read twice for gzip sniffing or first-packet ordering).
    // Opened non-blocking and read through the event loop, never the thread pool: waiting for a
    // writer, or on a writer that stalls, neither blocks nor outlives Ctrl-C.
    let pipeFd: number;
    try {
      pipeFd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    } catch (e) {
      throw new CaptureError(`cannot read ${path}: ${reason(e)}`);
    }
    return readStream(path, new Socket({ fd: pipeFd, readable: true, writable: false }), sink, opts);
  }
  if (!kind.isFile()) {
    // A device or socket file: read as a stream too.
    return readStream(path, createReadStream(path, { highWaterMark: 1 << 20 }), sink, opts);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CaptureError(`cannot read ${path}: ${reason(e)}`);
  }
  const file = new FileSource(fd, path);
  const size = kind.size;
  let closed = false;
  try {
    const r = await pump(path, file, sink, opts, size, size, false);
    if (r.kind === 'done') return info(path, r.format, false, r.walker);
    file.close();
    closed = true;
    const fileStream = createReadStream(path, { highWaterMark: 1024 * 1024 });
    const src = gunzipSource(fileStream, () => fileStream.bytesRead);
    try {
      const g = await pump(path, src, sink, opts, size, 0, true);
      if (g.kind === 'gzip') throw new CaptureError(`${path}: gzip inside gzip, decompress it first`);
      return info(path, g.format, true, g.walker);
    } finally {
      src.close();
    }
  } finally {
    if (!closed) file.close();
  }
}

/** Thrown by the first-packet probe to stop reading; never escapes orderInputs. */
const FIRST_PACKET_SEEN = new Error('first packet seen');

/**
 * Time of the first packet of a file in seconds, or +Infinity when it has none or
 * cannot be read (the real read reports why).
 */
async function firstPacketTime(path: string): Promise<number> {
  let t = Number.POSITIVE_INFINITY;
  const probe: PacketSink = {
    packet(_b, _o, _c, _l, tsSec, tsNsec) {
      t = tsSec + tsNsec / 1e9;
      throw FIRST_PACKET_SEEN;
    },
  };
  try {
    await readInput(path, 0, probe, { chunkSize: 64 * 1024 });
  } catch (e) {
    if (e !== FIRST_PACKET_SEEN && !(e instanceof CaptureError)) throw e;
  }
  return t;
}

/** A regular file (or a path that cannot be stat'ed: the real read reports why), not stdin, a pipe or a device. */
function peekable(path: string): boolean {
  if (path === '-') return false;
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/**
 * Orders inputs by the timestamp of their first packet (dumpcap ring-buffer
 * files named out of order still replay in time order). The sort is stable;
 * stdin ('-'), named pipes and devices cannot be peeked without consuming them, so
 * they go first, in command-line order.
 * Unreadable or empty files go last, keeping their relative order.
 */
export async function orderInputs(paths: string[]): Promise<string[]> {
  if (paths.length < 2) return paths.slice();
  const keyed: { path: string; t: number; i: number }[] = [];
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i]!;
    keyed.push({ path: p, t: peekable(p) ? await firstPacketTime(p) : Number.NEGATIVE_INFINITY, i });
  }
  keyed.sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1));
  return keyed.map((k) => k.path);
}
