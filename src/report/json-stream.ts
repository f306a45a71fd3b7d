/**
 * The JSON report without holding the flows: each flow is spilled as it is classified,
 * as a compact binary record (numbers as float64, strings as their JSON bytes, the
 * few-valued parts as indexes into a small table of interned text), in sorted runs in
 * an unlinked temp file. The final document is written as the header keys, the records
 * merged back into report order (`first`, then `id`) and formatted straight into the
 * output chunks, then the rest. The bytes are exactly `json({ ...report, flows })` of
 * the same flows: memory stays at one run buffer, the interned table (capped) and one
 * read window per run, whatever the capture's size.
 */
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifiedFlow } from '../classify/types.js';
import { endpoint, roundTime } from './build.js';
import { canonicalFlow, canonicalParts, jsonString as str, reportShaped } from './json.js';
import type { AuditReport, ReportFlow } from './types.js';
import { sourcesKey, type FlowSourceNames } from './flow-sources.js';

/** Indentation of a flow object inside the document (top object → `flows` array → element). */
const FLOW_INDENT = '    ';

/** The flow's text the slow, obviously right way: what `json()` writes for it. */
export function flowTextGeneric(f: ReportFlow): string {
  return FLOW_INDENT + JSON.stringify(canonicalFlow(f), null, 2).replace(/\n/g, '\n' + FLOW_INDENT);
}

/**
 * One flow exactly as the JSON report writes it inside `"flows": [...]`: 2-space
 * indentation starting at 4 spaces, no trailing comma or newline. Goes through the
 * spill's record and formatter (so it is what the spill writes); a flow not of the
 * documented shape goes the generic way.
 */
export function flowText(f: ReportFlow): string {
  const spill = new JsonFlowSpill({ runBytes: 1024 });
  spill.add(f);
  const out = Buffer.allocUnsafe(spill.maxText());
  return out.toString('utf8', 0, spill.formatFirst(out));
}

// ---------------------------------------------------------------------------------
// Text of a flow object: constant pieces between the variable parts. The few-valued
// parts (proto; state, end and guessed; service through protocolMismatch) are whole
// interned pieces, so a flow is written in a dozen copies and a few numbers.

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const T_OPEN = ascii('    {\n      "id": ');
const T_SERVER = ascii(',\n      "server": ');
const T_DIR_SERVER = ascii(',\n        "server": ');
const T_BYTES = ascii('\n      },\n      "bytes": {\n        "client": ');
const T_FIRST = ascii('\n      },\n      "first": ');
const T_LAST = ascii(',\n      "last": ');
const T_VLANS = ascii(',\n      "vlans": ');
const T_ICMP = ascii(',\n      "icmp": ');
const T_EMPTY = ascii('[]');
const T_VLAN_FIRST = ascii('[\n        ');
const T_VLAN_NEXT = ascii(',\n        ');
const T_LIST_END = ascii('\n      ]');
const T_ICMP_TYPE = ascii('\n        {\n          "type": ');
const T_ICMP_CODE = ascii(',\n          "code": ');
const T_ICMP_FROM = ascii(',\n          "from": ');
const T_ICMP_COUNT = ascii(',\n          "count": ');
const T_ICMP_END = ascii('\n        }');
const T_NULL = ascii('null');
/** Bytes of all the constant pieces together: more than any flow's text needs besides its numbers and record bytes. */
const FIXED_TEXT = [T_OPEN, T_SERVER, T_DIR_SERVER, T_DIR_SERVER, T_BYTES, T_FIRST, T_LAST, T_VLANS, T_ICMP, T_EMPTY,
  T_EMPTY, T_LIST_END, T_LIST_END, T_NULL].reduce((n, b) => n + b.length, 2);

const historyText = (history: string, noLists: boolean) =>
  `,\n      "history": ${str(history)}` + (noLists ? ',\n      "vlans": [],\n      "icmp": []' : '');
const headText = (proto: string) => `,\n      "proto": ${str(proto)},\n      "client": `;
const midText = (state: string, end: string, guessed: boolean) =>
  `,\n      "state": ${str(state)},\n      "end": ${str(end)},\n      "guessed": ${guessed},\n      "packets": {\n        "client": `;
const tailText = (t: TailKey) => `,
      "service": ${str(t.service)},
      "rule": ${str(t.rule)},
      "verdict": ${str(t.verdict)},
      "reason": ${str(t.reason)},
      "reasonCode": ${str(t.reasonCode)},
      "app": ${str(t.app)},
      "protocolMismatch": ${t.protocolMismatch}`;
/** The closing piece: the flow's sources (an indented JSON list) and the brace. */
const sourcesPiece = (l: readonly string[]) =>
  `,\n      "sources": ${JSON.stringify(l, null, 2).replace(/\n/g, '\n      ')}\n    }`;

