import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { Subject } from 'rxjs';
import { App } from '../../src/ui/App.js';
import { Dashboard } from '../../src/ui/dashboard.js';
import { initialUiState, reduceUi, type UiState } from '../../src/ui/state.js';
import type { DashboardSnapshot } from '../../src/pipeline/types.js';
import { FINDINGS, expectFits, expectGolden, fileSnapshot, finding, liveSnapshot, plain, T0 } from './fixtures.js';
import { settle } from './streams.js';

function stateOf(snap: DashboardSnapshot, extra: Partial<UiState> = {}): UiState {
  return { ...reduceUi(initialUiState(), { type: 'snapshot', snapshot: snap }), ...extra };
}

/** Lines of the live region: what follows the findings log (each finding takes one or two lines). */
function liveRegion(frame: string): string[] {
  const lines = frame.split('\n');
  return lines.slice(lines.findIndex((l) => l.startsWith('wfo-audit')));
}

describe('App', () => {
  it('fits an 80x24 terminal: the live region stays below 24 lines', () => {
    const text = plain(render(<App state={stateOf(liveSnapshot())} width={80} height={24} />).lastFrame());
    expectFits(text, 80);
    expect(liveRegion(text).length).toBeLessThan(24);
    expectGolden('app-live-80x24', text);
  });

  it('shows more columns at 120x30', () => {
    const text = plain(render(<App state={stateOf(liveSnapshot())} width={120} height={30} />).lastFrame());
    expectFits(text, 120);
    expectGolden('app-live-120x30', text);
  });

  it('shows the top flows panel with the filter, and file progress', () => {
    const state = stateOf(fileSnapshot(), { panel: 'flows', filter: 'expected' });
    const text = plain(render(<App state={state} width={80} height={24} />).lastFrame());
    expectFits(text, 80);
    expectGolden('app-file-flows-80x24', text);
  });

  it('shows no panel before the first snapshot', () => {
    const text = plain(render(<App state={initialUiState()} width={80} height={24} />).lastFrame());
    expect(text).toBe('wfo-audit · waiting for the first packets…\n\n\n\nq quit  p pause  v verdict: all  tab panel: coverage');
  });

  it('cuts the coverage panel to a short terminal', () => {
    const text = plain(render(<App state={stateOf(liveSnapshot())} width={80} height={12} />).lastFrame());
    const live = liveRegion(text);
    expect(live.length).toBeLessThan(12);
    expect(live).toContain('… 8 more rules');
  });
});

/** Renders the stateful dashboard at a fixed size and returns its parts. */
function mount(width = 80, height = 24) {
  const snapshots = new Subject<DashboardSnapshot>();
  const onQuit = vi.fn();
  const onEnd = vi.fn();
  const r = render(<Dashboard snapshots={snapshots} onQuit={onQuit} onEnd={onEnd} width={width} height={height} />);
  const frame = () => plain(r.lastFrame());
  const press = async (keys: string) => {
    r.stdin.write(keys);
    await settle();
  };
  const send = async (snap: DashboardSnapshot) => {
    snapshots.next(snap);
    await settle();
  };
  return { r, snapshots, onQuit, onEnd, frame, press, send };
}

describe('Dashboard keys', () => {
  it('tab switches panels and v cycles the verdict filter', async () => {
    const d = mount();
    await d.send(liveSnapshot());
    expect(d.frame()).toContain('Coverage · 7 of 11 rules seen');
    await d.press('\t');
    expect(d.frame()).toContain('Top flows · verdict: all · 7 of 7');
    await d.press('v');
    expect(d.frame()).toContain('Top flows · verdict: blocked · 1 of 1');
    expect(d.frame()).toContain('v verdict: blocked');
    await d.press('v');
    expect(d.frame()).toContain('Top flows · verdict: wrong-direction · 1 of 1');
    await d.press('\t');
    expect(d.frame()).toContain('Coverage · 7 of 11 rules seen');
    d.r.unmount();
  });

  it('p freezes the frame on the last snapshot and resumes on the newest', async () => {
    const d = mount();
    await d.send(liveSnapshot());
    await d.press('p');
    expect(d.frame()).toContain('PAUSED  q quit  p resume');
    await d.send(liveSnapshot({ elapsed: 95, liveFlows: 41 }));
    expect(d.frame()).toContain('elapsed 0:01:23');
    expect(d.frame()).not.toContain('elapsed 0:01:35');
    await d.press('p');
    expect(d.frame()).toContain('elapsed 0:01:35 · 1.2k pkt/s · 3.4 Mb/s · live flows 41');
    expect(d.frame()).not.toContain('PAUSED');
    d.r.unmount();
  });

  it('q and Ctrl-C call onQuit once and say the capture is stopping', async () => {
    const d = mount();
    await d.send(liveSnapshot());
    await d.press('q');
    expect(d.onQuit).toHaveBeenCalledTimes(1);
    expect(d.frame().split('\n').at(-1)).toBe('stopping the capture…');
    await d.press('\u0003');
    expect(d.onQuit).toHaveBeenCalledTimes(1);
    expect(d.onEnd).not.toHaveBeenCalled();
    await d.send(liveSnapshot({ done: true }));
    expect(d.onEnd).toHaveBeenCalledTimes(1);
    expect(d.frame().split('\n').at(-1)).toBe('done: the final report follows');
    d.r.unmount();
  });

  it('Ctrl-C alone quits too', async () => {
    const d = mount();
    await d.press('\u0003');
    expect(d.onQuit).toHaveBeenCalledTimes(1);
    d.r.unmount();
  });

  it('logs a finding once even when its count grows', async () => {
    const d = mount();
    const first = FINDINGS[0]!;
    await d.send(liveSnapshot({ findings: [first] }));
    const extra = finding('unexpected', null, 22, '10.20.1.40', '10.20.0.10', 'no active rule allows tcp/22', 1, T0 + 70);
    await d.send(liveSnapshot({ findings: [{ ...first, count: 5 }, extra] }));
    await d.send(liveSnapshot({ findings: [{ ...first, count: 9 }, { ...extra, count: 2 }] }));
    const text = d.frame();
    expect(text.split('html5-player tcp/2020').length - 1).toBe(1);
    expect(text).toContain('22:13:50 blocked html5-player tcp/2020 10.20.1.15 -> 10.20.0.10 (2 flows)');
    expect(text.split('tcp/22 10.20.1.40').length - 1).toBe(1);
    d.r.unmount();
  });

  it('ends when the stream completes without a final snapshot', async () => {
    const d = mount();
    await d.send(liveSnapshot());
    d.snapshots.complete();
    await settle();
    expect(d.onEnd).toHaveBeenCalledWith(undefined);
    d.r.unmount();
  });
});
