/**
 * runDashboard on fake terminals, loaded the way the CLI loads it (src/ui/load.ts).
 * This file imports nothing from Ink statically: Ink reads CI and
 * CONTINUOUS_INTEGRATION once, when it is first loaded, and in "CI mode" it never
 * redraws. CI is set here on purpose, so these tests prove the dashboard still
 * draws on a terminal wherever it runs (CI machines set CI=true).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Subject, of } from 'rxjs';
import { loadDashboard } from '../../src/ui/load.js';
import type { DashboardSnapshot } from '../../src/pipeline/types.js';
import { FINDINGS, expectGolden, fileSnapshot, liveSnapshot, plain } from './fixtures.js';
import { FakeIn, FakeOut, settle } from './streams.js';

let runDashboard: Awaited<ReturnType<typeof loadDashboard>>['runDashboard'];

beforeAll(async () => {
  process.env.CI = 'true';
  ({ runDashboard } = await loadDashboard());
  expect(process.env.CI).toBe('true');
});

describe('runDashboard', () => {
  it('draws on a terminal, quits on q, and resolves once the final frame is drawn', async () => {
    const out = new FakeOut(true, 100, 30);
    const inp = new FakeIn();
    const snapshots = new Subject<DashboardSnapshot>();
    const onQuit = vi.fn(() => {
      snapshots.next(liveSnapshot({ done: true, elapsed: 99 }));
      snapshots.complete();
    });
    let resolved = false;
    const done = runDashboard(snapshots, { onQuit, stdout: out.stream, stdin: inp.stream }).then(() => {
      resolved = true;
    });
    snapshots.next(liveSnapshot());
    await settle();
    expect(plain(out.text)).toContain('Coverage · 7 of 11 rules seen');
    expect(resolved).toBe(false);
    inp.type('q');
    await done;
    expect(onQuit).toHaveBeenCalledTimes(1);
    const text = plain(out.text);
    expect(text).toContain('wfo-audit · live eth1 · capture stopped');
    expect(text).toContain('elapsed 0:01:39');
    expect(text).toContain('done: the final report follows');
  });

  it('writes only the final frame when stdout is not a terminal', async () => {
    const out = new FakeOut(false, 80, 0);
    const snapshots = new Subject<DashboardSnapshot>();
    const done = runDashboard(snapshots, { onQuit: () => {}, stdout: out.stream, stdin: new FakeIn().stream });
    snapshots.next(liveSnapshot({ findings: FINDINGS.slice(0, 1) }));
    snapshots.next(liveSnapshot());
    await settle();
    expect(out.chunks).toEqual([]);
    snapshots.next(liveSnapshot({ done: true }));
    await done;
    expect(out.chunks).toHaveLength(1);
    expectGolden('final-frame-80', plain(out.text).trimEnd());
  });

  it('resolves on a stream that ends synchronously', async () => {
    const out = new FakeOut(false, 80, 0);
    await runDashboard(of(fileSnapshot({ done: true })), { onQuit: () => {}, stdout: out.stream });
    expect(plain(out.text)).toContain('input ended');
  });

  it('rejects with the stream error after unmounting', async () => {
    const out = new FakeOut(true, 80, 24);
    const snapshots = new Subject<DashboardSnapshot>();
    const done = runDashboard(snapshots, { onQuit: () => {}, stdout: out.stream, stdin: new FakeIn().stream });
    snapshots.next(liveSnapshot());
    snapshots.error(new Error('capture failed'));
    await expect(done).rejects.toThrow('capture failed');
  });
});