/** The fields the closing piece of a flow's text is made of. */
interface TailKey {
  service: string | null;
  rule: string | null;
  verdict: string;
  reason: string;
  reasonCode: string;
  app: string;
  protocolMismatch: boolean;
}

/** An interned tail and its index in the piece table. */
interface Tail extends TailKey {
  index: number;
}

/**
 * Interned pieces of flow text, each the UTF-8 bytes of one piece, looked up by the
 * values it is made of. Capped in bytes: once full, a new piece is not kept and its
 * text is returned for the record to carry inline.
 */
class Pieces {
  readonly list: Buffer[] = [];
  /** Bytes of the longest piece. */
  longest = 0;
  private bytes = 0;
  private readonly heads = new Map<string, number>();
  private readonly mids = new Map<string, Map<string, number[]>>();
  private readonly tails = new Map<string, Tail[]>();
  private readonly histories = new Map<string, number[]>();
  /** Closing pieces by sources list, and each one's list: kept whatever the cap (lists of sources are few). */
  private readonly sourceKeys = new Map<string, number>();
  readonly sourceLists = new Map<number, readonly string[]>();

  constructor(private readonly cap: number) {}

  /** The closing piece of a flow with these sources. */
  sources(l: readonly string[]): number {
    const key = sourcesKey(l);
    let i = this.sourceKeys.get(key);
    if (i === undefined) {
      const b = Buffer.from(sourcesPiece(l), 'utf8');
      this.bytes += b.length;
      this.longest = Math.max(this.longest, b.length);
      this.list.push(b);
      i = this.list.length - 1;
      this.sourceKeys.set(key, i);
      this.sourceLists.set(i, l.slice());
    }
    return i;
  }

  /** The piece from after the id to before the client: an index, or its text when the table is full. */
  head(proto: string): number | string {
    const i = this.heads.get(proto);
    if (i !== undefined) return i;
    const text = headText(proto);
    const k = this.keep(text);
    if (k >= 0) this.heads.set(proto, k);
    return k >= 0 ? k : text;
  }

  /** The piece from after the server to before the client's packets. */
  mid(state: string, end: string, guessed: boolean): number | string {
    let byEnd = this.mids.get(state);
    let pair = byEnd?.get(end);
    const g = guessed ? 1 : 0;
    if (pair !== undefined && pair[g]! >= 0) return pair[g]!;
    const text = midText(state, end, guessed);
    const k = this.keep(text);
    if (k < 0) return text;
    if (byEnd === undefined) this.mids.set(state, (byEnd = new Map()));
    if (pair === undefined) byEnd.set(end, (pair = [-1, -1]));
    pair[g] = k;
    return k;
  }

  /** The history, and the empty lists when the flow has no VLAN and no ICMP error (`noLists`). */
  history(history: string, noLists: boolean): number | string {
    let pair = this.histories.get(history);
    const g = noLists ? 1 : 0;
    if (pair !== undefined && pair[g]! >= 0) return pair[g]!;
    const text = historyText(history, noLists);
    const k = this.keep(text);
    if (k < 0) return text;
    if (pair === undefined) this.histories.set(history, (pair = [-1, -1]));
    pair[g] = k;
    return k;
  }

  /** The piece from after the ICMP list to the closing brace (looked up by reason, then the rest). */
  tail(t: TailKey): number | string {
    let list = this.tails.get(t.reason);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const e = list[i]!;
        if (e.service === t.service && e.rule === t.rule && e.verdict === t.verdict && e.reasonCode === t.reasonCode
          && e.app === t.app && e.protocolMismatch === t.protocolMismatch) return e.index;
      }
    }
    const text = tailText(t);
    const k = this.keep(text);
    if (k < 0) return text;
    if (list === undefined) this.tails.set(t.reason, (list = []));
    list.push({ service: t.service, rule: t.rule, verdict: t.verdict, reason: t.reason, reasonCode: t.reasonCode,
      app: t.app, protocolMismatch: t.protocolMismatch, index: k });
    return k;
  }

  private keep(text: string): number {
    const b = Buffer.from(text, 'utf8');
    if (this.bytes + b.length > this.cap) return -1;
    this.bytes += b.length;
    this.longest = Math.max(this.longest, b.length);
    this.list.push(b);
    return this.list.length - 1;
  }
}

// ---------------------------------------------------------------------------------
// Binary records (little-endian). Every record starts with its length, its kind and
// the sort keys; a structured record then has the numbers and the string bytes (each
// string already in its JSON form, quotes included); a raw record has the flow's text.

