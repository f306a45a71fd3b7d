import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { DecodedPacket, L4_ICMP, L4_ICMP6, L4_NONE, L4_TCP, L4_UDP } from '../../src/decode/packet.js';
import { PROBLEMS } from '../../src/decode/problems.js';
import { cat, eth, ext, frag6, icmp, ip4, ip6, ipv4, ipv6, tcp, udp } from './build.js';

const p = new DecodedPacket();
function frame(bytes: Uint8Array, caplen = bytes.length): DecodedPacket {
  decodePacket(p, bytes, 0, caplen, 1);
  return p;
}
const problem = (q: DecodedPacket) => PROBLEMS[q.problem];
const A = ip4('10.1.1.1'), B = ip4('10.2.2.2'), R = ip4('192.0.2.254');

describe('TCP', () => {
  const seg = tcp({ sport: 49152, dport: 5432, seq: 0x89abcdef, ack: 0xffffffff, flags: 0xd2, window: 0x1234,
    options: [2, 4, 5, 0xb4, 1, 1, 4, 2] }, [0x50, 0x51, 0x52]);
  const pkt = eth(0x0800, ipv4({ proto: 6, src: A, dst: B }, seg));

  it('decodes every field, seq/ack unsigned, options skipped by the data offset', () => {
    const q = frame(pkt);
    expect(problem(q)).toBe('none');
    expect(q.l4).toBe(L4_TCP);
    expect([q.srcPort, q.dstPort, q.tcpSeq, q.tcpAck, q.tcpFlags, q.tcpWindow]).toEqual([49152, 5432, 0x89abcdef, 0xffffffff, 0xd2, 0x1234]);
    expect([q.payloadOffset, q.payloadLength, q.payloadCaptured]).toEqual([14 + 20 + 28, 3, 3]);
    expect(q.buf[q.payloadOffset]).toBe(0x50);
  });

  it('every too-short prefix of the header (with options) is truncated_tcp_header, keeping IPv4', () => {
    for (let n = 34; n < 34 + 28; n++) {
      const q = frame(pkt, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_tcp_header');
      expect([q.l4, q.ipVersion, q.src0, q.ipProto]).toEqual([L4_NONE, 4, A, 6]);
    }
    const cut = frame(pkt, 34 + 28 + 1);
    expect([problem(cut), cut.l4, cut.payloadCaptured, cut.payloadLength]).toEqual(['ipv4_total_length_exceeds_capture', L4_TCP, 1, 3]);
  });

  it('data offset below 5 or beyond the segment is bad_tcp_data_offset and joins no flow', () => {
    expect(problem(frame(eth(0x0800, ipv4({ proto: 6 }, tcp({ doff: 4 })))))).toBe('bad_tcp_data_offset');
    const q = frame(eth(0x0800, ipv4({ proto: 6 }, tcp({ doff: 7 }))));
    expect([problem(q), q.l4, q.srcPort]).toEqual(['bad_tcp_data_offset', L4_NONE, 0]);
  });

  it('over IPv6', () => {
    const q = frame(eth(0x86dd, ipv6({ nh: 6 }, tcp({ sport: 443, dport: 1025, flags: 0x11 }))));
    expect([q.l4, q.srcPort, q.dstPort, q.tcpFlags, problem(q)]).toEqual([L4_TCP, 443, 1025, 0x11, 'none']);
  });
});

describe('UDP', () => {
  const pkt = eth(0x0800, ipv4({ proto: 17, src: A, dst: B }, udp(53, 33333, [1, 2, 3, 4, 5])));

  it('decodes ports and the payload from the IP length', () => {
    const q = frame(pkt);
    expect([q.l4, q.srcPort, q.dstPort, q.payloadOffset, q.payloadLength, q.payloadCaptured]).toEqual([L4_UDP, 53, 33333, 42, 5, 5]);
  });

  it('every too-short prefix of the header is truncated_udp_header, keeping IPv4', () => {
    for (let n = 34; n < 42; n++) {
      const q = frame(pkt, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_udp_header');
      expect([q.l4, q.ipVersion, q.dst0]).toEqual([L4_NONE, 4, B]);
    }
  });

  it('an IP length leaving less than 8 bytes is truncated_udp_header', () => {
    expect(problem(frame(eth(0x0800, ipv4({ proto: 17, totalLength: 24 }, udp(1, 2)))))).toBe('truncated_udp_header');
  });
});

describe('ICMPv4', () => {
  it('echo: type and code, no quote', () => {
    const q = frame(eth(0x0800, ipv4({ proto: 1, src: A, dst: B }, icmp(8, 0, [1, 2, 3, 4]))));
    expect([q.l4, q.icmpType, q.icmpCode, q.quoted, problem(q)]).toEqual([L4_ICMP, 8, 0, false, 'none']);
    expect([q.srcPort, q.dstPort, q.qSrcPort]).toEqual([0, 0, -1]);
  });

  const quotedUdp = ipv4({ proto: 17, src: B, dst: A }, udp(33434, 53, [0, 0, 0, 0]));
  const unreach = eth(0x0800, ipv4({ proto: 1, src: R, dst: B }, icmp(3, 3, quotedUdp)));

  it('destination unreachable quoting UDP fills q* and leaves the main fields to the ICMP packet', () => {
    const q = frame(unreach);
    expect(problem(q)).toBe('none');
    expect([q.l4, q.icmpType, q.icmpCode]).toEqual([L4_ICMP, 3, 3]);
    expect([q.src0, q.dst0, q.srcPort, q.dstPort]).toEqual([R, B, 0, 0]);
    expect([q.quoted, q.qIpVersion, q.qSrc0, q.qDst0, q.qProto, q.qSrcPort, q.qDstPort]).toEqual([true, 4, B, A, 17, 33434, 53]);
  });

  it('time exceeded quoting TCP (only 8 transport bytes, as RFC 792 requires)', () => {
    const quoted = ipv4({ proto: 6, src: A, dst: B, totalLength: 60, options: [1, 1, 1, 1] }, tcp({ sport: 40001, dport: 8443 }).subarray(0, 8));
    const q = frame(eth(0x0800, ipv4({ proto: 1, src: R, dst: A }, icmp(11, 0, quoted))));
    expect([q.icmpType, q.qProto, q.qSrcPort, q.qDstPort, q.qSrc0, problem(q)]).toEqual([11, 6, 40001, 8443, A, 'none']);
  });

  it('parameter problem, source quench and redirect also quote', () => {
    for (const t of [4, 5, 12]) {
      const q = frame(eth(0x0800, ipv4({ proto: 1, src: R, dst: B }, icmp(t, 0, quotedUdp))));
      expect([q.quoted, q.qDstPort]).toEqual([true, 53]);
    }
  });

  it('a quote cut before the ports: IP fields set, ports -1, truncated_icmp_quote (soft)', () => {
    const q = frame(eth(0x0800, ipv4({ proto: 1, src: R, dst: B }, icmp(3, 1, quotedUdp.subarray(0, 22)))));
    expect([problem(q), q.l4, q.quoted, q.qProto, q.qSrcPort]).toEqual(['truncated_icmp_quote', L4_ICMP, true, 17, -1]);
  });

  it('every prefix of the quoted header is truncated_icmp_quote; no quote at all too', () => {
    for (let n = 0; n < 20; n++) {
      const q = frame(eth(0x0800, ipv4({ proto: 1 }, icmp(3, 1, quotedUdp.subarray(0, n)))));
      expect(problem(q), `quote ${n}`).toBe('truncated_icmp_quote');
      expect([q.quoted, q.l4]).toEqual([false, L4_ICMP]);
    }
  });

  it('a quote that is not IPv4 is bad_icmp_quote', () => {
    const q = frame(eth(0x0800, ipv4({ proto: 1 }, icmp(3, 1, ipv6({ nh: 17 }, udp(1, 2))))));
    expect([problem(q), q.quoted]).toEqual(['bad_icmp_quote', false]);
  });

  it('a quoted later fragment has no ports and no problem', () => {
    const q = frame(eth(0x0800, ipv4({ proto: 1 }, icmp(11, 1, ipv4({ proto: 17, fragOffset: 8 }, [1, 2, 3, 4, 5, 6, 7, 8])))));
    expect([problem(q), q.quoted, q.qProto, q.qSrcPort]).toEqual(['none', true, 17, -1]);
  });

  it('every too-short prefix of the ICMP header is truncated_icmp_header', () => {
    const pkt = eth(0x0800, ipv4({ proto: 1 }, icmp(8, 0)));
    for (let n = 34; n < 42; n++) {
      const q = frame(pkt, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_icmp_header');
      expect([q.l4, q.icmpType, q.ipVersion]).toEqual([L4_NONE, -1, 4]);
    }
  });
});

describe('ICMPv6', () => {
  const me = [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1];
  const peer = [0x2001, 0xdb8, 1, 0, 0, 0, 0, 2];
  const router = [0x2001, 0xdb8, 0xff, 0, 0, 0, 0, 1];

  it('destination unreachable quoting IPv6 + hop-by-hop + UDP', () => {
    const quoted = ipv6({ nh: 0, src: me, dst: peer }, cat(ext(17), udp(40000, 53, [1, 2, 3, 4])));
    const q = frame(eth(0x86dd, ipv6({ nh: 58, src: router, dst: me }, icmp(1, 4, quoted))));
    expect(problem(q)).toBe('none');
    expect([q.l4, q.icmpType, q.icmpCode]).toEqual([L4_ICMP6, 1, 4]);
    expect([q.src0, q.src1, q.src2, q.src3]).toEqual(ip6(router));
    expect([q.srcPort, q.dstPort]).toEqual([0, 0]);
    expect([q.quoted, q.qIpVersion, q.qProto, q.qSrcPort, q.qDstPort]).toEqual([true, 6, 17, 40000, 53]);
    expect([q.qSrc0, q.qSrc1, q.qSrc2, q.qSrc3]).toEqual(ip6(me));
    expect([q.qDst0, q.qDst1, q.qDst2, q.qDst3]).toEqual(ip6(peer));
  });

  it('packet too big and time exceeded quoting TCP; parameter problem too', () => {
    const quoted = ipv6({ nh: 6, src: me, dst: peer }, tcp({ sport: 50505, dport: 443 }));
    for (const t of [2, 3, 4]) {
      const q = frame(eth(0x86dd, ipv6({ nh: 58, src: router, dst: me }, icmp(t, 0, quoted, [0, 0, 5, 0xdc]))));
      expect([q.icmpType, q.qProto, q.qSrcPort, q.qDstPort, problem(q)]).toEqual([t, 6, 50505, 443, 'none']);
    }
  });

  it('informational messages (echo 128) quote nothing', () => {
    const q = frame(eth(0x86dd, ipv6({ nh: 58 }, icmp(128, 0, [0, 1, 0, 1]))));
    expect([q.l4, q.icmpType, q.quoted, problem(q)]).toEqual([L4_ICMP6, 128, false, 'none']);
  });

  it('quoted later fragment: no ports; quote cut in the chain: truncated_icmp_quote', () => {
    const fragQ = ipv6({ nh: 44, src: me, dst: peer }, cat(frag6(17, 64, false, 9), [1, 2, 3, 4]));
    const a = frame(eth(0x86dd, ipv6({ nh: 58 }, icmp(1, 0, fragQ))));
    expect([problem(a), a.qProto, a.qSrcPort]).toEqual(['none', 17, -1]);
    const cutQ = ipv6({ nh: 60, src: me, dst: peer }, cat(ext(17, 2), udp(1, 2))).subarray(0, 50);
    const b = frame(eth(0x86dd, ipv6({ nh: 58 }, icmp(3, 0, cutQ))));
    expect([problem(b), b.quoted, b.qSrcPort]).toEqual(['truncated_icmp_quote', true, -1]);
  });

  it('every too-short prefix of the ICMPv6 header is truncated_icmp_header', () => {
    const pkt = eth(0x86dd, ipv6({ nh: 58 }, icmp(128, 0)));
    for (let n = 54; n < 62; n++) {
      const q = frame(pkt, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_icmp_header');
      expect([q.l4, q.ipVersion]).toEqual([L4_NONE, 6]);
    }
  });
});
