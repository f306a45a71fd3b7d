/**
 * What every reporter receives besides the report. Kept apart from index.ts so
 * reporters do not import the registry that imports them.
 */
import type { AuditReport } from './types.js';

/** Rendering options shared by all reporters (machine formats ignore them). */
export interface ReportOptions {
  /** Use ANSI colours (table only; the CLI sets it when stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
  /** List every flow, ignored ones included (table and markdown). */
  all: boolean;
  /** Terminal width in columns; the table never uses less than 80. */
  width: number;
  /** The --fail-on in force, for the result line (default: blocked, wrong-direction, unexpected). */
  failOn?: readonly string[];
  /** Coverage section per designed connection (default) or per rule (`--coverage rules`). */
  coverage?: 'connections' | 'rules';
  /** Role -> addresses as the site file writes them (html lists them beside the map; absent without a site file). */
  roles?: Readonly<Record<string, readonly string[]>>;
}

/** The default --fail-on. */
export const DEFAULT_FAIL_ON: readonly string[] = ['blocked', 'wrong-direction', 'unexpected'];

/** A reporter: the final report in, the complete text out (deterministic). */
export type Reporter = (r: AuditReport, o: ReportOptions) => string;
