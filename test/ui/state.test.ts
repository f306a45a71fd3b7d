import { describe, expect, it } from 'vitest';
import { VERDICT_FILTERS, initialUiState, reduceUi, type UiAction, type UiState } from '../../src/ui/state.js';
import { FINDINGS, liveSnapshot } from './fixtures.js';

function run(actions: UiAction[], from: UiState = initialUiState()): UiState {
  return actions.reduce(reduceUi, from);
}

describe('reduceUi', () => {
  it('starts with nothing shown, all verdicts, the coverage panel', () => {
    const s = initialUiState();
    expect(s.shown).toBeNull();
    expect(s.filter).toBe('all');
    expect(s.panel).toBe('coverage');
    expect(s.paused).toBe(false);
    expect(s.log).toEqual([]);
  });

  it('shows each snapshot and logs its findings', () => {
    const snap = liveSnapshot();
    const s = run([{ type: 'snapshot', snapshot: snap }]);
    expect(s.shown).toBe(snap);
    expect(s.log.map((f) => f.key)).toEqual(FINDINGS.map((f) => f.key));
    expect([...s.logged]).toEqual(FINDINGS.map((f) => f.key));
  });

  it('logs a finding once even when its count grows, keeping the first count', () => {
    const grown = FINDINGS.map((f) => ({ ...f, count: f.count + 10 }));
    const s = run([
      { type: 'snapshot', snapshot: liveSnapshot({ findings: FINDINGS.slice(0, 1) }) },
      { type: 'snapshot', snapshot: liveSnapshot({ findings: grown }) },
    ]);
    expect(s.log.map((f) => [f.key, f.count])).toEqual([
      [FINDINGS[0]!.key, 2],
      [FINDINGS[1]!.key, 11],
      [FINDINGS[2]!.key, 11],
    ]);
  });

  it('keeps the same log array when no finding is new, so <Static> writes nothing', () => {
    const a = run([{ type: 'snapshot', snapshot: liveSnapshot() }]);
    const b = reduceUi(a, { type: 'snapshot', snapshot: liveSnapshot({ packets: 1 }) });
    expect(b.log).toBe(a.log);
    expect(b.logged).toBe(a.logged);
  });

  it('freezes the display while paused and catches up on resume', () => {
    const first = liveSnapshot({ packets: 1, findings: [] });
    const later = liveSnapshot({ packets: 2 });
    const paused = run([{ type: 'snapshot', snapshot: first }, { type: 'toggle-pause' }, { type: 'snapshot', snapshot: later }]);
    expect(paused.paused).toBe(true);
    expect(paused.shown).toBe(first);
    expect(paused.latest).toBe(later);
    expect(paused.log).toEqual([]);
    const resumed = reduceUi(paused, { type: 'toggle-pause' });
    expect(resumed.paused).toBe(false);
    expect(resumed.shown).toBe(later);
    expect(resumed.log).toHaveLength(FINDINGS.length);
  });

  it('always shows the final snapshot, even while paused', () => {
    const done = liveSnapshot({ done: true });
    const s = run([{ type: 'snapshot', snapshot: liveSnapshot() }, { type: 'toggle-pause' }, { type: 'snapshot', snapshot: done }]);
    expect(s.shown).toBe(done);
    expect(s.paused).toBe(false);
    expect(s.ended).toBe(true);
    expect(reduceUi(s, { type: 'toggle-pause' }).paused).toBe(false);
  });

  it('cycles the verdict filter all -> blocked -> wrong-direction -> unexpected -> expected -> all', () => {
    const seen: string[] = [];
    let s = initialUiState();
    for (let i = 0; i <= VERDICT_FILTERS.length; i++) {
      seen.push(s.filter);
      s = reduceUi(s, { type: 'cycle-filter' });
    }
    expect(seen).toEqual(['all', 'blocked', 'wrong-direction', 'unexpected', 'expected', 'all']);
  });

  it('switches between the coverage and top-flows panels', () => {
    expect(run([{ type: 'switch-panel' }]).panel).toBe('flows');
    expect(run([{ type: 'switch-panel' }, { type: 'switch-panel' }]).panel).toBe('coverage');
  });

  it('marks quitting once, and ends on stream end', () => {
    const q = run([{ type: 'quit' }]);
    expect(q.quitting).toBe(true);
    expect(reduceUi(q, { type: 'quit' })).toBe(q);
    const e = reduceUi(q, { type: 'end' });
    expect(e.ended).toBe(true);
    expect(reduceUi(e, { type: 'end' })).toBe(e);
  });

  it('copies logged findings, so a pipeline mutating its objects cannot rewrite the log', () => {
    const f = { ...FINDINGS[0]! };
    const s = run([{ type: 'snapshot', snapshot: liveSnapshot({ findings: [f] }) }]);
    f.count = 99;
    expect(s.log[0]!.count).toBe(2);
  });
});
