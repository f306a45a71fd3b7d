import { describe, expect, it } from 'vitest';
import {
  Clock, TcpSession, ethernet, hex, icmp6Unreachable, icmpUnreachable, ipv4, ipv6, parseIpv4, parseIpv6, tcp, udp,
} from '../../src/synth/craft.js';

/** Independent one's-complement sum (RFC 1071) over big-endian 16-bit words, via DataView. */
function onesSum(...parts: Uint8Array[]): number {
  let acc = 0;
  for (const p of parts) {
    const padded = new Uint8Array(p.length + (p.length & 1));
    padded.set(p);
    const dv = new DataView(padded.buffer);
    for (let i = 0; i < padded.length; i += 2) acc += dv.getUint16(i);
  }
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return acc;
}

function pseudo4(src: string, dst: string, proto: number, len: number): Uint8Array {
  return Uint8Array.from([...parseIpv4(src), ...parseIpv4(dst), 0, proto, len >> 8, len & 0xff]);
}

function pseudo6(src: string, dst: string, proto: number, len: number): Uint8Array {
  return Uint8Array.from([...parseIpv6(src), ...parseIpv6(dst), 0, 0, len >> 8, len & 0xff, 0, 0, 0, proto]);
}

describe('address parsing', () => {
  it('parses IPv6 text forms', () => {
    expect(Array.from(parseIpv6('2001:db8::1'))).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(parseIpv6('::'))).toEqual(new Array(16).fill(0));
    expect(Array.from(parseIpv6('::ffff:10.0.0.1')).slice(10)).toEqual([0xff, 0xff, 10, 0, 0, 1]);
    expect(Array.from(parseIpv6('fe80::'))).toEqual([0xfe, 0x80, ...new Array(14).fill(0)]);
  });
  it('rejects malformed addresses', () => {
    expect(() => parseIpv4('10.0.0')).toThrow(/not an IPv4/);
    expect(() => parseIpv4('10.0.0.256')).toThrow(/not an IPv4/);
    expect(() => parseIpv6('1::2::3')).toThrow(/not an IPv6/);
    expect(() => parseIpv6('1:2:3:4:5:6:7')).toThrow(/not an IPv6/);
  });
});

describe('IPv4', () => {
  it('matches a known header byte for byte (checksum b861)', () => {
    // A widely published example header: 192.168.0.1 -> 192.168.0.199, UDP, total length 115, DF.
    const p = ipv4({ src: '192.168.0.1', dst: '192.168.0.199', proto: 17, payload: new Uint8Array(95), id: 0, ttl: 64 });
    expect(Array.from(p.subarray(0, 20))).toEqual(Array.from(hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7')));
  });
  it('verifies to 0xffff and encodes fragments', () => {
    const p = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: new Uint8Array(16), mf: true, fragOffset: 1480, id: 0xbeef });
    expect(onesSum(p.subarray(0, 20))).toBe(0xffff);
    expect((p[6]! << 8) | p[7]!).toBe(0x2000 | (1480 / 8));
    expect((p[2]! << 8) | p[3]!).toBe(36);
  });
});

describe('TCP / UDP / ICMP checksums over the pseudo-header', () => {
  it('TCP over IPv4 and IPv6, with odd payload lengths', () => {
    for (const [src, dst, ps] of [['10.0.0.1', '10.0.0.2', pseudo4], ['2001:db8::1', '2001:db8::2', pseudo6]] as const) {
      for (const n of [0, 1, 7, 100]) {
        const seg = tcp({ src, dst, sport: 50000, dport: 1433, seq: 0xfffffff0, ack: 5, flags: 'PA', payload: new Uint8Array(n).fill(0xab) });
        expect(onesSum(ps(src, dst, 6, seg.length), seg)).toBe(0xffff);
        expect(seg[13]).toBe(0x18);
      }
    }
  });
  it('TCP SYN carries an MSS option and a 24-byte header', () => {
    const seg = tcp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, seq: 1, ack: 0, flags: 'S' });
    expect(seg.length).toBe(24);
    expect(seg[12]! >> 4).toBe(6);
    expect(Array.from(seg.subarray(20, 24))).toEqual([2, 4, 0x05, 0xb4]);
  });
  it('UDP over both families; length field covers header and payload', () => {
    const d4 = udp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5060, dport: 5060, payload: new Uint8Array(33).fill(7) });
    expect(onesSum(pseudo4('10.0.0.1', '10.0.0.2', 17, d4.length), d4)).toBe(0xffff);
    expect((d4[4]! << 8) | d4[5]!).toBe(41);
    const d6 = udp({ src: '2001:db8::1', dst: '2001:db8::2', sport: 1, dport: 162, payload: new Uint8Array(10) });
    expect(onesSum(pseudo6('2001:db8::1', '2001:db8::2', 17, d6.length), d6)).toBe(0xffff);
  });
  it('ICMP unreachable quotes the header plus 8 bytes and verifies', () => {
    const quoted = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, payload: udp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 162, payload: new Uint8Array(50) }) });
    const m = icmpUnreachable(13, quoted);
    expect(m.length).toBe(8 + 28);
    expect([m[0], m[1]]).toEqual([3, 13]);
    expect(onesSum(m)).toBe(0xffff);
  });
  it('ICMPv6 unreachable verifies with the pseudo-header', () => {
    const m = icmp6Unreachable('2001:db8::1', '2001:db8::2', 4, new Uint8Array(60).fill(1));
    expect([m[0], m[1]]).toEqual([1, 4]);
    expect(onesSum(pseudo6('2001:db8::1', '2001:db8::2', 58, m.length), m)).toBe(0xffff);
  });
});

