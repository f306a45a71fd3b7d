/**
 * Flow export datagrams (IPFIX, NetFlow v9 and v5, told apart by the version in each
 * message) to flows: one session per run holds the template store, the sources, the
 * records of long connections that an exporter split by its active timeout (stitched
 * back into one) and the uniflow pairer. The message parsers (ipfix.ts, netflow-v9.ts,
 * netflow-v5.ts) call `dataRecord` with each record's values.
 *
 * Bad datagrams are normal input: each is one counted problem (`problems`), never an
 * exception.
 */
import { formatIp } from '../decode/ip-format.js';
import { AddressTextCache, type ParsedAddress } from './address-text.js';
import { END_ACTIVE_TIMEOUT, extendedEventText, FW_DELETED, FW_DENIED, RecordValues } from './fields.js';
import { NO_VLANS, UniflowPairer, type Uni } from './pair.js';
import { countBad, countOther, newCounts, type RecordCounts, type RecordSink } from './source.js';
import { SourceTable, type SourceState } from './sources.js';
import { TemplateStore } from './templates.js';
import { parseIpfixMessage } from './ipfix.js';
import { parseV9Message } from './netflow-v9.js';
import { parseV5Message } from './netflow-v5.js';

/** Where a message came from: the exporter address and port (collector) or the file (port null). */
export interface ExportOrigin {
  exporter: string;
  port: number | null;
}

/** The header facts a data record's times are relative to. */
export interface MessageClock {
  /** Export time, seconds since the epoch. */
  exportSec: number;
  /** NetFlow sysUpTime of the header, ms (NaN for IPFIX). */
  upMs: number;
}

/** Problems with datagrams, by kind (counted, never fatal). */
export type ExportProblems = Record<string, number>;

/** Seconds of slack when stitching the pieces of an actively timed-out flow. */
const STITCH_GAP = 5;

/** Turns export messages into flows. */
export class ExportSession {
  readonly counts: RecordCounts = newCounts();
  readonly templates: TemplateStore;
  readonly sources: SourceTable;
  readonly problems: ExportProblems = {};
  packets = 0;
  bytes = 0;
  first = NaN;
  last = NaN;
  /** Records of split flows merged into an earlier piece. */
  stitched = 0;
  /** Flows whose counts were scaled by a sampling interval. */
  sampledFlows = 0;
  readonly values = new RecordValues();
  private readonly addrs = new AddressTextCache();
  private readonly pairer: UniflowPairer;
  /** Pieces of actively timed-out flows waiting for their next piece, by source and 5-tuple. */
  private readonly pieces = new Map<string, Uni>();
  /** NSEL records of one connection waiting for its teardown or deny, by source and flow id or 5-tuple. */
  private readonly nsel = new Map<string, Uni>();

  /**
   * @param input     index of the input in the report
   * @param expiryMs  template expiry on the collector clock (0: never; files)
   */
  constructor(private readonly name: string, input: number, sink: RecordSink, synGrace = 3, hint: Uint8Array | null = null,
    expiryMs = 0, sourceBase = 0) {
    this.sources = new SourceTable(sourceBase);
    this.templates = new TemplateStore(expiryMs);
    this.pairer = new UniflowPairer(input, sink, this.counts, synGrace, hint);
  }

  /** Counts a problem, quoting the first few. */
  problem(kind: string, where: string): void {
    this.problems[kind] = (this.problems[kind] ?? 0) + 1;
    countBad(this.counts, where, kind.replace(/-/g, ' '));
  }

  /**
   * One export message (a UDP payload, or one message of an IPFIX file). `now` is the
   * collector's clock in ms (template expiry), 0 for files. Returns the bytes the message
   * took (IPFIX files hold messages back to back), or 0 when it could not be read.
   */
  message(b: Uint8Array, origin: ExportOrigin, now = 0, where = origin.exporter): number {
    if (b.length < 4) { this.problem('datagram-too-short', where); return 0; }
    const version = (b[0]! << 8) | b[1]!;
    if (version === 10) return parseIpfixMessage(this, b, origin, now, where);
    if (version === 9) return parseV9Message(this, b, origin, now, where);
    if (version === 5) return parseV5Message(this, b, origin, where);
    this.problem('unknown-version', `${where} (version ${version})`);
    return 0;
  }

  /** The source of an exporter and domain. */
  source(origin: ExportOrigin, domain: number): SourceState {
    return this.sources.get(origin.exporter, origin.port, domain);
  }

  /** An options record (sampling facts, system init time) from a source. */
  optionsRecord(src: SourceState, v: RecordValues): void {
    src.row.optionsRecords++;
    if (v.samplingInterval >= 1) src.sampling = v.samplingInterval;
    if (!Number.isNaN(v.sysInitMs)) this.sysInit.set(src.index, v.sysInitMs);
  }

  /** systemInitTimeMilliseconds per source (IPFIX sysUpTime-relative times). */
  private readonly sysInit = new Map<number, number>();

