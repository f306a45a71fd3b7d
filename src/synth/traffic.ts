/**
 * The benchmark's synthetic WFO traffic generator (issue 6).
 *
 * A fixed number of flow slots (default 50,000) are always busy: when a flow
 * ends, a new one starts in its slot, so the number of concurrent flows does not
 * depend on the packet count and the 1M- and 5M-packet files differ only in
 * length. Each slot's next packet time sits in a binary heap; the generator pops
 * the earliest, writes one packet into a reused scratch buffer (checksums
 * included, from precomputed payload sums) and streams it to a PcapWriter, so a
 * 5M-packet file is never held in memory.
 *
 * The capture is slow in capture time on purpose (≈1,700 packets/s) so that a
 * 1M-packet file already spans longer than the flow table's 300 s TCP idle
 * timeout: both sizes then hold the flow table in the same steady state.
 */
import { PcapWriter } from '../capture/writer.js';
import { LINKTYPE_ETHERNET } from './craft.js';
import {
  amqpHeader, dnsQuery, httpGet, httpPost, opaque, policyFileRequest, rdpConnectionRequest, sipInvite, smb2Negotiate,
  snmpTrap, tdsPrelogin, tlsClientHello,
} from './payloads.js';
import { mulberry32 } from './prng.js';

/** Options of `generateTraffic`. */
export interface TrafficOptions {
  /** Number of packets to write. */
  packets: number;
  /** PRNG seed (default 1): same seed and options give the same bytes. */
  seed?: number;
  /** Flow slots kept busy at once (default 50,000). */
  concurrency?: number;
  /** Share of flows on IPv6 (default 0.10). */
  ipv6Share?: number;
  /** Share of flows carrying an 802.1Q tag (default 0.10). */
  vlanShare?: number;
  /** Rewrite every address into 127.0.0.0/8 and use no IPv6 (for replay on `lo`). */
  loopback?: boolean;
  /** Capture start, seconds since the epoch (default 2026-01-15T00:00:00Z). */
  startSec?: number;
}

/** What was written. */
export interface TrafficStats {
  packets: number;
  bytes: number;
  flows: number;
  /** Flows started per kind. */
  kinds: Record<FlowKindName, number>;
  /** Capture time covered, seconds. */
  durationSec: number;
}

/** Flow kinds the generator mixes, with their share of new flows. */
export type FlowKindName = 'tcp' | 'tcp-rst-end' | 'syn-unanswered' | 'syn-rst' | 'udp' | 'udp-icmp';

const KIND_NAMES: FlowKindName[] = ['tcp', 'tcp-rst-end', 'syn-unanswered', 'syn-rst', 'udp', 'udp-icmp'];
const K_TCP = 0, K_TCP_RST = 1, K_SYN_UNANSWERED = 2, K_SYN_RST = 3, K_UDP = 4, K_UDP_ICMP = 5;
/** Cumulative thresholds (of 1000) for picking a kind. */
const KIND_CUT = [660, 700, 780, 850, 970, 1000];

// ---- addresses (uint32), per src/synth/scenarios.ts WFO ----
const ip4 = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const WFO = ip4(10, 10, 0, 10), CTI = ip4(10, 10, 0, 11), SQL = ip4(10, 10, 0, 20), FILES = ip4(10, 10, 0, 30);
const SNMP = ip4(10, 10, 0, 40), SMTP = ip4(10, 10, 0, 41), PBX = ip4(10, 30, 0, 5), FIREWALL = ip4(10, 10, 0, 1);
const CLOUD = ip4(207, 166, 100, 0);
const PC = -1; // a random client PC in 10.20.0.0/16
const CLOUD_ANY = -2; // a random address in 207.166.100.0/23

/** One traffic pattern: who talks to whom on which port, how often, and what it says first. */
interface Service {
  client: number;
  server: number;
  port: number;
  udp: boolean;
  weight: number;
  first: Uint8Array;
}

