import { describe, expect, it } from 'vitest';
import { decodePacket, DECODED_LINK_TYPES } from '../../src/decode/decode.js';
import { DecodedPacket, L4_NONE } from '../../src/decode/packet.js';
import { PROBLEMS } from '../../src/decode/problems.js';
import { eth, ipv4, ipv6, tcp, udp, icmp, cat, ext } from './build.js';
import { rng as prng } from '../support/prng.js';

const NUMERIC = Object.entries(new DecodedPacket()).filter(([, v]) => typeof v === 'number').map(([k]) => k);
const LINK_TYPES = [...DECODED_LINK_TYPES, 127, 253];

/** Checks the invariants every decode must keep, whatever the bytes. */
function checkInvariants(p: DecodedPacket, start: number, end: number): string | null {
  for (const k of NUMERIC) {
    const v = (p as unknown as Record<string, number>)[k]!;
    if (Number.isNaN(v) || !Number.isFinite(v)) return `${k} is ${v}`;
  }
  if (p.problem < 0 || p.problem >= PROBLEMS.length) return `problem ${p.problem}`;
  if (p.l4 !== L4_NONE) {
    if (p.payloadOffset < start || p.payloadOffset > end) return `payloadOffset ${p.payloadOffset} outside ${start}..${end}`;
    if (p.payloadCaptured < 0 || p.payloadOffset + p.payloadCaptured > end) return `payloadCaptured ${p.payloadCaptured}`;
    if (p.srcPort < 0 || p.srcPort > 65535 || p.dstPort < 0 || p.dstPort > 65535) return 'port range';
  }
  if (p.vlan0 > 4095 || p.vlan1 > 4095) return 'vlan id > 4095';
  for (const w of [p.src0, p.src1, p.src2, p.src3, p.dst0, p.tcpSeq, p.tcpAck, p.ipId]) if (w < 0 || w > 0xffffffff) return 'u32 range';
  return null;
}

/**
 * Decodes the same captured bytes inside two buffers whose bytes around them differ
 * (0x00 and 0xff): a decoder that read outside offset..offset+caplen would give two
 * different results.
 */
function decodeTwice(p: DecodedPacket, q: DecodedPacket, bytes: Uint8Array, caplen: number, lt: number): boolean {
  const a = new Uint8Array(bytes.length + 64).fill(0x00);
  const b = new Uint8Array(bytes.length + 64).fill(0xff);
  a.set(bytes.subarray(0, caplen), 16);
  b.set(bytes.subarray(0, caplen), 16);
  decodePacket(p, a, 16, caplen, lt);
  decodePacket(q, b, 16, caplen, lt);
  for (const k of NUMERIC) {
    if ((p as unknown as Record<string, number>)[k] !== (q as unknown as Record<string, number>)[k]) return false;
  }
  return p.quoted === q.quoted && p.isFragment === q.isFragment;
}

describe('random bytes', () => {
  it('thousands of random buffers per link type: no throw, no NaN, reads stay inside caplen', () => {
    const rnd = prng(0x5eed);
    const p = new DecodedPacket();
    const q = new DecodedPacket();
    let runs = 0;
    const seenProblems = new Set<number>();
    for (const lt of LINK_TYPES) {
      for (let i = 0; i < 2000; i++) {
        const len = Math.floor(rnd() * 120);
        const bytes = new Uint8Array(len);
        for (let j = 0; j < len; j++) bytes[j] = Math.floor(rnd() * 256);
        // Bias the first bytes towards values the decoders branch on, so the deep paths are reached.
        if (len > 14 && lt === 1 && rnd() < 0.7) { bytes[12] = 0x08; bytes[13] = 0; bytes[14] = 0x45; }
        if (len > 0 && (lt === 101 || lt === 228 || lt === 229) && rnd() < 0.7) bytes[0] = rnd() < 0.5 ? 0x45 : 0x60;
        expect(decodeTwice(p, q, bytes, len, lt), `link ${lt} run ${i}`).toBe(true);
        expect(checkInvariants(p, 16, 16 + len), `link ${lt} run ${i}`).toBeNull();
        seenProblems.add(p.problem);
        runs++;
      }
    }
    expect(runs).toBe(LINK_TYPES.length * 2000);
    expect(seenProblems.size).toBeGreaterThan(8);
  });

  it('mutations of valid packets (bit flips and cuts): no throw, invariants hold', () => {
    const rnd = prng(42);
    const seeds = [
      eth(0x0800, ipv4({ proto: 6, options: [1, 1, 1, 1] }, tcp({ options: [2, 4, 5, 0xb4] }, [1, 2, 3]))),
      eth(0x8100, cat([0, 5, 0x86, 0xdd], ipv6({ nh: 0 }, cat(ext(44), [17, 0, 0, 1, 0, 0, 0, 9], udp(1, 2, [0, 0]))))),
      eth(0x0800, ipv4({ proto: 1 }, icmp(3, 3, ipv4({ proto: 17 }, udp(5, 6))))),
      eth(0x86dd, ipv6({ nh: 58 }, icmp(1, 0, ipv6({ nh: 60 }, cat(ext(6), tcp({})))))),
    ];
    const p = new DecodedPacket();
    const q = new DecodedPacket();
    let decodedL4 = 0;
    for (let i = 0; i < 8000; i++) {
      const base = seeds[i % seeds.length]!;
      const bytes = base.slice();
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(rnd() * bytes.length)]! ^= 1 << Math.floor(rnd() * 8);
      if (rnd() < 0.3) bytes[Math.floor(rnd() * bytes.length)] = rnd() < 0.5 ? 0 : 0xff;
      const caplen = rnd() < 0.5 ? bytes.length : Math.floor(rnd() * bytes.length);
      expect(decodeTwice(p, q, bytes, caplen, 1), `mutation ${i}`).toBe(true);
      expect(checkInvariants(p, 16, 16 + caplen), `mutation ${i}`).toBeNull();
      if (p.l4 !== L4_NONE) decodedL4++;
    }
    expect(decodedL4).toBeGreaterThan(1000);
  });
});