  private address(v4: number, v6: number[] | null): ParsedAddress | null {
    if (v4 >= 0) return this.addrs.v4(v4);
    return v6 === null ? null : { family: 6, text: formatIp(6, v6[0]!, v6[1]!, v6[2]!, v6[3]!), words: v6 };
  }

  /** One flow data record whose values are in `this.values`. */
  dataRecord(src: SourceState, clock: MessageClock, version: number): void {
    const v = this.values;
    const c = this.counts;
    c.rows++;
    src.row.records++;
    if (Number.isNaN(v.proto)) { countOther(c, 'no protocol'); return; }
    const proto = v.proto;
    if (proto !== 6 && proto !== 17 && proto !== 1 && proto !== 58) { countOther(c, `ip proto ${proto}`); return; }
    const s = this.address(v.src4, v.src6), d = this.address(v.dst4, v.dst6);
    if (s === null || d === null) { countOther(c, 'no addresses'); return; }
    const icmp = proto === 1 || proto === 58;
    let icmpType = 0, icmpCode = 0;
    if (icmp) {
      if (!Number.isNaN(v.icmpTypeCode)) { icmpType = v.icmpTypeCode >> 8; icmpCode = v.icmpTypeCode & 0xff; }
      else if (!Number.isNaN(v.icmpType)) { icmpType = v.icmpType; icmpCode = Number.isNaN(v.icmpCode) ? 0 : v.icmpCode; }
      // pmacct and v5 put type × 256 + code in the destination port.
      else if (!Number.isNaN(v.dport)) { icmpType = v.dport >> 8; icmpCode = v.dport & 0xff; }
    }
    // Times: absolute first, then relative to the export time or sysUpTime.
    let first = v.startMs, last = v.endMs;
    if (Number.isNaN(first) && !Number.isNaN(v.startDeltaUs)) first = clock.exportSec * 1000 - v.startDeltaUs / 1000;
    if (Number.isNaN(last) && !Number.isNaN(v.endDeltaUs)) last = clock.exportSec * 1000 - v.endDeltaUs / 1000;
    if (Number.isNaN(first) && !Number.isNaN(v.startUp)) first = this.upTime(v.startUp, src, clock, version);
    if (Number.isNaN(last) && !Number.isNaN(v.endUp)) last = this.upTime(v.endUp, src, clock, version);
    if (Number.isNaN(first) && !Number.isNaN(v.obsMs)) first = v.obsMs;
    if (Number.isNaN(last)) last = first;
    if (Number.isNaN(first)) first = last;
    const t0 = first / 1000, t1 = last / 1000;
    const sampling = v.samplingInterval >= 1 ? v.samplingInterval : src.sampling;
    const k = sampling > 1 ? sampling : 1;
    const nsel = !Number.isNaN(v.fwEvent);
    let pkts = nz(v.pkts), bytes = nz(v.bytes), outPkts = nz(v.rpkts), outBytes = nz(v.rbytes);
    if (nsel) {
      // NSEL counts per side: initiator (forward) and responder (reverse).
      if (!Number.isNaN(v.initPkts) || !Number.isNaN(v.initOctets)) { pkts = nz(v.initPkts); bytes = nz(v.initOctets); }
      if (!Number.isNaN(v.respPkts) || !Number.isNaN(v.respOctets)) { outPkts = nz(v.respPkts); outBytes = nz(v.respOctets); }
    }
    if (k > 1) { pkts *= k; bytes *= k; outPkts *= k; outBytes *= k; this.sampledFlows++; }
    const flags = Number.isNaN(v.flags) ? 0 : v.flags;
    let vlans: readonly number[] = NO_VLANS;
    if (v.vlan > 0 || v.postVlan > 0) {
      const l = [v.vlan, v.postVlan].filter((x) => x > 0);
      vlans = [...new Set(l)].sort((a, b) => a - b);
    }
    const u: Uni = {
      proto, src: s, dst: d, sport: icmp ? 0 : nz(v.sport), dport: icmp ? 0 : nz(v.dport),
      first: t0, last: t1, pkts, bytes, outPkts, outBytes,
      flags, hasFlags: flags !== 0,
      outFlags: v.reverse ? (Number.isNaN(v.rflags) ? null : v.rflags) : null,
      icmpType, icmpCode, key: '', sampling: k, direction: Number.isNaN(v.direction) ? 0 : v.direction,
      vlans, denied: null, teardownAnswered: false, source: src.index, sourceName: src.name,
    };
    if (v.reverse && u.outFlags === null && proto !== 6) u.outFlags = 0;
    if (Number.isNaN(t0)) c.noTime++;
    else {
      if (!(t0 >= this.first)) this.first = t0;
      if (!(t1 <= this.last)) this.last = t1;
    }
    src.time(t0, t1);
    this.packets += pkts + outPkts;
    this.bytes += bytes + outBytes;
    if (nsel) { this.nselRecord(u, v, src); return; }
    if (v.endReason === END_ACTIVE_TIMEOUT || this.pieces.size > 0) { this.piece(u, v.endReason === END_ACTIVE_TIMEOUT); return; }
    this.pairer.add(u);
  }

