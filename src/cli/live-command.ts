/**
 * `wfo-audit live`: capture on an interface; dashboard on a terminal, NDJSON
 * verdict events otherwise; the same final report as `audit` at the end.
 */
import { runLive } from '../pipeline/live.js';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ReportFormat } from '../report/index.js';
import { JsonFlowSpill } from '../report/json-stream.js';
import { findingsExitCode, parseFailOn, parseNumber } from './options.js';
import { loadDesign, ndjsonBytes, Output, reportOptions, startDashboard, stopOnSignals, writeReport } from './common.js';

/** Flags of the live command. */
export interface LiveFlags {
  interface: string;
  filter?: string;
  site?: string;
  ndjson?: string;
  duration?: string;
  format?: ReportFormat;
  failOn: string;
  bufferSize: string;
  dashboard: boolean;
  engine: 'cap' | 'tcpdump';
  coverage?: string;
}

/** Runs the live command and returns its exit code. */
export async function liveCommand(flags: LiveFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const duration = parseNumber('--duration', flags.duration);
  const bufferMiB = parseNumber('--buffer-size', flags.bufferSize, true) ?? 256;
  const { design, site } = loadDesign(flags.site);
  const stdout = new Output(undefined);
  const events = flags.ndjson ? new Output(flags.ndjson) : null;
  const useDashboard = flags.dashboard && !!process.stdout.isTTY && !!process.stdin.isTTY;
  const format: ReportFormat = flags.format ?? (useDashboard ? 'table' : 'ndjson');

  const spill = format === 'json' ? new JsonFlowSpill() : null;
  const onFlows = (batch: ClassifiedFlow[]): void => {
    spill?.addBatch(batch);
    const s = ndjsonBytes(batch);
    events?.write(s);
    if (!useDashboard && format === 'ndjson') stdout.write(s);
  };

  const abort = new AbortController();
  const removeSignals = stopOnSignals(abort, false);

  const dashboard = useDashboard ? await startDashboard(abort) : null;
  const snapshots = dashboard?.snapshots ?? null;
  let report;
  try {
    report = await runLive({
      iface: flags.interface,
      filter: flags.filter,
      engine: flags.engine,
      bufferSize: bufferMiB * 1024 * 1024,
      design,
      site,
      keepFlows: false,
      durationSec: duration,
      onFlows,
      onSnapshot: snapshots ? (s) => snapshots!.next(s) : undefined,
      signal: abort.signal,
    });
  } finally {
    removeSignals();
    snapshots?.complete();
    if (dashboard) await dashboard.done;
    events?.close();
  }
  await writeReport(report, format, stdout, reportOptions(stdout, false, failOn, flags.coverage), spill);
  return findingsExitCode(report, failOn);
}
