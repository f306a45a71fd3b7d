/**
 * The dashboard's UI state and its pure reducer. Components render from this
 * state alone; the live shell (dashboard.tsx) only feeds it snapshots and keys.
 */
import type { Verdict } from '../classify/types.js';
import type { DashboardSnapshot, Finding } from '../pipeline/types.js';

/** What the verdict filter (key `v`) can show: every flow, or one verdict. */
export type VerdictFilter = 'all' | Extract<Verdict, 'blocked' | 'wrong-direction' | 'unexpected' | 'expected'>;

/** The order `v` cycles through, starting from 'all' (problems first). */
export const VERDICT_FILTERS: readonly VerdictFilter[] = ['all', 'blocked', 'wrong-direction', 'unexpected', 'expected'];

/** The panel shown below the header (key `tab` switches). */
export type Panel = 'coverage' | 'flows';

/** The panels in `tab` order. */
export const PANELS: readonly Panel[] = ['coverage', 'flows'];

/**
 * New findings logged one by one per frame at most; the rest of a burst (a capture
 * file read in seconds can bring thousands of host pairs at once) is one summary line.
 * Every finding is in the final report either way.
 */
export const LOG_PER_FRAME = 20;

/** The summary line of a burst: how many new findings were not logged one by one, by verdict. */
export interface LogBurst {
  kind: 'burst';
  /** Unique among log entries (Ink's <Static> key). */
  key: string;
  count: number;
  byVerdict: Record<Finding['verdict'], number>;
}

/** A line of the findings log: a finding as it was when first logged (its count then), or a burst summary. */
export type LogEntry = Finding | LogBurst;

/** True for a burst summary line. */
export function isBurst(e: LogEntry): e is LogBurst {
  return 'kind' in e && e.kind === 'burst';
}

/** Everything the dashboard draws. */
export interface UiState {
  /** The snapshot on screen (frozen while paused); null before the first one. */
  shown: DashboardSnapshot | null;
  /** The newest snapshot received, shown again on resume. */
  latest: DashboardSnapshot | null;
  paused: boolean;
  filter: VerdictFilter;
  panel: Panel;
  /** Finding keys already written to the log. */
  logged: ReadonlySet<string>;
  /** Findings log lines, append-only (Ink's <Static> writes each once). */
  log: readonly LogEntry[];
  /** true once the user asked to quit (the pipeline is stopping the capture). */
  quitting: boolean;
  /** true once the final snapshot arrived or the snapshot stream ended. */
  ended: boolean;
}

/** What can happen to the UI state. */
export type UiAction =
  | { type: 'snapshot'; snapshot: DashboardSnapshot }
  | { type: 'toggle-pause' }
  | { type: 'cycle-filter' }
  | { type: 'switch-panel' }
  /** The user pressed q or Ctrl-C. */
  | { type: 'quit' }
  /** The snapshot stream completed (or failed) without a final snapshot. */
  | { type: 'end' };

/** The state before any snapshot. */
export function initialUiState(): UiState {
  return {
    shown: null,
    latest: null,
    paused: false,
    filter: 'all',
    panel: 'coverage',
    logged: new Set<string>(),
    log: [],
    quitting: false,
    ended: false,
  };
}

/**
 * Appends the findings of `snap` whose key is not logged yet, at most LOG_PER_FRAME of
 * them one by one and the rest as one burst line; keeps the same set and array when none is new.
 */
function logFindings(state: UiState, snap: DashboardSnapshot): Pick<UiState, 'logged' | 'log'> {
  let logged: Set<string> | null = null;
  let log: LogEntry[] | null = null;
  let burst: LogBurst | null = null;
  let added = 0;
  for (const f of snap.findings) {
    if (state.logged.has(f.key) || logged?.has(f.key)) continue;
    logged ??= new Set(state.logged);
    log ??= state.log.slice();
    logged.add(f.key);
    if (added++ < LOG_PER_FRAME) {
      // Copied so a pipeline that mutates its finding objects cannot change a logged line.
      log.push({ ...f });
      continue;
    }
    if (burst === null) {
      burst = { kind: 'burst', key: `burst#${log.length}`, count: 0, byVerdict: { blocked: 0, 'wrong-direction': 0, unexpected: 0 } };
      log.push(burst);
    }
    burst.count++;
    burst.byVerdict[f.verdict]++;
  }
  return logged && log ? { logged, log } : { logged: state.logged, log: state.log };
}

/** Shows `snap`: it becomes the frame and its new findings are logged. */
function show(state: UiState, snap: DashboardSnapshot): UiState {
  return { ...state, ...logFindings(state, snap), shown: snap, latest: snap, ended: state.ended || snap.done };
}

/**
 * The reducer. While paused, snapshots are kept but not shown (and their
 * findings not logged) until resume; the final snapshot (done) is always shown
 * and ends the pause, because the caller waits for it to be on screen.
 */
export function reduceUi(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'snapshot':
      if (action.snapshot.done) return show({ ...state, paused: false }, action.snapshot);
      if (state.paused) return { ...state, latest: action.snapshot };
      return show(state, action.snapshot);
    case 'toggle-pause':
      if (state.ended) return state;
      if (!state.paused) return { ...state, paused: true };
      return state.latest ? show({ ...state, paused: false }, state.latest) : { ...state, paused: false };
    case 'cycle-filter': {
      const i = VERDICT_FILTERS.indexOf(state.filter);
      return { ...state, filter: VERDICT_FILTERS[(i + 1) % VERDICT_FILTERS.length]! };
    }
    case 'switch-panel': {
      const i = PANELS.indexOf(state.panel);
      return { ...state, panel: PANELS[(i + 1) % PANELS.length]! };
    }
    case 'quit':
      return state.quitting || state.ended ? state : { ...state, quitting: true };
    case 'end':
      return state.ended ? state : { ...state, ended: true };
  }
}