const R_LEN = 0; // u32 bytes of the whole record
const R_KIND = 4; // u32 KIND_*
const R_FIRST = 8; // f64
const R_ID = 16; // f64
const R_LAST = 24; // f64
const R_PC = 32; // f64 packets.client
const R_PS = 40;
const R_BC = 48;
const R_BS = 56;
const R_HEAD = 64; // u32 piece index, or INLINE | bytes carried inline
const R_MID = 68;
const R_HISTORY = 72;
const R_TAIL = 76;
const R_NCLIENT = 80; // u32 bytes of the client's JSON string
const R_NSERVER = 84;
const R_NVLANS = 88; // u32 count; then that many f64
const R_NICMP = 92; // u32 count; each: f64 type, f64 code, f64 count, u32 bytes of `from`, its bytes
const R_SOURCES = 96; // u32 index of the closing piece (sources and brace)
const R_DATA = 100; // client, server, inline pieces (head, mid, history, tail), vlans, icmp
const RAW_TEXT = 24;

const KIND_FLOW = 0;
const KIND_RAW = 1;
const INLINE = 0x80000000;
const ICMP_FIXED = 28;

const QUOTE = 34;

/**
 * Writes `s` as a JSON string at `p` when it is plain printable ASCII (the quotes, then
 * its characters); returns the new position, or -1 (and nothing to count on) otherwise.
 */
function putPlain(d: Uint8Array, p: number, s: string): number {
  d[p++] = QUOTE;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 92) return -1;
    d[p++] = c;
  }
  d[p++] = QUOTE;
  return p;
}

/** Writes `s` as a JSON string (as JSON.stringify does; UTF-8). Needs room for 6 bytes per UTF-16 unit, plus 2. */
function putString(d: Buffer, p: number, s: string): number {
  const q = putPlain(d, p, s);
  return q >= 0 ? q : p + d.write(JSON.stringify(s), p, 'utf8');
}

/** `ip:port` (`[ip]:port` for IPv6) as a JSON string, without building it when it is plain ASCII. */
function putEndpoint(d: Buffer, p: number, ip: string, port: number): number {
  const v6 = ip.indexOf(':') >= 0;
  let q = p;
  d[q++] = QUOTE;
  if (v6) d[q++] = 91;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 92) return putString(d, p, endpoint(ip, port));
    d[q++] = c;
  }
  if (v6) d[q++] = 93;
  d[q++] = 58;
  q = putNum(d, q, port);
  d[q++] = QUOTE;
  return q;
}

/** Writes `n` as JSON.stringify does (non-finite: null). Needs room for 24 bytes. */
function putNum(d: Uint8Array, p: number, n: number): number {
  if (n >= 0 && n < 2147483648) {
    if ((n | 0) === n) return putSmallInt(d, p, n | 0);
    if (n >= 1e-6) {
      const q = putMicros(d, p, n);
      if (q >= 0) return q;
    }
  }
  return putNumSlow(d, p, n);
}

/**
 * A non-integer in [1e-6, 2^33) with at most six decimals (a capture time rounded to
 * microseconds), digit by digit; -1 for any other number. Below 2^33 a double's spacing
 * is under 1e-6, so that decimal is the only one with so few digits within half a
 * spacing: it is the shortest round-trip form Number#toString picks, and at that size
 * it is written without an exponent.
 */
function putMicros(d: Uint8Array, p: number, n: number): number {
  const u = Math.round(n * 1e6);
  if (u / 1e6 !== n) return -1;
  const whole = Math.floor(n);
  const frac = u - whole * 1e6;
  if (!(frac > 0 && frac < 1e6)) return -1;
  p = putSafeInt(d, p, whole);
  d[p] = 46;
  // Six digits as three pairs (frac < 1e6 is an int32), then the trailing zeros cut.
  const f = frac | 0;
  const hi = (f / 10000) | 0;
  const lo = f - hi * 10000;
  const mi = (lo / 100) | 0;
  const a = hi << 1;
  const b = mi << 1;
  const c = (lo - mi * 100) << 1;
  d[p + 1] = PAIRS[a]!;
  d[p + 2] = PAIRS[a + 1]!;
  d[p + 3] = PAIRS[b]!;
  d[p + 4] = PAIRS[b + 1]!;
  d[p + 5] = PAIRS[c]!;
  d[p + 6] = PAIRS[c + 1]!;
  p += 7;
  while (d[p - 1] === 48) p--;
  return p;
}

