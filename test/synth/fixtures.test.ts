import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_SCENARIO, SCENARIOS, renderScenario } from '../../src/synth/scenarios.js';

const fixtures = new URL('../../fixtures/', import.meta.url);

/** Minimal independent reader for little-endian µs pcap with Ethernet frames (what most fixtures are). */
function* ethernetFrames(file: Buffer): Generator<{ ts: number; data: Buffer }> {
  expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
  expect(file.readUInt32LE(20)).toBe(1);
  let o = 24;
  while (o < file.length) {
    const sec = file.readUInt32LE(o);
    const usec = file.readUInt32LE(o + 4);
    const cap = file.readUInt32LE(o + 8);
    expect(file.readUInt32LE(o + 12)).toBe(cap);
    yield { ts: sec + usec / 1e6, data: file.subarray(o + 16, o + 16 + cap) };
    o += 16 + cap;
  }
  expect(o).toBe(file.length);
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return acc;
}
function words(b: Buffer): number {
  let acc = 0;
  for (let i = 0; i + 1 < b.length; i += 2) acc += b.readUInt16BE(i);
  if (b.length & 1) acc += b[b.length - 1]! << 8;
  return acc;
}

/** Checks every IPv4/IPv6 header and TCP/UDP/ICMP/ICMPv6 checksum of one frame; returns the L4 protocol. */
function verifyFrame(f: Buffer): number {
  let p = 12;
  let type = f.readUInt16BE(p);
  while (type === 0x8100 || type === 0x88a8) { p += 4; type = f.readUInt16BE(p); }
  p += 2;
  let proto: number; let l4: Buffer; let pseudo: number;
  if (type === 0x0800) {
    const ihl = (f[p]! & 0x0f) * 4;
    expect(fold(words(f.subarray(p, p + ihl)))).toBe(0xffff);
    const total = f.readUInt16BE(p + 2);
    expect(p + total).toBe(f.length);
    proto = f[p + 9]!;
    l4 = f.subarray(p + ihl, p + total);
    pseudo = words(f.subarray(p + 12, p + 20)) + proto + l4.length;
  } else {
    expect(type).toBe(0x86dd);
    expect(p + 40 + f.readUInt16BE(p + 4)).toBe(f.length);
    let next = f[p + 6]!;
    let q = p + 40;
    while (next === 0 || next === 43 || next === 44 || next === 60) {
      const len = next === 44 ? 8 : (f[q + 1]! + 1) * 8;
      next = f[q]!;
      q += len;
    }
    proto = next;
    l4 = f.subarray(q);
    pseudo = words(f.subarray(p + 8, p + 40)) + proto + l4.length;
  }
  if (proto === 6 || proto === 17 || proto === 58) expect(fold(pseudo + words(l4))).toBe(0xffff);
  else if (proto === 1) expect(fold(words(l4))).toBe(0xffff);
  if (proto === 17) expect(l4.readUInt16BE(4)).toBe(l4.length);
  return proto;
}

describe('committed fixtures', () => {
  it.each(SCENARIOS.map((s) => [s.path, s] as const))('%s regenerates byte-identically', (_path, s) => {
    const committed = readFileSync(new URL(s.path, fixtures));
    const fresh = renderScenario(s);
    expect(fresh.length).toBe(committed.length);
    expect(fresh.equals(committed)).toBe(true);
    // And rendering twice in one process is stable too (no hidden state).
    expect(renderScenario(s).equals(fresh)).toBe(true);
  });

  const ethernetPcaps = SCENARIOS.filter((s) => s.format.kind === 'pcap' && !s.format.opts.nanos && !s.format.opts.bigEndian);
  it.each(ethernetPcaps.map((s) => [s.path] as const))('%s: every checksum and length verifies, timestamps never go back', (path) => {
    const file = readFileSync(new URL(path, fixtures));
    let last = 0; let n = 0;
    for (const { ts, data } of ethernetFrames(file)) {
      expect(ts).toBeGreaterThanOrEqual(last);
      last = ts;
      expect([1, 6, 17, 58]).toContain(verifyFrame(data));
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });

  it('the demo is small, starts at 2026-01-15T09:00Z and spans a few dozen flows', () => {
    const file = readFileSync(new URL(DEMO_SCENARIO.path, fixtures));
    expect(file.length).toBeLessThan(100 * 1024);
    const frames = [...ethernetFrames(file)];
    expect(Math.floor(frames[0]!.ts / 60)).toBe(Date.UTC(2026, 0, 15, 9) / 60000);
    const tuples = new Set<string>();
    for (const { data } of frames) {
      const p = 14;
      if (data.readUInt16BE(12) !== 0x0800 || (data[p + 9] !== 6 && data[p + 9] !== 17)) continue;
      const a = `${data.readUInt32BE(p + 12)}:${data.readUInt16BE(p + 20)}`;
      const b = `${data.readUInt32BE(p + 16)}:${data.readUInt16BE(p + 22)}`;
      tuples.add(`${data[p + 9]} ${[a, b].sort().join(' ')}`);
    }
    expect(tuples.size).toBeGreaterThanOrEqual(24);
    expect(tuples.size).toBeLessThanOrEqual(60);
  });

  it('the scenario set covers every flow outcome named in issue 3', () => {
    const names = SCENARIOS.map((s) => s.path.replace(/^.*\//, '').replace(/\.pcapn?g?$/, ''));
    for (const n of ['handshake-fin', 'handshake-rst', 'syn-rst', 'syn-retried-unanswered', 'syn-at-end', 'midstream',
      'udp-replied', 'udp-icmp-port-unreachable', 'udp-icmp-admin-prohibited', 'udp-icmp-host-unreachable',
      'udp-icmp6-port-unreachable', 'udp-icmp6-admin-prohibited', 'one-sided', 'vlan-one-direction', 'ipv6-ext-headers',
      'port-reuse', 'premises', 'hybrid', 'wfm-v2', 'qinq']) {
      expect(names).toContain(n);
    }
  });
});

describe('fixtures/captures/README.md', () => {
  it('is the generated list of every scenario', async () => {
    const { capturesReadme } = await import('../../src/synth/make-fixtures.js');
    expect(readFileSync(new URL('captures/README.md', fixtures), 'utf8')).toBe(capturesReadme());
    expect(capturesReadme()).toContain('| flows/syn-rst.pcap |');
  });
});
