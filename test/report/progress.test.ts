import { describe, expect, it } from 'vitest';
import { ProgressBar, renderProgress } from '../../src/report/progress.js';

describe('renderProgress', () => {
  it('shows a bar, percentage, bytes of total, packets/s and ETA', () => {
    const line = renderProgress({ bytesRead: 12_300_000, totalBytes: 27_000_000, packets: 102_400, elapsedSec: 2 }, 80);
    expect(line).toBe('[#############-----------------]  45%  12.3 MB / 27.0 MB  51.2k pkt/s  ETA 0:02');
    expect(line.length).toBeLessThan(80);
  });

  it('has no ETA before there is a rate', () => {
    const line = renderProgress({ bytesRead: 0, totalBytes: 1000, packets: 0, elapsedSec: 0 }, 80);
    expect(line).toBe('[------------------------------]   0%  0 B / 1.0 kB  0 pkt/s  ETA --:--');
  });

  it('shows no bar or ETA when the total is unknown', () => {
    expect(renderProgress({ bytesRead: 5_000_000, totalBytes: 0, packets: 300, elapsedSec: 3 }, 80))
      .toBe('5.0 MB read  100 pkt/s');
  });

  it('is full at the end and formats long ETAs', () => {
    expect(renderProgress({ bytesRead: 1e9, totalBytes: 1e9, packets: 10, elapsedSec: 10 }, 80))
      .toMatch(/^\[#{30}\] 100% .* ETA 0:00$/);
    expect(renderProgress({ bytesRead: 1e6, totalBytes: 1e10, packets: 10, elapsedSec: 1 }, 80))
      .toMatch(/ETA 2:46:39$/);
  });

  it('narrows the bar, then drops it, on small terminals', () => {
    const s = { bytesRead: 500, totalBytes: 1000, packets: 10, elapsedSec: 1 };
    const mid = renderProgress(s, 50);
    expect(mid.length).toBeLessThanOrEqual(49);
    expect(mid).toMatch(/^\[#+-+\]/);
    const tiny = renderProgress(s, 30);
    expect(tiny.length).toBeLessThanOrEqual(29);
    expect(tiny.startsWith('50%')).toBe(true);
  });
});

/** A stand-in for a TTY stream that records writes. */
function fakeStream(columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { columns, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WriteStream };
}

describe('ProgressBar', () => {
  it('redraws in place at most every 100 ms and clears its line when done', () => {
    let now = 0;
    const { writes, stream } = fakeStream();
    const bar = new ProgressBar(stream, () => now);
    const s = { bytesRead: 10, totalBytes: 100, packets: 1, elapsedSec: 1 };
    bar.update(s);
    now = 50;
    bar.update({ ...s, bytesRead: 20 });
    now = 100;
    bar.update({ ...s, bytesRead: 30 });
    expect(writes).toHaveLength(2);
    expect(writes[0]!.startsWith('\r[')).toBe(true);
    expect(writes[1]).toContain('30%');
    expect(writes.join('')).not.toContain('\n');
    bar.done();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('writes nothing at the end when it never drew', () => {
    const { writes, stream } = fakeStream();
    new ProgressBar(stream, () => 0).done();
    expect(writes).toEqual([]);
  });
});
