/**
 * `wfo-audit audit`: offline analysis of capture files or stdin.
 */
import { printable } from '../report/format.js';
import { UsageError } from '../errors.js';
import { runAudit } from '../pipeline/audit.js';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ReportFormat } from '../report/index.js';
import { JsonFlowSpill } from '../report/json-stream.js';
import { FlowSourceNames } from '../report/flow-sources.js';
import { ProgressBar } from '../report/progress.js';
import { findingsExitCode, flowOptions, parseFailOn, parseTime } from './options.js';
import { loadDesign, ndjsonBytes, Output, reportOptions, startDashboard, stopOnSignals, writeReport } from './common.js';
import { planEvidence, writeEvidence, type EvidenceFlags } from './evidence-options.js';

/** Flags of the audit command (as commander gives them). */
export interface AuditFlags extends EvidenceFlags {
  site?: string;
  format: ReportFormat;
  out?: string;
  failOn: string;
  all?: boolean;
  dashboard?: boolean;
  progress: boolean;
  maxFlows?: string;
  tcpTimeout?: string;
  udpTimeout?: string;
  synGrace?: string;
  coverage?: string;
  dedupWindow?: string;
  from?: string;
  to?: string;
}

/** Runs the audit command and returns its exit code. */
export async function auditCommand(captures: string[], flags: AuditFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const flow = flowOptions(flags);
  const from = parseTime('--from', flags.from), to = parseTime('--to', flags.to);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is later than --to');
  if (captures.filter((c) => c === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  const { design, site } = loadDesign(flags.site);
  const evidence = planEvidence(flags, design, captures);
  const out = new Output(flags.out);
  const opts = reportOptions(out, !!flags.all, failOn, flags.coverage, design);
  const format = flags.format;

  const fromStdin = captures.includes('-');
  const progress = flags.progress && !flags.dashboard && !fromStdin && process.stderr.isTTY
    ? new ProgressBar(process.stderr) : null;
  const started = Date.now();

  let onFlows: ((b: ClassifiedFlow[]) => void) | undefined;
  const names = new FlowSourceNames();
  const spill = format === 'json' ? new JsonFlowSpill({ names }) : null;
  if (spill) onFlows = (batch) => spill.addBatch(batch);
  if (format === 'ndjson') onFlows = (batch) => out.write(ndjsonBytes(batch, names));
  if (evidence) {
    const report = onFlows;
    onFlows = (batch) => { report?.(batch); evidence.collector.onFlows(batch); };
  }

  const abort = new AbortController();
  // Ctrl-C (or SIGTERM) stops reading: the report covers what was read and the exit code is 2.
  // A second one ends the process at once (130), as an admin who means it expects.
  const removeSignals = stopOnSignals(abort, true);
  const dashboard = flags.dashboard ? await startDashboard(abort) : null;
  const snapshots = dashboard?.snapshots ?? null;

  let report;
  try {
    report = await runAudit({
      paths: captures,
      design,
      site,
      flow,
      from,
      to,
      // html draws its timeline from the flows; json spills them to a file instead.
      keepFlows: (!!flags.all || format === 'html') && format !== 'json',
      onFlows,
      onProgress: progress
        ? (p) => progress.update({ ...p, elapsedSec: (Date.now() - started) / 1000 })
        : undefined,
      onSnapshot: snapshots ? (s) => snapshots!.next(s) : undefined,
      signal: abort.signal,
      tap: evidence?.collector,
      names,
    });
  } finally {
    removeSignals();
    progress?.done();
    snapshots?.complete();
    if (dashboard) await dashboard.done;
  }

  // When no input could be opened at all there is nothing to report: the error lines say it all.
  const nothingRead = report.inputs.every((i) => i.error !== null && i.packets === 0);
  if (evidence) await writeEvidence(evidence, report);
  if (nothingRead) spill?.close();
  else await writeReport(report, format, out, opts, spill);
  out.close();

  for (const input of report.inputs) if (input.error) process.stderr.write(`wfo-audit: ${printable(input.error)}\n`);
  // An input not read to the end is exit 2 (findingsExitCode), whatever was judged.
  return findingsExitCode(report, failOn);
}
