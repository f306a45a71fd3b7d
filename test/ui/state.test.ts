import { describe, expect, it } from 'vitest';
import { LOG_PER_FRAME, VERDICT_FILTERS, initialUiState, isBurst, reduceUi, type UiAction, type UiState } from '../../src/ui/state.js';
import { FINDINGS, T0, finding, liveSnapshot } from './fixtures.js';

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

  it('logs at most LOG_PER_FRAME new findings one by one per frame, the rest of a burst as one line', () => {
    const many = Array.from({ length: LOG_PER_FRAME + 7 }, (_, i) =>
      finding(i % 3 === 0 ? 'blocked' : 'unexpected', null, 1000 + i, '10.20.1.15', '10.20.0.10', 'r', 1, T0 + i));
    const s = run([{ type: 'snapshot', snapshot: liveSnapshot({ findings: many }) }]);
    expect(s.log).toHaveLength(LOG_PER_FRAME + 1);
    expect(s.log.slice(0, LOG_PER_FRAME).map((e) => e.key)).toEqual(many.slice(0, LOG_PER_FRAME).map((f) => f.key));
    const burst = s.log[LOG_PER_FRAME]!;
    expect(isBurst(burst)).toBe(true);
    const rest = many.slice(LOG_PER_FRAME);
    expect(burst).toMatchObject({
      count: 7,
      byVerdict: { blocked: rest.filter((f) => f.verdict === 'blocked').length, 'wrong-direction': 0, unexpected: rest.filter((f) => f.verdict === 'unexpected').length },
    });
    // every one counts as logged: the next frame logs only what is really new
    expect(s.logged.size).toBe(many.length);
    const next = reduceUi(s, { type: 'snapshot', snapshot: liveSnapshot({ findings: [...many, ...FINDINGS] }) });
    expect(next.log.slice(LOG_PER_FRAME + 1).map((e) => e.key)).toEqual(FINDINGS.map((f) => f.key));
    // burst keys are unique among entries (Ink's <Static> key)
    const again = reduceUi(next, { type: 'snapshot', snapshot: liveSnapshot({
      findings: Array.from({ length: LOG_PER_FRAME + 2 }, (_, i) => finding('blocked', 'sql', 2000 + i, '10.1.1.1', '10.1.1.2', 'r', 1, T0)) }) });
    const keys = again.log.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(again.log.filter(isBurst).map((b) => b.count)).toEqual([7, 2]);
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
