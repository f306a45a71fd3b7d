/**
 * `wfo-audit live`: capture on an interface; dashboard on a terminal, NDJSON
 * verdict events otherwise; the same final report as `audit` at the end.
 */
import { runLive } from '../pipeline/live.js';
import type { ReportFormat } from '../report/index.js';
import { findingsExitCode, parseBufferSize, parseDuration, parseFailOn } from './options.js';
import { lookupUser, runningAsRoot } from '../capture/drop-privileges.js';
import { loadDesign, reportOptions, startDashboard, stopOnSignals, streamOutputs, writeReport } from './common.js';
import { planEvidence, writeEvidence, type EvidenceFlags } from './evidence-options.js';

/** Flags of the live command. */
export interface LiveFlags extends EvidenceFlags {
  interface: string;
  filter?: string;
  site?: string;
  ndjson?: string;
  /** The final report goes to this file; the dashboard or the NDJSON events keep the terminal/stdout. */
  out?: string;
  duration?: string;
  format?: ReportFormat;
  failOn: string;
  bufferSize: string;
  dashboard: boolean;
  engine: 'cap' | 'tcpdump';
  coverage?: string;
  /** Started as root: the user to drop to once the capture and output files are open (default nobody). */
  user: string;
  /** Keep root for the whole run (not recommended). */
  keepRoot?: boolean;
}

/** Runs the live command and returns its exit code. */
export async function liveCommand(flags: LiveFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const duration = parseDuration(flags.duration);
  const bufferMiB = parseBufferSize(flags.bufferSize) ?? 256;
  const { design, site } = loadDesign(flags.site);
  const dropTo = runningAsRoot() && !flags.keepRoot ? lookupUser(flags.user) : null;
  const evidence = planEvidence(flags, design, []);
  // opened now: a bad path fails before the capture starts (and before privileges are dropped)
  const { stdout, reportOut, events, useDashboard, format, spill, names, onFlows } = streamOutputs(flags, (batch) => evidence?.collector.onFlows(batch));

  const abort = new AbortController();
  const removeSignals = stopOnSignals(abort, false);

  const dashboard = useDashboard ? await startDashboard(abort) : null;
  const snapshots = dashboard?.snapshots ?? null;
  let report;
  try {
    report = await runLive({
      names,
      iface: flags.interface,
      filter: flags.filter,
      engine: flags.engine,
      bufferSize: bufferMiB * 1024 * 1024,
      design,
      site,
      keepFlows: format === 'html',
      durationSec: duration,
      dropTo,
      onFlows,
      onSnapshot: snapshots ? (s) => snapshots!.next(s) : undefined,
      signal: abort.signal,
      tap: evidence?.collector,
    });
  } finally {
    removeSignals();
    snapshots?.complete();
    if (dashboard) await dashboard.done;
    events?.close();
  }
  if (evidence) await writeEvidence(evidence, report);
  try {
    await writeReport(report, format, reportOut, reportOptions(reportOut, false, failOn, flags.coverage, design), spill);
  } finally {
    if (reportOut !== stdout) reportOut.close();
  }
  return findingsExitCode(report, failOn);
}
