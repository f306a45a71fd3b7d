/**
 * The bidirectional flow table (issue 3), built for the hot path (issue 6).
 *
 * Every per-flow field lives in a typed array indexed by a slot number; a
 * linear-probing index (Int32Array of slot+1, 0 = empty) maps a symmetric
 * numeric hash of (protocol, both address:port ends) to the slot. Expiry uses
 * one intrusive LRU list per timeout class, ordered by a monotonic capture
 * clock, so the oldest flow of each class is always at the head. Nothing on the
 * common per-packet path allocates: records, strings and arrays are built once,
 * when a flow is emitted. Vocabulary and rules: docs/flows.md.
 */
import {
  DecodedPacket, L4_ICMP, L4_ICMP6, L4_TCP, L4_UDP,
  TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN,
} from '../decode/packet.js';
import type { FlowEnd, FlowOutcome, FlowProto, FlowRecord, FlowStats, IcmpErrorSeen } from './types.js';
import { formatIp } from '../decode/ip-format.js';

/** Tuning of the flow table; every field has the default from issue 3. */
export interface FlowTableOptions {
  /** Idle timeout of an open TCP flow, seconds of capture time (300). */
  tcpTimeout?: number;
  /** Idle timeout after a FIN or RST was seen (60). */
  tcpClosedTimeout?: number;
  /** Idle timeout of a UDP flow (60). */
  udpTimeout?: number;
  /** Idle timeout of an ICMP/ICMPv6 flow (60). */
  icmpTimeout?: number;
  /** Live flows kept at most; past it the oldest idle flow is evicted and counted (1,000,000). */
  maxFlows?: number;
  /** A SYN with no reply this close to the end of input is `no-reply-yet`, not `unanswered` (3). */
  synGrace?: number;
  /** 65536 entries: bit 1 = designed TCP server port, bit 2 = designed UDP server port (direction guessing). */
  serverPortHint?: Uint8Array;
}

// Timeout classes: each has its own LRU list so that its head is its oldest flow.
const C_TCP = 0, C_TCP_CLOSED = 1, C_UDP = 2, C_ICMP = 3, N_CLASSES = 4;

// History letters, per side: bit index = side * 6 + letter.
const H_S = 1, H_H = 2, H_A = 4, H_D = 8, H_F = 16, H_R = 32;
const LETTERS = 'SHADFR';
const HIST_MAX = 12;

// Flow state bits (st).
const ST_DECIDED = 1;       // client known from a SYN / SYN-ACK / first datagram
const ST_CLIENT_B = 2;      // the client is side B (the side that did not send the first packet)
const ST_ACKNS_A = 4;       // side A sent an ACK-bearing non-SYN packet
const ST_ACKNS_B = 8;
const ST_HI_A = 16;         // side A's highest sequence end is known
const ST_HI_B = 32;
const ST_ACK_A = 64;        // side A's ACK baseline is known
const ST_ACK_B = 128;
const ST_CLOSED = 256;      // FIN both ways or RST: a new SYN starts a new flow
const ST_SYNSEQ = 512;      // synSeq holds the client's first SYN sequence number
const ST_PAY_A = 1024;      // payload of side A's first data packet captured
const ST_PAY_B = 2048;
const ST_UNREACH = 4096;    // a destination-unreachable quoted this flow

const PAYLOAD_MAX = 64;
const VLANS_MAX = 4;
// Sequence/ack jumps beyond this are treated as garbage or a new baseline, not as data.
const SEQ_SANE = 0x40000000;
const FRAG_MAX = 4096;
const FRAG_TTL = 60;
const INITIAL_CAPACITY = 1024;

type EmitReason = 'timeout' | 'evicted' | 'open' | 'reuse';

interface IcmpErrorEntry {
  family: 4 | 6; type: number; code: number; version: 4 | 6;
  w0: number; w1: number; w2: number; w3: number; count: number;
}

interface FragEntry { slot: number; id: number; dir: number; ts: number }

