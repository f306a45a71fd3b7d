/**
 * The reporters, one per file, registered in one map; the CLI's `--format` choices
 * are derived from it (ReportFormat), so adding a reporter is one file and one line.
 */
import { html } from './html.js';
import { json } from './json.js';
import { markdown } from './markdown.js';
import { ndjson } from './ndjson.js';
import { table } from './table.js';

export type { ReportOptions, Reporter } from './options.js';

/** Every report format by name. Each is `(report, options) => text`, deterministic. */
export const REPORTERS = { table, json, ndjson, markdown, html } as const;

/** A `--format` value. */
export type ReportFormat = keyof typeof REPORTERS;

/** The format names, in the order help text lists them. */
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];