const SERVICES: Service[] = [
  { client: PC, server: WFO, port: 80, udp: false, weight: 14, first: httpGet('10.10.0.10') },
  { client: PC, server: WFO, port: 443, udp: false, weight: 10, first: tlsClientHello('wfo.example.com') },
  { client: PC, server: WFO, port: 4510, udp: false, weight: 5, first: policyFileRequest() },
  { client: PC, server: WFO, port: 943, udp: false, weight: 3, first: policyFileRequest() },
  { client: PC, server: WFO, port: 5638, udp: false, weight: 6, first: opaque(96, 1) },
  { client: PC, server: WFO, port: 5633, udp: false, weight: 6, first: opaque(200, 2) },
  { client: PC, server: WFO, port: 5634, udp: false, weight: 3, first: opaque(120, 3) },
  { client: PC, server: WFO, port: 2007, udp: false, weight: 3, first: opaque(64, 4) },
  { client: PC, server: WFO, port: 2020, udp: false, weight: 3, first: httpGet('10.10.0.10', '/player/') },
  { client: PC, server: WFO, port: 5650, udp: false, weight: 2, first: httpGet('10.10.0.10', '/token') },
  { client: PC, server: WFO, port: 6505, udp: false, weight: 2, first: opaque(48, 5) },
  { client: CTI, server: SQL, port: 1433, udp: false, weight: 8, first: tdsPrelogin() },
  { client: WFO, server: SQL, port: 1433, udp: false, weight: 8, first: tdsPrelogin() },
  { client: WFO, server: FILES, port: 445, udp: false, weight: 5, first: smb2Negotiate() },
  { client: CTI, server: FILES, port: 445, udp: false, weight: 3, first: smb2Negotiate() },
  { client: CTI, server: WFO, port: 5630, udp: false, weight: 3, first: opaque(256, 6) },
  { client: CTI, server: WFO, port: 5620, udp: false, weight: 2, first: opaque(80, 7) },
  { client: CTI, server: WFO, port: 5672, udp: false, weight: 3, first: amqpHeader() },
  { client: WFO, server: SMTP, port: 25, udp: false, weight: 1, first: ascii('EHLO wfo\r\n') },
  { client: WFO, server: CLOUD_ANY, port: 2010, udp: false, weight: 4, first: httpPost('207.166.100.20:2010', '/pool', '{}') },
  { client: WFO, server: SQL, port: 3389, udp: false, weight: 1, first: rdpConnectionRequest() },
  { client: SQL, server: WFO, port: 1433, udp: false, weight: 1, first: tdsPrelogin() },
  { client: WFO, server: SNMP, port: 162, udp: true, weight: 4, first: snmpTrap() },
  { client: PBX, server: CTI, port: 5060, udp: true, weight: 4, first: sipInvite('10.30.0.5', '10.10.0.11', 5060) },
  { client: PC, server: ip4(10, 10, 0, 53), port: 53, udp: true, weight: 4, first: dnsQuery(0x1234, 'wfo.example.com') },
];

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** 16-bit word sum (RFC 1071) of a byte range starting at an even position. */
function wordSum(b: Uint8Array, start: number, end: number): number {
  let acc = 0;
  let i = start;
  for (; i + 1 < end; i += 2) acc += (b[i]! << 8) | b[i + 1]!;
  if (i < end) acc += b[i]! << 8;
  return acc;
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc % 65536) + Math.floor(acc / 65536);
  return ~acc & 0xffff;
}

const POOL_SIZE = 65536;
const MSS = 1460;

/**
 * Writes a synthetic capture of `opts.packets` packets to `path` (classic pcap,
 * µs, Ethernet) and returns what it wrote. Memory stays bounded by the number of
 * slots, whatever the packet count.
 */