/** Mixes one 32-bit value (murmur3 finaliser); used only on numbers, never strings. */
function mix32(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function isIcmpErrorType(l4: number, type: number): boolean {
  // RFC 792 (3, 4, 5, 11, 12) and RFC 4443 §2.1 (types 1-4 are errors; < 128).
  return l4 === L4_ICMP ? (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) : (type >= 1 && type <= 4);
}

/**
 * The flow table: feed it decoded packets with `add`, get a FlowRecord through
 * `onFlow` whenever a flow ends (and every live flow at `flush`).
 */
export class FlowTable {
  private readonly tcpTimeout: number;
  private readonly tcpClosedTimeout: number;
  private readonly udpTimeout: number;
  private readonly icmpTimeout: number;
  private readonly maxFlows: number;
  private readonly synGrace: number;
  private readonly hint: Uint8Array | null;
  private readonly timeouts: Float64Array;
  private readonly onFlow: (f: FlowRecord) => void;

  private cap = 0;
  private mask = 0;
  private index = new Int32Array(0);
  private hash = new Int32Array(0);
  private proto = new Uint8Array(0);
  private ver = new Uint8Array(0);
  private ka = new Uint32Array(0);
  private kb = new Uint32Array(0);
  private pa = new Uint16Array(0);
  private pb = new Uint16Array(0);
  private ids = new Float64Array(0);
  private inputIdx = new Int32Array(0);
  private st = new Uint32Array(0);
  private hbits = new Uint16Array(0);
  private hseq = new Uint8Array(0);
  private hlen = new Uint8Array(0);
  private pkts = new Float64Array(0);
  private byt = new Float64Array(0);
  private tFirst = new Float64Array(0);
  private tLast = new Float64Array(0);
  private sideLast = new Float64Array(0);
  private touchT = new Float64Array(0);
  private fl = new Uint8Array(0);
  private hi = new Uint32Array(0);
  private lastAck = new Uint32Array(0);
  private ackedB = new Float64Array(0);
  private unseenB = new Float64Array(0);
  private gapB = new Float64Array(0);
  private synSeq = new Uint32Array(0);
  private pay = new Uint8Array(0);
  private payLen = new Uint8Array(0);
  private vl = new Int16Array(0);
  private cls = new Uint8Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private freeList = new Int32Array(0);
  private freeTop = 0;
  private readonly heads = new Int32Array(N_CLASSES).fill(-1);
  private readonly tails = new Int32Array(N_CLASSES).fill(-1);

  private live = 0;
  private nextId = 0;
  private clock = -Infinity;
  private evictedCount = 0;
  private icmpUnmatched = 0;
  private fragUnmatched = 0;
  // Emitted-TCP accumulators for stats().
  private tcpDone = 0;
  private tcpBothDone = 0;
  private ackedDone = 0;
  private unseenDone = 0;

  // Result registers of find(), so that lookups return one number and allocate nothing.
  private foundDir = 0;
  private foundHash = 0;

  // Rare paths: a Map is fine there (bounded).
  private readonly icmpErrs = new Map<number, IcmpErrorEntry[]>();
  private readonly frags = new Map<string, FragEntry>();

  /** Creates a table; `onFlow` receives each flow synchronously when it ends. */
  constructor(opts: FlowTableOptions, onFlow: (f: FlowRecord) => void) {
    this.tcpTimeout = opts.tcpTimeout ?? 300;
    this.tcpClosedTimeout = opts.tcpClosedTimeout ?? 60;
    this.udpTimeout = opts.udpTimeout ?? 60;
    this.icmpTimeout = opts.icmpTimeout ?? 60;
    this.maxFlows = Math.max(1, Math.floor(opts.maxFlows ?? 1_000_000));
    this.synGrace = opts.synGrace ?? 3;
    this.hint = opts.serverPortHint ?? null;
    this.timeouts = new Float64Array([this.tcpTimeout, this.tcpClosedTimeout, this.udpTimeout, this.icmpTimeout]);
    this.onFlow = onFlow;
    this.grow(Math.min(this.maxFlows, INITIAL_CAPACITY));
  }

  /** Number of flows currently held. */
  get liveCount(): number { return this.live; }

  /** Slots allocated right now (grows by doubling, never past maxFlows): the memory bound. */
  get capacity(): number { return this.cap; }

  /** Capture time of the newest packet seen (monotonic: a packet from the past does not move it back). */
  get lastTime(): number { return this.clock === -Infinity ? 0 : this.clock; }

  /**
   * One decoded packet (reused by the caller) from input number `input`.
   * Synchronous and allocation-free on the common path; may emit flows that
   * ended (timeouts, evictions, port reuse) before returning.
   */
  add(p: DecodedPacket, input: number): void {
    const ts = p.ts;
    if (ts > this.clock) this.clock = ts;
    this.expire();
    if (p.isFragment && p.fragOffset > 0) { this.addFragment(p); return; }
    const l4 = p.l4;
    let sp = 0, dp = 0;
    if (l4 === L4_TCP || l4 === L4_UDP) {
      sp = p.srcPort; dp = p.dstPort;
    } else if (l4 === L4_ICMP || l4 === L4_ICMP6) {
      if (p.quoted || isIcmpErrorType(l4, p.icmpType)) { this.icmpError(p); return; }
    } else {
      return;
    }
    const v = p.ipVersion;
    let slot = this.find(l4, v, p.src0, p.src1, p.src2, p.src3, p.dst0, p.dst1, p.dst2, p.dst3, sp, dp);
    let dir = this.foundDir;
    const flags = l4 === L4_TCP ? p.tcpFlags : 0;
    if (slot >= 0 && (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && (this.st[slot] & ST_CLOSED) !== 0
      && !((this.st[slot] & ST_SYNSEQ) !== 0 && this.synSeq[slot] === (p.tcpSeq >>> 0))) {
      // Port reuse after close, as Wireshark's tcp.stream: the old connection is over.
      this.emit(slot, 'reuse');
      slot = -1;
    }
    if (slot < 0) {
      slot = this.create(l4, v, p, sp, dp, input, this.foundHash);
      dir = 0;
    }
    this.update(slot, dir, p, flags, l4);
    if (p.isFragment) this.rememberFirstFragment(p, slot, dir);
  }

  /** End of all input: emit every live flow in id order (SYN grace measured from `lastTime`). */
  flush(): void {
    const slots: number[] = [];
    for (let c = 0; c < N_CLASSES; c++) {
      for (let s = this.heads[c]; s >= 0; s = this.next[s]) slots.push(s);
    }
    slots.sort((x, y) => this.ids[x] - this.ids[y]);
    for (const s of slots) this.emit(s, 'open');
    this.frags.clear();
  }

  /** Table-level numbers: emitted flows plus the live ones at this moment. */
  stats(): FlowStats {
    let tcp = this.tcpDone, both = this.tcpBothDone, acked = this.ackedDone, unseen = this.unseenDone;
    for (let c = 0; c < N_CLASSES; c++) {
      if (c !== C_TCP && c !== C_TCP_CLOSED) continue;
      for (let s = this.heads[c]; s >= 0; s = this.next[s]) {
        tcp++;
        if (this.pkts[s * 2] > 0 && this.pkts[s * 2 + 1] > 0) both++;
        const a = this.ackedB[s * 2] + this.ackedB[s * 2 + 1];
        acked += a;
        unseen += this.unseenOf(s, a);
      }
    }
    return {
      flows: this.nextId,
      evicted: this.evictedCount,
      live: this.live,
      oneSidedShare: tcp > 0 ? (tcp - both) / tcp : null,
      bothWaysShare: tcp > 0 ? both / tcp : null,
      lossEstimate: acked > 0 ? unseen / acked : null,
      icmpUnmatched: this.icmpUnmatched,
      fragmentsUnmatched: this.fragUnmatched,
    };
  }

  /** Live flows as non-final records, the `n` busiest by bytes (ties: lower id first). */
  top(n: number): FlowRecord[] {
    if (n <= 0) return [];
    const best: number[] = [];
    for (let c = 0; c < N_CLASSES; c++) {
      for (let s = this.heads[c]; s >= 0; s = this.next[s]) {
        if (best.length === n && !this.busier(s, best[n - 1])) continue;
        let i = best.length === n ? n - 1 : best.length;
        if (best.length < n) best.push(s);
        while (i > 0 && this.busier(s, best[i - 1])) { best[i] = best[i - 1]; i--; }
        best[i] = s;
      }
    }
    return best.map((s) => this.record(s, 'open', false));
  }

  // ---------------------------------------------------------------- lookup

  private busier(x: number, y: number): boolean {
    const bx = this.byt[x * 2] + this.byt[x * 2 + 1], by = this.byt[y * 2] + this.byt[y * 2 + 1];
    return bx > by || (bx === by && this.ids[x] < this.ids[y]);
  }

  /**
   * Finds the flow of (proto, src, dst, sport, dport) in either orientation.
   * Returns the slot or -1; sets foundDir (0 = sent by side A) and foundHash.
   */
  private find(l4: number, v: number, s0: number, s1: number, s2: number, s3: number,
    d0: number, d1: number, d2: number, d3: number, sp: number, dp: number): number {
    s0 >>>= 0; s1 >>>= 0; s2 >>>= 0; s3 >>>= 0; d0 >>>= 0; d1 >>>= 0; d2 >>>= 0; d3 >>>= 0;
    // Each end hashes alone and the two are added, so both directions hash alike.
    const hs = mix32(s0 ^ Math.imul(s1, 0x9e3779b1) ^ Math.imul(s2, 0x7feb352d) ^ Math.imul(s3, 0x846ca68b) ^ Math.imul(sp + 1, 0x27d4eb2f));
    const hd = mix32(d0 ^ Math.imul(d1, 0x9e3779b1) ^ Math.imul(d2, 0x7feb352d) ^ Math.imul(d3, 0x846ca68b) ^ Math.imul(dp + 1, 0x27d4eb2f));
    const h = mix32((hs + hd) ^ Math.imul(l4 + (v << 8), 0x165667b1));
    this.foundHash = h;
    const index = this.index, mask = this.mask, ka = this.ka, kb = this.kb;
    let i = h & mask;
    for (;;) {
      const e = index[i];
      if (e === 0) return -1;
      const s = e - 1;
      if (this.hash[s] === h && this.proto[s] === l4 && this.ver[s] === v) {
        const k = s * 4;
        if (ka[k] === s0 && ka[k + 1] === s1 && ka[k + 2] === s2 && ka[k + 3] === s3 && this.pa[s] === sp
          && kb[k] === d0 && kb[k + 1] === d1 && kb[k + 2] === d2 && kb[k + 3] === d3 && this.pb[s] === dp) {
          this.foundDir = 0; return s;
        }
        if (kb[k] === s0 && kb[k + 1] === s1 && kb[k + 2] === s2 && kb[k + 3] === s3 && this.pb[s] === sp
          && ka[k] === d0 && ka[k + 1] === d1 && ka[k + 2] === d2 && ka[k + 3] === d3 && this.pa[s] === dp) {
          this.foundDir = 1; return s;
        }
      }
      i = (i + 1) & mask;
    }
  }

  private indexInsert(slot: number, h: number): void {
    const mask = this.mask;
    let i = h & mask;
    while (this.index[i] !== 0) i = (i + 1) & mask;
    this.index[i] = slot + 1;
  }

  /** Backward-shift deletion (linear probing without tombstones). */
  private indexRemove(slot: number): void {
    const index = this.index, mask = this.mask;
    let i = this.hash[slot] & mask;
    while (index[i] !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j];
      if (e === 0) break;
      const k = this.hash[e - 1] & mask;
      // Move e back to the hole unless its home lies cyclically in (i, j].
      const inRange = i <= j ? (k > i && k <= j) : (k > i || k <= j);
      if (!inRange) { index[i] = e; i = j; }
    }
    index[i] = 0;
  }

  // ---------------------------------------------------------------- slots

  private grow(newCap: number): void {
    const old = this.cap;
    const g8 = (a: Uint8Array, per: number) => { const b = new Uint8Array(newCap * per); b.set(a); return b; };
    const g16 = (a: Uint16Array, per: number) => { const b = new Uint16Array(newCap * per); b.set(a); return b; };
    const g32 = (a: Uint32Array, per: number) => { const b = new Uint32Array(newCap * per); b.set(a); return b; };
    const gi32 = (a: Int32Array, per: number) => { const b = new Int32Array(newCap * per); b.set(a); return b; };
    const gf = (a: Float64Array, per: number) => { const b = new Float64Array(newCap * per); b.set(a); return b; };
    this.hash = gi32(this.hash, 1); this.proto = g8(this.proto, 1); this.ver = g8(this.ver, 1);
    this.ka = g32(this.ka, 4); this.kb = g32(this.kb, 4); this.pa = g16(this.pa, 1); this.pb = g16(this.pb, 1);
    this.ids = gf(this.ids, 1); this.inputIdx = gi32(this.inputIdx, 1); this.st = g32(this.st, 1);
    this.hbits = g16(this.hbits, 1); this.hseq = g8(this.hseq, HIST_MAX); this.hlen = g8(this.hlen, 1);
    this.pkts = gf(this.pkts, 2); this.byt = gf(this.byt, 2); this.tFirst = gf(this.tFirst, 1); this.tLast = gf(this.tLast, 1);
    this.sideLast = gf(this.sideLast, 2); this.touchT = gf(this.touchT, 1); this.fl = g8(this.fl, 2);
    this.hi = g32(this.hi, 2); this.lastAck = g32(this.lastAck, 2); this.ackedB = gf(this.ackedB, 2);
    this.unseenB = gf(this.unseenB, 2); this.gapB = gf(this.gapB, 2); this.synSeq = g32(this.synSeq, 1);
    this.pay = g8(this.pay, 2 * PAYLOAD_MAX); this.payLen = g8(this.payLen, 2);
    const vl = new Int16Array(newCap * VLANS_MAX).fill(-1); vl.set(this.vl); this.vl = vl;
    this.cls = g8(this.cls, 1); this.prev = gi32(this.prev, 1); this.next = gi32(this.next, 1);
    // Free slots are popped from the top: push the new ones highest first so the lowest is used first.
    const fr = new Int32Array(newCap); fr.set(this.freeList.subarray(0, this.freeTop));
    for (let s = newCap - 1; s >= old; s--) fr[this.freeTop++] = s;
    this.freeList = fr;
    this.cap = newCap;
    let size = 16;
    while (size < newCap * 2) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    for (let c = 0; c < N_CLASSES; c++) {
      for (let s = this.heads[c]; s >= 0; s = this.next[s]) this.indexInsert(s, this.hash[s]);
    }
  }

  private create(l4: number, v: number, p: DecodedPacket, sp: number, dp: number, input: number, h: number): number {
    if (this.live >= this.maxFlows) this.evictOldest();
    if (this.freeTop === 0) this.grow(Math.min(this.maxFlows, this.cap * 2));
    const s = this.freeList[--this.freeTop];
    this.live++;
    this.hash[s] = h; this.proto[s] = l4; this.ver[s] = v;
    const k = s * 4;
    this.ka[k] = p.src0 >>> 0; this.ka[k + 1] = p.src1 >>> 0; this.ka[k + 2] = p.src2 >>> 0; this.ka[k + 3] = p.src3 >>> 0;
    this.kb[k] = p.dst0 >>> 0; this.kb[k + 1] = p.dst1 >>> 0; this.kb[k + 2] = p.dst2 >>> 0; this.kb[k + 3] = p.dst3 >>> 0;
    this.pa[s] = sp; this.pb[s] = dp;
    this.ids[s] = this.nextId++;
    this.inputIdx[s] = input;
    // UDP and ICMP: the first datagram's sender is the client; TCP waits for a SYN.
    this.st[s] = l4 === L4_TCP ? 0 : ST_DECIDED;
    this.hbits[s] = 0; this.hlen[s] = 0;
    const d = s * 2;
    this.pkts[d] = 0; this.pkts[d + 1] = 0; this.byt[d] = 0; this.byt[d + 1] = 0;
    this.tFirst[s] = p.ts; this.tLast[s] = p.ts; this.sideLast[d] = p.ts; this.sideLast[d + 1] = p.ts;
    this.fl[d] = 0; this.fl[d + 1] = 0;
    this.hi[d] = 0; this.hi[d + 1] = 0; this.lastAck[d] = 0; this.lastAck[d + 1] = 0;
    this.ackedB[d] = 0; this.ackedB[d + 1] = 0; this.unseenB[d] = 0; this.unseenB[d + 1] = 0;
    this.gapB[d] = 0; this.gapB[d + 1] = 0; this.synSeq[s] = 0;
    this.payLen[d] = 0; this.payLen[d + 1] = 0;
    const vk = s * VLANS_MAX;
    for (let i = 0; i < VLANS_MAX; i++) this.vl[vk + i] = -1;
    this.indexInsert(s, h);
    const c = l4 === L4_TCP ? C_TCP : l4 === L4_UDP ? C_UDP : C_ICMP;
    this.cls[s] = c;
    this.prev[s] = -1; this.next[s] = -1;
    this.append(s, c);
    return s;
  }

  private free(s: number): void {
    this.unlink(s);
    this.indexRemove(s);
    this.proto[s] = 0;
    this.freeList[this.freeTop++] = s;
    this.live--;
    if (this.icmpErrs.size !== 0) this.icmpErrs.delete(s);
  }

  // ---------------------------------------------------------------- LRU lists

  private append(s: number, c: number): void {
    const t = this.tails[c];
    this.prev[s] = t; this.next[s] = -1;
    if (t >= 0) this.next[t] = s; else this.heads[c] = s;
    this.tails[c] = s;
  }

  private unlink(s: number): void {
    const c = this.cls[s], pv = this.prev[s], nx = this.next[s];
    if (pv >= 0) this.next[pv] = nx; else this.heads[c] = nx;
    if (nx >= 0) this.prev[nx] = pv; else this.tails[c] = pv;
  }

  private touch(s: number, c: number): void {
    this.touchT[s] = this.clock;
    if (this.cls[s] === c && this.tails[c] === s) return;
    this.unlink(s);
    this.cls[s] = c;
    this.append(s, c);
  }

  private expire(): void {
    const now = this.clock;
    for (let c = 0; c < N_CLASSES; c++) {
      const limit = this.timeouts[c];
      let s = this.heads[c];
      while (s >= 0 && this.touchT[s] + limit < now) {
        this.emit(s, 'timeout');
        s = this.heads[c];
      }
    }
  }

  private evictOldest(): void {
    let victim = -1;
    for (let c = 0; c < N_CLASSES; c++) {
      const s = this.heads[c];
      if (s >= 0 && (victim < 0 || this.touchT[s] < this.touchT[victim])) victim = s;
    }
    if (victim >= 0) { this.evictedCount++; this.emit(victim, 'evicted'); }
  }

  // ---------------------------------------------------------------- per packet

  private update(s: number, dir: number, p: DecodedPacket, flags: number, l4: number): void {
    const o = s * 2 + dir;
    const ts = p.ts;
    this.pkts[o]++;
    this.byt[o] += p.origLen;
    if (ts < this.tFirst[s]) this.tFirst[s] = ts;
    if (ts > this.tLast[s]) this.tLast[s] = ts;
    if (this.pkts[o] === 1 || ts > this.sideLast[o]) this.sideLast[o] = ts;
    if (p.vlanCount > 0) this.noteVlan(s, p.vlan0);
    const plen = p.payloadLength;
    if (plen > 0 && (this.st[s] & (ST_PAY_A << dir)) === 0) this.copyPayload(s, dir, p);
    let c: number;
    if (l4 === L4_TCP) {
      this.tcp(s, dir, p, flags, plen);
      c = (this.hbits[s] & ((H_F | H_R) * 65)) !== 0 ? C_TCP_CLOSED : C_TCP;
    } else {
      if (plen > 0) this.letter(s, dir, H_D);
      c = l4 === L4_UDP ? C_UDP : C_ICMP;
    }
    this.touch(s, c);
  }

  private tcp(s: number, dir: number, p: DecodedPacket, flags: number, plen: number): void {
    this.fl[s * 2 + dir] |= flags;
    let bits = 0;
    if ((flags & TCP_SYN) !== 0) bits |= (flags & TCP_ACK) !== 0 ? H_H : H_S;
    if ((flags & TCP_FIN) !== 0) bits |= H_F;
    if ((flags & TCP_RST) !== 0) bits |= H_R;
    if (plen > 0) bits |= H_D;
    else if ((flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && (flags & TCP_ACK) !== 0) bits |= H_A;
    if (bits !== 0) this.letter(s, dir, bits);
    let st = this.st[s];
    if ((flags & TCP_SYN) !== 0) {
      if ((st & ST_DECIDED) === 0) {
        // SYN: its sender is the client. SYN-ACK seen first: its receiver is.
        const clientSide = (flags & TCP_ACK) !== 0 ? 1 - dir : dir;
        st |= ST_DECIDED | (clientSide === 1 ? ST_CLIENT_B : 0);
      }
      if ((flags & TCP_ACK) === 0 && (st & ST_SYNSEQ) === 0) { st |= ST_SYNSEQ; this.synSeq[s] = p.tcpSeq >>> 0; }
    } else if ((flags & TCP_ACK) !== 0) {
      st |= ST_ACKNS_A << dir;
    }
    const hb = this.hbits[s];
    if ((hb & (H_R | (H_R << 6))) !== 0 || ((hb & H_F) !== 0 && (hb & (H_F << 6)) !== 0)) st |= ST_CLOSED;
    if ((flags & TCP_RST) === 0) st = this.seqAck(s, dir, p, flags, plen, st);
    this.st[s] = st;
  }

  /**
   * Capture-loss bookkeeping (RFC 9293 §3.4 sequence space, mod 2^32): the
   * highest sequence end each side was seen sending, holes in it, and how far
   * each side's ACK advanced beyond what its peer was seen sending.
   */
  private seqAck(s: number, dir: number, p: DecodedPacket, flags: number, plen: number, st: number): number {
    const o = s * 2 + dir, q = s * 2 + 1 - dir;
    const seq = p.tcpSeq >>> 0;
    const end = (seq + plen + ((flags & TCP_SYN) !== 0 ? 1 : 0) + ((flags & TCP_FIN) !== 0 ? 1 : 0)) >>> 0;
    const hiBit = ST_HI_A << dir;
    if ((st & hiBit) === 0 || (flags & TCP_SYN) !== 0) {
      this.hi[o] = end; st |= hiBit;
    } else {
      const gap = (seq - this.hi[o]) | 0;
      if (gap > 0 && gap < SEQ_SANE) this.gapB[o] += gap;
      const adv = (end - this.hi[o]) | 0;
      if (adv > 0 && adv < SEQ_SANE) this.hi[o] = end;
    }
    if ((flags & TCP_ACK) !== 0) {
      const ack = p.tcpAck >>> 0;
      const ackBit = ST_ACK_A << dir;
      if ((st & ackBit) === 0) {
        this.lastAck[o] = ack; st |= ackBit;
      } else {
        const d = (ack - this.lastAck[o]) | 0;
        if (d > 0 && d < SEQ_SANE) {
          this.ackedB[o] += d;
          let unseen = d;
          if ((st & (ST_HI_A << (1 - dir))) !== 0) {
            // Only the part of the newly acknowledged range above the peer's highest seen byte is unseen.
            const above = (ack - this.hi[q]) | 0;
            unseen = above <= 0 ? 0 : above < d ? above : d;
          }
          this.unseenB[o] += unseen;
          this.lastAck[o] = ack;
        } else if (d >= SEQ_SANE || d <= -SEQ_SANE) {
          this.lastAck[o] = ack;
        }
      }
    }
    return st;
  }

  private letter(s: number, dir: number, bits: number): void {
    const hb = this.hbits[s];
    const shifted = bits << (dir * 6);
    if ((hb & shifted) === shifted) return;
    const n = this.hlen[s];
    let len = n;
    for (let i = 0; i < 6; i++) {
      const b = (1 << i) << (dir * 6);
      if ((shifted & b) !== 0 && (hb & b) === 0 && len < HIST_MAX) this.hseq[s * HIST_MAX + len++] = dir * 6 + i;
    }
    this.hlen[s] = len;
    this.hbits[s] = hb | shifted;
  }

  private noteVlan(s: number, id: number): void {
    const k = s * VLANS_MAX;
    for (let i = 0; i < VLANS_MAX; i++) {
      const v = this.vl[k + i];
      if (v === id) return;
      if (v === -1) { this.vl[k + i] = id; return; }
    }
  }

  private copyPayload(s: number, dir: number, p: DecodedPacket): void {
    const n = Math.max(0, Math.min(PAYLOAD_MAX, p.payloadCaptured, p.buf.length - p.payloadOffset));
    const at = (s * 2 + dir) * PAYLOAD_MAX;
    for (let i = 0; i < n; i++) this.pay[at + i] = p.buf[p.payloadOffset + i];
    this.payLen[s * 2 + dir] = n;
    this.st[s] |= ST_PAY_A << dir;
  }

  // ---------------------------------------------------------------- rare paths

  private fragKey(p: DecodedPacket): string {
    return p.ipVersion === 4
      ? `4 ${p.src0} ${p.dst0} ${p.ipProto} ${p.ipId}`
      : `6 ${p.src0} ${p.src1} ${p.src2} ${p.src3} ${p.dst0} ${p.dst1} ${p.dst2} ${p.dst3} ${p.ipProto} ${p.ipId}`;
  }

  /** Later fragments (RFC 791 §3.2, RFC 8200 §4.5) count toward the flow of their first fragment. */
  private addFragment(p: DecodedPacket): void {
    const e = this.frags.get(this.fragKey(p));
    if (e === undefined || this.ids[e.slot] !== e.id || this.proto[e.slot] === 0 || p.ts - e.ts > FRAG_TTL) {
      this.fragUnmatched++;
      return;
    }
    const s = e.slot, o = s * 2 + e.dir;
    this.pkts[o]++;
    this.byt[o] += p.origLen;
    if (p.ts > this.tLast[s]) this.tLast[s] = p.ts;
    if (p.ts > this.sideLast[o]) this.sideLast[o] = p.ts;
    if (p.vlanCount > 0) this.noteVlan(s, p.vlan0);
    this.touch(s, this.cls[s]);
  }

  private rememberFirstFragment(p: DecodedPacket, s: number, dir: number): void {
    const key = this.fragKey(p);
    this.frags.delete(key);
    if (this.frags.size >= FRAG_MAX) this.frags.delete(this.frags.keys().next().value as string);
    this.frags.set(key, { slot: s, id: this.ids[s], dir, ts: p.ts });
  }

  /** An ICMP/ICMPv6 error: attach it to the flow its quoted header belongs to (RFC 792, RFC 4443 §2.4). */
  private icmpError(p: DecodedPacket): void {
    if (!p.quoted) { this.icmpUnmatched++; return; }
    const qp = p.qProto;
    const l4 = qp === 6 ? L4_TCP : qp === 17 ? L4_UDP : qp === 1 ? L4_ICMP : qp === 58 ? L4_ICMP6 : 0;
    const tcpUdp = l4 === L4_TCP || l4 === L4_UDP;
    if (l4 === 0 || (tcpUdp && (p.qSrcPort < 0 || p.qDstPort < 0))) { this.icmpUnmatched++; return; }
    const s = this.find(l4, p.qIpVersion, p.qSrc0, p.qSrc1, p.qSrc2, p.qSrc3, p.qDst0, p.qDst1, p.qDst2, p.qDst3,
      tcpUdp ? p.qSrcPort : 0, tcpUdp ? p.qDstPort : 0);
    if (s < 0) { this.icmpUnmatched++; return; }
    const family: 4 | 6 = p.l4 === L4_ICMP ? 4 : 6;
    const version: 4 | 6 = p.ipVersion === 6 ? 6 : 4;
    let list = this.icmpErrs.get(s);
    if (list === undefined) { list = []; this.icmpErrs.set(s, list); }
    const w0 = p.src0 >>> 0, w1 = p.src1 >>> 0, w2 = p.src2 >>> 0, w3 = p.src3 >>> 0;
    let entry = list.find((x) => x.family === family && x.type === p.icmpType && x.code === p.icmpCode
      && x.version === version && x.w0 === w0 && x.w1 === w1 && x.w2 === w2 && x.w3 === w3);
    if (entry === undefined) {
      entry = { family, type: p.icmpType, code: p.icmpCode, version, w0, w1, w2, w3, count: 0 };
      list.push(entry);
    }
    entry.count++;
    if ((family === 4 && p.icmpType === 3) || (family === 6 && p.icmpType === 1)) this.st[s] |= ST_UNREACH;
  }

  // ---------------------------------------------------------------- emission

  private emit(s: number, why: EmitReason): void {
    const end = this.endOf(s, why);
    const rec = this.record(s, end, true);
    if (this.proto[s] === L4_TCP) {
      this.tcpDone++;
      if (this.pkts[s * 2] > 0 && this.pkts[s * 2 + 1] > 0) this.tcpBothDone++;
      this.ackedDone += rec.acked;
      this.unseenDone += rec.ackedUnseen;
    }
    this.free(s);
    this.onFlow(rec);
  }

  private endOf(s: number, why: EmitReason): FlowEnd {
    if (why === 'evicted') return 'evicted';
    if (this.proto[s] === L4_TCP) {
      const hb = this.hbits[s];
      const finA = (hb & H_F) !== 0, finB = (hb & (H_F << 6)) !== 0;
      const rst = (hb & (H_R | (H_R << 6))) !== 0;
      if (finA && finB) return 'fin';
      if (rst) return 'reset';
      if (finA || finB) return 'fin';
    }
    return why === 'timeout' ? 'timeout' : 'open';
  }

  private unseenOf(s: number, acked: number): number {
    const u = this.unseenB[s * 2] + this.unseenB[s * 2 + 1] + this.gapB[s * 2] + this.gapB[s * 2 + 1];
    return u < acked ? u : acked;
  }

  /** Which side (0 = A, 1 = B) is the client, and whether that was guessed from ports. */
  private clientSide(s: number): { side: number; guessed: boolean } {
    const st = this.st[s];
    if ((st & ST_DECIDED) !== 0) return { side: (st & ST_CLIENT_B) !== 0 ? 1 : 0, guessed: false };
    const a = this.pa[s], b = this.pb[s];
    const bit = this.proto[s] === L4_UDP ? 2 : 1;
    const ha = this.hint !== null && (this.hint[a] & bit) !== 0, hb = this.hint !== null && (this.hint[b] & bit) !== 0;
    let serverIsA: boolean;
    if (ha !== hb) serverIsA = ha;
    else if ((a < 1024) !== (b < 1024)) serverIsA = a < 1024;
    else serverIsA = a < b;
    return { side: serverIsA ? 1 : 0, guessed: true };
  }

  private outcome(s: number, c: number, end: FlowEnd, ackedUnseen: number): FlowOutcome {
    const l4 = this.proto[s];
    const pc = this.pkts[s * 2 + c], ps = this.pkts[s * 2 + 1 - c];
    if (l4 === L4_UDP || l4 !== L4_TCP) {
      if (pc > 0 && ps > 0) return 'replied';
      if (l4 === L4_UDP && (this.st[s] & ST_UNREACH) !== 0) return 'unreachable';
      return 'one-way';
    }
    const hb = this.hbits[s];
    const cs = c * 6, ss = (1 - c) * 6;
    const synC = (hb & (H_S << cs)) !== 0;
    const synAckS = (hb & (H_H << ss)) !== 0;
    const rstS = (hb & (H_R << ss)) !== 0;
    const serverOther = (hb & ((H_H | H_A | H_D | H_F) << ss)) !== 0;
    const st = this.st[s];
    const oneDir = pc === 0 || ps === 0;
    const seen = pc > 0 ? c : 1 - c;
    const proof = ackedUnseen > 0 || (hb & (H_H << (seen * 6))) !== 0
      || ((hb & (H_S << (seen * 6))) !== 0 && (st & (ST_ACKNS_A << seen)) !== 0);
    if (synAckS && pc > 0) return 'established';
    if (synC) {
      if (rstS && !serverOther) return 'rejected';
      if (ps > 0) return 'established';
      if (proof) return 'one-sided';
      if (end === 'open' && this.sideLast[s * 2 + c] >= this.lastTime - this.synGrace) return 'no-reply-yet';
      return 'unanswered';
    }
    if (oneDir && proof) return 'one-sided';
    return 'partial';
  }

  private record(s: number, end: FlowEnd, final: boolean): FlowRecord {
    const { side: c, guessed } = this.clientSide(s);
    const l4 = this.proto[s];
    const v: 4 | 6 = this.ver[s] === 6 ? 6 : 4;
    const ka = this.ka, kb = this.kb, k = s * 4;
    const wa = v === 4 ? [ka[k]] : [ka[k], ka[k + 1], ka[k + 2], ka[k + 3]];
    const wb = v === 4 ? [kb[k]] : [kb[k], kb[k + 1], kb[k + 2], kb[k + 3]];
    const ipa = formatIp(v, ka[k], ka[k + 1], ka[k + 2], ka[k + 3]);
    const ipb = formatIp(v, kb[k], kb[k + 1], kb[k + 2], kb[k + 3]);
    const ci = s * 2 + c, si = s * 2 + 1 - c;
    const acked = this.ackedB[s * 2] + this.ackedB[s * 2 + 1];
    const ackedUnseen = l4 === L4_TCP ? this.unseenOf(s, acked) : 0;
    let history = guessed ? '^' : '';
    for (let i = 0; i < this.hlen[s]; i++) {
      const code = this.hseq[s * HIST_MAX + i];
      const side = code >= 6 ? 1 : 0;
      const ch = LETTERS[code % 6];
      history += side === c ? ch : ch.toLowerCase();
    }
    const payload = (i: number): Uint8Array | null => {
      if ((this.st[s] & (ST_PAY_A << (i - s * 2))) === 0) return null;
      const at = i * PAYLOAD_MAX;
      return this.pay.slice(at, at + this.payLen[i]);
    };
    const vlans: number[] = [];
    for (let i = 0; i < VLANS_MAX; i++) { const x = this.vl[s * VLANS_MAX + i]; if (x >= 0) vlans.push(x); }
    vlans.sort((x, y) => x - y);
    const icmpErrors: IcmpErrorSeen[] = (this.icmpErrs.get(s) ?? []).map((e) => ({
      family: e.family, type: e.type, code: e.code, from: formatIp(e.version, e.w0, e.w1, e.w2, e.w3), count: e.count,
    }));
    const proto: FlowProto = l4 === L4_TCP ? 'tcp' : l4 === L4_UDP ? 'udp' : l4 === L4_ICMP ? 'icmp' : 'icmp6';
    const oneSided = l4 === L4_TCP && (this.pkts[ci] === 0 || this.pkts[si] === 0)
      && this.outcome(s, c, end, ackedUnseen) === 'one-sided';
    return {
      id: this.ids[s],
      proto,
      family: v,
      clientIp: c === 0 ? ipa : ipb,
      serverIp: c === 0 ? ipb : ipa,
      clientWords: c === 0 ? wa : wb,
      serverWords: c === 0 ? wb : wa,
      clientPort: c === 0 ? this.pa[s] : this.pb[s],
      serverPort: c === 0 ? this.pb[s] : this.pa[s],
      outcome: this.outcome(s, c, end, ackedUnseen),
      end,
      guessed,
      packets: { client: this.pkts[ci], server: this.pkts[si] },
      bytes: { client: this.byt[ci], server: this.byt[si] },
      first: this.tFirst[s],
      last: this.tLast[s],
      history,
      flags: { client: this.fl[ci], server: this.fl[si] },
      payloadClient: payload(ci),
      payloadServer: payload(si),
      icmpErrors,
      vlans,
      input: this.inputIdx[s],
      oneSided,
      ackedUnseen,
      acked: l4 === L4_TCP ? acked : 0,
      final,
    };
  }
}
