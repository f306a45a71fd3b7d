/**
 * Zeek conn.log (base/protocols/conn/main.zeek, `Conn::Info`) to FlowRecords. Both
 * of Zeek's ASCII writer forms: TSV with its `#separator`, `#set_separator`,
 * `#empty_field`, `#unset_field`, `#fields` and `#types` header lines (headers may
 * repeat: concatenated or rotated logs), and JSON lines (`LogAscii::use_json`, unset
 * fields left out). Fed line by line; synchronous, no I/O (zeek-read.ts reads files).
 *
 * Outcomes from `conn_state` and `history` as Zeek documents them (docs/flow-records.md):
 *   S0 unanswered; S0 whose history has the originator's A or D: one-sided (the
 *   responder's packets were missed); a one-packet S0 within synGrace of the input's
 *   end: no-reply-yet; REJ rejected; RSTOS0 and SH unanswered; SF S1 S2 S3 RSTO RSTR
 *   established; RSTRH SHR OTH partial; no conn_state: unknown; `^` in history: guessed.
 * UDP and ICMP: replied when the responder sent packets, else one-way; a UDP one-way flow
 * is unreachable when an ICMP/ICMPv6 destination-unreachable conn answered it
 * (unreachable-match.ts: from its server to its client in its time, or from a router when
 * it is the client's only one-way UDP flow then); such an ICMP conn is then part of that
 * flow (`icmpErrors`), not a flow of its own (counted as `attached`).
 */
import type { FlowEnd, FlowOutcome, FlowProto, FlowRecord, IcmpErrorSeen } from '../flow/types.js';
import { AddressTextCache, dottedRange, type ParsedAddress } from './address-text.js';
import { UnreachableIndex, type UnreachableMsg } from './unreachable-match.js';
import { countBad, countOther, newCounts, quoteInput, type RecordCounts, type RecordSink } from './source.js';

/** The fields of a conn row this reader uses (numbers NaN when unset). */
interface ConnRow {
  ts: number;
  duration: number;
  origH: string;
  /** The parsed addresses when the TSV path parsed them in place (undefined: parse origH/respH). */
  origA?: ParsedAddress | null;
  respA?: ParsedAddress | null;
  origP: number;
  respH: string;
  respP: number;
  proto: string;
  state: string;
  history: string;
  missed: number;
  origPkts: number;
  respPkts: number;
  origIpBytes: number;
  respIpBytes: number;
  origBytes: number;
  respBytes: number;
  vlan: number;
}

/** Column names (Conn::Info field names) the reader maps. */
const COLUMNS = {
  ts: 'ts', duration: 'duration', origH: 'id.orig_h', origP: 'id.orig_p', respH: 'id.resp_h', respP: 'id.resp_p',
  proto: 'proto', state: 'conn_state', history: 'history', missed: 'missed_bytes', origPkts: 'orig_pkts',
  respPkts: 'resp_pkts', origIpBytes: 'orig_ip_bytes', respIpBytes: 'resp_ip_bytes', origBytes: 'orig_bytes',
  respBytes: 'resp_bytes', vlan: 'vlan',
} as const;
type Col = keyof typeof COLUMNS;
const COL_KEYS = Object.keys(COLUMNS) as Col[];
const REQUIRED: readonly Col[] = ['origH', 'origP', 'respH', 'respP', 'proto'];

/** TCP conn_state values and the outcome each gives (S0 is refined by history and packets). */
const TCP_STATES: ReadonlyMap<string, FlowOutcome> = new Map<string, FlowOutcome>([
  ['S0', 'unanswered'], ['REJ', 'rejected'], ['RSTOS0', 'unanswered'], ['SH', 'unanswered'],
  ['SF', 'established'], ['S1', 'established'], ['S2', 'established'], ['S3', 'established'],
  ['RSTO', 'established'], ['RSTR', 'established'],
  ['RSTRH', 'partial'], ['SHR', 'partial'], ['OTH', 'partial'],
]);

