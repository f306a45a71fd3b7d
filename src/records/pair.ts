/**
 * Uniflows to bidirectional flows, for every flow-record source that exports one record
 * per direction (nfdump's JSON, NetFlow v5/v9, IPFIX): the two directions of a connection
 * (reversed 5-tuple, overlapping time, one second of slack for NetFlow v9's whole-second
 * header) are paired into one flow. RFC 5103 biflows are one flow already.
 *
 * Outcomes come from the TCP flags each direction ORed together (docs/flow-records.md),
 * never invented:
 *   client SYN and server SYN: established; client SYN, server RST without SYN: rejected;
 *   SYN one way only, no reply: unanswered (one packet within synGrace of the input's end:
 *   no-reply-yet); one way with ACK: one-sided; both ways without SYN: partial; no flags
 *   exported: unknown. Sampled flows are never unanswered or rejected from flags alone
 *   (the missing packets may be the reply): unknown. UDP/ICMP: replied or one-way; a
 *   one-way UDP flow is unreachable when an ICMP(v6) destination-unreachable record
 *   answered it (unreachable-match.ts). A firewall deny event (NSEL) is kept on the flow
 *   (`denied`) and decides its verdict; an ASA teardown with responder bytes is established.
 * Who opened a connection is the side with the only SYN; then an exporter's
 * biflowDirection; when both or neither sent a SYN the ports decide, and the flow is
 * `guessed` unless they are clear (exactly one designed server port, or exactly one below 1024).
 */
import type { FirewallDenial, FlowProto, FlowRecord, IcmpErrorSeen } from '../flow/types.js';
import type { ParsedAddress } from './address-text.js';
import { UnreachableIndex, type UnreachableMsg } from './unreachable-match.js';
import type { RecordCounts, RecordSink } from './source.js';

const FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;
/** Seconds of slack when matching the two directions' times. */
const SLACK = 1;
/** Uniflows held for their reverse direction at most; past it the oldest go out alone. */
const MAX_HELD = 200_000;

/** One direction (or one RFC 5103 biflow) as a source decoded it. */
export interface Uni {
  proto: number;
  src: ParsedAddress;
  dst: ParsedAddress;
  sport: number;
  dport: number;
  /** Seconds since the epoch; NaN when the record has no time. */
  first: number;
  last: number;
  pkts: number;
  bytes: number;
  /** Biflows: the reverse direction's counters (0 for a uniflow). */
  outPkts: number;
  outBytes: number;
  flags: number;
  /** false when no TCP flag is set: the exporter did not send them. */
  hasFlags: boolean;
  /** Biflows whose reverse flags the source kept (IPFIX RFC 5103): those flags; otherwise null (nfdump overwrote them). */
  outFlags: number | null;
  icmpType: number;
  icmpCode: number;
  key: string;
  /** The exporter's packet sampling interval (1 when not sampled). */
  sampling: number;
  /** RFC 5103 biflowDirection (IE 239): 1 initiator is the source, 2 the destination; 0 unknown. */
  direction: number;
  /** VLAN ids of the record, ascending (shared frozen empty array when none). */
  vlans: readonly number[];
  /** A firewall deny event for this connection (NSEL), or null. */
  denied: FirewallDenial | null;
  /** A firewall teardown record that says the responder sent bytes: established without flags. */
  teardownAnswered: boolean;
  /** Index of the source (exporter and domain, or file) in the report's `sources[]`; -1 when none. */
  source: number;
  /** Its name (sourceName of its row); null when none. */
  sourceName: string | null;
}

/** Pairs uniflows into flows and hands them to a sink. */
export class UniflowPairer {
  /** Uniflows waiting for their reverse direction, by 5-tuple "proto|src|sport|dst|dport". */
  private readonly held = new Map<string, Uni[]>();
  private heldCount = 0;
  private readonly unreach = new UnreachableIndex();
  /** The noted unreachable message of each held ICMP flow (dropped when it matched a UDP flow). */
  private readonly icmpMsg = new Map<FlowRecord, UnreachableMsg>();
  /** Finished flows that wait for the end of input (one-way UDP: an unreachable may follow; lone SYNs: near the end?). */
  private readonly later: FlowRecord[] = [];
  /** Latest end time of every record added: the end of the input for the SYN grace. */
  last = NaN;

