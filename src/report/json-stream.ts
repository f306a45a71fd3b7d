/**
 * The JSON report without holding the flows: each flow is turned into its text as
 * it is classified and spilled (sorted runs in an unlinked temp file), and the final
 * document is written as the header keys, the flows merged back into report order
 * (`first`, then `id`) and copied in chunks, then the rest. The bytes are exactly
 * `json({ ...report, flows })` of the same flows: memory stays at one run buffer
 * plus one read window per run, whatever the capture's size.
 */
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifiedFlow } from '../classify/types.js';
import { toReportFlow } from './build.js';
import { canonicalFlow, canonicalParts, FLOW_KEYS } from './json.js';
import type { AuditReport, ReportFlow } from './types.js';

/** Indentation of a flow object inside the document (top object → `flows` array → element). */
const FLOW_INDENT = '    ';

/** A JSON number as JSON.stringify writes it (non-finite numbers become null). */
function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Printable ASCII other than `"` and `\`: the characters JSON writes as they are. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string as JSON.stringify writes it; plain ASCII (nearly every field) skips the escaping pass. */
function str(s: string | null): string {
  if (s === null) return 'null';
  return PLAIN.test(s) ? '"' + s + '"' : JSON.stringify(s);
}

/** The flow's text the slow, obviously right way: what `json()` writes for it. */
export function flowTextGeneric(f: ReportFlow): string {
  return FLOW_INDENT + JSON.stringify(canonicalFlow(f), null, 2).replace(/\n/g, '\n' + FLOW_INDENT);
}

/**
 * One flow exactly as the JSON report writes it inside `"flows": [...]`: 2-space
 * indentation starting at 4 spaces, no trailing comma or newline. Written by hand for
 * speed (a flow object of the documented shape); anything else goes the generic way.
 */
export function flowText(f: ReportFlow): string {
  if (Object.keys(f).length !== FLOW_KEYS.length) return flowTextGeneric(f);
  let icmp = '[]';
  if (f.icmp.length > 0) {
    icmp = '[';
    for (let k = 0; k < f.icmp.length; k++) {
      const e = f.icmp[k]!;
      if (Object.keys(e).length !== 4) return flowTextGeneric(f);
      icmp += `${k > 0 ? ',' : ''}
        {
          "type": ${num(e.type)},
          "code": ${num(e.code)},
          "from": ${str(e.from)},
          "count": ${num(e.count)}
        }`;
    }
    icmp += '\n      ]';
  }
  const vlans = f.vlans.length === 0 ? '[]' : `[\n        ${f.vlans.map(num).join(',\n        ')}\n      ]`;
  return `    {
      "id": ${num(f.id)},
      "proto": ${str(f.proto)},
      "client": ${str(f.client)},
      "server": ${str(f.server)},
      "state": ${str(f.state)},
      "end": ${str(f.end)},
      "guessed": ${f.guessed},
      "packets": {
        "client": ${num(f.packets.client)},
        "server": ${num(f.packets.server)}
      },
      "bytes": {
        "client": ${num(f.bytes.client)},
        "server": ${num(f.bytes.server)}
      },
      "first": ${num(f.first)},
      "last": ${num(f.last)},
      "history": ${str(f.history)},
      "vlans": ${vlans},
      "icmp": ${icmp},
      "service": ${str(f.service)},
      "rule": ${str(f.rule)},
      "verdict": ${str(f.verdict)},
      "reason": ${str(f.reason)},
      "reasonCode": ${str(f.reasonCode)},
      "app": ${str(f.app)},
      "protocolMismatch": ${f.protocolMismatch}
    }`;
}

/**
 * Where the final document goes: a file descriptor (written synchronously), a
 * writable stream (its backpressure is honoured; it is not ended), or a function
 * given each chunk (the chunk is its own: it is never reused).
 */
export type JsonSink = number | NodeJS.WritableStream | ((chunk: Buffer) => void);

/** Sizes of a JsonFlowSpill; the defaults suit the CLI, tests make them small to force several runs. */
export interface SpillOptions {
  /** Bytes of flow text sorted in memory before they go to the temp file as one run (default 16 MiB). */
  runBytes?: number;
  /** Directory of the temp file (default os.tmpdir()). The file is unlinked as soon as it is open. */
  dir?: string;
  /** Total bytes of read windows used when merging the runs (default 8 MiB). */
  mergeBytes?: number;
}

/** Record header in the temp file: first (f64), id (f64), text length in bytes (u32). */
const HEADER = 20;
const CHUNK = 1 << 20;

/** A run of sorted records in the temp file. */
interface Run {
  start: number;
  end: number;
}

/**
 * Flow texts of the JSON report, spilled as they come so that no flow object is kept.
 * `add` each final classified flow (any order); then `write` the document once, and
 * `close`. Memory: the run buffer (`runBytes`) plus the merge windows (`mergeBytes`).
 */
export class JsonFlowSpill {
  private readonly runBytes: number;
  private readonly mergeBytes: number;
  private readonly dir: string;
  private buf: Buffer;
  private pos = 0;
  private n = 0;
  private firsts = new Float64Array(1024);
  private ids = new Float64Array(1024);
  private offs = new Uint32Array(1024);
  private lens = new Uint32Array(1024);
  private fd: number | null = null;
  private fileEnd = 0;
  private readonly runs: Run[] = [];
  private total = 0;
  private written = false;

  constructor(o: SpillOptions = {}) {
    this.runBytes = Math.max(1024, o.runBytes ?? 16 << 20);
    this.mergeBytes = Math.max(64 << 10, o.mergeBytes ?? 8 << 20);
    this.dir = o.dir ?? tmpdir();
    this.buf = Buffer.allocUnsafe(this.runBytes);
  }

  /** Flows added so far. */
  get count(): number {
    return this.total;
  }

  /** Adds one flow (a final classified flow from the verdict stream, or a report flow). */
  add(f: ClassifiedFlow | ReportFlow): void {
    if (this.written) throw new Error('JsonFlowSpill: add after write');
    const rf = 'flow' in f ? toReportFlow(f) : f;
    const text = flowText(rf);
    // UTF-8 needs at most 3 bytes per UTF-16 unit: room for that means the write is whole.
    const need = text.length * 3;
    if (this.pos + need > this.buf.length) {
      if (this.n > 0) this.flushRun();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    const len = this.buf.write(text, this.pos, 'utf8');
    if (this.n === this.firsts.length) this.grow();
    this.firsts[this.n] = rf.first;
    this.ids[this.n] = rf.id;
    this.offs[this.n] = this.pos;
    this.lens[this.n] = len;
    this.n++;
    this.pos += len;
    this.total++;
  }

  /** Adds a batch (the pipeline's onFlows shape). */
  addBatch(batch: readonly (ClassifiedFlow | ReportFlow)[]): void {
    for (const f of batch) this.add(f);
  }

  /**
   * Writes the whole JSON document of `report` with the spilled flows as its `flows`
   * (report.flows is ignored): the same bytes as `json({ ...report, flows })`. Does not
   * end or close `out`. Once only.
   */
  async write(report: AuditReport, out: JsonSink): Promise<void> {
    if (this.written) throw new Error('JsonFlowSpill: written twice');
    this.written = true;
    const doc = JSON.stringify(canonicalParts({ ...report, flows: [] }), null, 2) + '\n';
    // Top-level keys are the only lines indented by exactly two spaces, and strings hold no raw newline.
    const at = doc.indexOf('\n  "flows": []');
    if (at < 0) throw new Error('JsonFlowSpill: no flows key in the report');
    const open = at + '\n  "flows": ['.length;
    const sink = new Sink(out);
    const put = async (b: Buffer) => {
      const p = sink.put(b);
      if (p) await p;
    };
    await put(Buffer.from(doc.slice(0, open)));
    let first = true;
    const emit = (bytes: Buffer): Promise<void> | undefined => {
      const p = sink.put(first ? NEWLINE : COMMA);
      first = false;
      return p ? p.then(() => put(bytes)) : sink.put(bytes);
    };
    if (this.runs.length === 0) {
      for (const k of this.order()) {
        const p = emit(this.buf.subarray(this.offs[k]!, this.offs[k]! + this.lens[k]!));
        if (p) await p;
      }
    } else {
      if (this.n > 0) this.flushRun();
      this.buf = Buffer.alloc(0);
      await this.merge(emit);
    }
    if (!first) await put(Buffer.from('\n  '));
    await put(Buffer.from(doc.slice(open)));
    await sink.flush();
  }

  /** Closes and forgets the temp file (it was unlinked when opened). Safe to call twice. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.buf = Buffer.alloc(0);
  }

  private grow(): void {
    const cap = this.firsts.length * 2;
    const f = new Float64Array(cap); f.set(this.firsts); this.firsts = f;
    const i = new Float64Array(cap); i.set(this.ids); this.ids = i;
    const o = new Uint32Array(cap); o.set(this.offs); this.offs = o;
    const l = new Uint32Array(cap); l.set(this.lens); this.lens = l;
  }

  /** Indexes of the in-memory records in report order. */
  private order(): Uint32Array {
    const perm = new Uint32Array(this.n);
    for (let k = 0; k < this.n; k++) perm[k] = k;
    const { firsts, ids } = this;
    return perm.sort((a, b) => firsts[a]! - firsts[b]! || ids[a]! - ids[b]!);
  }

  /** Sorts the in-memory records and appends them to the temp file as one run. */
  private flushRun(): void {
    if (this.fd === null) this.fd = openTemp(this.dir);
    const start = this.fileEnd;
    const stage = Buffer.allocUnsafe(CHUNK);
    let used = 0;
    const put = () => {
      writeAll(this.fd!, stage.subarray(0, used), this.fileEnd);
      this.fileEnd += used;
      used = 0;
    };
    for (const k of this.order()) {
      const len = this.lens[k]!;
      if (used + HEADER + len > stage.length) put();
      if (HEADER + len > stage.length) {
        // A record larger than the staging chunk: header, then its bytes straight from the run buffer.
        const h = Buffer.allocUnsafe(HEADER);
        writeHeader(h, 0, this.firsts[k]!, this.ids[k]!, len);
        writeAll(this.fd, h, this.fileEnd);
        this.fileEnd += HEADER;
        writeAll(this.fd, this.buf.subarray(this.offs[k]!, this.offs[k]! + len), this.fileEnd);
        this.fileEnd += len;
        continue;
      }
      writeHeader(stage, used, this.firsts[k]!, this.ids[k]!, len);
      this.buf.copy(stage, used + HEADER, this.offs[k]!, this.offs[k]! + len);
      used += HEADER + len;
    }
    if (used > 0) put();
    this.runs.push({ start, end: this.fileEnd });
    this.pos = 0;
    this.n = 0;
  }

  /** k-way merge of the runs in report order through a binary heap of read cursors. */
  private async merge(emit: (bytes: Buffer) => Promise<void> | undefined): Promise<void> {
    const window = Math.max(16 << 10, Math.min(CHUNK, Math.floor(this.mergeBytes / this.runs.length)));
    const cursors = this.runs.map((r) => new Cursor(this.fd!, r, window)).filter((c) => c.next());
    const heap = cursors;
    const less = (a: Cursor, b: Cursor) => a.first < b.first || (a.first === b.first && a.id < b.id);
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    while (heap.length > 0) {
      const c = heap[0]!;
      const p = emit(c.text());
      if (p) await p;
      if (!c.next()) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      down(0);
    }
  }
}

function writeHeader(b: Buffer, at: number, first: number, id: number, len: number): void {
  b.writeDoubleLE(first, at);
  b.writeDoubleLE(id, at + 8);
  b.writeUInt32LE(len, at + 16);
}

/** Reads one run's records in order through a window of the temp file. */
class Cursor {
  first = 0;
  id = 0;
  private len = 0;
  private at: number;
  private buf: Buffer;
  private winStart = 0;
  private winEnd = 0;
  private rec = 0;

  constructor(private readonly fd: number, private readonly run: Run, window: number) {
    this.at = run.start;
    this.buf = Buffer.allocUnsafe(window);
  }

  /** Moves to the next record; false at the end of the run. */
  next(): boolean {
    if (this.at >= this.run.end) return false;
    this.ensure(this.at, HEADER);
    const h = this.at - this.winStart;
    this.first = this.buf.readDoubleLE(h);
    this.id = this.buf.readDoubleLE(h + 8);
    this.len = this.buf.readUInt32LE(h + 16);
    this.ensure(this.at, HEADER + this.len);
    this.rec = this.at - this.winStart + HEADER;
    this.at += HEADER + this.len;
    return true;
  }

  /** The current record's text (valid until the next call to next). */
  text(): Buffer {
    return this.buf.subarray(this.rec, this.rec + this.len);
  }

  /** Makes file bytes [pos, pos + n) present in the window. */
  private ensure(pos: number, n: number): void {
    if (pos >= this.winStart && pos + n <= this.winEnd) return;
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    const want = Math.min(this.buf.length, this.run.end - pos);
    let got = 0;
    while (got < want) {
      const r = readSync(this.fd, this.buf, got, want - got, pos + got);
      if (r === 0) throw new Error('JsonFlowSpill: temp file cut short');
      got += r;
    }
    this.winStart = pos;
    this.winEnd = pos + got;
  }
}

const NEWLINE = Buffer.from('\n');
const COMMA = Buffer.from(',\n');

/**
 * Output in chunks of CHUNK bytes: synchronously to a descriptor, with backpressure
 * to a stream, or handed to a function (which owns each chunk it is given).
 */
class Sink {
  private stage = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  constructor(private readonly out: JsonSink) {}

  /** Copies `b` in; returns a promise only when a stream asked to wait (drain). */
  put(b: Buffer): Promise<void> | undefined {
    let wait: Promise<void> | undefined;
    if (this.used + b.length > this.stage.length) wait = this.flush();
    if (b.length > this.stage.length) {
      const big = this.send(Buffer.from(b));
      return wait && big ? wait.then(() => big) : wait ?? big;
    }
    b.copy(this.stage, this.used);
    this.used += b.length;
    return wait;
  }

  /** Sends what is staged. */
  flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const chunk = this.stage.subarray(0, this.used);
    this.used = 0;
    if (typeof this.out === 'number') {
      writeAll(this.out, chunk, null);
      return undefined;
    }
    // A stream or function keeps the chunk: hand it over and stage into a new buffer.
    this.stage = Buffer.allocUnsafe(CHUNK);
    return this.send(chunk);
  }

  private send(chunk: Buffer): Promise<void> | undefined {
    const out = this.out;
    if (typeof out === 'number') writeAll(out, chunk, null);
    else if (typeof out === 'function') out(chunk);
    else if (!out.write(chunk)) return once(out as NodeJS.EventEmitter, 'drain').then(() => undefined);
    return undefined;
  }
}

/** writeSync until every byte is out (`position` null: at the descriptor's current offset). */
function writeAll(fd: number, b: Buffer, position: number | null): void {
  let done = 0;
  while (done < b.length) {
    done += writeSync(fd, b, done, b.length - done, position === null ? null : position + done);
  }
}

/** A temp file that is already unlinked: it disappears with the descriptor, even on a crash. */
function openTemp(dir: string): number {
  const d = mkdtempSync(join(dir, 'wfo-audit-'));
  const path = join(d, 'flows.spill');
  const fd = openSync(path, 'w+', 0o600);
  unlinkSync(path);
  rmdirSync(d);
  return fd;
}
