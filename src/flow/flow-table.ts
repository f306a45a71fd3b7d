/**
 * The bidirectional flow table (issue 3), built for the hot path (issue 6).
 *
 * Flows live in 256-byte slots of one buffer seen as words and as doubles
 * (array of structs), laid out by how often a field is touched: a UDP packet
 * touches the first 128 bytes only, a TCP packet that advances its ACK also
 * the third 64; the last 64 are written at create, re-queue and emit. A
 * linear-probing index of (hash, slot+1) pairs (0 = empty) maps a symmetric
 * numeric hash of (protocol, both address:port ends) to the slot, so probing
 * past other flows reads no slot. Expiry uses one intrusive queue per timeout
 * class, ordered by the monotonic capture clock at which each flow was queued;
 * a touched flow is not moved per packet but re-queued lazily when it reaches
 * the head (so the head is always the oldest queued flow). Nothing on the
 * common per-packet path allocates: records, strings and arrays are built once,
 * when a flow is emitted. Vocabulary and rules: docs/flows.md.
 */
import {
  DecodedPacket, L4_ICMP, L4_ICMP6, L4_TCP, L4_UDP,
  TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN,
} from '../decode/packet.js';
import type { DirCounts, FlowEnd, FlowOutcome, FlowProto, FlowRecord, FlowStats, IcmpErrorSeen } from './types.js';
import { formatIp } from '../decode/ip-format.js';
import { AddressCache } from './address-cache.js';

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
  /** Read by the packet engine, not the table: identical frames within this many seconds are duplicates (0.001; 0 = off). */
  dedupWindow?: number;
}

// Timeout classes: each has its own queue, so that its head is its oldest queued flow.
const C_TCP = 0, C_TCP_CLOSED = 1, C_UDP = 2, C_ICMP = 3, N_CLASSES = 4;

// History letters, per side: bit index = side * 6 + letter.
const H_S = 1, H_H = 2, H_A = 4, H_D = 8, H_F = 16, H_R = 32;
const LETTERS = 'SHADFR';
const LETTERS_LOWER = 'shadfr';
const HIST_MAX = 12;
// Histories of up to 7 letters have Smi keys in the cache; at most this many distinct ones are kept.
const HIST_CACHED_LEN = 7;
const HIST_CACHE_MAX = 4096;
/** clientSide(): the client was guessed from ports. */
const GUESSED = 2;

/** Shared by every record without VLAN tags or ICMP errors (frozen: records never mutate them). */
const NONE: readonly number[] = Object.freeze([]);
const NONE_ICMP: readonly IcmpErrorSeen[] = Object.freeze([]);
/** The flags of every UDP and ICMP record (frozen: records never mutate them). */
const NO_FLAGS: DirCounts = Object.freeze({ client: 0, server: 0 });

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
/** How many recently created flows a cut ICMP quote is tied against (a power of two). */
const RECENT = 256;
/** A cut ICMP quote is tied to a flow that sent its last packet at most this long before the error. */
const CUT_QUOTE_WINDOW = 1;
const VLANS_MAX = 4;
// Sequence/ack jumps beyond this are treated as garbage or a new baseline, not as data.
const SEQ_SANE = 0x40000000;
const FRAG_MAX = 4096;
const FRAG_TTL = 60;
// 16384 slots (6 MiB): a small capture never grows, a busy one skips the cheap early doublings.
const INITIAL_CAPACITY = 16384;
// Emitted payload bytes are views into shared chunks of this size: one ArrayBuffer per
// ~16k flows instead of one per payload (the garbage collector tracks each ArrayBuffer).
// A chunk lives while any record still holds a view into it; records die young downstream.
const POOL_CHUNK = 1 << 20;

// Slot layout: KW words (K_*, index into I/U: slot * KW + K_x) = FW doubles (F_*, into F: slot * FW + F_x).
const KW = 64, FW = 32;
// Bytes 0..63, every packet: key, state, history bits, flags, class, highest sequence ends.
const K_PV = 0, K_A = 1, K_B = 5, K_PORTS = 9, K_ST = 10, K_HIST = 11, K_FL = 12, K_CLS = 13, K_HI = 14;
// Bytes 64..127, every packet: counters and times (doubles 8..13), then ACK baselines (words 28..31).
const F_PKTS = 8, F_BYTES = 10, F_TOUCH = 12, F_LAST = 13;
const K_ACK = 28, K_SYNSEQ = 30, K_INPUT = 31;
// Bytes 128..191, TCP ACK advances and VLAN tags: acknowledged and unseen bytes, then VLAN ids (words 44..45).
const F_ACKED = 16, F_UNSEEN = 18;
const K_VLAN = 44;
// Bytes 192..255, rarely: times and id for queues and records, queue links, hash, history letters.
const F_FIRST = 24, F_QUEUED = 25, F_ID = 26;
/** Capture time of the flow's last interim update (`updates()`), 0 before the first (words 60..61). */
const F_UPDATED = 30;
const K_PREV = 54, K_NEXT = 55, K_HASH = 56;
/** Byte offset of the history letter codes inside a slot (words 57..59). */
const K_HSEQ_BYTE = 228;

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

/**
 * A whole count read from a Float64Array, as a small integer when it fits. V8
 * boxes every Float64Array read as a heap number, and a record field first
 * stored that way stays a boxed double field: a heap number per count per record.
 */