  constructor(private readonly input: number, private readonly sink: RecordSink, private readonly counts: RecordCounts,
    private readonly synGrace = 3, private readonly hint: Uint8Array | null = null) {}

  /** One decoded record (a uniflow or a biflow). `last` must be set (to `first` when the record has one time only). */
  add(u: Uni): void {
    if (!Number.isNaN(u.last) && !(u.last <= this.last)) this.last = u.last;
    const icmp = u.proto === 1 || u.proto === 58;
    const msg = icmp && UnreachableIndex.isUnreachable(u.src.family, u.icmpType)
      ? this.unreach.note(u.src.text, u.dst.text, u.src.family, u.icmpType, u.icmpCode, u.first, u.pkts, u.sourceName) : null;
    if (msg !== null) {
      // Held to the end with its message: attached to a UDP flow, or a flow of its own.
      const f = this.flow(u, u, 'one-way', false, u.pkts, u.bytes, 0, 0, 0, 0);
      this.icmpMsg.set(f, msg);
      this.later.push(f);
      return;
    }
    if (u.outPkts > 0 || u.outBytes > 0) { this.emitBiflow(u); return; }
    // Exporters send the two directions of a connection next to each other (softflowd, pmacct): the
    // record before this one is checked first, without building keys.
    const prev = this.prev;
    if (prev !== null) {
      this.prev = null;
      if (isReverse(prev, u) && overlaps(prev, u)) { this.emitPair(prev, u); return; }
      this.hold(prev);
    }
    this.prev = u;
  }

  /** The last uniflow added, not yet in `held`. */
  private prev: Uni | null = null;

