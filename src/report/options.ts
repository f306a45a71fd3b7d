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
  /** The `--fail-on` verdicts in force (html states what the exit code says; absent: the CLI's default). */
  failOn?: readonly string[];
  /** Role -> addresses as the site file writes them (html lists them beside the map; absent without a site file). */
  roles?: Readonly<Record<string, readonly string[]>>;
}

/** A reporter: the final report in, the complete text out (deterministic). */
export type Reporter = (r: AuditReport, o: ReportOptions) => string;
