/**
 * The evidence file's pcapng blocks (src/report/evidence-pcapng.ts), read back with our own
 * pcapng reader: options do not disturb the blocks, timestamps survive in every resolution,
 * the Interface Statistics end time reaches the sink, and over-long comments are cut on a
 * UTF-8 boundary.
 */
import { describe, expect, it } from 'vitest';
import { PcapngWalker } from '../../src/capture/pcapng-reader.js';
import type { PacketSink } from '../../src/capture/types.js';
import { enhancedPacket, interfaceDescription, interfaceStatistics, sectionHeader } from '../../src/report/evidence-pcapng.js';

interface Seen {
  packets: { iface: number; linkType: number; tsSec: number; tsNsec: number; data: number[]; origLen: number }[];
  ifaces: { iface: number; linkType: number; tsresol: number; snaplen: number }[];
  ends: number[];
}

function readBack(bytes: Buffer): Seen {
  const seen: Seen = { packets: [], ifaces: [], ends: [] };
  const sink: PacketSink = {
    packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface) {
      seen.packets.push({ iface, linkType, tsSec, tsNsec, data: [...buf.subarray(offset, offset + caplen)], origLen });
    },
    endTime(ts) { seen.ends.push(ts); },
    interfaceAdded(iface, linkType, tsresol, snaplen) { seen.ifaces.push({ iface, linkType, tsresol, snaplen }); },
  };
  const w = new PcapngWalker('t.pcapng', sink, 0, bytes.length);
  const pos = w.walk(bytes, 0, bytes.length, 0);
  w.finish(bytes, pos, bytes.length, 0);
  expect(w.error).toBeNull();
  expect(pos).toBe(bytes.length);
  return seen;
}

describe('evidence pcapng blocks', () => {
  it('keep link type, snap length and resolution per interface, and every timestamp exactly', () => {
    const bytes = Buffer.concat([
      sectionHeader('wfo-audit test', 'line one\nline two'),
      interfaceDescription(1, 262144, 6, 'a.pcap#0', 'input 1 (a.pcap), interface 0'),
      interfaceDescription(101, 65535, 9, 'b.pcapng#1', 'input 2'),
      enhancedPacket(0, 6, 1768471200, 123456000, Uint8Array.of(1, 2, 3), 60, 'wfo-audit blocked: a comment'),
      enhancedPacket(1, 9, 1768471200, 123456789, Uint8Array.of(4, 5, 6, 7, 8), 5, null),
      interfaceStatistics(0, 6, [1768471200, 123456000], [1768471263, 500000000]),
      interfaceStatistics(1, 9, [1768471200, 123456789], [1768471263, 500000001]),
    ]);
    const seen = readBack(bytes);
    expect(seen.ifaces).toEqual([
      { iface: 0, linkType: 1, tsresol: 6, snaplen: 262144 },
      { iface: 1, linkType: 101, tsresol: 9, snaplen: 65535 },
    ]);
    expect(seen.packets).toEqual([
      { iface: 0, linkType: 1, tsSec: 1768471200, tsNsec: 123456000, data: [1, 2, 3], origLen: 60 },
      { iface: 1, linkType: 101, tsSec: 1768471200, tsNsec: 123456789, data: [4, 5, 6, 7, 8], origLen: 5 },
    ]);
    expect(seen.ends).toEqual([1768471263.5, 1768471263 + 500000001 / 1e9]);
  });

  it('pads every option and block to 32 bits, whatever the comment length', () => {
    for (let n = 0; n < 9; n++) {
      const b = enhancedPacket(0, 6, 1, 0, new Uint8Array(n), n, 'x'.repeat(n));
      expect(b.length % 4).toBe(0);
      expect(b.readUInt32LE(4)).toBe(b.length);
      expect(b.readUInt32LE(b.length - 4)).toBe(b.length);
    }
  });

  it('cuts a comment longer than an option can hold on a UTF-8 boundary', () => {
    const shb = sectionHeader('wfo-audit', '→'.repeat(30000)); // 90,000 bytes of 3-byte characters
    const off = 24 + 4 + 12; // block header and body, the shb_userappl option ("wfo-audit" padded to 12)
    expect(shb.readUInt16LE(off)).toBe(1);
    const len = shb.readUInt16LE(off + 2);
    expect(len).toBeLessThanOrEqual(65532);
    expect(len % 3).toBe(0);
    expect(shb.subarray(off + 4, off + 4 + len).toString('utf8')).toBe('→'.repeat(len / 3));
    readBack(Buffer.concat([shb, interfaceDescription(1, 0, 6, 'x', 'y')]));
  });
});
