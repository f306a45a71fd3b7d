import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { DecodedPacket, L4_NONE, L4_TCP, L4_UDP } from '../../src/decode/packet.js';
import { PROBLEMS } from '../../src/decode/problems.js';
import { MAX_IPV6_EXT_HEADERS } from '../../src/decode/ipv6-ext.js';
import { cat, eth, ext, frag6, ip4, ip6, ipv4, ipv6, tcp, u16, u32, udp } from './build.js';

const p = new DecodedPacket();
function raw(bytes: Uint8Array, caplen = bytes.length): DecodedPacket {
  decodePacket(p, bytes, 0, caplen, 101);
  return p;
}
const problem = (q: DecodedPacket) => PROBLEMS[q.problem];

describe('IPv4', () => {
  it('decodes addresses as unsigned words, protocol, id', () => {
    const q = raw(ipv4({ proto: 17, src: ip4('203.0.113.250'), dst: ip4('255.255.255.255'), id: 0xbeef }, udp(53, 53)));
    expect(q.ipVersion).toBe(4);
    expect(q.src0).toBe(0xcb0071fa);
    expect(q.dst0).toBe(0xffffffff);
    expect([q.ipProto, q.ipId, q.isFragment]).toEqual([17, 0xbeef, false]);
    expect([q.src1, q.dst3]).toEqual([0, 0]);
  });

  it('skips options (IHL > 5) to reach the transport header', () => {
    const opts = [0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00]; // router alert + NOPs + EOL
    const q = raw(ipv4({ proto: 6, options: opts }, tcp({ sport: 1, dport: 2, seq: 0xfffffffe, ack: 0x80000000, flags: 0x18 }, [7, 7])));
    expect(problem(q)).toBe('none');
    expect(q.l4).toBe(L4_TCP);
    expect([q.srcPort, q.dstPort, q.tcpSeq, q.tcpAck, q.tcpFlags]).toEqual([1, 2, 0xfffffffe, 0x80000000, 0x18]);
    expect(q.payloadOffset).toBe(28 + 20);
    expect([q.payloadLength, q.payloadCaptured]).toEqual([2, 2]);
  });

  it('every too-short prefix of the header (with options) is truncated_ipv4_header', () => {
    const pkt = ipv4({ proto: 17, options: [1, 1, 1, 1] }, udp(1, 2));
    for (let n = 1; n < 24; n++) {
      const q = raw(pkt, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_ipv4_header');
      expect(q.ipVersion).toBe(0);
    }
  });

  it('IHL below 5 is bad_ipv4_header_length; total length below IHL is bad_ipv4_total_length', () => {
    expect(problem(raw(ipv4({ proto: 17, ihl: 4 }, udp(1, 2))))).toBe('bad_ipv4_header_length');
    const q = raw(ipv4({ proto: 17, totalLength: 12 }, udp(1, 2)));
    expect(problem(q)).toBe('bad_ipv4_total_length');
    expect(q.l4).toBe(L4_NONE);
  });

  it('an IPv6 nibble behind Ethertype 0x0800 is bad_ip_version', () => {
    decodePacket(p, eth(0x0800, ipv6({ nh: 59 }, [])), 0, 54, 1);
    expect(problem(p)).toBe('bad_ip_version');
    expect(p.etherType).toBe(0x0800);
  });

  it('total length 0 uses the captured length (segmentation offload), without a problem', () => {
    const q = raw(ipv4({ proto: 17, totalLength: 0 }, udp(1, 2, [1, 2, 3, 4])));
    expect(problem(q)).toBe('none');
    expect(q.l4).toBe(L4_UDP);
    expect(q.payloadLength).toBe(4);
  });

  it('total length beyond the capture is counted and decoding goes on', () => {
    const pkt = ipv4({ proto: 17 }, udp(1, 2, new Array(100).fill(0)));
    const q = raw(pkt, 40);
    expect(problem(q)).toBe('ipv4_total_length_exceeds_capture');
    expect(q.l4).toBe(L4_UDP);
    expect([q.payloadLength, q.payloadCaptured]).toEqual([100, 12]);
  });

  it('ignores Ethernet padding after the IP length', () => {
    const pkt = eth(0x0800, cat(ipv4({ proto: 6 }, tcp({ flags: 0x10 })), new Array(6).fill(0xee)));
    decodePacket(p, pkt, 0, pkt.length, 1);
    expect(problem(p)).toBe('none');
    expect([p.payloadLength, p.payloadCaptured]).toEqual([0, 0]);
  });

  it('the first fragment decodes the transport; later fragments keep (src, dst, proto, id) only', () => {
    const first = raw(ipv4({ proto: 17, id: 77, mf: true }, udp(5000, 6000, new Array(16).fill(1))));
    expect([first.isFragment, first.fragOffset, first.moreFragments, first.ipId]).toEqual([true, 0, true, 77]);
    expect(first.l4).toBe(L4_UDP);
    expect(first.srcPort).toBe(5000);
    const later = raw(ipv4({ proto: 17, id: 77, fragOffset: 24 }, new Array(16).fill(1)));
    expect([later.isFragment, later.fragOffset, later.moreFragments, later.ipId, later.ipProto]).toEqual([true, 24, false, 77, 17]);
    expect([later.l4, later.srcPort, problem(later)]).toEqual([L4_NONE, 0, 'none']);
    // a first fragment that cuts the TCP header short is truncated, not bogus
    const split = raw(ipv4({ proto: 6, id: 78, mf: true }, tcp({ sport: 1, dport: 2 }).subarray(0, 16)));
    expect([problem(split), split.l4, split.isFragment]).toEqual(['truncated_tcp_header', L4_NONE, true]);
    const middle = raw(ipv4({ proto: 6, id: 77, fragOffset: 8, mf: true }, [0x12, 0x34, 0, 0]));
    expect([middle.isFragment, middle.fragOffset, middle.moreFragments, middle.l4]).toEqual([true, 8, true, L4_NONE]);
  });
});

describe('IPv6', () => {
  const src = [0x2001, 0xdb8, 0, 0, 0, 0, 0xabcd, 0x1234];
  const dst = [0xfe80, 0, 0, 0, 0x0211, 0x22ff, 0xfe33, 0x4455];

  it('decodes the addresses as four big-endian words', () => {
    const q = raw(ipv6({ nh: 17, src, dst }, udp(546, 547)));
    expect(problem(q)).toBe('none');
    expect([q.src0, q.src1, q.src2, q.src3]).toEqual(ip6(src));
    expect([q.dst0, q.dst1, q.dst2, q.dst3]).toEqual(ip6(dst));
    expect(q.dst0).toBe(0xfe800000);
    expect([q.ipProto, q.l4, q.srcPort, q.dstPort]).toEqual([17, L4_UDP, 546, 547]);
  });

  it('every too-short prefix of the fixed header is truncated_ipv6_header', () => {
    const pkt = ipv6({ nh: 17 }, udp(1, 2));
    for (let n = 1; n < 40; n++) expect(problem(raw(pkt, n)), `caplen ${n}`).toBe('truncated_ipv6_header');
  });

  it('bad version behind 0x86dd', () => {
    decodePacket(p, eth(0x86dd, ipv6({ nh: 59, version: 5 }, [])), 0, 54, 1);
    expect(problem(p)).toBe('bad_ip_version');
    expect(p.ipVersion).toBe(0);
  });

  it('walks hop-by-hop, routing, fragment (atomic), destination options and AH to TCP', () => {
    const ah = [6, 4, 0, 0, ...u32(0x100), ...u32(1), ...u32(0), ...u32(0), ...u32(0)]; // (4+2)*4 = 24 bytes
    const chain = cat(ext(43), ext(44, 1), frag6(60, 0, false, 0xdeadbeef), ext(51), ah, tcp({ sport: 22, dport: 50000 }));
    const q = raw(ipv6({ nh: 0 }, chain));
    expect(problem(q)).toBe('none');
    expect([q.ipProto, q.l4, q.srcPort, q.dstPort]).toEqual([6, L4_TCP, 22, 50000]);
    // an atomic fragment (offset 0, M=0) is a whole packet
    expect([q.isFragment, q.ipId]).toEqual([false, 0xdeadbeef]);
    expect(q.payloadOffset).toBe(40 + 8 + 16 + 8 + 8 + 24 + 20);
  });

  it('keeps the IPv6 header destination even with a routing header (documented choice)', () => {
    const rh0 = [17, 2, 0, 1, 0, 0, 0, 0, ...[0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99].flatMap(u16)];
    const q = raw(ipv6({ nh: 43, dst }, cat(rh0, udp(53, 53))));
    expect([q.dst0, q.dst1, q.dst2, q.dst3]).toEqual(ip6(dst));
    expect(q.l4).toBe(L4_UDP);
  });

  it('stops at No Next Header (59) without a problem', () => {
    const q = raw(ipv6({ nh: 60 }, cat(ext(59), [1, 2, 3, 4])));
    expect([problem(q), q.ipProto, q.l4]).toEqual(['none', 59, L4_NONE]);
  });

  it('a chain of exactly the limit decodes; one more is bad_ipv6_ext_chain', () => {
    const build = (n: number) => {
      const parts: number[][] = [];
      for (let i = 0; i < n; i++) parts.push(ext(i === n - 1 ? 17 : 60));
      return ipv6({ nh: 60 }, cat(...parts, udp(1, 2)));
    };
    const ok = raw(build(MAX_IPV6_EXT_HEADERS));
    expect([problem(ok), ok.l4]).toEqual(['none', L4_UDP]);
    const bad = raw(build(MAX_IPV6_EXT_HEADERS + 1));
    expect([problem(bad), bad.l4, bad.ipVersion]).toEqual(['bad_ipv6_ext_chain', L4_NONE, 6]);
  });

  it('every too-short prefix inside the chain is truncated_ipv6_ext, keeping the IPv6 layer', () => {
    const pkt = ipv6({ nh: 0 }, cat(ext(43, 1), ext(44, 2), frag6(17, 0, false, 5), udp(1, 2)));
    const chainEnd = 40 + 16 + 24 + 8;
    for (let n = 40; n < chainEnd; n++) {
      const q = raw(pkt, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_ipv6_ext');
      expect(q.ipVersion).toBe(6);
      expect(q.l4).toBe(L4_NONE);
    }
    for (let n = chainEnd; n < chainEnd + 8; n++) expect(problem(raw(pkt, n))).toBe('truncated_udp_header');
  });

  it('an extension header beyond the payload length is bad_ipv6_ext_chain', () => {
    const q = raw(ipv6({ nh: 60, plen: 8 }, cat(ext(17, 1), udp(1, 2))));
    expect(problem(q)).toBe('bad_ipv6_ext_chain');
  });

  it('fragments: the first decodes the transport, later ones stop at the fragment header', () => {
    const first = raw(ipv6({ nh: 44 }, cat(frag6(17, 0, true, 0x01020304), udp(5353, 5353, new Array(32).fill(0)))));
    expect([first.isFragment, first.fragOffset, first.moreFragments, first.ipId]).toEqual([true, 0, true, 0x01020304]);
    expect([first.l4, first.srcPort]).toEqual([L4_UDP, 5353]);
    const later = raw(ipv6({ nh: 0 }, cat(ext(44), frag6(17, 1232, false, 0x01020304), new Array(32).fill(0))));
    expect([later.isFragment, later.fragOffset, later.moreFragments, later.ipProto]).toEqual([true, 1232, false, 17]);
    expect([later.l4, problem(later)]).toEqual([L4_NONE, 'none']);
  });

  it('payload length 0 uses a Jumbo Payload option, else the captured length', () => {
    const data = new Array(40).fill(0x61);
    const hbh = [6, 0, 0xc2, 4, ...u32(8 + 20 + data.length)];
    const q = raw(ipv6({ nh: 0, plen: 0 }, cat(hbh, tcp({ flags: 0x18 }, data))));
    expect([problem(q), q.l4, q.payloadLength, q.payloadCaptured]).toEqual(['none', L4_TCP, 40, 40]);
    const tso = raw(ipv6({ nh: 6, plen: 0 }, tcp({ flags: 0x18 }, data)));
    expect([problem(tso), tso.payloadLength]).toEqual(['none', 40]);
  });

  it('payload length beyond the capture is counted and decoding goes on', () => {
    const q = raw(ipv6({ nh: 17 }, udp(1, 2, new Array(50).fill(0))), 60);
    expect([problem(q), q.l4, q.payloadLength, q.payloadCaptured]).toEqual(['ipv6_payload_length_exceeds_capture', L4_UDP, 50, 12]);
  });
});