export function generateTraffic(path: string, opts: TrafficOptions): TrafficStats {
  const rnd = mulberry32(opts.seed ?? 1);
  const K = opts.concurrency ?? 50_000;
  const v6Cut = Math.round((opts.loopback ? 0 : (opts.ipv6Share ?? 0.1)) * 1000);
  const vlanCut = Math.round((opts.vlanShare ?? 0.1) * 1000);
  const loop = !!opts.loopback;
  const writer = new PcapWriter({ linkType: LINKTYPE_ETHERNET, snaplen: 65535 }, path);

  // Payload pool and its prefix word sums, so a random payload's checksum contribution costs O(1).
  const pool = Buffer.from(opaque(POOL_SIZE + MSS + 2, 0x5eed));
  const prefix = new Float64Array(pool.length / 2 + 1);
  for (let i = 0; i < pool.length / 2; i++) prefix[i + 1] = prefix[i]! + ((pool[i * 2]! << 8) | pool[i * 2 + 1]!);

  // First payloads per service, in one buffer, with their word sums.
  const firstBuf = Buffer.alloc(SERVICES.reduce((n, s) => n + s.first.length + 1, 0));
  const firstOff = new Int32Array(SERVICES.length);
  const firstLen = new Int32Array(SERVICES.length);
  const firstSum = new Float64Array(SERVICES.length);
  {
    let o = 0;
    SERVICES.forEach((s, i) => {
      firstBuf.set(s.first, o);
      firstOff[i] = o; firstLen[i] = s.first.length; firstSum[i] = wordSum(s.first, 0, s.first.length);
      o += s.first.length + 1;
    });
  }
  const totalWeight = SERVICES.reduce((n, s) => n + s.weight, 0);
  const serviceCut = new Int32Array(SERVICES.length);
  SERVICES.reduce((acc, s, i) => (serviceCut[i] = acc + s.weight), 0);

  // ---- per-slot state ----
  const kind = new Uint8Array(K);
  const step = new Uint16Array(K);
  const rounds = new Uint8Array(K);
  const svc = new Uint8Array(K);
  const isV6 = new Uint8Array(K);
  const vlan = new Uint16Array(K);
  const cAddr = new Uint32Array(K);
  const sAddr = new Uint32Array(K);
  const cPort = new Uint16Array(K);
  const sPort = new Uint16Array(K);
  const cSeq = new Uint32Array(K);
  const sSeq = new Uint32Array(K);
  const rtt = new Uint32Array(K); // µs
  const ipId = new Uint16Array(K);
  const next = new Float64Array(K); // µs since start
  const heap = new Int32Array(K);
  const kinds = new Float64Array(KIND_NAMES.length);

  let ephemeral = 49152;
  // Fixed client/server pairs (the WFO servers to SQL, the PBX to CTI Core...) count their own source ports, so a
  // 5-tuple is reused only after 16,384 flows of that very pair: no overlapping connections on one 5-tuple (issue 10).
  // Random PCs share one counter (a repeat needs the same PC and port, both unlikely within a flow's life).
  const pairPort = new Map<number, number>();
  let flows = 0;

  const startFlow = (s: number, at: number): void => {
    const r = rnd() % 1000;
    let k = 0;
    while (r >= KIND_CUT[k]!) k++;
    let w = rnd() % totalWeight;
    let sv = 0;
    while (w >= serviceCut[sv]!) sv++;
    // Kinds must fit the transport of the service: UDP services get UDP kinds and vice versa.
    const service = SERVICES[sv]!;
    if (service.udp && k < K_UDP) k = (r & 7) === 0 ? K_UDP_ICMP : K_UDP;
    else if (!service.udp && k >= K_UDP) k = (r & 3) === 0 ? K_SYN_UNANSWERED : K_TCP;
    kind[s] = k; svc[s] = sv; step[s] = 0;
    rounds[s] = k === K_TCP || k === K_TCP_RST ? 1 + (rnd() % 8) : k === K_UDP ? 1 + (rnd() % 4) : 1;
    isV6[s] = rnd() % 1000 < v6Cut ? 1 : 0;
    vlan[s] = rnd() % 1000 < vlanCut ? 100 + (rnd() % 8) : 0;
    cAddr[s] = service.client === PC ? ip4(10, 20, rnd() % 256, 1 + (rnd() % 254)) : service.client;
    sAddr[s] = service.server === CLOUD_ANY ? (CLOUD + (rnd() % 512)) >>> 0 : service.server;
    if (loop) { cAddr[s] = (0x7f000000 | (cAddr[s]! & 0xffffff)) >>> 0; sAddr[s] = (0x7f000000 | (sAddr[s]! & 0xffffff)) >>> 0; }
    if (service.client === PC) {
      cPort[s] = ephemeral;
      ephemeral = ephemeral === 65535 ? 49152 : ephemeral + 1;
    } else {
      const key = sv * 512 + ((sAddr[s]! - CLOUD) >>> 0 < 512 ? (sAddr[s]! - CLOUD) >>> 0 : 0);
      const p = pairPort.get(key) ?? 49152;
      cPort[s] = p;
      pairPort.set(key, p === 65535 ? 49152 : p + 1);
    }
    sPort[s] = service.port;
    cSeq[s] = rnd(); sSeq[s] = rnd();
    rtt[s] = service.server === CLOUD_ANY ? 20_000 + (rnd() % 30_000) : 150 + (rnd() % 2_000);
    ipId[s] = rnd() & 0xffff;
    next[s] = at;
  };

  // ---- binary heap of slots by next[] ----
  let heapN = 0;
  const less = (a: number, b: number): boolean => next[a]! < next[b]! || (next[a] === next[b] && a < b);
  const siftUp = (i: number): void => {
    const x = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(x, heap[p]!)) break;
      heap[i] = heap[p]!; i = p;
    }
    heap[i] = x;
  };
  const siftDown = (i: number): void => {
    const x = heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= heapN) break;
      if (c + 1 < heapN && less(heap[c + 1]!, heap[c]!)) c++;
      if (!less(heap[c]!, x)) break;
      heap[i] = heap[c]!; i = c;
    }
    heap[i] = x;
  };

  // Stagger the first flows over a mean flow lifetime so the file starts near steady state.
  for (let s = 0; s < K; s++) {
    startFlow(s, (rnd() % 240_000) * 1000);
    heap[heapN++] = s;
    siftUp(heapN - 1);
  }

  // ---- packet assembly into one scratch buffer ----
  const scratch = Buffer.alloc(2048);
  const views: (Buffer | undefined)[] = [];
  const rec = { tsSec: 0, tsNsec: 0, data: scratch as Uint8Array };
  const startUs = (opts.startSec ?? Date.UTC(2026, 0, 15) / 1000) * 1e6;
  let bytes = 0;
  let lastUs = 0;

  /** Writes Ethernet (+tag) and IP headers for an L4 of `l4len` bytes; returns the L4 offset and the pseudo-header sum in `pseudo`. */
  let pseudo = 0;
  const writeL3 = (s: number, fromClient: boolean, proto: number, l4len: number, src32: number, dst32: number): number => {
    const v6 = isV6[s] === 1;
    // MACs: stable per host (02:00 + low 32 bits of the IPv4 form).
    scratch[0] = 0x02; scratch[1] = 0; scratch.writeUInt32BE(dst32, 2);
    scratch[6] = 0x02; scratch[7] = 0; scratch.writeUInt32BE(src32, 8);
    let o = 12;
    if (vlan[s]) { scratch[o] = 0x81; scratch[o + 1] = 0; scratch[o + 2] = 0; scratch[o + 3] = vlan[s]!; o += 4; }
    if (!v6) {
      scratch[o] = 0x08; scratch[o + 1] = 0; o += 2;
      const total = 20 + l4len;
      scratch[o] = 0x45; scratch[o + 1] = 0; scratch.writeUInt16BE(total, o + 2);
      const id = ipId[s] = (ipId[s]! + 1) & 0xffff;
      scratch.writeUInt16BE(id, o + 4); scratch[o + 6] = 0x40; scratch[o + 7] = 0;
      scratch[o + 8] = fromClient ? 128 : 64; scratch[o + 9] = proto; scratch[o + 10] = 0; scratch[o + 11] = 0;
      scratch.writeUInt32BE(src32, o + 12); scratch.writeUInt32BE(dst32, o + 16);
      scratch.writeUInt16BE(fold(wordSum(scratch, o, o + 20)), o + 10);
      pseudo = (src32 >>> 16) + (src32 & 0xffff) + (dst32 >>> 16) + (dst32 & 0xffff) + proto + l4len;
      return o + 20;
    }
    scratch[o] = 0x86; scratch[o + 1] = 0xdd; o += 2;
    scratch.writeUInt32BE(0x60000000, o); scratch.writeUInt16BE(l4len, o + 4);
    scratch[o + 6] = proto; scratch[o + 7] = 64;
    // 2001:db8::a.b.c.d, so the v6 hosts mirror the v4 roles.
    scratch.writeUInt32BE(0x20010db8, o + 8); scratch.writeUInt32BE(0, o + 12); scratch.writeUInt32BE(0, o + 16); scratch.writeUInt32BE(src32, o + 20);
    scratch.writeUInt32BE(0x20010db8, o + 24); scratch.writeUInt32BE(0, o + 28); scratch.writeUInt32BE(0, o + 32); scratch.writeUInt32BE(dst32, o + 36);
    pseudo = 0x2001 + 0x0db8 + (src32 >>> 16) + (src32 & 0xffff) + 0x2001 + 0x0db8 + (dst32 >>> 16) + (dst32 & 0xffff) + proto + l4len;
    return o + 40;
  };

  const emit = (len: number, us: number): void => {
    let v = views[len];
    if (v === undefined) v = views[len] = scratch.subarray(0, len);
    const abs = startUs + us;
    rec.tsSec = Math.floor(abs / 1e6);
    rec.tsNsec = (abs - rec.tsSec * 1e6) * 1000;
    rec.data = v;
    writer.write(rec);
    bytes += len;
  };

  /** payloadKind: 0 none, 1 the service's first payload, 2 random pool bytes of `plen`. */
  const tcpPacket = (s: number, fromClient: boolean, flags: number, payloadKind: number, plen: number, us: number): void => {
    let sum = 0;
    if (payloadKind === 1) { plen = firstLen[svc[s]!]!; sum = firstSum[svc[s]!]!; }
    let poolOff = 0;
    if (payloadKind === 2) {
      poolOff = (rnd() % (POOL_SIZE / 2)) * 2;
      sum = prefix[(poolOff + plen - (plen & 1)) / 2]! - prefix[poolOff / 2]! + (plen & 1 ? pool[poolOff + plen - 1]! << 8 : 0);
    }
    const hlen = flags & 0x02 ? 24 : 20;
    const src = fromClient ? cAddr[s]! : sAddr[s]!;
    const dst = fromClient ? sAddr[s]! : cAddr[s]!;
    const o = writeL3(s, fromClient, 6, hlen + plen, src, dst);
    const sp = fromClient ? cPort[s]! : sPort[s]!;
    const dp = fromClient ? sPort[s]! : cPort[s]!;
    const seq = fromClient ? cSeq[s]! : sSeq[s]!;
    const ack = flags & 0x10 ? (fromClient ? sSeq[s]! : cSeq[s]!) : 0;
    scratch.writeUInt16BE(sp, o); scratch.writeUInt16BE(dp, o + 2);
    scratch.writeUInt32BE(seq, o + 4); scratch.writeUInt32BE(ack, o + 8);
    scratch[o + 12] = (hlen / 4) << 4; scratch[o + 13] = flags;
    scratch.writeUInt16BE(flags & 0x04 ? 0 : 64240, o + 14);
    scratch[o + 16] = 0; scratch[o + 17] = 0; scratch[o + 18] = 0; scratch[o + 19] = 0;
    if (hlen === 24) { scratch[o + 20] = 2; scratch[o + 21] = 4; scratch.writeUInt16BE(isV6[s] ? 1440 : 1460, o + 22); }
    if (payloadKind === 1) firstBuf.copy(scratch, o + hlen, firstOff[svc[s]!]!, firstOff[svc[s]!]! + plen);
    else if (payloadKind === 2) pool.copy(scratch, o + hlen, poolOff, poolOff + plen);
    scratch.writeUInt16BE(fold(pseudo + wordSum(scratch, o, o + hlen) + sum), o + 16);
    const adv = plen + (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0);
    if (fromClient) cSeq[s] = (cSeq[s]! + adv) >>> 0; else sSeq[s] = (sSeq[s]! + adv) >>> 0;
    emit(o + hlen + plen, us);
  };

  const udpPacket = (s: number, fromClient: boolean, payloadKind: number, plen: number, us: number): void => {
    let sum = 0;
    if (payloadKind === 1) { plen = firstLen[svc[s]!]!; sum = firstSum[svc[s]!]!; }
    const poolOff = (rnd() % (POOL_SIZE / 2)) * 2;
    if (payloadKind === 2) sum = prefix[(poolOff + plen - (plen & 1)) / 2]! - prefix[poolOff / 2]! + (plen & 1 ? pool[poolOff + plen - 1]! << 8 : 0);
    const src = fromClient ? cAddr[s]! : sAddr[s]!;
    const dst = fromClient ? sAddr[s]! : cAddr[s]!;
    const o = writeL3(s, fromClient, 17, 8 + plen, src, dst);
    scratch.writeUInt16BE(fromClient ? cPort[s]! : sPort[s]!, o); scratch.writeUInt16BE(fromClient ? sPort[s]! : cPort[s]!, o + 2);
    scratch.writeUInt16BE(8 + plen, o + 4); scratch[o + 6] = 0; scratch[o + 7] = 0;
    if (payloadKind === 1) firstBuf.copy(scratch, o + 8, firstOff[svc[s]!]!, firstOff[svc[s]!]! + plen);
    else pool.copy(scratch, o + 8, poolOff, poolOff + plen);
    let c = fold(pseudo + wordSum(scratch, o, o + 8) + sum);
    if (c === 0) c = 0xffff;
    scratch.writeUInt16BE(c, o + 6);
    emit(o + 8 + plen, us);
  };

  /** ICMP(v6) destination unreachable quoting the client's first datagram (its header + 8 bytes). */
  const icmpPacket = (s: number, us: number): void => {
    const v6 = isV6[s] === 1;
    const r = rnd() % 10;
    const code = v6 ? (r < 4 ? 4 : r < 8 ? 1 : 3) : (r < 4 ? 3 : r < 8 ? 13 : 1);
    const reporter = r < 4 ? sAddr[s]! : loop ? (0x7f000000 | (FIREWALL & 0xffffff)) >>> 0 : FIREWALL;
    const qlen = (v6 ? 40 : 20) + 8;
    const plen = firstLen[svc[s]!]!;
    const o = writeL3(s, false, v6 ? 58 : 1, 8 + qlen, reporter, cAddr[s]!);
    const savedPseudo = pseudo;
    // Quoted packet: rebuild the client's datagram headers behind the ICMP header.
    const q = o + 8;
    const c = cAddr[s]!, d = sAddr[s]!;
    if (!v6) {
      scratch[q] = 0x45; scratch[q + 1] = 0; scratch.writeUInt16BE(28 + plen, q + 2); scratch.writeUInt16BE(ipId[s]!, q + 4);
      scratch[q + 6] = 0x40; scratch[q + 7] = 0; scratch[q + 8] = 127; scratch[q + 9] = 17; scratch[q + 10] = 0; scratch[q + 11] = 0;
      scratch.writeUInt32BE(c, q + 12); scratch.writeUInt32BE(d, q + 16);
      scratch.writeUInt16BE(fold(wordSum(scratch, q, q + 20)), q + 10);
    } else {
      scratch.writeUInt32BE(0x60000000, q); scratch.writeUInt16BE(8 + plen, q + 4); scratch[q + 6] = 17; scratch[q + 7] = 63;
      scratch.writeUInt32BE(0x20010db8, q + 8); scratch.writeUInt32BE(0, q + 12); scratch.writeUInt32BE(0, q + 16); scratch.writeUInt32BE(c, q + 20);
      scratch.writeUInt32BE(0x20010db8, q + 24); scratch.writeUInt32BE(0, q + 28); scratch.writeUInt32BE(0, q + 32); scratch.writeUInt32BE(d, q + 36);
    }
    const u = q + (v6 ? 40 : 20);
    scratch.writeUInt16BE(cPort[s]!, u); scratch.writeUInt16BE(sPort[s]!, u + 2); scratch.writeUInt16BE(8 + plen, u + 4);
    scratch[u + 6] = 0x5a; scratch[u + 7] = 0xa5; // the original checksum is opaque to the reporter
    scratch[o] = v6 ? 1 : 3; scratch[o + 1] = code; scratch[o + 2] = 0; scratch[o + 3] = 0;
    scratch[o + 4] = 0; scratch[o + 5] = 0; scratch[o + 6] = 0; scratch[o + 7] = 0;
    const body = wordSum(scratch, o, o + 8 + qlen);
    scratch.writeUInt16BE(fold(v6 ? savedPseudo + body : body), o + 2);
    emit(o + 8 + qlen, us);
  };

  const dataLen = (): number => 40 + (rnd() % (MSS - 40));
  const think = (s: number): number => (kind[s] === K_UDP ? 2_000_000 + (rnd() % 25_000_000) : 5_000_000 + (rnd() % 150_000_000));

  /** Emits slot s's next packet at time `now`; returns the delay to its next one, or -1 when the flow is over. */
  const stepFlow = (s: number, now: number): number => {
    const st = step[s]!++;
    const k = kind[s]!;
    // Counted on their first packet, so slots still waiting at the end are not flows.
    if (st === 0) { flows++; kinds[k]!++; }
    const rt = rtt[s]!;
    switch (k) {
      case K_SYN_UNANSWERED:
        tcpPacket(s, true, 0x02, 0, 0, now);
        cSeq[s] = (cSeq[s]! - 1) >>> 0; // retransmissions reuse the ISN
        return st === 0 ? 1_000_000 : st === 1 ? 2_000_000 : -1;
      case K_SYN_RST:
        if (st === 0) { tcpPacket(s, true, 0x02, 0, 0, now); return rt; }
        tcpPacket(s, false, 0x14, 0, 0, now);
        return -1;
      case K_UDP_ICMP:
        if (st === 0) { udpPacket(s, true, 1, 0, now); return rt; }
        icmpPacket(s, now);
        return -1;
      case K_UDP: {
        const round = st >> 1;
        if ((st & 1) === 0) { udpPacket(s, true, round === 0 ? 1 : 2, dataLen() >> 2, now); return rt; }
        udpPacket(s, false, 2, dataLen() >> 1, now);
        return round + 1 < rounds[s]! ? think(s) : -1;
      }
      default: {
        // tcp / tcp-rst-end: SYN, SYN-ACK, ACK, rounds × (request, response), then ACK + FIN exchange or a RST.
        if (st === 0) { tcpPacket(s, true, 0x02, 0, 0, now); return rt; }
        if (st === 1) { tcpPacket(s, false, 0x12, 0, 0, now); return rt >> 1; }
        if (st === 2) { tcpPacket(s, true, 0x10, 0, 0, now); return 50; }
        const r = rounds[s]!;
        const d = st - 3;
        if (d < 2 * r) {
          const round = d >> 1;
          if ((d & 1) === 0) { tcpPacket(s, true, 0x18, round === 0 ? 1 : 2, dataLen() >> 1, now); return rt; }
          tcpPacket(s, false, 0x18, 2, rnd() % 10 < 7 ? MSS : dataLen(), now);
          return round + 1 < r ? think(s) : rt >> 1;
        }
        const e = d - 2 * r;
        if (k === K_TCP_RST) { tcpPacket(s, (rnd() & 1) === 0, 0x14, 0, 0, now); return -1; }
        if (e === 0) { tcpPacket(s, true, 0x10, 0, 0, now); return 10_000; }
        if (e === 1) { tcpPacket(s, true, 0x11, 0, 0, now); return rt; }
        if (e === 2) { tcpPacket(s, false, 0x11, 0, 0, now); return rt >> 1; }
        tcpPacket(s, true, 0x10, 0, 0, now);
        return -1;
      }
    }
  };

  let written = 0;
  while (written < opts.packets) {
    const s = heap[0]!;
    const now = next[s]!;
    const delay = stepFlow(s, now);
    written++;
    lastUs = now;
    if (delay < 0) startFlow(s, now + 1000 + (rnd() % 2_000_000));
    else next[s] = now + delay;
    siftDown(0);
  }
  writer.close();
  const byKind = {} as Record<FlowKindName, number>;
  KIND_NAMES.forEach((n, i) => { byKind[n] = kinds[i]!; });
  return { packets: written, bytes, flows, kinds: byKind, durationSec: lastUs / 1e6 };
}
