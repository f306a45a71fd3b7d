/**
 * Colour tokens of the dashboard, in one place: every component asks here
 * instead of naming a colour, so a verdict looks the same in every panel.
 * Values are Ink/chalk colour names.
 */
import type { Verdict } from '../classify/types.js';
import type { CoverageStatus } from '../report/types.js';

/** Colour of each verdict (top flows, findings log). */
export const VERDICT_COLOR: Readonly<Record<Verdict, string>> = {
  expected: 'green',
  blocked: 'red',
  'wrong-direction': 'yellow',
  unexpected: 'magenta',
  inconclusive: 'cyan',
  ignored: 'gray',
};

/** Colour of each coverage status: green when seen, red when blocked, grey while unseen. */
export const STATUS_COLOR: Readonly<Record<CoverageStatus, string>> = {
  seen: 'green',
  blocked: 'red',
  'wrong-direction': 'yellow',
  inconclusive: 'cyan',
  unseen: 'gray',
};

/** Colours that are not tied to a verdict or status. */
export const THEME = {
  /** Product name and panel titles. */
  title: 'cyan',
  /** Labels and secondary text. */
  dim: 'gray',
  /** Caveats the reader must not miss (kernel drops unknown, paused). */
  warn: 'yellow',
  /** Key names in the key help. */
  key: 'cyan',
} as const;
