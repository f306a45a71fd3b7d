import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSynFlood } from '../../src/synth/syn-flood.js';
import { runCli } from '../support/cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'wfo-syn-flood-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

interface Doc {
  stats: { packets: number; flows: number; evicted: number; decodeErrors: Record<string, number> };
  warnings: { code: string; message: string; count: number }[];
  flows: { client: string; server: string; end: string }[];
}

describe('SYN flood into a file', () => {
  const file = join(DIR, 'flood.pcap');
  const N = 3000;
  const stats = writeSynFlood(file, { sources: N, seed: 5, target: '10.10.0.10', port: 443 });

  it('writes one 54-byte SYN per source, deterministically', () => {
    expect(stats.packets).toBe(N);
    expect(statSync(file).size).toBe(24 + N * (16 + 54));
    const again = join(DIR, 'again.pcap');
    writeSynFlood(again, { sources: N, seed: 5, target: '10.10.0.10', port: 443 });
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
  });

  it('overflows a small flow table: evictions counted, and the report warns flow-table-overflow', () => {
    const r = runCli(['audit', '--site', 'fixtures/sites/hybrid.yaml', '--format', 'json', '--max-flows', '500', '--fail-on', 'none', file], { maxBuffer: 256 << 20 });
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.stats.packets).toBe(N);
    expect(doc.stats.decodeErrors).toEqual({});
    // every source is its own flow, all toward the one WFO port
    expect(doc.stats.flows).toBe(N);
    expect(new Set(doc.flows.map((f) => f.client)).size).toBe(N);
    expect(doc.flows.every((f) => f.server === '10.10.0.10:443')).toBe(true);
    // all SYNs are inside the TCP timeout, so a 500-slot table must push out the rest
    expect(doc.stats.evicted).toBe(N - 500);
    expect(doc.flows.filter((f) => f.end === 'evicted')).toHaveLength(N - 500);
    const w = doc.warnings.find((x) => x.code === 'flow-table-overflow');
    expect(w).toBeDefined();
    expect(w!.count).toBe(doc.stats.evicted);
    expect(w!.message).toContain('--max-flows');
  });

  it('says nothing about overflow when the table is big enough', () => {
    const r = runCli(['audit', '--site', 'fixtures/sites/hybrid.yaml', '--format', 'json', '--fail-on', 'none', file], { maxBuffer: 256 << 20 });
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.stats.evicted).toBe(0);
    expect(doc.warnings.some((x) => x.code === 'flow-table-overflow')).toBe(false);
  });
});
