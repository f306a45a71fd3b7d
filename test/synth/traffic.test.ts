import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/synth/traffic.js';
import { ethernetFrames, verifyFrame } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'wfo-traffic-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('benchmark traffic generator', () => {
  const a = join(dir, 'a.pcap');
  const b = join(dir, 'b.pcap');
  const statsA = generateTraffic(a, { packets: 6000, concurrency: 300 });
  const statsB = generateTraffic(b, { packets: 6000, concurrency: 300 });

  it('is deterministic for a seed and writes exactly the packets asked for', () => {
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(statsA).toEqual(statsB);
    expect([...ethernetFrames(readFileSync(a))].length).toBe(6000);
    expect(statsA.packets).toBe(6000);
  });

  it('a different seed gives a different capture', () => {
    const c = join(dir, 'c.pcap');
    generateTraffic(c, { packets: 6000, concurrency: 300, seed: 2 });
    expect(readFileSync(c).equals(readFileSync(a))).toBe(false);
  });

  it('every checksum verifies; the mix has VLAN, IPv6, ICMP, RST and bare SYNs in roughly the intended shares', () => {
    let vlan = 0, v6 = 0, icmp = 0, rst = 0, syn = 0;
    for (const { data } of ethernetFrames(readFileSync(a))) {
      const proto = verifyFrame(data);
      const tagged = data.readUInt16BE(12) === 0x8100;
      const l3 = tagged ? 18 : 14;
      if (tagged) vlan++;
      const et = data.readUInt16BE(l3 - 2);
      if (et === 0x86dd) v6++;
      if (proto === 1 || proto === 58) icmp++;
      if (proto === 6) {
        const t = l3 + (et === 0x86dd ? 40 : 20);
        const flags = data[t + 13]!;
        if (flags & 0x04) rst++;
        if (flags === 0x02) syn++;
      }
    }
    expect(vlan / 6000).toBeGreaterThan(0.05);
    expect(vlan / 6000).toBeLessThan(0.15);
    expect(v6 / 6000).toBeGreaterThan(0.05);
    expect(v6 / 6000).toBeLessThan(0.15);
    expect(icmp).toBeGreaterThan(0);
    expect(rst).toBeGreaterThan(0);
    expect(syn).toBeGreaterThan(statsA.kinds['syn-unanswered']);
    expect(statsA.kinds.tcp).toBeGreaterThan(statsA.kinds.udp);
  });

  it('loopback mode keeps every address in 127.0.0.0/8 and uses no IPv6', () => {
    const l = join(dir, 'lo.pcap');
    generateTraffic(l, { packets: 2000, concurrency: 100, loopback: true });
    for (const { data } of ethernetFrames(readFileSync(l))) {
      const l3 = data.readUInt16BE(12) === 0x8100 ? 18 : 14;
      expect(data.readUInt16BE(l3 - 2)).toBe(0x0800);
      expect(data[l3 + 12]).toBe(127);
      expect(data[l3 + 16]).toBe(127);
      verifyFrame(data);
    }
  });
});
