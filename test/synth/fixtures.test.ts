import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_SCENARIO, SCENARIOS, renderScenario } from '../../src/synth/scenarios.js';
import { ethernetFrames, verifyFrame } from './verify.js';

const fixtures = new URL('../../fixtures/', import.meta.url);

describe('committed fixtures', () => {
  it.each(SCENARIOS.map((s) => [s.path, s] as const))('%s regenerates byte-identically', (_path, s) => {
    const committed = readFileSync(new URL(s.path, fixtures));
    const fresh = renderScenario(s);
    expect(fresh.length).toBe(committed.length);
    expect(fresh.equals(committed)).toBe(true);
    // And rendering twice in one process is stable too (no hidden state).
    expect(renderScenario(s).equals(fresh)).toBe(true);
  });

  // Whole Ethernet frames only: the trust scenarios' cut (snap length), foreign link-type and empty captures are checked by test/e2e/trust.test.ts.
  const ethernetPcaps = SCENARIOS.filter((s) => s.format.kind === 'pcap' && !s.format.opts.nanos && !s.format.opts.bigEndian
    && s.format.opts.linkType === 1 && s.format.opts.snaplen === undefined && s.path !== 'captures/trust/header-only.pcap');
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
