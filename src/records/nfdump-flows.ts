/**
 * nfdump's JSON flow records (`nfdump -o json`, nfdump 1.7) to FlowRecords. Synchronous,
 * no I/O (nfdump.ts runs the program). NetFlow/IPFIX exporters such as softflowd send
 * one uniflow per direction: the two directions of a connection (reversed 5-tuple,
 * overlapping time, one second of slack for NetFlow v9's whole-second header) are paired
 * into one flow here. RFC 5103 biflows (`out_packets`) are one flow already.
 *
 * Outcomes from the TCP flags each direction ORed together (docs/flow-records.md):
 *   client SYN and server SYN: established; client SYN, server RST without SYN: rejected;
 *   SYN one way only, no reply: unanswered (one packet within synGrace of the store's end:
 *   no-reply-yet); one way with ACK: one-sided; both ways without SYN: partial; no flags
 *   exported: unknown. UDP/ICMP: replied or one-way; a UDP one-way flow is unreachable when
 *   an ICMP(v6) destination-unreachable record answered it (unreachable-match.ts).
 * Who opened a connection is the side with the only SYN; when both or neither sent one
 * (the two uniflows carry the same times) the ports decide, and the flow is `guessed`
 * unless they are clear (exactly one designed server port, or exactly one below 1024).
 */
import type { FlowProto, FlowRecord, IcmpErrorSeen } from '../flow/types.js';
import { AddressTextCache, type ParsedAddress } from './address-text.js';
import { UnreachableIndex, type UnreachableMsg } from './unreachable-match.js';
import { countBad, countOther, newCounts, quoteInput, type RecordCounts, type RecordSink } from './source.js';

const FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;
/** Seconds of slack when matching the two directions' times. */
const SLACK = 1;
/** Uniflows held for their reverse direction at most; past it the oldest go out alone. */
const MAX_HELD = 200_000;

/** One direction as nfdump wrote it. */
interface Uni {
  proto: number;
  src: ParsedAddress;
  dst: ParsedAddress;
  sport: number;
  dport: number;
  first: number;
  last: number;
  pkts: number;
  bytes: number;
  outPkts: number;
  outBytes: number;
  flags: number;
  /** false when no TCP flag is set: the exporter did not send them. */
  hasFlags: boolean;
  icmpType: number;
  icmpCode: number;
  key: string;
}

/** nfdump's tcp_flags text ("...AP.SF": C E U A P R S F) to bits. */
export function parseTcpFlags(s: string): number {
  const letters = 'CEUAPRSF';
  let f = 0;
  for (let i = 0; i < s.length && i < 8; i++) if (s[i] === letters[i]) f |= 1 << (7 - i);
  return f;
}

