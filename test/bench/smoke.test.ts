import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TABLE_HEADER, formatRow, parseBenchArgs, type Measurement } from '../../src/bench/bench.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = fileURLToPath(new URL('../../dist/bench/bench.js', import.meta.url));

describe('bench argument parsing', () => {
  it('defaults to 1M and 5M packets and the premises site', () => {
    const o = parseBenchArgs([]);
    expect(o.sizes).toEqual([1_000_000, 5_000_000]);
    expect(o.site.endsWith('fixtures/sites/premises-all.yaml')).toBe(true);
  });
  it('--smoke forces a tiny size; --sizes accepts underscores', () => {
    expect(parseBenchArgs(['--smoke']).sizes).toEqual([2000]);
    expect(parseBenchArgs(['--sizes', '1_000,20000']).sizes).toEqual([1000, 20000]);
  });
  it('rejects unknown options and bad sizes with one line', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseBenchArgs(['--sizes', '10,x'])).toThrow(/positive integers/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/needs a value/);
  });
});

describe('bench rows', () => {
  const ok: Measurement = { tool: 'wfo-audit', packets: 1_000_000, wall: 1, user: 0.8, sys: 0.2, maxRssKb: 102400, exitCode: 0, error: null };
  it('prints packets per CPU second and ratios against the reference', () => {
    const slow: Measurement = { ...ok, tool: 'tshark', user: 20, sys: 5, maxRssKb: 1024000 };
    const row = formatRow(slow, ok);
    expect(row).toMatch(/^tshark\s+1,000,000\s+25\.00\s+40,000\s+1000\s+25\.0x\s+10\.0x\s+0$/);
  });
  it('reports a failing command with its exit code and reason instead of numbers', () => {
    const bad: Measurement = { ...ok, exitCode: 2, error: 'cannot read x.pcap' };
    const row = formatRow(bad, ok);
    expect(row).toContain('2 (cannot read x.pcap)');
    expect(row).not.toMatch(/\d+\.\dx/);
  });
});

describe('npm run bench --smoke', () => {
  it('runs end to end on a tiny generated capture and prints the table with a wfo-audit row', () => {
    expect(existsSync(built), 'run `npm run build` first (npm test does)').toBe(true);
    const r = spawnSync(process.execPath, [built, '--smoke'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(TABLE_HEADER);
    expect(r.stdout).toMatch(/^wfo-audit audit --json\s+2,000\s/m);
    expect(r.stdout).toMatch(/^reader: ours \(readInput\)\s+2,000\s/m);
    expect(r.stdout).toMatch(/^every flow a finding 4,000\s+4,000\s/m);
  }, 130_000);
});