/** How a TCP conn ended, from its state. */
function tcpEnd(state: string, reset: boolean): FlowEnd {
  if (state === 'SF' || state === 'S2' || state === 'S3') return 'fin';
  if (state.startsWith('RST') || state === 'REJ' || reset) return 'reset';
  if (state === 'S1') return 'open';
  return 'timeout';
}

/** OR of TCP flags implied by history letters of one side (upper case originator, lower case responder). */
function flagsOf(history: string, upper: boolean): number {
  let f = 0;
  for (let i = 0; i < history.length; i++) {
    const ch = history[i]!;
    const lower = ch.toLowerCase();
    if ((ch !== lower) !== upper) continue;
    switch (lower) {
      case 's': f |= 0x02; break;
      case 'h': f |= 0x12; break;
      case 'a': f |= 0x10; break;
      case 'd': f |= 0x18; break;
      case 'f': f |= 0x01; break;
      case 'r': f |= 0x04; break;
    }
  }
  return f;
}

const NO_ICMP: readonly IcmpErrorSeen[] = Object.freeze([]) as readonly IcmpErrorSeen[];
const NO_VLANS: readonly number[] = Object.freeze([]) as readonly number[];
const MASKED_TS = /^X+(\.X+)?$/;
/** The `other` kind of rows outside --from/--to. */
export const OUTSIDE_WINDOW = 'outside the --from/--to window';

/** Decodes Zeek's `\xHH` escapes (used in header values such as `#separator \x09`). */
function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A count field: NaN when unset, empty or not a non-negative number. */
function num(s: string | undefined, unset: string, empty: string): number {
  if (s === undefined || s === unset || s === empty || s === '') return NaN;
  const n = Number(s);
  return n >= 0 ? n : NaN;
}

/** Whether text[a, b) is exactly `mark` (the unset or empty marker). */
function isMark(text: string, a: number, b: number, mark: string): boolean {
  return b - a === mark.length && text.startsWith(mark, a);
}

/**
 * A non-negative decimal count or time in text[a, b) (digits, optionally a fraction), NaN when it is
 * not one. Parsed by character codes; anything unusual (an exponent) goes through Number.
 */
