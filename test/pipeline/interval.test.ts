import { describe, expect, it } from 'vitest';
import { nextBoundary } from '../../src/pipeline/interval.js';
import { parseInterval } from '../../src/cli/options.js';
import { ringFileName } from '../../src/capture/ring-writer.js';
import { intervalFileName } from '../../src/cli/live-command.js';

describe('--report-every intervals', () => {
  it('are aligned to the UTC clock', () => {
    const t = Date.parse('2026-12-03T16:07:12.345Z');
    expect(new Date(nextBoundary(t, 900)).toISOString()).toBe('2026-12-03T16:15:00.000Z');
    expect(new Date(nextBoundary(Date.parse('2026-12-03T16:15:00.000Z'), 900)).toISOString()).toBe('2026-12-03T16:30:00.000Z');
    expect(new Date(nextBoundary(t, 3600)).toISOString()).toBe('2026-12-03T17:00:00.000Z');
    expect(new Date(nextBoundary(t, 2)).toISOString()).toBe('2026-12-03T16:07:14.000Z');
  });
  it('parse from plain seconds or a unit, to whole seconds', () => {
    expect(['900', '15m', '15M', '1h', '30s', '0.5m'].map((v) => parseInterval('--report-every', v))).toEqual([900, 900, 900, 3600, 30, 30]);
    expect(parseInterval('--report-every', undefined)).toBeUndefined();
    for (const bad of ['0', '0.5', '1.5s', '15x', '-1', 'm', '']) expect(() => parseInterval('--report-every', bad)).toThrow(/is not valid/);
  });
  it('files are named by the interval UTC start, rings as dumpcap names them', () => {
    const sec = Date.parse('2026-12-03T16:15:00Z') / 1000;
    expect(intervalFileName('/var/lib/wfo/day.json', sec + 0.25)).toBe('/var/lib/wfo/day-20261203T161500Z.json');
    expect(intervalFileName('report', sec)).toBe('report-20261203T161500Z');
    expect(ringFileName('/var/lib/wfo/cap.pcapng', 1, sec)).toBe('/var/lib/wfo/cap_00001_20261203161500.pcapng');
    expect(ringFileName('cap.pcapng', 123, sec + 59.9)).toBe('cap_00123_20261203161559.pcapng');
  });
});