/** nfdump's time text (printed with TZ=UTC: "2026-01-15T08:30:03.927") to seconds; NaN when absent or the epoch itself (no time exported). */
function time(v: unknown): number {
  if (typeof v === 'number') return v > 0 ? v : NaN;
  if (typeof v !== 'string') return NaN;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`) / 1000;
  return t > 0 ? t : NaN;
}

function count(v: unknown): number {
  return typeof v === 'number' && v >= 0 ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
}

/** Turns nfdump's flow records into flows, pairing uniflows. */
export class NfdumpFlows {
  readonly counts: RecordCounts = newCounts();
  packets = 0;
  bytes = 0;
  first = NaN;
  last = NaN;
  /** Biflows whose TCP flags look like the reverse direction's only (nfdump 1.7 overwrites the forward flags). */
  biflowFlagsSuspect = 0;
  private readonly addrs = new AddressTextCache();
  /** Uniflows waiting for their reverse direction, by 5-tuple "proto|src|sport|dst|dport". */
  private readonly held = new Map<string, Uni[]>();
  private heldCount = 0;
  private readonly unreach = new UnreachableIndex();
  /** The noted unreachable message of each held ICMP flow (dropped when it matched a UDP flow). */
  private readonly icmpMsg = new Map<FlowRecord, UnreachableMsg>();

  /** Finished flows that wait for the end of input (one-way UDP: an unreachable may follow; lone SYNs: near the end?). */
  private readonly later: FlowRecord[] = [];

  constructor(private readonly name: string, private readonly input: number, private readonly sink: RecordSink,
    private readonly synGrace = 3, private readonly hint: Uint8Array | null = null) {}

  /** One element of nfdump's JSON array (`n` counts from 1). */
  record(v: unknown, n: number): void {
    const c = this.counts;
    c.rows++;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) { countBad(c, `${this.name}: record ${n}`, 'not a JSON object'); return; }
    const r = v as Record<string, unknown>;
    if (r.type !== undefined && r.type !== 'FLOW') { countOther(c, quoteInput(String(r.type), 40).slice(1, -1)); return; }
    const proto = count(r.proto);
    if (proto !== 6 && proto !== 17 && proto !== 1 && proto !== 58) { countOther(c, `ip proto ${proto}`); return; }
    const s = r.src4_addr ?? r.src6_addr, d = r.dst4_addr ?? r.dst6_addr;
    const src = typeof s === 'string' ? this.addrs.get(s) : null, dst = typeof d === 'string' ? this.addrs.get(d) : null;
    if (src === null || dst === null) { countBad(c, `${this.name}: record ${n}`, `bad or missing address ${quoteInput(String(src === null ? s : d))}`); return; }
    const icmp = proto === 1 || proto === 58;
    const u: Uni = {
      proto, src, dst,
      sport: icmp ? 0 : count(r.src_port), dport: icmp ? 0 : count(r.dst_port),
      first: time(r.first), last: time(r.last),
      pkts: count(r.in_packets), bytes: count(r.in_bytes), outPkts: count(r.out_packets), outBytes: count(r.out_bytes),
      flags: typeof r.tcp_flags === 'string' ? parseTcpFlags(r.tcp_flags) : 0,
      hasFlags: false,
      icmpType: count(r.icmp_type), icmpCode: count(r.icmp_code), key: '',
    };
    // No bit set: the exporter sent no flags (nfdump prints "........" then), not a flagless connection.
    u.hasFlags = u.flags !== 0;
    if (Number.isNaN(u.first)) c.noTime++;
    else {
      if (!(u.first >= this.first)) this.first = u.first;
      const end = Number.isNaN(u.last) ? u.first : u.last;
      if (!(end <= this.last)) this.last = end;
    }
    if (Number.isNaN(u.last)) u.last = u.first;
    this.packets += u.pkts + u.outPkts;
    this.bytes += u.bytes + u.outBytes;
    const msg = icmp && UnreachableIndex.isUnreachable(src.family, u.icmpType)
      ? this.unreach.note(src.text, dst.text, src.family, u.icmpType, u.icmpCode, u.first, u.pkts) : null;
    if (msg !== null) {
      // Held to the end with its message: attached to a UDP flow, or a flow of its own.
      const f = this.flow(u, u, 'one-way', false, u.pkts, u.bytes, 0, 0, 0, 0);
      this.icmpMsg.set(f, msg);
      this.later.push(f);
      return;
    }
    if (u.outPkts > 0) { this.emitBiflow(u); return; }
    u.key = `${proto}|${src.text}|${u.sport}|${dst.text}|${u.dport}`;
    const rkey = `${proto}|${dst.text}|${u.dport}|${src.text}|${u.sport}`;
    const cands = this.held.get(rkey);
    if (cands !== undefined) {
      const i = cands.findIndex((x) => overlaps(x, u));
      if (i >= 0) {
        const peer = cands.splice(i, 1)[0]!;
        if (cands.length === 0) this.held.delete(rkey);
        this.heldCount--;
        this.emitPair(peer, u);
        return;
      }
    }
    let mine = this.held.get(u.key);
    if (mine === undefined) { mine = []; this.held.set(u.key, mine); }
    mine.push(u);
    if (++this.heldCount > MAX_HELD) this.evictOldest();
  }

  private evictOldest(): void {
    const [k, l] = this.held.entries().next().value as [string, Uni[]];
    const u = l.shift()!;
    if (l.length === 0) this.held.delete(k);
    this.heldCount--;
    this.emitSingle(u);
  }

  /** Whether the server of a flow between ports a and b is a (the flow table's rule: design hint, then < 1024, then the lower). */
  private serverIsA(proto: number, a: number, b: number): boolean {
    const bit = proto === 17 ? 2 : 1;
    const ha = this.hint !== null && (this.hint[a]! & bit) !== 0, hb = this.hint !== null && (this.hint[b]! & bit) !== 0;
    if (ha !== hb) return ha;
    if ((a < 1024) !== (b < 1024)) return a < 1024;
    return a < b;
  }

  /** Whether the ports name the server clearly: exactly one is a designed server port, or exactly one is below 1024. */
  private portsDecide(proto: number, a: number, b: number): boolean {
    const bit = proto === 17 ? 2 : 1;
    const ha = this.hint !== null && (this.hint[a]! & bit) !== 0, hb = this.hint !== null && (this.hint[b]! & bit) !== 0;
    return ha !== hb || (a < 1024) !== (b < 1024);
  }

  private emitPair(x: Uni, y: Uni): void {
    let c = x, s = y, byPorts = true;
    if (x.proto === 6) {
      const xs = (x.flags & SYN) !== 0, ys = (y.flags & SYN) !== 0;
      if (xs !== ys) byPorts = false;
      if (ys && !xs) { c = y; s = x; }
    }
    // A SYN each way (the usual handshake) says nothing of who sent the first: the ports decide, and the
    // flow counts as guessed only when they are not clear (no designed server port, none below 1024).
    let guessed = false;
    if (byPorts) {
      if (this.serverIsA(x.proto, x.sport, x.dport)) { c = y; s = x; }
      guessed = !this.portsDecide(x.proto, x.sport, x.dport);
    }
    let outcome: FlowRecord['outcome'];
    if (x.proto === 6) {
      const cf = c.flags, sf = s.flags;
      if (!c.hasFlags && !s.hasFlags) outcome = 'unknown';
      else if ((cf & SYN) && (sf & SYN)) outcome = 'established';
      else if ((cf & SYN) && (sf & RST)) outcome = 'rejected';
      else outcome = 'partial';
    } else outcome = 'replied';
    this.sink.flow(this.flow(c, s, outcome, guessed, c.pkts, c.bytes, s.pkts, s.bytes, c.flags, s.flags));
  }

  private emitBiflow(u: Uni): void {
    // RFC 5103: source is the initiator; an exporter that got it backwards shows 0 forward packets.
    const swap = u.pkts === 0;
    const f = u.flags;
    let outcome: FlowRecord['outcome'];
    if (u.proto !== 6) outcome = 'replied';
    else if (!u.hasFlags) outcome = 'unknown';
    else if (u.pkts > 0 && u.outPkts > 0) {
      // nfdump 1.7 lets the reverse flags overwrite the forward ones: a refused SYN shows as ACK+RST, SYN gone.
      if ((f & SYN) === 0 && (f & RST) !== 0) { this.biflowFlagsSuspect++; outcome = u.pkts <= 3 && u.outPkts <= 2 ? 'rejected' : 'partial'; }
      else if ((f & SYN) === 0) { this.biflowFlagsSuspect++; outcome = 'partial'; }
      else outcome = 'established';
    } else outcome = (f & SYN) !== 0 && (f & ACK) === 0 ? 'unanswered' : 'partial';
    const cl = swap ? { ...u, src: u.dst, dst: u.src, sport: u.dport, dport: u.sport } : u;
    const [pc, bc, ps, bs] = swap ? [u.outPkts, u.outBytes, u.pkts, u.bytes] : [u.pkts, u.bytes, u.outPkts, u.outBytes];
    const flow = this.flow(cl, { ...cl, src: cl.dst, dst: cl.src, sport: cl.dport, dport: cl.sport }, outcome, false, pc, bc, ps, bs, f, 0);
    if (outcome === 'unanswered' && pc <= 1) this.later.push(flow);
    else this.sink.flow(flow);
  }

  private emitSingle(u: Uni): void {
    let outcome: FlowRecord['outcome'];
    let guessed = false, reversed = false;
    if (u.proto === 6) {
      const f = u.flags;
      if (!u.hasFlags) outcome = 'unknown';
      else if ((f & SYN) !== 0 && (f & ACK) === 0) outcome = 'unanswered';
      else {
        // ACKs (or a SYN-ACK) prove a peer whose direction was not exported: one-sided. Without a lone
        // SYN, nothing says which end opened: the ports decide.
        outcome = (f & ACK) !== 0 ? 'one-sided' : 'partial';
        guessed = !this.portsDecide(u.proto, u.sport, u.dport);
        reversed = this.serverIsA(u.proto, u.sport, u.dport);
      }
    } else outcome = 'one-way';
    const c: Uni = reversed ? { ...u, src: u.dst, dst: u.src, sport: u.dport, dport: u.sport } : u;
    const [pc, bc, ps, bs] = reversed ? [0, 0, u.pkts, u.bytes] : [u.pkts, u.bytes, 0, 0];
    const flow = this.flow(c, c, outcome, guessed, pc, bc, ps, bs, reversed ? 0 : u.flags, reversed ? u.flags : 0);
    if ((outcome === 'unanswered' && u.pkts <= 1) || u.proto === 17) this.later.push(flow);
    else this.sink.flow(flow);
  }

  private flow(c: Uni, s: Uni, outcome: FlowRecord['outcome'], guessed: boolean, pc: number, bc: number, ps: number, bs: number,
    fc: number, fs: number): FlowRecord {
    this.counts.flows++;
    const proto: FlowProto = c.proto === 6 ? 'tcp' : c.proto === 17 ? 'udp' : c.proto === 1 ? 'icmp' : 'icmp6';
    const first = Math.min(c.first, s.first), last = Math.max(c.last, s.last);
    return {
      id: this.sink.nextId(), proto, family: c.src.family,
      clientIp: c.src.text, serverIp: c.dst.text, clientWords: c.src.words, serverWords: c.dst.words,
      clientPort: c.sport, serverPort: c.dport,
      outcome, end: (fc | fs) & RST ? 'reset' : (fc & FIN) && (fs & FIN) ? 'fin' : 'timeout', guessed,
      packets: { client: pc, server: ps }, bytes: { client: bc, server: bs },
      first: Number.isNaN(first) ? c.first : first, last: Number.isNaN(last) ? c.last : last,
      history: '', flags: { client: fc, server: fs },
      payloadClient: null, payloadServer: null, icmpErrors: NO_ICMP, vlans: NO_VLANS,
      input: this.input, oneSided: outcome === 'one-sided', ackedUnseen: 0, acked: 0, final: true,
    };
  }

  /** End of input: lone directions go out alone; held flows are decided (no-reply-yet, unreachable). */
  finish(): void {
    for (const l of this.held.values()) for (const u of l) this.emitSingle(u);
    this.held.clear();
    this.heldCount = 0;
    this.unreach.apply(this.later);
    for (const f of this.later) {
      const m = this.icmpMsg.get(f);
      if (m !== undefined && m.used) { this.counts.flows--; this.counts.attached++; continue; }
      if (f.outcome === 'unanswered' && this.synGrace > 0 && f.last >= this.last - this.synGrace) f.outcome = 'no-reply-yet';
      this.sink.flow(f);
    }
    this.icmpMsg.clear();
    this.later.length = 0;
  }
}

const NO_ICMP: readonly IcmpErrorSeen[] = Object.freeze([]) as readonly IcmpErrorSeen[];
const NO_VLANS: readonly number[] = Object.freeze([]) as readonly number[];

/** Whether two directions' times overlap (both unknown counts as overlapping; one unknown does not). */
function overlaps(a: Uni, b: Uni): boolean {
  const an = Number.isNaN(a.first), bn = Number.isNaN(b.first);
  if (an || bn) return an && bn;
  return a.first <= b.last + SLACK && b.first <= a.last + SLACK;
}