function count(x: number): number {
  return x <= 0x3fffffff ? x | 0 : x;
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
  private readonly maxFlows: number;
  private readonly synGrace: number;
  private readonly hint: Uint8Array | null;
  private readonly timeouts: Float64Array;
  private readonly onFlow: (f: FlowRecord) => void;

  private cap = 0;
  private mask = 0;
  private index = new Int32Array(0);
  /** Key/state words per slot, three views of one buffer. */
  private I = new Int32Array(0);
  private U = new Uint32Array(0);
  private B = new Uint8Array(0);
  /** Counters per slot. */
  private F = new Float64Array(0);
  /** First payload bytes, 64 per direction per slot, as bytes and as words. */
  private pay = new Uint8Array(0);
  private payW = new Int32Array(0);
  /** The chunk emitted payload views are cut from (as words for copying) and its next free byte (4-aligned). */
  private pool = new ArrayBuffer(0);
  private poolW = new Int32Array(0);
  private poolPos = 0;
  private freeList = new Int32Array(0);
  private freeTop = 0;
  private readonly heads = new Int32Array(N_CLASSES).fill(-1);
  private readonly tails = new Int32Array(N_CLASSES).fill(-1);

  private live = 0;
  private nextId = 0;
  private clock = -Infinity;
  /** No queue head can expire before the clock passes this. */
  private nextCheck = -Infinity;
  private evictedCount = 0;
  private icmpUnmatched = 0;
  /** Destination-unreachable errors whose quote was cut before its ports and could not be tied to a flow. */
  private icmpQuoteCut = 0;
  /** Largest captured length of such an error (the snap length that cut it). */
  private quoteCutCaplen = 0;
  /**
   * The last RECENT TCP/UDP flows created (slot, id): the candidates for an ICMP error whose
   * quote was cut. One write per new flow; read only when such an error arrives.
   */
  private readonly recentSlot = new Int32Array(RECENT).fill(-1);
  private readonly recentId = new Float64Array(RECENT);
  private recentPos = 0;
  private fragUnmatched = 0;
  // Emitted-TCP accumulators for stats().
  private tcpDone = 0;
  private tcpBothDone = 0;
  /** Emitted TCP flows with evidence of a direction that was not captured (see oneSidedEvidence). */
  private tcpOneSidedDone = 0;
  private ackedDone = 0;
  private unseenDone = 0;

  // Result registers of find(), so that lookups return one number and allocate nothing.
  private foundDir = 0;
  private foundHash = 0;
  /**
   * The looked-up addresses (source words 0..3, destination words 4..7), passed
   * to find() through this array rather than as eight call arguments: each
   * argument is converted to a tagged value, and an address word at or above
   * 2^30 is not a small integer.
   */
  private readonly key = new Uint32Array(8);

  // Rare paths: a Map is fine there (bounded).
  private readonly icmpErrs = new Map<number, IcmpErrorEntry[]>();
  private readonly frags = new Map<string, FragEntry>();
  /** Record building: address text per address, history text per letter sequence. */
  private readonly addrs = new AddressCache();
  private readonly histories = new Map<number, string>();

  /** Creates a table; `onFlow` receives each flow synchronously when it ends. */
  constructor(opts: FlowTableOptions, onFlow: (f: FlowRecord) => void) {
    this.maxFlows = Math.max(1, Math.floor(opts.maxFlows ?? 1_000_000));
    this.synGrace = opts.synGrace ?? 3;
    this.hint = opts.serverPortHint ?? null;
    this.timeouts = new Float64Array([opts.tcpTimeout ?? 300, opts.tcpClosedTimeout ?? 60, opts.udpTimeout ?? 60, opts.icmpTimeout ?? 60]);
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
    if (this.clock > this.nextCheck) this.expire();
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
    const key = this.key;
    key[0] = p.src0; key[1] = p.src1; key[2] = p.src2; key[3] = p.src3;
    key[4] = p.dst0; key[5] = p.dst1; key[6] = p.dst2; key[7] = p.dst3;
    let slot = this.find(l4, v, sp, dp);
    let dir = this.foundDir;
    const flags = l4 === L4_TCP ? p.tcpFlags : 0;
    if (slot >= 0) {
      const k = slot * KW;
      if (this.F[slot * FW + F_TOUCH] + this.timeouts[this.I[k + K_CLS]] < this.clock) {
        // Idle past its timeout but not yet reached by the lazy queue: it is over.
        this.emit(slot, 'timeout');
        slot = -1;
      } else if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && this.isNewConnection(k, p.tcpSeq >>> 0)) {
        // Port reuse, as Wireshark's tcp.stream: a SYN with another initial sequence number
        // is a new connection whatever state the old one was in; the old one keeps its outcome.
        this.emit(slot, 'reuse');
        slot = -1;
      }
    }
    if (slot < 0) {
      slot = this.create(l4, v, p, sp, dp, input, this.foundHash);
      dir = 0;
    }
    this.update(slot, dir, p, flags, l4);
    if (p.isFragment) this.rememberFirstFragment(p, slot, dir);
  }

  /**
   * Whether a SYN with sequence number `seq` on the flow at word offset `k` opens a new
   * connection: its ISN differs from the flow's first SYN (a retransmitted SYN, also one
   * re-sent after a RST as Windows does, carries the same ISN), or the flow never had a
   * SYN and is closed.
   */
  private isNewConnection(k: number, seq: number): boolean {
    const st = this.I[k + K_ST];
    if ((st & ST_SYNSEQ) !== 0) return this.U[k + K_SYNSEQ] !== seq;
    return (st & ST_CLOSED) !== 0;
  }

  /**
   * Moves capture time forward without a packet (live capture on a quiet link):
   * flows idle past their timeout are emitted now rather than at the next packet.
   */
  advance(ts: number): void {
    if (ts > this.clock) this.clock = ts;
    if (this.clock > this.nextCheck) this.expire();
  }

  /** End of all input: emit every live flow in id order (SYN grace measured from `lastTime`). */
  flush(): void {
    const cap = this.cap;
    if (Number.isSafeInteger(this.nextId * cap)) {
      // Sort numbers, not slots through a comparator: key = id * cap + slot.
      const keys = new Float64Array(this.live);
      let n = 0;
      for (let c = 0; c < N_CLASSES; c++) {
        for (let s = this.heads[c]; s >= 0; s = this.I[s * KW + K_NEXT]) keys[n++] = this.F[s * FW + F_ID] * cap + s;
      }
      keys.sort();
      for (let i = 0; i < n; i++) this.onFlow(this.finalRecord(keys[i] % cap, 'open'));
    } else {
      const slots = this.liveSlots();
      slots.sort((x, y) => this.F[x * FW + F_ID] - this.F[y * FW + F_ID]);
      for (const s of slots) this.onFlow(this.finalRecord(s, 'open'));
    }
    // Every flow ended: empty the table at once instead of unlinking and unindexing each
    // flow (two to three cache misses per flow). onFlow must not read the table meanwhile.
    this.clear();
    this.frags.clear();
  }

  /** Table-level numbers: emitted flows plus the live ones at this moment. */
  stats(): FlowStats {
    let tcp = this.tcpDone, both = this.tcpBothDone, acked = this.ackedDone, unseen = this.unseenDone;
    let oneSided = this.tcpOneSidedDone;
    const F = this.F;
    for (const c of [C_TCP, C_TCP_CLOSED]) {
      for (let s = this.heads[c]; s >= 0; s = this.I[s * KW + K_NEXT]) {
        const f = s * FW;
        tcp++;
        if (F[f + F_PKTS] > 0 && F[f + F_PKTS + 1] > 0) both++;
        const a = F[f + F_ACKED] + F[f + F_ACKED + 1];
        acked += a;
        const u = this.unseenOf(s, a);
        unseen += u;
        if (this.oneSidedEvidence(s, u)) oneSided++;
      }
    }
    return {
      flows: this.nextId,
      evicted: this.evictedCount,
      live: this.live,
      oneSidedShare: tcp > 0 ? oneSided / tcp : null,
      bothWaysShare: tcp > 0 ? both / tcp : null,
      lossEstimate: acked > 0 ? unseen / acked : null,
      icmpUnmatched: this.icmpUnmatched,
      fragmentsUnmatched: this.fragUnmatched,
      icmpQuoteCut: this.icmpQuoteCut,
      quoteCutCaplen: this.quoteCutCaplen,
    };
  }

  /** Live flows as non-final records, the `n` busiest by bytes (ties: lower id first). */
  top(n: number): FlowRecord[] {
    if (n <= 0) return [];
    const best: number[] = [];
    for (let c = 0; c < N_CLASSES; c++) {
      for (let s = this.heads[c]; s >= 0; s = this.I[s * KW + K_NEXT]) {
        if (best.length === n && !this.busier(s, best[n - 1])) continue;
        let i = best.length === n ? n - 1 : best.length;
        if (best.length < n) best.push(s);
        while (i > 0 && this.busier(s, best[i - 1])) { best[i] = best[i - 1]; i--; }
        best[i] = s;
      }
    }
    return best.map((s) => this.record(s, this.endOf(s, 'open'), false));
  }

  /**
   * Live TCP flows still waiting for any reply to their SYN longer than the SYN
   * grace, as non-final records (outcome `unanswered`), in queue order, at most `n`.
   * The dashboard shows them as provisional findings long before the idle timeout
   * ends them. O(live TCP flows); called a few times a second, never per packet.
   */
  waiting(n: number): FlowRecord[] {
    const out: number[] = [];
    const I = this.I, F = this.F, limit = this.clock - this.synGrace;
    for (let s = this.heads[C_TCP]; s >= 0 && out.length < n; s = I[s * KW + K_NEXT]) {
      const f = s * FW;
      // side A sent a SYN, side B nothing at all
      if ((I[s * KW + K_HIST] & H_S) !== 0 && F[f + F_PKTS + 1] === 0 && F[f + F_LAST] < limit) out.push(s);
    }
    return out.map((s) => this.record(s, this.endOf(s, 'open'), false));
  }

  /**
   * Interim updates of long-lived flows (issue 3: "long-lived flows emit periodic
   * updates for the live dashboard"): live TCP and UDP flows alive for at least
   * `every` seconds of capture time and not updated in the last `every` seconds, as
   * non-final records (end `open`), at most `max` per call; each one returned is
   * marked updated now. TCP flows whose server side has sent nothing are left to
   * `waiting()`. O(live flows); called every few seconds, never per packet.
   */
  updates(every: number, max: number): FlowRecord[] {
    const out: number[] = [];
    const I = this.I, F = this.F, now = this.clock;
    for (const c of [C_TCP, C_TCP_CLOSED, C_UDP]) {
      for (let s = this.heads[c]; s >= 0 && out.length < max; s = I[s * KW + K_NEXT]) {
        const f = s * FW;
        if (now - F[f + F_FIRST] < every || now - F[f + F_UPDATED] < every) continue;
        if (c !== C_UDP && (F[f + F_PKTS] === 0 || F[f + F_PKTS + 1] === 0) && (I[s * KW + K_HIST] & (H_S | (H_S << 6))) !== 0) continue;
        F[f + F_UPDATED] = now;
        out.push(s);
      }
    }
    return out.map((s) => this.record(s, this.endOf(s, 'open'), false));
  }

  // ---------------------------------------------------------------- lookup

  private liveSlots(): number[] {
    const out: number[] = [];
    for (let c = 0; c < N_CLASSES; c++) {
      for (let s = this.heads[c]; s >= 0; s = this.I[s * KW + K_NEXT]) out.push(s);
    }
    return out;
  }

  private busier(x: number, y: number): boolean {
    const F = this.F, fx = x * FW, fy = y * FW;
    const bx = F[fx + F_BYTES] + F[fx + F_BYTES + 1], by = F[fy + F_BYTES] + F[fy + F_BYTES + 1];
    return bx > by || (bx === by && F[fx + F_ID] < F[fy + F_ID]);
  }

  /**
   * Finds the flow of (proto, src, dst, sport, dport) in either orientation,
   * the addresses taken from `key`. Returns the slot or -1; sets foundDir
   * (0 = sent by side A) and foundHash.
   */
  private find(l4: number, v: number, sp: number, dp: number): number {
    const key = this.key;
    const s0 = key[0], s1 = key[1], s2 = key[2], s3 = key[3], d0 = key[4], d1 = key[5], d2 = key[6], d3 = key[7];
    // Each end hashes alone and the two are added, so both directions hash alike.
    const hs = mix32(s0 ^ Math.imul(s1, 0x9e3779b1) ^ Math.imul(s2, 0x7feb352d) ^ Math.imul(s3, 0x846ca68b) ^ Math.imul(sp + 1, 0x27d4eb2f));
    const hd = mix32(d0 ^ Math.imul(d1, 0x9e3779b1) ^ Math.imul(d2, 0x7feb352d) ^ Math.imul(d3, 0x846ca68b) ^ Math.imul(dp + 1, 0x27d4eb2f));
    const pv = l4 | (v << 8);
    const h = mix32((hs + hd) ^ Math.imul(pv, 0x165667b1));
    this.foundHash = h;
    const index = this.index, mask = this.mask, I = this.I, U = this.U;
    const fwdPorts = ((sp << 16) | dp) >>> 0, revPorts = ((dp << 16) | sp) >>> 0;
    let i = h & mask;
    for (;;) {
      const e = index[2 * i + 1];
      if (e === 0) return -1;
      const k = (e - 1) * KW;
      if (index[2 * i] === h && I[k + K_PV] === pv) {
        const ports = U[k + K_PORTS];
        if (ports === fwdPorts && U[k + K_A] === s0 && U[k + K_B] === d0 && U[k + K_A + 1] === s1 && U[k + K_A + 2] === s2
          && U[k + K_A + 3] === s3 && U[k + K_B + 1] === d1 && U[k + K_B + 2] === d2 && U[k + K_B + 3] === d3) {
          this.foundDir = 0; return e - 1;
        }
        if (ports === revPorts && U[k + K_B] === s0 && U[k + K_A] === d0 && U[k + K_B + 1] === s1 && U[k + K_B + 2] === s2
          && U[k + K_B + 3] === s3 && U[k + K_A + 1] === d1 && U[k + K_A + 2] === d2 && U[k + K_A + 3] === d3) {
          this.foundDir = 1; return e - 1;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** Puts entry `e` (slot+1) with hash `h` in the first free place of its probe run. */
  private indexInsert(e: number, h: number): void {
    const index = this.index, mask = this.mask;
    let i = h & mask;
    while (index[2 * i + 1] !== 0) i = (i + 1) & mask;
    index[2 * i] = h;
    index[2 * i + 1] = e;
  }

  /** Backward-shift deletion (linear probing without tombstones). */
  private indexRemove(slot: number): void {
    const index = this.index, mask = this.mask;
    let i = this.I[slot * KW + K_HASH] & mask;
    while (index[2 * i + 1] !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[2 * j + 1];
      if (e === 0) break;
      const h = index[2 * j], home = h & mask;
      // Move e back to the hole unless its home lies cyclically in (i, j].
      const inRange = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!inRange) { index[2 * i] = h; index[2 * i + 1] = e; i = j; }
    }
    index[2 * i] = 0;
    index[2 * i + 1] = 0;
  }

  // ---------------------------------------------------------------- slots

  private grow(newCap: number): void {
    const old = this.cap;
    const U = new Uint32Array(newCap * KW); U.set(this.U);
    const pay = new Uint8Array(newCap * 2 * PAYLOAD_MAX); pay.set(this.pay);
    this.U = U; this.I = new Int32Array(U.buffer); this.B = new Uint8Array(U.buffer); this.F = new Float64Array(U.buffer);
    this.pay = pay; this.payW = new Int32Array(pay.buffer);
    // Free slots are popped from the top: push the new ones highest first so the lowest is used first.
    const fr = new Int32Array(newCap); fr.set(this.freeList.subarray(0, this.freeTop));
    for (let s = newCap - 1; s >= old; s--) fr[this.freeTop++] = s;
    this.freeList = fr;
    this.cap = newCap;
    let size = 16;
    while (size < newCap * 2) size *= 2;
    // Re-insert from the old index: a sequential read, no slot is touched.
    const before = this.index;
    this.index = new Int32Array(size * 2);
    this.mask = size - 1;
    for (let i = 1; i < before.length; i += 2) if (before[i] !== 0) this.indexInsert(before[i], before[i - 1]);
  }

  private create(l4: number, v: number, p: DecodedPacket, sp: number, dp: number, input: number, h: number): number {
    if (this.live >= this.maxFlows) this.evictOldest();
    if (this.freeTop === 0) this.grow(Math.min(this.maxFlows, this.cap * 2));
    const s = this.freeList[--this.freeTop];
    this.live++;
    const I = this.I, U = this.U, F = this.F, k = s * KW, f = s * FW;
    I.fill(0, k, k + KW);
    I[k + K_HASH] = h; I[k + K_PV] = l4 | (v << 8);
    U[k + K_A] = p.src0 >>> 0; U[k + K_A + 1] = p.src1 >>> 0; U[k + K_A + 2] = p.src2 >>> 0; U[k + K_A + 3] = p.src3 >>> 0;
    U[k + K_B] = p.dst0 >>> 0; U[k + K_B + 1] = p.dst1 >>> 0; U[k + K_B + 2] = p.dst2 >>> 0; U[k + K_B + 3] = p.dst3 >>> 0;
    U[k + K_PORTS] = ((sp << 16) | dp) >>> 0;
    // UDP and ICMP: the first datagram's sender is the client; TCP waits for a SYN.
    I[k + K_ST] = l4 === L4_TCP ? 0 : ST_DECIDED;
    I[k + K_INPUT] = input;
    F[f + F_ID] = this.nextId++;
    F[f + F_FIRST] = p.ts; F[f + F_LAST] = p.ts;
    F[f + F_QUEUED] = this.clock;
    this.indexInsert(s + 1, h);
    const c = l4 === L4_TCP ? C_TCP : l4 === L4_UDP ? C_UDP : C_ICMP;
    I[k + K_CLS] = c;
    if (c !== C_ICMP) {
      const r = this.recentPos;
      this.recentSlot[r] = s; this.recentId[r] = F[f + F_ID];
      this.recentPos = (r + 1) & (RECENT - 1);
    }
    this.append(s, c);
    return s;
  }

  /** Frees every slot at once (all flows were emitted): empty queues and index, every slot free. */
  private clear(): void {
    for (let c = 0; c < N_CLASSES; c++) {
      for (let s = this.heads[c]; s >= 0; s = this.I[s * KW + K_NEXT]) this.I[s * KW + K_PV] = 0;
    }
    this.heads.fill(-1);
    this.tails.fill(-1);
    this.index.fill(0);
    this.freeTop = 0;
    for (let s = this.cap - 1; s >= 0; s--) this.freeList[this.freeTop++] = s;
    this.live = 0;
    this.icmpErrs.clear();
    this.nextCheck = -Infinity;
  }

  private free(s: number): void {
    this.unlink(s);
    this.indexRemove(s);
    this.I[s * KW + K_PV] = 0;
    this.freeList[this.freeTop++] = s;
    this.live--;
    if (this.icmpErrs.size !== 0) this.icmpErrs.delete(s);
  }

  // ---------------------------------------------------------------- queues

  private append(s: number, c: number): void {
    const I = this.I, t = this.tails[c], k = s * KW;
    I[k + K_PREV] = t; I[k + K_NEXT] = -1;
    if (t >= 0) I[t * KW + K_NEXT] = s;
    else {
      this.heads[c] = s;
      const due = this.F[s * FW + F_QUEUED] + this.timeouts[c];
      if (due < this.nextCheck) this.nextCheck = due;
    }
    this.tails[c] = s;
  }

  private unlink(s: number): void {
    const I = this.I, k = s * KW;
    const c = I[k + K_CLS], pv = I[k + K_PREV], nx = I[k + K_NEXT];
    if (pv >= 0) I[pv * KW + K_NEXT] = nx; else this.heads[c] = nx;
    if (nx >= 0) I[nx * KW + K_PREV] = pv; else this.tails[c] = pv;
  }

  /** Moves `s` to the tail of queue `c`, queued now. */
  private requeue(s: number, c: number): void {
    this.unlink(s);
    this.I[s * KW + K_CLS] = c;
    this.F[s * FW + F_QUEUED] = this.clock;
    this.append(s, c);
  }

  private expire(): void {
    const now = this.clock;
    let next = Infinity;
    for (let c = 0; c < N_CLASSES; c++) {
      const limit = this.timeouts[c];
      let s = this.heads[c];
      // F is re-read: emitting may run the callback, never grow, but keep it simple and safe.
      while (s >= 0 && this.F[s * FW + F_QUEUED] + limit < now) {
        if (this.F[s * FW + F_TOUCH] + limit < now) this.emit(s, 'timeout');
        else this.requeue(s, c);
        s = this.heads[c];
      }
      if (s >= 0 && this.F[s * FW + F_QUEUED] + limit < next) next = this.F[s * FW + F_QUEUED] + limit;
    }
    this.nextCheck = next;
  }

  /** Evicts the flow idle the longest: queue heads are re-queued until each was idle since it was queued. */
  private evictOldest(): void {
    const F = this.F;
    for (;;) {
      let victim = -1;
      for (let c = 0; c < N_CLASSES; c++) {
        const s = this.heads[c];
        if (s >= 0 && (victim < 0 || F[s * FW + F_QUEUED] < F[victim * FW + F_QUEUED])) victim = s;
      }
      if (victim < 0) return;
      const f = victim * FW;
      if (F[f + F_TOUCH] > F[f + F_QUEUED] && F[f + F_QUEUED] < this.clock) {
        this.requeue(victim, this.I[victim * KW + K_CLS]);
        continue;
      }
      this.evictedCount++;
      this.emit(victim, 'evicted');
      return;
    }
  }

  // ---------------------------------------------------------------- per packet

  private update(s: number, dir: number, p: DecodedPacket, flags: number, l4: number): void {
    const F = this.F, f = s * FW, k = s * KW;
    const ts = p.ts;
    F[f + F_PKTS + dir]++;
    F[f + F_BYTES + dir] += p.origLen;
    // Only a packet older than the clock can be older than the flow's first one.
    if (ts < this.clock && ts < F[f + F_FIRST]) F[f + F_FIRST] = ts;
    if (ts > F[f + F_LAST]) F[f + F_LAST] = ts;
    F[f + F_TOUCH] = this.clock;
    if (p.vlanCount > 0) this.noteVlan(s, p.vlan0);
    const plen = p.payloadLength;
    if (plen > 0 && (this.I[k + K_ST] & (ST_PAY_A << dir)) === 0) this.copyPayload(s, dir, p);
    if (l4 === L4_TCP) {
      this.tcp(s, dir, p, flags, plen);
    } else if (plen > 0) {
      this.letter(s, dir, H_D);
    }
  }

  private tcp(s: number, dir: number, p: DecodedPacket, flags: number, plen: number): void {
    const I = this.I, k = s * KW;
    I[k + K_FL] |= flags << (dir * 8);
    let bits = 0;
    if ((flags & TCP_SYN) !== 0) bits |= (flags & TCP_ACK) !== 0 ? H_H : H_S;
    if ((flags & TCP_FIN) !== 0) bits |= H_F;
    if ((flags & TCP_RST) !== 0) bits |= H_R;
    if (plen > 0) bits |= H_D;
    else if ((flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && (flags & TCP_ACK) !== 0) bits |= H_A;
    // History bits only change in letter(): what follows from them is decided only then.
    const changed = bits !== 0 && this.letter(s, dir, bits);
    let st = I[k + K_ST];
    if ((flags & TCP_SYN) !== 0) {
      if ((st & ST_DECIDED) === 0) {
        // SYN: its sender is the client. SYN-ACK seen first: its receiver is.
        const clientSide = (flags & TCP_ACK) !== 0 ? 1 - dir : dir;
        st |= ST_DECIDED | (clientSide === 1 ? ST_CLIENT_B : 0);
      }
      if ((flags & TCP_ACK) === 0 && (st & ST_SYNSEQ) === 0) { st |= ST_SYNSEQ; this.U[k + K_SYNSEQ] = p.tcpSeq >>> 0; }
    } else if ((flags & TCP_ACK) !== 0) {
      st |= ST_ACKNS_A << dir;
    }
    const hb = I[k + K_HIST];
    if (changed && ((hb & (H_R | (H_R << 6))) !== 0 || ((hb & H_F) !== 0 && (hb & (H_F << 6)) !== 0))) st |= ST_CLOSED;
    if ((flags & TCP_RST) === 0) st = this.seqAck(s, dir, p, flags, plen, st);
    I[k + K_ST] = st;
    // The first FIN or RST moves the flow to the shorter closed timeout (once per flow).
    if (changed && (hb & ((H_F | H_R) * 65)) !== 0 && I[k + K_CLS] === C_TCP) this.requeue(s, C_TCP_CLOSED);
  }

  /**
   * Capture-loss bookkeeping (RFC 9293 §3.4 sequence space, mod 2^32): the
   * highest sequence end each side was seen sending, holes in it, and how far
   * each side's ACK advanced beyond what its peer was seen sending.
   */
  private seqAck(s: number, dir: number, p: DecodedPacket, flags: number, plen: number, st: number): number {
    const U = this.U, F = this.F, k = s * KW, f = s * FW;
    const seq = p.tcpSeq >>> 0;
    const end = (seq + plen + ((flags & TCP_SYN) !== 0 ? 1 : 0) + ((flags & TCP_FIN) !== 0 ? 1 : 0)) >>> 0;
    const hiBit = ST_HI_A << dir;
    const hiAt = k + K_HI + dir;
    if ((st & hiBit) === 0 || (flags & TCP_SYN) !== 0) {
      U[hiAt] = end; st |= hiBit;
    } else {
      const gap = (seq - U[hiAt]) | 0;
      // A jump in the sender's own sequence is bytes the capture missed.
      if (gap > 0 && gap < SEQ_SANE) F[f + F_UNSEEN + dir] += gap;
      const adv = (end - U[hiAt]) | 0;
      if (adv > 0 && adv < SEQ_SANE) U[hiAt] = end;
    }
    if ((flags & TCP_ACK) !== 0) {
      const ack = p.tcpAck >>> 0;
      const ackBit = ST_ACK_A << dir;
      const ackAt = k + K_ACK + dir;
      if ((st & ackBit) === 0) {
        U[ackAt] = ack; st |= ackBit;
      } else {
        const d = (ack - U[ackAt]) | 0;
        if (d > 0 && d < SEQ_SANE) {
          F[f + F_ACKED + dir] += d;
          let unseen = d;
          if ((st & (ST_HI_A << (1 - dir))) !== 0) {
            // Only the part of the newly acknowledged range above the peer's highest seen byte is unseen.
            const above = (ack - U[k + K_HI + 1 - dir]) | 0;
            unseen = above <= 0 ? 0 : above < d ? above : d;
          }
          if (unseen !== 0) F[f + F_UNSEEN + dir] += unseen;
          U[ackAt] = ack;
        } else if (d >= SEQ_SANE || d <= -SEQ_SANE) {
          U[ackAt] = ack;
        }
      }
    }
    return st;
  }

  /** Adds history bits `bits` of side `dir` (letters in first-seen order); false when all were set already. */
  private letter(s: number, dir: number, bits: number): boolean {
    const I = this.I, k = s * KW;
    const word = I[k + K_HIST];
    const hb = word & 0xffff;
    const shifted = bits << (dir * 6);
    if ((hb & shifted) === shifted) return false;
    let len = word >>> 16;
    for (let i = 0; i < 6; i++) {
      const b = (1 << i) << (dir * 6);
      if ((shifted & b) !== 0 && (hb & b) === 0 && len < HIST_MAX) this.B[s * KW * 4 + K_HSEQ_BYTE + len++] = dir * 6 + i;
    }
    I[k + K_HIST] = (hb | shifted) | (len << 16);
    return true;
  }

  private noteVlan(s: number, id: number): void {
    const U = this.U, k = s * KW + K_VLAN;
    const want = (id & 0xfff) + 1;
    for (let i = 0; i < VLANS_MAX; i++) {
      const at = k + (i >> 1), sh = (i & 1) * 16;
      const x = (U[at] >>> sh) & 0xffff;
      if (x === want) return;
      if (x === 0) { U[at] = (U[at] | (want << sh)) >>> 0; return; }
    }
  }

  private copyPayload(s: number, dir: number, p: DecodedPacket): void {
    const n = Math.max(0, Math.min(PAYLOAD_MAX, p.payloadCaptured, p.buf.length - p.payloadOffset));
    const at = (s * 2 + dir) * PAYLOAD_MAX;
    for (let i = 0; i < n; i++) this.pay[at + i] = p.buf[p.payloadOffset + i];
    const k = s * KW;
    this.I[k + K_FL] |= n << (16 + dir * 8);
    this.I[k + K_ST] |= ST_PAY_A << dir;
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
    const F = this.F;
    if (e === undefined || this.I[e.slot * KW + K_PV] === 0 || F[e.slot * FW + F_ID] !== e.id || p.ts - e.ts > FRAG_TTL) {
      this.fragUnmatched++;
      return;
    }
    const s = e.slot, f = s * FW;
    F[f + F_PKTS + e.dir]++;
    F[f + F_BYTES + e.dir] += p.origLen;
    if (p.ts > F[f + F_LAST]) F[f + F_LAST] = p.ts;
    F[f + F_TOUCH] = this.clock;
    if (p.vlanCount > 0) this.noteVlan(s, p.vlan0);
  }

  private rememberFirstFragment(p: DecodedPacket, s: number, dir: number): void {
    const key = this.fragKey(p);
    this.frags.delete(key);
    if (this.frags.size >= FRAG_MAX) this.frags.delete(this.frags.keys().next().value as string);
    this.frags.set(key, { slot: s, id: this.F[s * FW + F_ID], dir, ts: p.ts });
  }

  /** An ICMP/ICMPv6 error: attach it to the flow its quoted header belongs to (RFC 792, RFC 4443 §2.4). */
  private icmpError(p: DecodedPacket): void {
    const qp = p.qProto;
    const l4 = qp === 6 ? L4_TCP : qp === 17 ? L4_UDP : qp === 1 ? L4_ICMP : qp === 58 ? L4_ICMP6 : 0;
    const tcpUdp = l4 === L4_TCP || l4 === L4_UDP;
    const unreach = (p.l4 === L4_ICMP && p.icmpType === 3) || (p.l4 === L4_ICMP6 && p.icmpType === 1);
    if (!p.quoted || (tcpUdp && (p.qSrcPort < 0 || p.qDstPort < 0))) {
      if (unreach && p.problem !== 0) {
        // The quote was cut (a short snap length): tie the error by the outer header instead.
        const s = this.tieCutQuote(p, tcpUdp ? l4 : 0);
        if (s >= 0) { this.attachIcmp(s, p); return; }
        this.icmpQuoteCut++;
        if (p.caplen > this.quoteCutCaplen) this.quoteCutCaplen = p.caplen;
      }
      this.icmpUnmatched++;
      return;
    }
    if (l4 === 0) { this.icmpUnmatched++; return; }
    const key = this.key;
    key[0] = p.qSrc0; key[1] = p.qSrc1; key[2] = p.qSrc2; key[3] = p.qSrc3;
    key[4] = p.qDst0; key[5] = p.qDst1; key[6] = p.qDst2; key[7] = p.qDst3;
    const s = this.find(l4, p.qIpVersion, tcpUdp ? p.qSrcPort : 0, tcpUdp ? p.qDstPort : 0);
    if (s < 0) { this.icmpUnmatched++; return; }
    this.attachIcmp(s, p);
  }

  /**
   * The one flow a destination-unreachable with a cut quote belongs to: among the recently
   * created TCP/UDP flows, those opened by the error's destination (the quoted packet's
   * sender), of the quoted protocol when it survived (`l4`, 0 when not), with no reply, whose
   * last packet is at most CUT_QUOTE_WINDOW before the error. -1 unless exactly one.
   */
  private tieCutQuote(p: DecodedPacket, l4: number): number {
    const I = this.I, U = this.U, F = this.F;
    const pv = (p.ipVersion === 6 ? 6 : 4) << 8;
    const d0 = p.dst0 >>> 0, d1 = p.dst1 >>> 0, d2 = p.dst2 >>> 0, d3 = p.dst3 >>> 0;
    let found = -1;
    for (let i = 0; i < RECENT; i++) {
      const s = this.recentSlot[i];
      if (s < 0) continue;
      const k = s * KW, f = s * FW;
      if (I[k + K_PV] === 0 || F[f + F_ID] !== this.recentId[i]) continue;
      const flowL4 = I[k + K_PV] & 0xff;
      if ((I[k + K_PV] & 0xff00) !== pv || (l4 !== 0 && flowL4 !== l4) || (flowL4 !== L4_TCP && flowL4 !== L4_UDP)) continue;
      const side = this.clientSide(s) & 1;
      const ck = k + (side === 0 ? K_A : K_B);
      if (U[ck] !== d0 || U[ck + 1] !== d1 || U[ck + 2] !== d2 || U[ck + 3] !== d3) continue;
      if (F[f + F_PKTS + 1 - side] !== 0) continue;
      const age = p.ts - F[f + F_LAST];
      if (age < 0 || age > CUT_QUOTE_WINDOW) continue;
      if (found >= 0 && found !== s) return -1;
      found = s;
    }
    return found;
  }

  /** Attaches an ICMP error to the flow in slot `s`. */
  private attachIcmp(s: number, p: DecodedPacket): void {
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
    if ((family === 4 && p.icmpType === 3) || (family === 6 && p.icmpType === 1)) this.I[s * KW + K_ST] |= ST_UNREACH;
  }

  // ---------------------------------------------------------------- emission

  private emit(s: number, why: EmitReason): void {
    const rec = this.finalRecord(s, why);
    this.free(s);
    this.onFlow(rec);
  }

  /** The final record of slot `s`, counted into the emitted-TCP accumulators; the slot is not freed. */
  private finalRecord(s: number, why: EmitReason): FlowRecord {
    const rec = this.record(s, this.endOf(s, why), true);
    this.countFinal(rec, rec.proto === 'tcp' && this.oneSidedEvidence(s, rec.ackedUnseen));
    return rec;
  }

  /**
   * Counts a final flow into stats() (one-sided share, loss estimate); flow-record sources call it
   * for theirs, with `oneSided` from their own evidence (outcome one-sided).
   */
  countFinal(rec: FlowRecord, oneSided = rec.oneSided): void {
    if (rec.proto === 'tcp') {
      this.tcpDone++;
      if (rec.packets.client > 0 && rec.packets.server > 0) this.tcpBothDone++;
      if (oneSided) this.tcpOneSidedDone++;
      this.ackedDone += rec.acked;
      this.unseenDone += rec.ackedUnseen;
    }
  }

  /** A flow id from the table's sequence, for a flow made outside the table (flow records). */
  reserveId(): number {
    return this.nextId++;
  }

  private endOf(s: number, why: EmitReason): FlowEnd {
    if (why === 'evicted') return 'evicted';
    const k = s * KW;
    if ((this.I[k + K_PV] & 0xff) === L4_TCP) {
      const hb = this.I[k + K_HIST];
      const finA = (hb & H_F) !== 0, finB = (hb & (H_F << 6)) !== 0;
      const rst = (hb & (H_R | (H_R << 6))) !== 0;
      if (finA && finB) return 'fin';
      if (rst) return 'reset';
      if (finA || finB) return 'fin';
    }
    if (why === 'timeout') return 'timeout';
    // The lazy queue may not have reached a flow that is already idle past its timeout.
    return this.F[s * FW + F_TOUCH] + this.timeouts[this.I[k + K_CLS]] < this.clock ? 'timeout' : 'open';
  }

  private unseenOf(s: number, acked: number): number {
    const f = s * FW;
    const u = this.F[f + F_UNSEEN] + this.F[f + F_UNSEEN + 1];
    return u < acked ? u : acked;
  }

  /**
   * Whether a TCP flow proves that the capture point missed one of its directions:
   * only one direction was captured, and either ACKs acknowledge data never seen, or the
   * captured side answers (a SYN-ACK, or ACK-bearing packets of a side that sent no SYN).
   * A lone SYN, retried or not, is no such evidence: that is the blocked case.
   */
  private oneSidedEvidence(s: number, ackedUnseen: number): boolean {
    const f = s * FW, k = s * KW;
    const pa = this.F[f + F_PKTS], pb = this.F[f + F_PKTS + 1];
    if (pa > 0 && pb > 0) return false;
    if (ackedUnseen > 0) return true;
    const seen = pa > 0 ? 0 : 1;
    const hb = this.I[k + K_HIST], st = this.I[k + K_ST];
    if ((hb & (H_H << (seen * 6))) !== 0) return true;
    // Acknowledging something while never having sent a SYN: the other side's opening was missed.
    return (hb & (H_S << (seen * 6))) === 0 && (st & (ST_ACKNS_A << seen)) !== 0 && (hb & (H_D << (seen * 6))) !== 0;
  }

  /** Which side is the client: 0 = A, 1 = B, plus GUESSED when ports decided it (no SYN). */
  private clientSide(s: number): number {
    const k = s * KW;
    const st = this.I[k + K_ST];
    if ((st & ST_DECIDED) !== 0) return (st & ST_CLIENT_B) !== 0 ? 1 : 0;
    const a = this.U[k + K_PORTS] >>> 16, b = this.U[k + K_PORTS] & 0xffff;
    const bit = (this.I[k + K_PV] & 0xff) === L4_UDP ? 2 : 1;
    const ha = this.hint !== null && (this.hint[a] & bit) !== 0, hb = this.hint !== null && (this.hint[b] & bit) !== 0;
    let serverIsA: boolean;
    if (ha !== hb) serverIsA = ha;
    else if ((a < 1024) !== (b < 1024)) serverIsA = a < 1024;
    else serverIsA = a < b;
    return (serverIsA ? 1 : 0) | GUESSED;
  }

  private outcome(s: number, c: number, end: FlowEnd, ackedUnseen: number): FlowOutcome {
    const k = s * KW, f = s * FW;
    const l4 = this.I[k + K_PV] & 0xff;
    const st = this.I[k + K_ST];
    const pc = this.F[f + F_PKTS + c], ps = this.F[f + F_PKTS + 1 - c];
    if (l4 !== L4_TCP) {
      if (pc > 0 && ps > 0) return 'replied';
      if (l4 === L4_UDP && (st & ST_UNREACH) !== 0) return 'unreachable';
      return 'one-way';
    }
    const hb = this.I[k + K_HIST];
    const cs = c * 6, ss = (1 - c) * 6;
    const synC = (hb & (H_S << cs)) !== 0;
    const synAckS = (hb & (H_H << ss)) !== 0;
    const rstS = (hb & (H_R << ss)) !== 0;
    const serverOther = (hb & ((H_H | H_A | H_D | H_F) << ss)) !== 0;
    const oneDir = pc === 0 || ps === 0;
    const seen = pc > 0 ? c : 1 - c;
    const proof = ackedUnseen > 0 || (hb & (H_H << (seen * 6))) !== 0
      || ((hb & (H_S << (seen * 6))) !== 0 && (st & (ST_ACKNS_A << seen)) !== 0);
    if (synAckS && pc > 0) return 'established';
    if (synC) {
      if (rstS && !serverOther) return 'rejected';
      if (ps > 0) return 'established';
      if (proof) return 'one-sided';
      // A retransmitted SYN (same ISN: a new ISN is a new flow) proves that no reply came
      // within the client's retransmission time, however soon the input ends after it.
      if (pc >= 2) return 'unanswered';
      // A single SYN: no server packet (ps is 0 here), so the flow's last packet is the client's.
      if (end === 'open' && this.synGrace > 0 && this.F[f + F_LAST] >= this.lastTime - this.synGrace) return 'no-reply-yet';
      return 'unanswered';
    }
    if (oneDir && proof) return 'one-sided';
    return 'partial';
  }

  /** History letters as seen from the client (its letters upper case), '^' first when guessed. */
  private history(s: number, c: number, guessed: boolean): string {
    const n = this.I[s * KW + K_HIST] >>> 16, at = s * KW * 4 + K_HSEQ_BYTE;
    // Letters relative to the client as base-16 digits 1..12, then the guessed bit; short histories (the common ones) are cached.
    let key = 0;
    for (let i = 0; i < n; i++) {
      const code = this.B[at + i];
      key = key * 16 + 1 + ((code >= 6 ? 1 : 0) === c ? code % 6 : 6 + code % 6);
    }
    key = key * 2 + (guessed ? 1 : 0);
    const cacheable = n <= HIST_CACHED_LEN;
    if (cacheable) {
      const hit = this.histories.get(key);
      if (hit !== undefined) return hit;
    }
    let text = guessed ? '^' : '';
    for (let i = 0; i < n; i++) {
      const code = this.B[at + i];
      text += (code >= 6 ? 1 : 0) === c ? LETTERS[code % 6] : LETTERS_LOWER[code % 6];
    }
    if (cacheable && this.histories.size < HIST_CACHE_MAX) this.histories.set(key, text);
    return text;
  }

  /** Copy of the first payload bytes of side `side` (a view into the shared pool chunk), or null when it sent none. */
  private payload(s: number, side: number): Uint8Array | null {
    const k = s * KW;
    if ((this.I[k + K_ST] & (ST_PAY_A << side)) === 0) return null;
    const n = (this.I[k + K_FL] >>> (16 + side * 8)) & 0xff;
    const words = (n + 3) >>> 2;
    let pos = this.poolPos;
    if (pos + words * 4 > this.pool.byteLength) {
      this.pool = new ArrayBuffer(POOL_CHUNK);
      this.poolW = new Int32Array(this.pool);
      pos = 0;
    }
    // Whole words (the slot's bytes past n are spare): at most 16 copies, bit-exact.
    const src = (s * 2 + side) * (PAYLOAD_MAX >>> 2), dst = pos >>> 2, payW = this.payW, poolW = this.poolW;
    for (let i = 0; i < words; i++) poolW[dst + i] = payW[src + i];
    this.poolPos = pos + words * 4;
    return new Uint8Array(this.pool, pos, n);
  }

  /** Distinct VLAN ids, ascending; the shared empty array when untagged. */
  private vlans(s: number): readonly number[] {
    const U = this.U, k = s * KW + K_VLAN;
    if (U[k] === 0) return NONE;
    const out: number[] = [];
    for (let i = 0; i < VLANS_MAX; i++) {
      const x = (U[k + (i >> 1)] >>> ((i & 1) * 16)) & 0xffff;
      if (x === 0) break;
      let j = out.length;
      out.push(0);
      while (j > 0 && out[j - 1] > x - 1) { out[j] = out[j - 1]; j--; }
      out[j] = x - 1;
    }
    return out;
  }

  private icmpErrorsOf(s: number): readonly IcmpErrorSeen[] {
    if (this.icmpErrs.size === 0) return NONE_ICMP;
    const list = this.icmpErrs.get(s);
    if (list === undefined) return NONE_ICMP;
    return list.map((e) => ({
      family: e.family, type: e.type, code: e.code, from: formatIp(e.version, e.w0, e.w1, e.w2, e.w3), count: e.count,
    }));
  }

  private record(s: number, end: FlowEnd, final: boolean): FlowRecord {
    const side = this.clientSide(s);
    const c = side & 1, guessed = side !== c;
    const U = this.U, F = this.F, k = s * KW, f = s * FW;
    const l4 = this.I[k + K_PV] & 0xff;
    const v: 4 | 6 = (this.I[k + K_PV] >>> 8) === 6 ? 6 : 4;
    const ck = k + (c === 0 ? K_A : K_B), sk = k + (c === 0 ? K_B : K_A);
    const addrs = this.addrs;
    let i = addrs.lookup(v, U[ck], U[ck + 1], U[ck + 2], U[ck + 3]);
    const clientIp = addrs.textAt(i), clientWords = addrs.wordsAt(i);
    i = addrs.lookup(v, U[sk], U[sk + 1], U[sk + 2], U[sk + 3]);
    const serverIp = addrs.textAt(i), serverWords = addrs.wordsAt(i);
    const pa = U[k + K_PORTS] >>> 16, pb = U[k + K_PORTS] & 0xffff;
    const acked = l4 === L4_TCP ? count(F[f + F_ACKED] + F[f + F_ACKED + 1]) : 0;
    const ackedUnseen = l4 === L4_TCP ? count(this.unseenOf(s, acked)) : 0;
    const fl = this.I[k + K_FL];
    const proto: FlowProto = l4 === L4_TCP ? 'tcp' : l4 === L4_UDP ? 'udp' : l4 === L4_ICMP ? 'icmp' : 'icmp6';
    const outcome = this.outcome(s, c, end, ackedUnseen);
    return {
      id: count(F[f + F_ID]),
      proto,
      family: v,
      clientIp,
      serverIp,
      clientWords,
      serverWords,
      clientPort: c === 0 ? pa : pb,
      serverPort: c === 0 ? pb : pa,
      outcome,
      end,
      guessed,
      packets: { client: count(F[f + F_PKTS + c]), server: count(F[f + F_PKTS + 1 - c]) },
      bytes: { client: count(F[f + F_BYTES + c]), server: count(F[f + F_BYTES + 1 - c]) },
      first: F[f + F_FIRST],
      last: F[f + F_LAST],
      history: this.history(s, c, guessed),
      flags: l4 === L4_TCP ? { client: (fl >>> (c * 8)) & 0xff, server: (fl >>> ((1 - c) * 8)) & 0xff } : NO_FLAGS,
      payloadClient: this.payload(s, c),
      payloadServer: this.payload(s, 1 - c),
      icmpErrors: this.icmpErrorsOf(s),
      vlans: this.vlans(s),
      input: this.I[k + K_INPUT],
      oneSided: outcome === 'one-sided',
      ackedUnseen,
      acked,
      final,
    };
  }
}
