/**
 * Typed failures. Every error a user can cause is one of these; the CLI's single
 * error boundary (src/cli/main.ts) turns them into one line and an exit code.
 */

/** Base class: `message` is the one line shown to the user (no trailing period needed). */
export class AuditError extends Error {
  /** Process exit code this error maps to (2 for every user-caused error). */
  readonly exitCode: number = 2;
}

/** Bad command line: unknown option, missing argument, conflicting flags. */
export class UsageError extends AuditError {
  override name = 'UsageError';
}

/** The site file is unreadable, not YAML, or fails the schema. Message names file, key path and line:col. */
export class SiteFileError extends AuditError {
  override name = 'SiteFileError';
}

/**
 * A capture source failed: unreadable file, unknown format, damaged container,
 * live capture permission/interface/filter problems. Message names the file (or
 * interface) and, where it applies, the packet number or block offset.
 */
export class CaptureError extends AuditError {
  override name = 'CaptureError';
}

/** A report given to `wfo-audit diff` cannot be compared: not a wfo-audit JSON report, an unreadable schema version, nothing judged. */
export class ReportFileError extends AuditError {
  override name = 'ReportFileError';
}
