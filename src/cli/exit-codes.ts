/**
 * Exit codes, defined once (docs/usage.md is checked against this table).
 */
export const EXIT_CODES = {
  /** Done, and nothing listed in --fail-on was found. */
  ok: 0,
  /** Findings matching --fail-on were found. */
  findings: 1,
  /** Usage, site-file or input error (a damaged capture still gets its report for what was read), or nothing could be judged. */
  error: 2,
  /** A second Ctrl-C: stopped at once, no report. */
  interrupted: 130,
} as const;

/** Meaning of each exit code, for --help and docs. */
export const EXIT_CODE_HELP: readonly [number, string][] = [
  [EXIT_CODES.ok, 'done; nothing listed in --fail-on was found'],
  [EXIT_CODES.findings, 'findings matching --fail-on (default: blocked, wrong-direction, unexpected)'],
  [EXIT_CODES.error, 'usage, site-file or input error (a damaged capture still gets its report, then exit 2); also when no flow could be judged, whatever --fail-on says'],
  [EXIT_CODES.interrupted, 'a second Ctrl-C: stopped at once, without a report'],
];
