import { describe, expect, it } from 'vitest';
import { DECODED_LINK_TYPES, decodePacket } from '../../src/decode/decode.js';
import { LINK_TYPES } from '../../src/capture/link-types.js';
import { DecodedPacket, L4_TCP, L4_UDP } from '../../src/decode/packet.js';
import { PROBLEMS } from '../../src/decode/problems.js';
import { cat, eth, ip4, ipv4, ipv6, tag, tcp, u16, udp } from './build.js';

const p = new DecodedPacket();
function decode(bytes: Uint8Array, linkType: number, caplen = bytes.length): DecodedPacket {
  decodePacket(p, bytes, 0, caplen, linkType);
  return p;
}
const problem = (q: DecodedPacket) => PROBLEMS[q.problem];

const udp4 = ipv4({ proto: 17, src: ip4('192.0.2.1'), dst: ip4('198.51.100.7') }, udp(5060, 5061, [1, 2, 3]));
const tcp6 = ipv6({ nh: 6 }, tcp({ sport: 1234, dport: 80, flags: 0x12 }));

describe('Ethernet II', () => {
  it('decodes IPv4/UDP behind a plain header', () => {
    const q = decode(eth(0x0800, udp4), 1);
    expect(problem(q)).toBe('none');
    expect(q.etherType).toBe(0x0800);
    expect(q.vlanCount).toBe(0);
    expect(q.vlan0).toBe(-1);
    expect(q.l4).toBe(L4_UDP);
    expect([q.srcPort, q.dstPort]).toEqual([5060, 5061]);
    expect(q.src0).toBe(ip4('192.0.2.1'));
    expect(q.linkType).toBe(1);
    expect(q.caplen).toBe(14 + udp4.length);
  });

  it('every too-short prefix of the Ethernet header is truncated_link_header', () => {
    const frame = eth(0x0800, udp4);
    for (let n = 0; n < 14; n++) {
      const q = decode(frame, 1, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_link_header');
      expect(q.etherType).toBe(0);
      expect(q.ipVersion).toBe(0);
    }
  });

  it('counts an 802.3 length field as not_ethernet_ii, also behind a VLAN tag', () => {
    const llc = eth(0x0026, [0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00]);
    expect(problem(decode(llc, 1))).toBe('not_ethernet_ii');
    const tagged = eth(0x8100, [...tag(0, 0, 10, 0x0026), 0xaa, 0xaa, 3]);
    const q = decode(tagged, 1);
    expect(problem(q)).toBe('not_ethernet_ii');
    expect(q.vlan0).toBe(10);
  });

  it('counts an unsupported Ethertype by value (ARP)', () => {
    const q = decode(eth(0x0806, new Array(28).fill(0)), 1);
    expect(problem(q)).toBe('unsupported_ethertype');
    expect(q.problemDetail).toBe(0x0806);
    expect(q.etherType).toBe(0x0806);
  });
});

describe('VLAN tags', () => {
  it('strips one 802.1Q tag and keeps the VID without PCP/DEI bits', () => {
    const q = decode(eth(0x8100, cat(tag(7, 1, 123, 0x0800), udp4)), 1);
    expect(problem(q)).toBe('none');
    expect(q.vlanCount).toBe(1);
    expect(q.vlan0).toBe(123);
    expect(q.vlan1).toBe(-1);
    expect(q.etherType).toBe(0x0800);
    expect(q.l4).toBe(L4_UDP);
  });

  it('keeps the full 12-bit VID (4095) with every PCP/DEI bit set', () => {
    const q = decode(eth(0x8100, cat(tag(7, 1, 0xfff, 0x86dd), tcp6)), 1);
    expect(q.vlan0).toBe(0xfff);
    expect(q.l4).toBe(L4_TCP);
  });

  it('strips an 802.1ad S-tag and an 802.1Q C-tag (QinQ 0x88a8)', () => {
    const q = decode(eth(0x88a8, cat(tag(3, 0, 100, 0x8100), tag(5, 1, 200, 0x0800), udp4)), 1);
    expect(problem(q)).toBe('none');
    expect([q.vlanCount, q.vlan0, q.vlan1]).toEqual([2, 100, 200]);
    expect(q.l4).toBe(L4_UDP);
  });

  it('strips a 0x9100 tag and three stacked tags, keeping the first two ids', () => {
    const frame = eth(0x9100, cat(tag(0, 0, 1, 0x8100), tag(0, 0, 2, 0x8100), tag(0, 0, 3, 0x0800), udp4));
    const q = decode(frame, 1);
    expect([q.vlanCount, q.vlan0, q.vlan1]).toEqual([3, 1, 2]);
    expect(q.l4).toBe(L4_UDP);
    expect(q.dstPort).toBe(5061);
  });

  it('every too-short prefix of a tag stack is truncated_vlan_tag, keeping the tags before it', () => {
    const frame = eth(0x88a8, cat(tag(0, 0, 100, 0x8100), tag(0, 0, 200, 0x0800), udp4));
    for (let n = 14; n < 22; n++) {
      const q = decode(frame, 1, n);
      expect(problem(q), `caplen ${n}`).toBe('truncated_vlan_tag');
      expect(q.vlanCount).toBe(n < 18 ? 0 : 1);
      expect(q.vlan0).toBe(n < 18 ? -1 : 100);
    }
    expect(problem(decode(frame, 1, 22))).toBe('truncated_ipv4_header');
  });
});

describe('Linux cooked captures', () => {
  const sllHeader = (proto: number) => [0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...u16(proto)];
  const sll2Header = (proto: number) => [...u16(proto), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0];

  it('SLL (113): protocol at offset 14, payload at 16', () => {
    const q = decode(cat(sllHeader(0x0800), udp4), 113);
    expect(problem(q)).toBe('none');
    expect(q.etherType).toBe(0x0800);
    expect(q.srcPort).toBe(5060);
  });

  it('SLL2 (276): protocol at offset 0, payload at 20', () => {
    const q = decode(cat(sll2Header(0x86dd), tcp6), 276);
    expect(problem(q)).toBe('none');
    expect(q.ipVersion).toBe(6);
    expect([q.srcPort, q.dstPort, q.tcpFlags]).toEqual([1234, 80, 0x12]);
  });

  it('SLL with a VLAN protocol strips the tag', () => {
    const q = decode(cat(sllHeader(0x8100), tag(0, 0, 42, 0x0800), udp4), 113);
    expect(q.vlan0).toBe(42);
    expect(q.l4).toBe(L4_UDP);
  });

  it('every too-short prefix of SLL / SLL2 headers is truncated_link_header', () => {
    const a = cat(sllHeader(0x0800), udp4);
    for (let n = 0; n < 16; n++) expect(problem(decode(a, 113, n))).toBe('truncated_link_header');
    const b = cat(sll2Header(0x0800), udp4);
    for (let n = 0; n < 20; n++) expect(problem(decode(b, 276, n))).toBe('truncated_link_header');
  });

  it('counts an SLL protocol that is not an Ethertype', () => {
    expect(problem(decode(cat(sllHeader(0x0004), [0xaa, 0xaa, 3]), 113))).toBe('not_ethernet_ii');
  });
});

describe('NULL and LOOP', () => {
  it('reads the address family in either byte order (2, 24, 28, 30)', () => {
    expect(decode(cat([2, 0, 0, 0], udp4), 0).l4).toBe(L4_UDP);
    expect(decode(cat([0, 0, 0, 2], udp4), 0).l4).toBe(L4_UDP);
    for (const af of [24, 28, 30]) {
      const le = decode(cat([af, 0, 0, 0], tcp6), 0);
      expect([le.ipVersion, le.l4, problem(le)]).toEqual([6, L4_TCP, 'none']);
      const be = decode(cat([0, 0, 0, af], tcp6), 0);
      expect([be.ipVersion, be.l4]).toEqual([6, L4_TCP]);
      expect(be.etherType).toBe(0x86dd);
    }
  });

  it('falls back to an Ethertype in bytes 2-3 when the header is not a family (as tshark)', () => {
    const q = decode(cat([0x0f, 0x00, 0x08, 0x00], udp4), 0);
    expect(problem(q)).toBe('none');
    expect(q.l4).toBe(L4_UDP);
  });

  it('counts an unknown family, and truncation of the 4-byte header', () => {
    const q = decode(cat([7, 0, 0, 0], udp4), 0);
    expect(problem(q)).toBe('unsupported_address_family');
    expect(q.problemDetail).toBe(7);
    for (let n = 0; n < 4; n++) expect(problem(decode(cat([2, 0, 0, 0], udp4), 0, n))).toBe('truncated_link_header');
  });

  it('LOOP (108) is network byte order', () => {
    expect(decode(cat([0, 0, 0, 2], udp4), 108).l4).toBe(L4_UDP);
    expect(decode(cat([0, 0, 0, 24], tcp6), 108).ipVersion).toBe(6);
    expect(problem(decode(cat([2, 0, 0, 0], udp4), 108))).toBe('unsupported_address_family');
  });

  it('checks the IP version behind the family', () => {
    expect(problem(decode(cat([2, 0, 0, 0], tcp6), 0))).toBe('bad_ip_version');
  });
});

describe('raw IP link types', () => {
  it('101, 12 and 14 decide by the version nibble', () => {
    for (const lt of [101, 12, 14]) {
      expect(decode(udp4, lt).ipVersion).toBe(4);
      expect(decode(tcp6, lt).ipVersion).toBe(6);
      expect(problem(decode(udp4, lt))).toBe('none');
    }
  });

  it('228/229 decode by the nibble and count ip_version_mismatch', () => {
    expect(problem(decode(udp4, 228))).toBe('none');
    expect(problem(decode(tcp6, 229))).toBe('none');
    const a = decode(tcp6, 228);
    expect([problem(a), a.ipVersion, a.l4]).toEqual(['ip_version_mismatch', 6, L4_TCP]);
    const b = decode(udp4, 229);
    expect([problem(b), b.ipVersion, b.l4]).toEqual(['ip_version_mismatch', 4, L4_UDP]);
  });

  it('an empty packet or a bad nibble is a problem', () => {
    expect(problem(decode(udp4, 101, 0))).toBe('truncated_ip_header');
    expect(problem(decode(new Uint8Array([0x50, 0, 0, 0]), 101))).toBe('bad_ip_version');
  });
});

describe('link-type dispatch', () => {
  it('decodes exactly the link types the capture table marks as decoded', () => {
    const marked = [...LINK_TYPES].filter(([, v]) => v.decoded).map(([k]) => k).sort((a, b) => a - b);
    expect([...DECODED_LINK_TYPES]).toEqual(marked);
    for (const lt of DECODED_LINK_TYPES) expect(problem(decode(new Uint8Array(0), lt))).not.toBe('unsupported_link_type');
  });

  it('counts an unsupported link type by value', () => {
    const q = decode(udp4, 253);
    expect(problem(q)).toBe('unsupported_link_type');
    expect(q.problemDetail).toBe(253);
    expect(q.ipVersion).toBe(0);
  });

  it('decodes at a non-zero offset and never past offset+caplen', () => {
    const frame = eth(0x0800, udp4);
    const buf = cat([9, 9, 9], frame, [0xff, 0xff]);
    decodePacket(p, buf, 3, frame.length, 1);
    expect(p.l4).toBe(L4_UDP);
    expect(p.payloadOffset).toBe(3 + 14 + 28);
    expect(p.payloadCaptured).toBe(3);
    // a caplen larger than the buffer is clamped, not read past
    decodePacket(p, frame, 0, frame.length + 100, 1);
    expect(p.l4).toBe(L4_UDP);
  });

  it('reset clears the previous packet', () => {
    decode(eth(0x8100, cat(tag(0, 0, 5, 0x0800), udp4)), 1);
    const q = decode(eth(0x0806, []), 1);
    expect([q.vlan0, q.vlanCount, q.l4, q.srcPort, q.ipVersion]).toEqual([-1, 0, 0, 0, 0]);
  });
});