  /** sysUpTime-relative ms to absolute ms: v9 against the header (32-bit wrap), IPFIX against systemInitTimeMilliseconds. */
  private upTime(t: number, src: SourceState, clock: MessageClock, version: number): number {
    if (version === 9 || version === 5) return clock.exportSec * 1000 - ((clock.upMs - t) >>> 0);
    const init = this.sysInit.get(src.index);
    return init === undefined ? NaN : init + t;
  }

  /** A piece of a flow the exporter may have split by its active timeout: merged into the piece before it. */
  private piece(u: Uni, more: boolean): void {
    const k = `${u.source}|${u.proto}|${u.src.text}|${u.sport}|${u.dst.text}|${u.dport}`;
    const had = this.pieces.get(k);
    if (had !== undefined && u.first <= had.last + STITCH_GAP && u.first >= had.first) {
      had.pkts += u.pkts; had.bytes += u.bytes; had.outPkts += u.outPkts; had.outBytes += u.outBytes;
      had.flags |= u.flags; had.hasFlags = had.hasFlags || u.hasFlags;
      if (u.outFlags !== null) had.outFlags = (had.outFlags ?? 0) | u.outFlags;
      if (u.last > had.last) had.last = u.last;
      this.stitched++;
      if (!more) { this.pieces.delete(k); this.pairer.add(had); }
      return;
    }
    if (had !== undefined) { this.pieces.delete(k); this.pairer.add(had); }
    if (more) this.pieces.set(k, u);
    else this.pairer.add(u);
  }

  /** An NSEL event record: held per connection until its teardown or deny. */
  private nselRecord(u: Uni, v: RecordValues, src: SourceState): void {
    const k = `${u.source}|${Number.isNaN(v.flowId) ? '' : v.flowId}|${u.proto}|${u.src.text}|${u.sport}|${u.dst.text}|${u.dport}`;
    const had = this.nsel.get(k);
    const cur = had ?? u;
    if (had !== undefined) {
      cur.pkts = Math.max(cur.pkts, u.pkts); cur.bytes = Math.max(cur.bytes, u.bytes);
      cur.outPkts = Math.max(cur.outPkts, u.outPkts); cur.outBytes = Math.max(cur.outBytes, u.outBytes);
      if (u.last > cur.last) cur.last = u.last;
    }
    if (v.fwEvent === FW_DENIED) {
      const acl = [v.inAcl, v.outAcl].filter((x): x is string => x !== null && !/^0+$/.test(x));
      cur.denied = { event: extendedEventText(Number.isNaN(v.fwExt) ? 0 : v.fwExt), acl: acl.length > 0 ? acl.join('/') : null, exporter: src.row.exporter };
      this.nsel.delete(k);
      // A deny carries the initiator's packets only: no reply, the verdict comes from the event.
      cur.outPkts = 0; cur.outBytes = 0;
      this.pairer.add(cur);
      return;
    }
    if (v.fwEvent === FW_DELETED) {
      cur.teardownAnswered = cur.outBytes > 0 || cur.outPkts > 0;
      this.nsel.delete(k);
      this.pairer.add(cur);
      return;
    }
    if (had === undefined) this.nsel.set(k, u);
  }

  /** Uniflows still waiting for their reverse direction that ended before `t` (seconds) go out alone (the collector's timer). */
  expire(t: number): void {
    if (!Number.isNaN(t)) this.pairer.expire(t);
  }

  /** Arrival time (collector clock, seconds) minus the latest record end then: maps the collector's clock onto the exporters'. */
  private clockOffset = NaN;

  /** A datagram arrived at `t` (collector clock, seconds). */
  arrived(t: number): void {
    if (!Number.isNaN(this.last)) this.clockOffset = t - this.last;
  }

  /**
   * The moment a collector stopped (its clock, seconds) as the end of the input, on the
   * exporters' clock: shifted by how far the latest record lagged its arrival (an
   * exporter replaying a capture, or one with a wrong clock, keeps its own time).
   */
  endTime(t: number): void {
    const end = Number.isNaN(this.clockOffset) ? this.last : t - this.clockOffset;
    if (!(end <= this.pairer.last)) this.pairer.last = end;
  }

  /** End of the input: held pieces and NSEL connections go out, lone directions decided, templates' waiting sets lost. */
  finish(): void {
    for (const u of this.pieces.values()) this.pairer.add(u);
    this.pieces.clear();
    for (const u of this.nsel.values()) this.pairer.add(u);
    this.nsel.clear();
    this.templates.finish();
    this.pairer.finish();
  }
}

function nz(x: number): number {
  return Number.isNaN(x) ? 0 : x;
}