  /** Looks for the reverse direction among the held uniflows; pairs, or holds `u`. */
  private hold(u: Uni): void {
    const src = u.src.text, dst = u.dst.text;
    u.key = `${u.proto}|${src}|${u.sport}|${dst}|${u.dport}`;
    const rkey = `${u.proto}|${dst}|${u.dport}|${src}|${u.sport}`;
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

  /** The pending last uniflow goes to the held ones (before they are looked through). */
  private settlePrev(): void {
    const p = this.prev;
    if (p !== null) { this.prev = null; this.hold(p); }
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

  /**
   * Two directions of one connection: x and y. `direction` is an exporter's word on who
   * opened it (1: x, 2: y, 0: unknown), used when the flags do not tell.
   */
  private emitPair(x: Uni, y: Uni, direction = 0): void {
    let c = x, s = y, byPorts = true;
    if (x.proto === 6) {
      const xs = (x.flags & SYN) !== 0, ys = (y.flags & SYN) !== 0;
      if (xs !== ys) byPorts = false;
      if (ys && !xs) { c = y; s = x; }
    }
    if (byPorts && direction !== 0) {
      byPorts = false;
      if (direction === 2) { c = y; s = x; }
    }
    // A SYN each way (the usual handshake) says nothing of who sent the first: the ports decide, and the
    // flow counts as guessed only when they are not clear (no designed server port, none below 1024).
    let guessed = false;
    if (byPorts) {
      if (this.serverIsA(x.proto, x.sport, x.dport)) { c = y; s = x; }
      else { c = x; s = y; }
      guessed = !this.portsDecide(x.proto, x.sport, x.dport);
    }
    let outcome: FlowRecord['outcome'];
    const sampled = x.sampling > 1 || y.sampling > 1;
    if (x.proto === 6) {
      const cf = c.flags, sf = s.flags;
      if (!c.hasFlags && !s.hasFlags) outcome = x.teardownAnswered || y.teardownAnswered ? 'established' : 'unknown';
      else if ((cf & SYN) && (sf & SYN)) outcome = 'established';
      else if ((cf & SYN) && (sf & RST)) outcome = sampled ? 'unknown' : 'rejected';
      else outcome = 'partial';
    } else outcome = 'replied';
    this.sink.flow(this.flow(c, s, outcome, guessed, c.pkts, c.bytes, s.pkts, s.bytes, c.flags, s.flags));
  }

  private emitBiflow(u: Uni): void {
    if (u.outFlags !== null) {
      // Both sides' flags are known (IPFIX RFC 5103): the two directions decide like a uniflow pair.
      const rev: Uni = {
        ...u, src: u.dst, dst: u.src, sport: u.dport, dport: u.sport, pkts: u.outPkts, bytes: u.outBytes, outPkts: 0, outBytes: 0,
        flags: u.outFlags, hasFlags: u.outFlags !== 0 || u.hasFlags,
      };
      const fwd: Uni = { ...u, outPkts: 0, outBytes: 0, hasFlags: u.hasFlags || u.outFlags !== 0 };
      if (u.pkts === 0) this.emitSingle(rev);
      else if (u.outPkts === 0) this.emitSingle(fwd);
      else this.emitPair(fwd, rev, u.direction);
      return;
    }
    // RFC 5103: source is the initiator; an exporter that got it backwards shows 0 forward packets.
    const swap = u.pkts === 0 && u.bytes === 0;
    const f = u.flags;
    let outcome: FlowRecord['outcome'];
    if (!u.hasFlags) outcome = u.teardownAnswered ? 'established' : 'unknown';
    else if (u.pkts > 0 && u.outPkts > 0) {
      // nfdump 1.7 lets the reverse flags overwrite the forward ones: a refused SYN shows as ACK+RST, SYN gone.
      if ((f & SYN) === 0 && (f & RST) !== 0) { this.biflowFlagsSuspect++; outcome = u.pkts <= 3 && u.outPkts <= 2 ? 'rejected' : 'partial'; }
      else if ((f & SYN) === 0) { this.biflowFlagsSuspect++; outcome = 'partial'; }
      else outcome = 'established';
    } else outcome = (f & SYN) !== 0 && (f & ACK) === 0 ? 'unanswered' : 'partial';
    if (u.sampling > 1 && (outcome === 'unanswered' || outcome === 'rejected')) outcome = 'unknown';
    const cl = swap ? { ...u, src: u.dst, dst: u.src, sport: u.dport, dport: u.sport } : u;
    const [pc, bc, ps, bs] = swap ? [u.outPkts, u.outBytes, u.pkts, u.bytes] : [u.pkts, u.bytes, u.outPkts, u.outBytes];
    const flow = this.flow(cl, { ...cl, src: cl.dst, dst: cl.src, sport: cl.dport, dport: cl.sport }, outcome, false, pc, bc, ps, bs, f, 0);
    if (outcome === 'unanswered' && pc <= 1) this.later.push(flow);
    else this.sink.flow(flow);
  }

  /** Biflows whose TCP flags look like the reverse direction's only (nfdump 1.7 overwrites the forward flags). */
  biflowFlagsSuspect = 0;

  private emitSingle(u: Uni): void {
    let outcome: FlowRecord['outcome'];
    let guessed = false, reversed = false;
    if (u.proto === 6) {
      const f = u.flags;
      if (!u.hasFlags) outcome = u.teardownAnswered ? 'established' : 'unknown';
      else if ((f & SYN) !== 0 && (f & ACK) === 0) outcome = u.sampling > 1 ? 'unknown' : 'unanswered';
      else {
        // ACKs (or a SYN-ACK) prove a peer whose direction was not exported: one-sided. Without a lone
        // SYN, nothing says which end opened: the ports decide.
        outcome = (f & ACK) !== 0 ? 'one-sided' : 'partial';
        guessed = !this.portsDecide(u.proto, u.sport, u.dport);
        reversed = this.serverIsA(u.proto, u.sport, u.dport);
      }
    } else outcome = 'one-way';
    if (u.denied !== null && u.proto === 6 && !u.hasFlags) guessed = false;
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
    const f: FlowRecord = {
      id: this.sink.nextId(), proto, family: c.src.family,
      clientIp: c.src.text, serverIp: c.dst.text, clientWords: c.src.words, serverWords: c.dst.words,
      clientPort: c.sport, serverPort: c.dport,
      outcome, end: (fc | fs) & RST ? 'reset' : (fc & FIN) && (fs & FIN) ? 'fin' : 'timeout', guessed,
      packets: { client: pc, server: ps }, bytes: { client: bc, server: bs },
      first: Number.isNaN(first) ? c.first : first, last: Number.isNaN(last) ? c.last : last,
      history: '', flags: { client: fc, server: fs },
      payloadClient: null, payloadServer: null, icmpErrors: NO_ICMP,
      vlans: c.vlans.length > 0 ? c.vlans : s.vlans,
      input: this.input, oneSided: outcome === 'one-sided', ackedUnseen: 0, acked: 0, final: true,
    };
    const denied = c.denied ?? s.denied;
    if (denied !== null) f.denied = denied;
    if (c.sampling > 1 || s.sampling > 1) f.sampling = Math.max(c.sampling, s.sampling);
    if (c.sourceName !== null || s.sourceName !== null) {
      f.sources = c.sourceName !== null && s.sourceName !== null && c.source !== s.source
        ? (c.source < s.source ? [c.sourceName, s.sourceName] : [s.sourceName, c.sourceName])
        : [c.sourceName ?? s.sourceName!];
    }
    return f;
  }

  /**
   * Uniflows that ended before `t` and still wait for their reverse direction go out alone,
   * and flows waiting for the end that ended before `t` are decided now (long runs of the
   * collector: memory stays bounded by what is recent).
   */
  expire(t: number): void {
    this.settlePrev();
    for (const [k, l] of this.held) {
      const keep = l.filter((u) => !(u.last < t));
      if (keep.length === l.length) continue;
      for (const u of l) if (u.last < t) { this.heldCount--; this.emitSingle(u); }
      if (keep.length === 0) this.held.delete(k);
      else this.held.set(k, keep);
    }
    const old = this.later.filter((f) => f.last < t);
    if (old.length === 0) return;
    const recent = this.later.filter((f) => !(f.last < t));
    this.later.length = 0;
    this.later.push(...old);
    this.decideLater();
    this.later.push(...recent);
  }

  /** End of input: lone directions go out alone; held flows are decided (no-reply-yet, unreachable). */
  finish(): void {
    this.settlePrev();
    for (const l of this.held.values()) for (const u of l) this.emitSingle(u);
    this.held.clear();
    this.heldCount = 0;
    this.decideLater();
  }

  /** Decides the flows waiting in `later` (unreachable matching, no-reply-yet) and hands them on. */
  private decideLater(): void {
    this.unreach.apply(this.later);
    for (const f of this.later) {
      const m = this.icmpMsg.get(f);
      if (m !== undefined) this.icmpMsg.delete(f);
      if (m !== undefined && m.used) { this.counts.flows--; this.counts.attached++; continue; }
      if (f.outcome === 'unanswered' && this.synGrace > 0 && f.last >= this.last - this.synGrace) f.outcome = 'no-reply-yet';
      this.sink.flow(f);
    }
    this.later.length = 0;
  }

}

const NO_ICMP: readonly IcmpErrorSeen[] = Object.freeze([]) as readonly IcmpErrorSeen[];
/** The shared empty VLAN list. */
export const NO_VLANS: readonly number[] = Object.freeze([]) as readonly number[];

/** Whether b is a's connection the other way (same transport, addresses and ports swapped). */
function isReverse(a: Uni, b: Uni): boolean {
  if (a.proto !== b.proto || a.sport !== b.dport || a.dport !== b.sport || a.src.family !== b.src.family) return false;
  const aw = a.src.words, bw = b.dst.words, cw = a.dst.words, dw = b.src.words;
  for (let i = 0; i < aw.length; i++) if (aw[i] !== bw[i] || cw[i] !== dw[i]) return false;
  return true;
}

/** Whether two directions' times overlap (both unknown counts as overlapping; one unknown does not). */
function overlaps(a: Uni, b: Uni): boolean {
  const an = Number.isNaN(a.first), bn = Number.isNaN(b.first);
  if (an || bn) return an && bn;
  return a.first <= b.last + SLACK && b.first <= a.last + SLACK;
}
