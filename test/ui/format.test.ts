import { describe, expect, it } from 'vitest';
import {
  clip, columnWidths, fit, formatClock, formatElapsed, formatShare, humanBits, humanBytes, humanCount, progressBar,
} from '../../src/ui/format.js';

describe('fit and clip', () => {
  it('pads short text and cuts long text with an ellipsis', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abc', 5, 'right')).toBe('  abc');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abcdef', 1)).toBe('…');
    expect(fit('abc', 0)).toBe('');
    expect(clip('abc', 5)).toBe('abc');
    expect(clip('abcdef', 3)).toBe('ab…');
  });
});

describe('columnWidths', () => {
  it('gives the flex column what the fixed ones leave, within its bounds', () => {
    const specs = [{ width: 10 }, { width: 5, flex: true }, { width: 3 }];
    expect(columnWidths(specs, 40)).toEqual([10, 25, 3]);
    expect(columnWidths(specs, 10)).toEqual([10, 5, 3]);
    expect(columnWidths([{ width: 10 }, { width: 5, flex: true, max: 12 }], 80)).toEqual([10, 12]);
  });
});

describe('human units', () => {
  it('formats bit rates in SI units', () => {
    expect(humanBits(0)).toBe('0 b/s');
    expect(humanBits(850)).toBe('850 b/s');
    expect(humanBits(1_234)).toBe('1.2 kb/s');
    expect(humanBits(3_420_000)).toBe('3.4 Mb/s');
    expect(humanBits(45_600_000)).toBe('46 Mb/s');
    expect(humanBits(999_600)).toBe('1.0 Mb/s');
    expect(humanBits(2.5e9)).toBe('2.5 Gb/s');
  });
  it('formats bytes and counts', () => {
    expect(humanBytes(180)).toBe('180 B');
    expect(humanBytes(12_300_000)).toBe('12 MB');
    expect(humanCount(987)).toBe('987');
    expect(humanCount(15_832)).toBe('16k');
    expect(humanCount(1_240)).toBe('1.2k');
  });
});

describe('times and shares', () => {
  it('formats elapsed time as h:mm:ss', () => {
    expect(formatElapsed(0)).toBe('0:00:00');
    expect(formatElapsed(83.9)).toBe('0:01:23');
    expect(formatElapsed(3600 * 26 + 61)).toBe('26:01:01');
  });
  it('formats capture time in UTC', () => {
    expect(formatClock(1_700_000_000.75)).toBe('22:13:20');
    expect(formatClock(null)).toBe('-');
  });
  it('formats shares as percent, n/a when unknown', () => {
    expect(formatShare(0.004)).toBe('0.4%');
    expect(formatShare(null)).toBe('n/a');
  });
  it('draws a progress bar of the given width', () => {
    expect(progressBar(45, 100, 12)).toBe('[####......]');
    expect(progressBar(5, 0, 6)).toBe('[....]');
    expect(progressBar(200, 100, 6)).toBe('[####]');
  });
});