/** "00" to "99": two digits per division. */
const PAIRS = ascii(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** A non-negative int32 in decimal. */
function putSmallInt(d: Uint8Array, p: number, n: number): number {
  const len = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5
    : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
  let q = p + len;
  while (n >= 100) {
    const t = (n / 100) | 0;
    const r = (n - t * 100) << 1;
    d[--q] = PAIRS[r + 1]!;
    d[--q] = PAIRS[r]!;
    n = t;
  }
  if (n >= 10) {
    d[--q] = PAIRS[(n << 1) + 1]!;
    d[--q] = PAIRS[n << 1]!;
  } else {
    d[--q] = 48 + n;
  }
  return p + len;
}

/** A non-negative safe integer in decimal (the division by 10 stays exact below 2^53). */
function putSafeInt(d: Uint8Array, p: number, n: number): number {
  if (n < 2147483648) return putSmallInt(d, p, n | 0);
  let len = 10;
  for (let m = 1e10; m <= n; m *= 10) len++;
  let q = p + len;
  while (n > 0) {
    const r = n % 10;
    d[--q] = 48 + r;
    n = (n - r) / 10;
  }
  return p + len;
}

/** 2^33: below it a double's spacing is under 1e-6 (see putMicros). */
const MICRO_EXACT = 8589934592;

/** Negative, large, non-finite and fractional numbers: putMicros when it applies, else String(). */
function putNumSlow(d: Uint8Array, p: number, n: number): number {
  if (n !== n || n === Infinity || n === -Infinity) return putBytes(d, p, T_NULL);
  if (n < 0) {
    d[p++] = 45;
    n = -n;
  }
  if (Number.isSafeInteger(n)) return putSafeInt(d, p, n);
  if (n >= 1e-6 && n < MICRO_EXACT) {
    const q = putMicros(d, p, n);
    if (q >= 0) return q;
  }
  const s = String(n);
  for (let i = 0; i < s.length; i++) d[p++] = s.charCodeAt(i);
  return p;
}

/** Copies a piece (up to 7 bytes a loop beats the call into set()). */
function putBytes(d: Uint8Array, p: number, b: Uint8Array): number {
  const n = b.length;
  if (n > 7) {
    d.set(b, p);
    return p + n;
  }
  for (let i = 0; i < n; i++) d[p + i] = b[i]!;
  return p + n;
}

/** Copies `n` bytes of a record from `src` at `at` (short ones by a loop: no subarray to make). */
function putFrom(d: Uint8Array, p: number, src: Uint8Array, at: number, n: number): number {
  if (n > 48) {
    d.set(src.subarray(at, at + n), p);
    return p + n;
  }
  for (let i = 0; i < n; i++) d[p + i] = src[at + i]!;
  return p + n;
}

/**
 * Where the final document goes: a file descriptor (written synchronously), a
 * writable stream (its backpressure is honoured; it is not ended), or a function
 * given each chunk (the chunk is its own: it is never reused).
 */
export type JsonSink = number | NodeJS.WritableStream | ((chunk: Buffer) => void);

/** Sizes of a JsonFlowSpill; the defaults suit the CLI, tests make them small to force several runs. */
export interface SpillOptions {
  /** Bytes of flow records sorted in memory before they go to the temp file as one run (default 16 MiB). */
  runBytes?: number;
  /** Directory of the temp file (default os.tmpdir()). The file is unlinked as soon as it is open. */
  dir?: string;
  /** Total bytes of read windows used when merging the runs (default 8 MiB). */
  mergeBytes?: number;
  /** Bytes of interned flow text (pieces shared by many flows; default 4 MiB). Past it, records carry the text. */
  pieceBytes?: number;
  /** The run's names of sources: the sources of copies found after a flow was added are written with it. */
  names?: FlowSourceNames;
}

const CHUNK = 1 << 20;

/** A run of sorted records in the temp file. */
interface Run {
  start: number;
  end: number;
}

/**
 * Flows of the JSON report, spilled as they come so that no flow object is kept.
 * `add` each final classified flow (any order); then `write` the document once, and
 * `close`. Memory: the run buffer (`runBytes`), the interned pieces (`pieceBytes`) and
 * the merge windows (`mergeBytes`).
 */
export class JsonFlowSpill {
  private readonly runBytes: number;
  private readonly mergeBytes: number;
  private readonly names: FlowSourceNames | null;
  private readonly dir: string;
  private readonly pieces: Pieces;
  private buf: Buffer;
  private view: DataView;
  private pos = 0;
  private n = 0;
  private firsts = new Float64Array(1024);
  private ids = new Float64Array(1024);
  private offs = new Uint32Array(1024);
  private fd: number | null = null;
  private fileEnd = 0;
  private readonly runs: Run[] = [];
  private total = 0;
  private written = false;
  /** Reused for the closing piece's lookup. */
  private readonly key: TailKey = {
    service: null, rule: null, verdict: '', reason: '', reasonCode: '', app: '', protocolMismatch: false,
  };

  constructor(o: SpillOptions = {}) {
    this.runBytes = Math.max(1024, o.runBytes ?? 16 << 20);
    this.mergeBytes = Math.max(64 << 10, o.mergeBytes ?? 8 << 20);
    this.dir = o.dir ?? tmpdir();
    this.pieces = new Pieces(Math.max(0, o.pieceBytes ?? 4 << 20));
    this.names = o.names ?? null;
    this.buf = Buffer.allocUnsafe(this.runBytes);
    this.view = viewOf(this.buf);
  }

  /** Flows added so far. */
  get count(): number {
    return this.total;
  }

  /** Adds one flow (a final classified flow from the verdict stream, or a report flow). */
  add(f: ClassifiedFlow | ReportFlow): void {
    if (this.written) throw new Error('JsonFlowSpill: add after write');
    if ('flow' in f) this.addClassified(f);
    else this.addReport(f);
    this.total++;
  }

  /** Adds a batch (the pipeline's onFlows shape). */
  addBatch(batch: readonly (ClassifiedFlow | ReportFlow)[]): void {
    for (let i = 0; i < batch.length; i++) this.add(batch[i]!);
  }

  /** A classified flow, read field by field (what toReportFlow would make of it, without making it). */
  private addClassified(cf: ClassifiedFlow): void {
    const f = cf.flow;
    const icmpOnly = f.proto === 'icmp' || f.proto === 'icmp6';
    const k = this.key;
    k.service = cf.service;
    k.rule = cf.rule;
    k.verdict = cf.verdict;
    k.reason = cf.reason;
    k.reasonCode = cf.reasonCode;
    k.app = cf.app;
    k.protocolMismatch = cf.protocolMismatch;
    const head = this.pieces.head(f.proto);
    const mid = this.pieces.mid(f.outcome, f.end, f.guessed);
    const tail = this.pieces.tail(k);
    const sources = this.pieces.sources(this.names !== null ? this.names.of(f) : (f.sources ?? []));
    const vlans = f.vlans;
    const icmp = f.icmpErrors;
    const history = this.pieces.history(f.history, vlans.length === 0 && icmp.length === 0);
    let need = R_DATA + 6 * (f.clientIp.length + f.serverIp.length) + 128 + 8 * vlans.length
      + inlineRoom(head) + inlineRoom(mid) + inlineRoom(history) + inlineRoom(tail);
    for (let i = 0; i < icmp.length; i++) need += ICMP_FIXED + 2 + 6 * icmp[i]!.from.length;
    const at = this.room(need, roundTime(f.first), f.id);
    const d = this.buf;
    const v = this.view;
    v.setFloat64(at + R_LAST, roundTime(f.last), true);
    v.setFloat64(at + R_PC, f.packets.client, true);
    v.setFloat64(at + R_PS, f.packets.server, true);
    v.setFloat64(at + R_BC, f.bytes.client, true);
    v.setFloat64(at + R_BS, f.bytes.server, true);
    let p = at + R_DATA;
    let q = putEndpoint(d, p, f.clientIp, icmpOnly ? 0 : f.clientPort);
    v.setUint32(at + R_NCLIENT, q - p, true);
    p = q;
    q = putEndpoint(d, p, f.serverIp, icmpOnly ? 0 : f.serverPort);
    v.setUint32(at + R_NSERVER, q - p, true);
    p = this.putPieces(at, q, head, mid, history, tail);
    v.setUint32(at + R_SOURCES, sources, true);
    v.setUint32(at + R_NVLANS, vlans.length, true);
    for (let i = 0; i < vlans.length; i++, p += 8) v.setFloat64(p, vlans[i]!, true);
    v.setUint32(at + R_NICMP, icmp.length, true);
    for (let i = 0; i < icmp.length; i++) p = this.putIcmp(p, icmp[i]!);
    this.seal(at, p, KIND_FLOW);
  }

  /** A report flow; one not of the documented shape is kept as its generic text. */
  private addReport(f: ReportFlow): void {
    if (!reportShaped(f)) {
      const text = flowTextGeneric(f);
      const at = this.room(RAW_TEXT + 3 * text.length, f.first, f.id);
      this.seal(at, at + RAW_TEXT + this.buf.write(text, at + RAW_TEXT, 'utf8'), KIND_RAW);
      return;
    }
    const head = this.pieces.head(f.proto);
    const mid = this.pieces.mid(f.state, f.end, f.guessed);
    const tail = this.pieces.tail(f);
    const sources = this.pieces.sources(f.sources);
    const history = this.pieces.history(f.history, f.vlans.length === 0 && f.icmp.length === 0);
    let need = R_DATA + 6 * (f.client.length + f.server.length) + 128 + 8 * f.vlans.length
      + inlineRoom(head) + inlineRoom(mid) + inlineRoom(history) + inlineRoom(tail);
    for (const e of f.icmp) need += ICMP_FIXED + 2 + 6 * e.from.length;
    const at = this.room(need, f.first, f.id);
    const d = this.buf;
    const v = this.view;
    v.setFloat64(at + R_LAST, f.last, true);
    v.setFloat64(at + R_PC, f.packets.client, true);
    v.setFloat64(at + R_PS, f.packets.server, true);
    v.setFloat64(at + R_BC, f.bytes.client, true);
    v.setFloat64(at + R_BS, f.bytes.server, true);
    let p = at + R_DATA;
    let q = putString(d, p, f.client);
    v.setUint32(at + R_NCLIENT, q - p, true);
    p = q;
    q = putString(d, p, f.server);
    v.setUint32(at + R_NSERVER, q - p, true);
    p = this.putPieces(at, q, head, mid, history, tail);
    v.setUint32(at + R_SOURCES, sources, true);
    v.setUint32(at + R_NVLANS, f.vlans.length, true);
    for (const x of f.vlans) {
      v.setFloat64(p, x, true);
      p += 8;
    }
    v.setUint32(at + R_NICMP, f.icmp.length, true);
    for (const e of f.icmp) p = this.putIcmp(p, e);
    this.seal(at, p, KIND_FLOW);
  }

  /** Slot of each piece in the record: its index, or its bytes at `p` (returns the position after them). */
  private putPieces(at: number, p: number, head: number | string, mid: number | string, history: number | string,
    tail: number | string): number {
    p = this.putPiece(at + R_HEAD, p, head);
    p = this.putPiece(at + R_MID, p, mid);
    p = this.putPiece(at + R_HISTORY, p, history);
    return this.putPiece(at + R_TAIL, p, tail);
  }

  private putPiece(slot: number, p: number, piece: number | string): number {
    if (typeof piece === 'number') {
      this.view.setUint32(slot, piece, true);
      return p;
    }
    const n = this.buf.write(piece, p, 'utf8');
    this.view.setUint32(slot, INLINE | n, true);
    return p + n;
  }

  private putIcmp(p: number, e: { type: number; code: number; from: string; count: number }): number {
    const v = this.view;
    v.setFloat64(p, e.type, true);
    v.setFloat64(p + 8, e.code, true);
    v.setFloat64(p + 16, e.count, true);
    const q = putString(this.buf, p + ICMP_FIXED, e.from);
    v.setUint32(p + 24, q - p - ICMP_FIXED, true);
    return q;
  }

  /** Start of a new record with room for `need` bytes (a full run goes to the temp file first). */
  private room(need: number, first: number, id: number): number {
    if (this.pos + need > this.buf.length) {
      if (this.n > 0) this.flushRun();
      if (need > this.buf.length) {
        this.buf = Buffer.allocUnsafe(need);
        this.view = viewOf(this.buf);
      }
    }
    if (this.n === this.firsts.length) this.grow();
    const at = this.pos;
    // No time (NaN, written as null): first in report order, as compareFlows has it; -Infinity is written as null too.
    if (first !== first) first = -Infinity;
    this.view.setFloat64(at + R_FIRST, first, true);
    this.view.setFloat64(at + R_ID, id, true);
    this.firsts[this.n] = first;
    this.ids[this.n] = id;
    this.offs[this.n] = at;
    return at;
  }

  private seal(at: number, end: number, kind: number): void {
    this.view.setUint32(at + R_LEN, end - at, true);
    this.view.setUint32(at + R_KIND, kind, true);
    this.pos = end;
    this.n++;
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
    /** Formats one record into the sink, after its separator (the room is there). */
    const format = (src: Buffer, view: DataView, rec: number): void => {
      const d = sink.stage;
      let p = sink.used;
      if (!first) d[p++] = 44;
      d[p++] = 10;
      first = false;
      sink.used = this.format(src, view, rec, d, p);
    };
    const emit = (src: Buffer, view: DataView, rec: number): Promise<void> | undefined => {
      const need = this.textRoom(view, rec) + 2;
      if (sink.used + need > sink.stage.length) {
        const wait = sink.reserve(need);
        if (wait) return wait.then(() => format(src, view, rec));
      }
      format(src, view, rec);
      return undefined;
    };
    if (this.runs.length === 0) {
      const order = this.order();
      for (let i = 0; i < order.length; i++) {
        const p = emit(this.buf, this.view, this.offs[order[i]!]!);
        if (p) await p;
      }
    } else {
      if (this.n > 0) this.flushRun();
      this.buf = Buffer.alloc(0);
      this.view = viewOf(this.buf);
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
    this.view = viewOf(this.buf);
  }

  /** Room the first record's text needs (flowText's use; not part of the spill's life cycle). */
  maxText(): number {
    return this.textRoom(this.view, this.offs[0]!);
  }

  /** Formats the first record into `d` and returns its length (flowText's use). */
  formatFirst(d: Buffer): number {
    return this.format(this.buf, this.view, this.offs[0]!, d, 0);
  }

  /** An upper bound of the bytes of a record's text: every number at most 24 bytes, lists with their punctuation. */
  private textRoom(v: DataView, rec: number): number {
    const room = FIXED_TEXT + 16 * v.getUint32(rec + R_LEN, true) + 5 * this.pieces.longest;
    const copies = v.getUint32(rec + R_KIND, true) === KIND_FLOW ? this.copiesText(v, rec) : null;
    return copies === null ? room : room + copies.length;
  }

  /**
   * The closing piece of a flow copies of which were found after it was added; null when none were.
   * Asked twice per record (its room, then its text): the last answer is kept for the second.
   */
  private copiesText(v: DataView, rec: number): Buffer | null {
    if (this.names === null || !this.names.hasCopies) return null;
    const id = v.getFloat64(rec + R_ID, true);
    if (id === this.lastCopies.id) return this.lastCopies.text;
    const own = this.pieces.sourceLists.get(v.getUint32(rec + R_SOURCES, true))!;
    const all = this.names.withCopies(id, own);
    const text = all === own ? null : Buffer.from(sourcesPiece(all), 'utf8');
    this.lastCopies = { id, text };
    return text;
  }

  private lastCopies: { id: number; text: Buffer | null } = { id: NaN, text: null };

  /** Writes the text of the record at `rec` of `src` into `d` at `p`; returns the position after it. */
  private format(src: Buffer, v: DataView, rec: number, d: Buffer, p: number): number {
    if (v.getUint32(rec + R_KIND, true) === KIND_RAW) {
      return putFrom(d, p, src, rec + RAW_TEXT, v.getUint32(rec + R_LEN, true) - RAW_TEXT);
    }
    const pieces = this.pieces.list;
    const nClient = v.getUint32(rec + R_NCLIENT, true);
    const nServer = v.getUint32(rec + R_NSERVER, true);
    const head = v.getUint32(rec + R_HEAD, true);
    const mid = v.getUint32(rec + R_MID, true);
    const history = v.getUint32(rec + R_HISTORY, true);
    const tail = v.getUint32(rec + R_TAIL, true);
    const sClient = rec + R_DATA;
    const sServer = sClient + nClient;
    // Inline pieces follow the strings, in slot order.
    let s = sServer + nServer;
    const sHead = s;
    if (head >= INLINE) s += head - INLINE;
    const sMid = s;
    if (mid >= INLINE) s += mid - INLINE;
    const sHistory = s;
    if (history >= INLINE) s += history - INLINE;
    const sTail = s;
    if (tail >= INLINE) s += tail - INLINE;

    p = putBytes(d, p, T_OPEN);
    p = putNum(d, p, v.getFloat64(rec + R_ID, true));
    p = head >= INLINE ? putFrom(d, p, src, sHead, head - INLINE) : putBytes(d, p, pieces[head]!);
    p = putFrom(d, p, src, sClient, nClient);
    p = putBytes(d, p, T_SERVER);
    p = putFrom(d, p, src, sServer, nServer);
    p = mid >= INLINE ? putFrom(d, p, src, sMid, mid - INLINE) : putBytes(d, p, pieces[mid]!);
    p = putNum(d, p, v.getFloat64(rec + R_PC, true));
    p = putBytes(d, p, T_DIR_SERVER);
    p = putNum(d, p, v.getFloat64(rec + R_PS, true));
    p = putBytes(d, p, T_BYTES);
    p = putNum(d, p, v.getFloat64(rec + R_BC, true));
    p = putBytes(d, p, T_DIR_SERVER);
    p = putNum(d, p, v.getFloat64(rec + R_BS, true));
    p = putBytes(d, p, T_FIRST);
    p = putNum(d, p, v.getFloat64(rec + R_FIRST, true));
    p = putBytes(d, p, T_LAST);
    p = putNum(d, p, v.getFloat64(rec + R_LAST, true));
    // The history piece carries the empty lists when there are no lists.
    p = history >= INLINE ? putFrom(d, p, src, sHistory, history - INLINE) : putBytes(d, p, pieces[history]!);
    const nVlans = v.getUint32(rec + R_NVLANS, true);
    const nIcmp = v.getUint32(rec + R_NICMP, true);
    if (nVlans > 0 || nIcmp > 0) {
      p = putBytes(d, p, T_VLANS);
      if (nVlans === 0) p = putBytes(d, p, T_EMPTY);
      for (let i = 0; i < nVlans; i++, s += 8) {
        p = putBytes(d, p, i === 0 ? T_VLAN_FIRST : T_VLAN_NEXT);
        p = putNum(d, p, v.getFloat64(s, true));
      }
      if (nVlans > 0) p = putBytes(d, p, T_LIST_END);
      p = putBytes(d, p, T_ICMP);
      if (nIcmp === 0) p = putBytes(d, p, T_EMPTY);
      else d[p++] = 91;
      for (let i = 0; i < nIcmp; i++) {
        if (i > 0) d[p++] = 44;
        p = putBytes(d, p, T_ICMP_TYPE);
        p = putNum(d, p, v.getFloat64(s, true));
        p = putBytes(d, p, T_ICMP_CODE);
        p = putNum(d, p, v.getFloat64(s + 8, true));
        p = putBytes(d, p, T_ICMP_FROM);
        const nFrom = v.getUint32(s + 24, true);
        p = putFrom(d, p, src, s + ICMP_FIXED, nFrom);
        p = putBytes(d, p, T_ICMP_COUNT);
        p = putNum(d, p, v.getFloat64(s + 16, true));
        p = putBytes(d, p, T_ICMP_END);
        s += ICMP_FIXED + nFrom;
      }
      if (nIcmp > 0) p = putBytes(d, p, T_LIST_END);
    }
    p = tail >= INLINE ? putFrom(d, p, src, sTail, tail - INLINE) : putBytes(d, p, pieces[tail]!);
    const copies = this.copiesText(v, rec);
    return putBytes(d, p, copies ?? pieces[v.getUint32(rec + R_SOURCES, true)]!);
  }

  private grow(): void {
    const cap = this.firsts.length * 2;
    const f = new Float64Array(cap); f.set(this.firsts); this.firsts = f;
    const i = new Float64Array(cap); i.set(this.ids); this.ids = i;
    const o = new Uint32Array(cap); o.set(this.offs); this.offs = o;
  }

  /**
   * Indexes of the in-memory records in report order. Flow ids follow the first packet,
   * so ordering by id (a plain numeric sort of id·n + index) is nearly always the report
   * order already: that is checked, and the comparison sort is used when it is not.
   */
  private order(): Uint32Array {
    const n = this.n;
    const { firsts, ids } = this;
    const perm = new Uint32Array(n);
    let maxId = 0;
    let plain = true;
    for (let k = 0; k < n; k++) {
      const id = ids[k]!;
      if (!(id >= 0 && Number.isInteger(id))) plain = false;
      else if (id > maxId) maxId = id;
    }
    if (plain && (maxId + 1) * n < Number.MAX_SAFE_INTEGER) {
      const keys = new Float64Array(n);
      for (let k = 0; k < n; k++) keys[k] = ids[k]! * n + k;
      keys.sort();
      let sorted = true;
      for (let i = 0; i < n; i++) {
        const k = keys[i]! % n;
        perm[i] = k;
        if (i > 0 && !(firsts[perm[i - 1]!]! <= firsts[k]!)) sorted = false;
      }
      if (sorted) return perm;
    }
    for (let k = 0; k < n; k++) perm[k] = k;
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
    const order = this.order();
    for (let i = 0; i < order.length; i++) {
      const at = this.offs[order[i]!]!;
      const len = this.view.getUint32(at + R_LEN, true);
      if (used + len > stage.length) put();
      if (len > stage.length) {
        // A record larger than the staging chunk: straight from the run buffer.
        writeAll(this.fd, this.buf.subarray(at, at + len), this.fileEnd);
        this.fileEnd += len;
        continue;
      }
      used = putFrom(stage, used, this.buf, at, len);
    }
    if (used > 0) put();
    this.runs.push({ start, end: this.fileEnd });
    this.pos = 0;
    this.n = 0;
  }

  /** k-way merge of the runs in report order through a binary heap of read cursors. */
  private async merge(emit: (src: Buffer, view: DataView, rec: number) => Promise<void> | undefined): Promise<void> {
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
      const p = emit(c.buf, c.view, c.rec);
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

/** Record bytes a piece takes when it is carried inline (none when interned). */
function inlineRoom(piece: number | string): number {
  return typeof piece === 'number' ? 0 : 3 * piece.length;
}

function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.length);
}

/** Reads one run's records in order through a window of the temp file. */
class Cursor {
  first = 0;
  id = 0;
  /** Offset of the current record in `buf`. */
  rec = 0;
  buf: Buffer;
  view: DataView;
  private at: number;
  private winStart = 0;
  private winEnd = 0;

  constructor(private readonly fd: number, private readonly run: Run, window: number) {
    this.at = run.start;
    this.buf = Buffer.allocUnsafe(window);
    this.view = viewOf(this.buf);
  }

  /** Moves to the next record; false at the end of the run. */
  next(): boolean {
    if (this.at >= this.run.end) return false;
    this.ensure(this.at, R_ID + 8);
    const h = this.at - this.winStart;
    const len = this.view.getUint32(h + R_LEN, true);
    this.ensure(this.at, len);
    this.rec = this.at - this.winStart;
    this.first = this.view.getFloat64(this.rec + R_FIRST, true);
    this.id = this.view.getFloat64(this.rec + R_ID, true);
    this.at += len;
    return true;
  }

  /** Makes file bytes [pos, pos + n) present in the window. */
  private ensure(pos: number, n: number): void {
    if (pos >= this.winStart && pos + n <= this.winEnd) return;
    if (n > this.buf.length) {
      this.buf = Buffer.allocUnsafe(n);
      this.view = viewOf(this.buf);
    }
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

/**
 * Output in chunks of CHUNK bytes: synchronously to a descriptor, with backpressure
 * to a stream, or handed to a function (which owns each chunk it is given). Records
 * are formatted straight into `stage` after `reserve`.
 */
class Sink {
  stage = Buffer.allocUnsafe(CHUNK);
  used = 0;

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

  /** Sends what is staged so that `n` bytes fit in `stage` from `used`. */
  reserve(n: number): Promise<void> | undefined {
    const wait = this.flush();
    if (n > this.stage.length) this.stage = Buffer.allocUnsafe(n);
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
export function writeAll(fd: number, b: Uint8Array, position: number | null): void {
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