describe('IPv6 extension headers and Ethernet tags', () => {
  it('links the next-header chain and pads options to 8 octets', () => {
    const p = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: new Uint8Array(20), ext: [{ type: 0 }, { type: 60, optionBytes: 8 }, { type: 44, id: 7 }] });
    expect(p[6]).toBe(0);
    expect(p[40]).toBe(60); // hop-by-hop -> dest opts
    expect(p[41]).toBe(0); // 8 octets
    expect(p[48]).toBe(44); // dest opts -> fragment
    expect(p[49]).toBe(1); // 16 octets
    expect(p[64]).toBe(6); // fragment -> TCP
    expect((p[4]! << 8) | p[5]!).toBe(8 + 16 + 8 + 20);
  });
  it('writes 802.1Q and 802.1ad tags outermost first', () => {
    const f = ethernet(new Uint8Array(4), { vlans: [200, 100], outerType: 0x88a8, etherType: 0x0800 });
    expect(Array.from(f.subarray(12, 22))).toEqual([0x88, 0xa8, 0, 200, 0x81, 0x00, 0, 100, 0x08, 0x00]);
  });
});

describe('TcpSession', () => {
  it('keeps seq/ack consistent through handshake, data and FIN; SYN retransmits reuse the ISN', () => {
    const s = new TcpSession({ client: '10.0.0.1', server: '10.0.0.2', cport: 50000, sport: 80, clientIsn: 100, serverIsn: 900 });
    const seqAck = (f: Uint8Array): [number, number] => {
      const dv = new DataView(f.buffer, f.byteOffset + 14 + 20);
      return [dv.getUint32(4), dv.getUint32(8)];
    };
    expect(seqAck(s.syn())).toEqual([100, 0]);
    expect(seqAck(s.syn())).toEqual([100, 0]);
    expect(seqAck(s.synAck())).toEqual([900, 101]);
    expect(seqAck(s.ack())).toEqual([101, 901]);
    expect(seqAck(s.data('client', new Uint8Array(10)))).toEqual([101, 901]);
    expect(seqAck(s.data('server', new Uint8Array(5)))).toEqual([901, 111]);
    expect(seqAck(s.fin('client'))).toEqual([111, 906]);
    expect(seqAck(s.fin('server'))).toEqual([906, 112]);
    expect(seqAck(s.ack())).toEqual([112, 907]);
  });
  it('answers a SYN with RST-ACK acknowledging ISN+1', () => {
    const s = new TcpSession({ client: '10.0.0.1', server: '10.0.0.2', cport: 50000, sport: 1433, clientIsn: 41 });
    s.syn();
    const r = s.rst('server');
    expect(r[14 + 20 + 13]).toBe(0x14);
    expect(new DataView(r.buffer).getUint32(14 + 20 + 8)).toBe(42);
  });
});

describe('Clock', () => {
  it('stamps integer microseconds as sec + nsec', () => {
    const c = new Clock('2026-01-15T09:00:00Z').advance(1.5);
    const p = c.stamp(new Uint8Array(1));
    expect(p.tsSec).toBe(Date.UTC(2026, 0, 15, 9) / 1000);
    expect(p.tsNsec).toBe(1_500_000);
  });
});