function numRange(text: string, a: number, b: number): number {
  if (a >= b) return NaN;
  let v = 0, i = a;
  for (; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  if (i === b) return i - a > 15 ? Number(text.slice(a, b)) : v;
  if (text.charCodeAt(i) === 0x2e && i > a && i + 1 < b) {
    let f = 0, scale = 1, j = i + 1;
    for (; j < b; j++) {
      const c = text.charCodeAt(j);
      if (c < 0x30 || c > 0x39) break;
      f = f * 10 + (c - 0x30);
      scale *= 10;
    }
    // Up to 15 digits, v·scale + f and scale are exact doubles and one correctly rounded division gives
    // exactly the double Number() would; longer numbers go through Number.
    if (j === b && j - a <= 16) return (v * scale + f) / scale;
  }
  const n = Number(text.slice(a, b));
  return n >= 0 ? n : NaN;
}

/** What a history string says, computed once per distinct string (a log has few). */
interface HistoryFacts { clean: string; guessed: boolean; origAD: boolean; reset: boolean; respData: boolean; flagsC: number; flagsS: number }

/** Parses the lines of one conn log into flows. */
export class ZeekConnParser {
  readonly counts: RecordCounts = newCounts();
  /** `zeek-tsv` or `zeek-json`, from the first header or row; null before either. */
  format: 'zeek-tsv' | 'zeek-json' | null = null;
  /** true once a conn-log #fields header or a JSON conn record was seen (else the input is some other log). */
  sawConn = false;
  packets = 0;
  bytes = 0;
  /** Earliest start and latest end of rows with a time (NaN before the first). */
  first = NaN;
  last = NaN;

  private sep = '\t';
  private unset = '-';
  private empty = '(empty)';
  /** Column index of each used field in the current #fields, -1 when absent; null before a #fields line. */
  private idx: Record<Col, number> | null = null;
  private nFields = 0;
  private readonly addrs = new AddressTextCache();
  /** The row being parsed (reused: row() copies what it keeps). */
  private readonly scratch: ConnRow = {
    ts: NaN, duration: NaN, origH: '', origP: NaN, respH: '', respP: NaN, proto: '', state: '', history: '', missed: NaN,
    origPkts: NaN, respPkts: NaN, origIpBytes: NaN, respIpBytes: NaN, origBytes: NaN, respBytes: NaN, vlan: NaN,
  };
  private readonly histories = new Map<string, HistoryFacts>();
  /** End offset of each field of the row being parsed, and its text. */
  private ends = new Int32Array(64);
  private text = '';
  /** One-packet S0 attempts: no-reply-yet or unanswered once the input's end is known. */
  private readonly heldSyn: FlowRecord[] = [];
  /** UDP one-way flows: unreachable or one-way once every ICMP conn has been read. */
  private readonly heldUdp: FlowRecord[] = [];
  private readonly unreach = new UnreachableIndex();
  /** ICMP unreachable conns, held until the end: those matched to a UDP flow are attached to it instead. */
  private readonly heldIcmp: [FlowRecord, UnreachableMsg][] = [];

  /**
   * @param name      file name for bad-line messages (`name:line: reason`)
   * @param input     index of the input (FlowRecord.input)
   * @param sink      receives the flows
   * @param synGrace  seconds before the input's end within which a one-packet S0 is no-reply-yet
   * @param window    --from/--to: rows with a time entirely outside it are counted, not audited
   */
  constructor(private readonly name: string, private readonly input: number, private readonly sink: RecordSink,
    private readonly synGrace = 3, private readonly window: { from?: number; to?: number } = {}) {}

  /** One line (without its newline); `lineNo` counts from 1. */
  line(text: string, lineNo: number): void {
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text === '') return;
    const c0 = text.charCodeAt(0);
    if (c0 === 0x23 /* # */) { this.header(text, lineNo); return; }
    if (c0 === 0x7b /* { */) { this.jsonRow(text, lineNo); return; }
    this.tsvRow(text, lineNo);
  }

  private header(text: string, lineNo: number): void {
    if (text.startsWith('#separator ')) {
      this.sep = unescape(text.slice('#separator '.length));
      if (this.sep === '') { this.sep = '\t'; countBad(this.counts, `${this.name}:${lineNo}`, 'empty #separator'); }
      this.format ??= 'zeek-tsv';
      return;
    }
    const tab = text.indexOf(this.sep);
    const key = tab < 0 ? text : text.slice(0, tab);
    const value = tab < 0 ? '' : text.slice(tab + this.sep.length);
    switch (key) {
      case '#unset_field': this.unset = value; break;
      case '#empty_field': this.empty = value; break;
      case '#fields': {
        const names = value.split(this.sep);
        const idx = {} as Record<Col, number>;
        for (const k of COL_KEYS) idx[k] = names.indexOf(COLUMNS[k]);
        const missing = REQUIRED.filter((k) => idx[k] < 0).map((k) => COLUMNS[k]);
        if (missing.length > 0) {
          this.idx = null;
          countBad(this.counts, `${this.name}:${lineNo}`, `#fields has no ${missing.join(', ')} column: not a conn log`);
        } else {
          this.idx = idx;
          this.nFields = names.length;
          if (this.ends.length < names.length) this.ends = new Int32Array(names.length);
          this.sawConn = true;
        }
        this.format ??= 'zeek-tsv';
        break;
      }
      default: break; // #path, #open, #close, #types, #set_separator, comments: nothing to use
    }
  }

  private tsvRow(text: string, lineNo: number): void {
    this.counts.rows++;
    const idx = this.idx;
    if (idx === null) { countBad(this.counts, `${this.name}:${lineNo}`, 'data line before a #fields header'); return; }
    // Field boundaries by scanning for the separator: no array of 20-odd substrings per row; numbers are
    // parsed in place and only the text fields become strings.
    const sep = this.sep, sl = sep.length, ends = this.ends;
    const n = this.nFields;
    let at = 0, k = 0;
    for (;;) {
      const t = text.indexOf(sep, at);
      if (t < 0) break;
      if (k < n) ends[k] = t;
      k++;
      at = t + sl;
    }
    if (k + 1 !== n) {
      countBad(this.counts, `${this.name}:${lineNo}`, `${k + 1} fields, the #fields header names ${n}`);
      return;
    }
    ends[n - 1] = text.length;
    this.text = text;
    let ts = NaN;
    if (idx.ts >= 0) {
      const a = this.startOf(idx.ts), b = ends[idx.ts]!;
      if (!isMark(text, a, b, this.unset)) {
        ts = numRange(text, a, b);
        if (!Number.isFinite(ts) || ts < 0) {
          const tsText = text.slice(a, b);
          if (!MASKED_TS.test(tsText)) { countBad(this.counts, `${this.name}:${lineNo}`, `ts ${quoteInput(tsText, 40)} is not a time`); return; }
          ts = NaN;
        }
      }
    }
    const r = this.scratch;
    r.ts = ts;
    r.duration = this.numField(idx.duration);
    r.origA = this.addrAt(text, this.startOf(idx.origH), ends[idx.origH]!);
    r.origH = r.origA === null ? this.strField(idx.origH) : '';
    r.origP = this.numField(idx.origP);
    r.respA = this.addrAt(text, this.startOf(idx.respH), ends[idx.respH]!);
    r.respH = r.respA === null ? this.strField(idx.respH) : '';
    r.respP = this.numField(idx.respP);
    r.proto = this.strField(idx.proto);
    r.state = this.strField(idx.state);
    r.history = this.strField(idx.history);
    r.missed = this.numField(idx.missed);
    r.origPkts = this.numField(idx.origPkts);
    r.respPkts = this.numField(idx.respPkts);
    r.origIpBytes = this.numField(idx.origIpBytes);
    r.respIpBytes = this.numField(idx.respIpBytes);
    r.origBytes = this.numField(idx.origBytes);
    r.respBytes = this.numField(idx.respBytes);
    r.vlan = this.numField(idx.vlan);
    this.row(r, lineNo);
  }

  private jsonRow(text: string, lineNo: number): void {
    this.counts.rows++;
    this.format ??= 'zeek-json';
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      countBad(this.counts, `${this.name}:${lineNo}`, 'not a JSON object');
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      countBad(this.counts, `${this.name}:${lineNo}`, 'not a JSON object');
      return;
    }
    const r = o as Record<string, unknown>;
    const missing = REQUIRED.filter((k) => r[COLUMNS[k]] === undefined).map((k) => COLUMNS[k]);
    if (missing.length > 0) {
      countBad(this.counts, `${this.name}:${lineNo}`, `no ${missing.join(', ')}: not a conn log record`);
      return;
    }
    const n = (k: Col): number => {
      const x = r[COLUMNS[k]];
      return typeof x === 'number' && x >= 0 ? x : typeof x === 'string' ? num(x, '-', '') : NaN;
    };
    const s = (k: Col): string => {
      const x = r[COLUMNS[k]];
      return typeof x === 'string' ? x : '';
    };
    const tsv = r.ts;
    let ts = NaN;
    if (typeof tsv === 'number') ts = tsv;
    // LogAscii::json_timestamps = JSON::TS_ISO8601 writes ISO 8601 text; masked baselines write X's.
    else if (typeof tsv === 'string' && !MASKED_TS.test(tsv)) {
      ts = Date.parse(tsv) / 1000;
      if (!Number.isFinite(ts)) { countBad(this.counts, `${this.name}:${lineNo}`, `ts ${quoteInput(tsv, 40)} is not a time`); return; }
    }
    this.sawConn = true;
    const vlan = r.vlan;
    this.row({
      ts, duration: n('duration'), origH: s('origH'), origP: n('origP'), respH: s('respH'), respP: n('respP'),
      proto: s('proto'), state: s('state'), history: s('history'), missed: n('missed'),
      origPkts: n('origPkts'), respPkts: n('respPkts'), origIpBytes: n('origIpBytes'), respIpBytes: n('respIpBytes'),
      origBytes: n('origBytes'), respBytes: n('respBytes'), vlan: typeof vlan === 'number' ? vlan : NaN,
    }, lineNo);
  }

  private row(r: ConnRow, lineNo: number): void {
    const c = this.counts;
    if (r.proto !== 'tcp' && r.proto !== 'udp' && r.proto !== 'icmp') {
      countOther(c, r.proto === '' ? 'no proto' : quoteInput(r.proto, 40).slice(1, -1));
      return;
    }
    const a = r.origA !== undefined ? r.origA : this.addrs.get(r.origH);
    const b = r.respA !== undefined ? r.respA : this.addrs.get(r.respH);
    if (a === null || b === null) {
      const bad = a === null ? r.origH : r.respH;
      countBad(c, `${this.name}:${lineNo}`, `${quoteInput(bad)} is not an IP address`);
      return;
    }
    if (a.family !== b.family) { countBad(c, `${this.name}:${lineNo}`, 'originator and responder of different IP versions'); return; }
    if (!(r.origP <= 65535 && r.respP <= 65535 && Number.isInteger(r.origP) && Number.isInteger(r.respP))) {
      countBad(c, `${this.name}:${lineNo}`, 'port missing or out of range');
      return;
    }
    const first = r.ts;
    const last = Number.isFinite(r.ts) ? r.ts + (r.duration >= 0 ? r.duration : 0) : NaN;
    if (last < (this.window.from ?? -Infinity) || first > (this.window.to ?? Infinity)) {
      countOther(c, OUTSIDE_WINDOW);
      return;
    }
    if (Number.isNaN(first)) c.noTime++;
    else {
      if (!(first >= this.first)) this.first = first;
      if (!(last <= this.last)) this.last = last;
    }
    const pc = r.origPkts >= 0 ? r.origPkts : 0, ps = r.respPkts >= 0 ? r.respPkts : 0;
    const bc = r.origIpBytes >= 0 ? r.origIpBytes : r.origBytes >= 0 ? r.origBytes : 0;
    const bs = r.respIpBytes >= 0 ? r.respIpBytes : r.respBytes >= 0 ? r.respBytes : 0;
    this.packets += pc + ps;
    this.bytes += bc + bs;
    const h = this.historyFacts(r.history);
    const history = h.clean;
    const guessed = h.guessed;
    const icmp = r.proto === 'icmp';
    const proto: FlowProto = r.proto === 'tcp' ? 'tcp' : r.proto === 'udp' ? 'udp' : a.family === 6 ? 'icmp6' : 'icmp';
    let outcome: FlowOutcome;
    let hold: FlowRecord[] | null = null;
    if (proto === 'tcp') {
      const o = TCP_STATES.get(r.state);
      if (o === undefined) outcome = 'unknown';
      else if (r.state === 'S0' && h.origAD) outcome = 'one-sided';
      else {
        outcome = o;
        if (r.state === 'S0' && pc <= 1) hold = this.heldSyn;
      }
    } else if (ps > 0 || h.respData || r.state === 'SF') outcome = 'replied';
    else {
      outcome = 'one-way';
      if (proto === 'udp') hold = this.heldUdp;
    }
    const missed = r.missed >= 0 ? r.missed : 0;
    c.missedBytes += missed;
    // Zeek's orig_bytes/resp_bytes come from sequence numbers: what both sides acknowledged or sent,
    // seen or not; missed_bytes is the part never seen (Zeek's capture-loss ratio).
    const acked = proto === 'tcp' ? (r.origBytes >= 0 ? r.origBytes : 0) + (r.respBytes >= 0 ? r.respBytes : 0) : 0;
    const rec: FlowRecord = {
      id: this.sink.nextId(),
      proto,
      family: a.family,
      clientIp: a.text,
      serverIp: b.text,
      clientWords: a.words,
      serverWords: b.words,
      clientPort: icmp ? 0 : r.origP,
      serverPort: icmp ? 0 : r.respP,
      outcome,
      end: proto === 'tcp' ? tcpEnd(r.state, h.reset) : 'timeout',
      guessed,
      packets: { client: pc, server: ps },
      bytes: { client: bc, server: bs },
      first,
      last,
      history,
      flags: proto === 'tcp' ? { client: h.flagsC, server: h.flagsS } : { client: 0, server: 0 },
      payloadClient: null,
      payloadServer: null,
      icmpErrors: NO_ICMP,
      vlans: r.vlan >= 0 && r.vlan <= 4095 ? [r.vlan] : NO_VLANS,
      input: this.input,
      oneSided: outcome === 'one-sided',
      ackedUnseen: Math.min(missed, acked),
      acked,
      final: true,
    };
    c.flows++;
    const msg = icmp ? this.noteUnreachable(r, a, b, pc) : null;
    if (msg !== null) this.heldIcmp.push([rec, msg]);
    else if (hold !== null) hold.push(rec);
    else this.sink.flow(rec);
  }

  /** Start offset of field `i` of the row in `text`. */
  private startOf(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]! + this.sep.length;
  }

  /** Field `i` of the row as text ('' when absent, unset or empty). */
  private strField(i: number): string {
    if (i < 0) return '';
    const a = this.startOf(i), b = this.ends[i]!, t = this.text;
    return isMark(t, a, b, this.unset) || isMark(t, a, b, this.empty) ? '' : t.slice(a, b);
  }

  /** Field `i` of the row as a count (NaN when absent, unset, empty or not a number). */
  private numField(i: number): number {
    if (i < 0) return NaN;
    const a = this.startOf(i), b = this.ends[i]!, t = this.text;
    return isMark(t, a, b, this.unset) || isMark(t, a, b, this.empty) ? NaN : numRange(t, a, b);
  }

  /** The address in text[a, b): IPv4 parsed in place (no substring), anything else through the text cache. */
  private addrAt(text: string, a: number, b: number): ParsedAddress | null {
    const w = dottedRange(text, a, b);
    return w >= 0 ? this.addrs.v4(w) : this.addrs.get(text.slice(a, b));
  }

  private historyFacts(raw: string): HistoryFacts {
    const hit = this.histories.get(raw);
    if (hit !== undefined) return hit;
    // Only Zeek's history letters (ASCII letters and ^); anything else in a damaged line is dropped.
    const clean = raw.replace(/[^A-Za-z^]/g, '').slice(0, 64);
    const f: HistoryFacts = {
      clean, guessed: clean.includes('^'), origAD: /[AD]/.test(clean), reset: /[Rr]/.test(clean), respData: clean.includes('d'),
      flagsC: flagsOf(clean, true), flagsS: flagsOf(clean, false),
    };
    if (this.histories.size >= 4096) this.histories.clear();
    this.histories.set(raw, f);
    return f;
  }

  /** Remembers an ICMP destination-unreachable conn (Zeek puts the ICMP type and code in the port columns). */
  private noteUnreachable(r: ConnRow, a: ParsedAddress, b: ParsedAddress, count: number): UnreachableMsg | null {
    if (!UnreachableIndex.isUnreachable(a.family, r.origP)) return null;
    return this.unreach.note(a.text, b.text, a.family, r.origP, r.respP, r.ts, count);
  }

  /** End of input: decides the held flows (near-end attempts, unreachable UDP) and hands them over. */
  finish(): void {
    const end = this.last;
    for (const f of this.heldSyn) {
      if (this.synGrace > 0 && f.last >= end - this.synGrace) f.outcome = 'no-reply-yet';
      this.sink.flow(f);
    }
    this.heldSyn.length = 0;
    this.unreach.apply(this.heldUdp);
    for (const f of this.heldUdp) this.sink.flow(f);
    for (const [f, m] of this.heldIcmp) {
      if (m.used) { this.counts.flows--; this.counts.attached++; } else this.sink.flow(f);
    }
    this.heldIcmp.length = 0;
    this.heldUdp.length = 0;
  }
}
