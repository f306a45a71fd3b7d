/**
 * Capture times no calendar date can hold (a real pcapng in the corpus has
 * 18446744073204 s, i.e. 2^64 µs) print as seconds; nothing throws.
 */
import { describe, expect, it } from 'vitest';
import { fmtTime, fmtTimeOfDay, isoTime, timeFormatter } from '../../src/report/format.js';
import { formatClock } from '../../src/ui/format.js';

describe('odd capture times', () => {
  it('prints dates that exist, and seconds for those that do not', () => {
    expect(fmtTime(1768467600.5)).toBe('2026-01-15 09:00:00.500');
    expect(isoTime(18446744073204.277)).toBeNull();
    expect(fmtTime(18446744073204.277)).toBe('18446744073204.277 s');
    expect(fmtTimeOfDay(18446744073204.277)).toBe('18446744073204.277 s');
    expect(fmtTime(Number.NaN)).toBe('NaN s');
    const f = timeFormatter(1422527998.578, 18446744073204.277);
    expect(f(1422527998.578)).toBe('01-29 10:39:58');
    expect(f(18446744073204.277)).toBe('18446744073204.277 s');
    expect(formatClock(18446744073204.277)).toBe('?');
    expect(formatClock(1768467600)).toBe('09:00:00');
  });
});
