import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../src/classify/types.js';
import { table } from '../../src/report/table.js';
import { emptyReport, sampleReport } from './support.js';

// Exactly the SGR codes the reporter may emit (src/report/format.ts ANSI).
const SGR = /\x1b\[[0-9;]*m/g;
const lines = (s: string) => s.split('\n');

describe('table reporter', () => {
  it('fits 80 columns, with and without --all, and never narrower than 80', () => {
    for (const all of [false, true]) {
      for (const width of [80, 40]) {
        for (const r of [sampleReport(), emptyReport()]) {
          const long = lines(table(r, { color: false, all, width })).filter((l) => l.length > 80);
          expect(long).toEqual([]);
        }
      }
    }
  });

  it('fits wider terminals and uses the room', () => {
    const text = table(sampleReport(), { color: false, all: true, width: 120 });
    const widths = lines(text).map((l) => l.length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(120);
    expect(Math.max(...widths)).toBeGreaterThan(80);
    // Optional columns come back when there is room.
    expect(text).toContain('premises.web-portal.443');
  });

  it('has no ANSI codes when colour is off, and only colour differs when it is on', () => {
    const plain = table(sampleReport(), { color: false, all: true, width: 80 });
    const colored = table(sampleReport(), { color: true, all: true, width: 80 });
    expect(plain).not.toContain('\x1b');
    expect(colored).toContain('\x1b[31mblocked\x1b[0m');
    expect(colored).toContain('\x1b[32mseen\x1b[0m');
    expect(colored).toContain('\x1b[90munseen\x1b[0m');
    expect(colored.replace(SGR, '')).toBe(plain);
  });

  it('explains every verdict in the summary (the legend)', () => {
    const text = table(sampleReport(), { color: false, all: false, width: 80 });
    for (const v of VERDICTS) expect(text).toMatch(new RegExp(`^  ${v} +\\d+  \\S`, 'm'));
    expect(text).toMatch(/^  protocol mismatch +1 /m);
  });

  it('states the input facts in plain words', () => {
    const text = table(sampleReport(), { color: false, all: false, width: 80 });
    expect(text).toContain('107 packets (16.1 kB) in 13 flows');
    expect(text).toContain('16.1 s, 2026-03-02 09:00:00.123 to 09:00:16.250 UTC');
    expect(text).toContain('3 packets: truncated_tcp_header 2, bad_ipv4_header_length 1');
    expect(text).toContain('capture saw both directions of 90% of TCP flows');
    expect(text).toContain('tuesday.pcap.gz stopped early: tuesday.pcap.gz: packet 13');
  });

  it('groups findings instead of listing flows, and lists flows only with --all', () => {
    const brief = table(sampleReport(), { color: false, all: false, width: 80 });
    expect(brief).toMatch(/cti-core +2012\/tcp +10\.20\.1\.7 +10\.10\.0\.11 +3 /);
    expect(brief).toContain('no reply (dropped by a firewall?) (2 flows)');
    expect(brief).not.toContain('192.168.7.1');
    const all = table(sampleReport(), { color: false, all: true, width: 80 });
    expect(all).toContain('192.168.7.1:5353');
    expect(all).toContain('ALL FLOWS (13)');
  });

  it('says so when the summary counts findings the flow list lacks', () => {
    const text = table({ ...sampleReport(), flows: [] }, { color: false, all: false, width: 80 });
    expect(text).toContain('8 finding flows counted in the summary are not in the flow list');
    expect(text).not.toContain('None: every in-scope flow matched');
  });

  it('is deterministic and independent of flow order', () => {
    const r = sampleReport();
    const a = table(r, { color: false, all: true, width: 80 });
    const b = table({ ...r, flows: r.flows.slice().reverse() }, { color: false, all: true, width: 80 });
    expect(b).toBe(a);
  });
});
