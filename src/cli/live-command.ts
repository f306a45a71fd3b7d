/**
 * `wfo-audit live`: capture on an interface; dashboard on a terminal, NDJSON
 * verdict events otherwise; the same final report as `audit` at the end.
 */
import { runLive } from '../pipeline/live.js';
import type { ReportFormat } from '../report/index.js';
import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { REPORTERS } from '../report/index.js';
import { ndjsonIntervalLine } from '../report/ndjson.js';
import type { AuditReport } from '../report/types.js';
import { PacketRing } from '../capture/ring-writer.js';
import { findingsExitCode, parseBufferSize, parseDuration, parseFailOn, parseInterval, parseWriteFiles, parseWriteSize } from './options.js';
import { lookupUser, requireCreatableAfterDrop, runningAsRoot } from '../capture/drop-privileges.js';
import { loadDesign, reportOptions, startDashboard, stopOnSignals, streamOutputs, writeReason, writeReport, type StreamOutputs } from './common.js';
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
  /** A report per interval of the wall clock (`15m`, `30s`, `1h`, or seconds). */
  reportEvery?: string;
  /** Every captured packet to this pcapng file (or ring of files with --write-size). */
  write?: string;
  /** MB per --write file before the next one is started (dumpcap's -b filesize). */
  writeSize?: string;
  /** Keep only this many --write files (dumpcap's -b files). */
  writeFiles?: string;
}

/** `DIR/report-20261203T161500Z.json` for --out `DIR/report.json` and an interval starting at 16:15:00 UTC. */
export function intervalFileName(out: string, startSec: number): string {
  const ext = extname(out);
  const stamp = new Date(Math.floor(startSec) * 1000).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
  return join(dirname(out), `${basename(out, ext)}-${stamp}${ext}`);
}

/**
 * Where the interval reports go: one file each beside --out (in the report's format), an
 * `interval` line in the --ndjson file, and on stdout when stdout carries the NDJSON events.
 * @throws UsageError when none of these is there (the dashboard has the terminal and no file was given)
 */
function intervalSink(flags: LiveFlags, outs: StreamOutputs, failOn: Set<string>, coverage: string | undefined,
  design: Parameters<typeof reportOptions>[4]): (r: AuditReport) => void {
  const toStdout = outs.reportOut === outs.stdout && !outs.useDashboard && outs.format === 'ndjson';
  if (!flags.out && !outs.events && !toStdout) {
    throw new UsageError('--report-every: the interval reports need --out FILE (one file per interval beside it) or --ndjson FILE (one line per interval)');
  }
  const opts = reportOptions(outs.reportOut, false, failOn, coverage, design);
  opts.color = false;
  let failed = 0;
  return (r) => {
    const line = ndjsonIntervalLine(r);
    outs.events?.write(line);
    if (toStdout) outs.stdout.write(line);
    if (!flags.out) return;
    const file = intervalFileName(flags.out, r.live!.interval!.start);
    try {
      writeFileSync(file, REPORTERS[outs.format](r, opts));
    } catch (e) {
      // one line per failed interval, and the capture goes on: the final report still comes
      if (failed++ < 10) process.stderr.write(`wfo-audit: cannot write ${file}: ${writeReason(e)} (interval report lost)\n`);
    }
  };
}

/** Opens the first --write file now (before the capture and the drop); null without --write. */
function openRing(flags: LiveFlags, dropTo: ReturnType<typeof lookupUser> | null): PacketRing | null {
  const sizeBytes = parseWriteSize(flags.writeSize);
  const files = parseWriteFiles(flags.writeFiles);
  if (!flags.write) {
    if (sizeBytes !== undefined || files !== undefined) throw new UsageError(`${sizeBytes !== undefined ? '--write-size' : '--write-files'} needs --write FILE.pcapng`);
    return null;
  }
  if (files !== undefined && sizeBytes === undefined) throw new UsageError('--write-files needs --write-size (the ring rotates by size, as dumpcap -b filesize does)');
  // ring files after the first are created, and old ones deleted, by the dropped user
  if (dropTo && sizeBytes !== undefined) requireCreatableAfterDrop('--write', resolve(dirname(flags.write)), dropTo);
  let ring: PacketRing;
  try {
    ring = new PacketRing({ path: flags.write, sizeBytes, files });
  } catch (e) {
    throw new UsageError(`cannot write ${flags.write}: ${writeReason(e)}`);
  }
  if (dropTo && sizeBytes !== undefined) ring.giveTo(dropTo);
  return ring;
}

/** Runs the live command and returns its exit code. */
export async function liveCommand(flags: LiveFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const duration = parseDuration(flags.duration);
  const bufferMiB = parseBufferSize(flags.bufferSize) ?? 256;
  const { design, site } = loadDesign(flags.site);
  const dropTo = runningAsRoot() && !flags.keepRoot ? lookupUser(flags.user) : null;
  const every = parseInterval('--report-every', flags.reportEvery);
  if (every !== undefined && dropTo && flags.out) requireCreatableAfterDrop('--report-every', resolve(dirname(flags.out)), dropTo);
  const evidence = planEvidence(flags, design, []);
  // opened now: a bad path fails before the capture starts (and before privileges are dropped)
  const outs = streamOutputs(flags, (batch) => evidence?.collector.onFlows(batch));
  const { stdout, reportOut, events, useDashboard, format, spill, names, onFlows } = outs;
  const onReport = every !== undefined ? intervalSink(flags, outs, failOn, flags.coverage, design) : null;
  const ring = openRing(flags, dropTo);

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
      ring: ring ?? undefined,
      reportEvery: onReport ? { everySec: every!, keepFlows: format === 'json' || format === 'html', onReport } : undefined,
    });
  } finally {
    // a capture that failed to open still leaves a valid (empty) --write file, and no open descriptor
    ring?.close(1);
    removeSignals();
    snapshots?.complete();
    if (dashboard) await dashboard.done;
    events?.close();
  }
  if (ring?.error) process.stderr.write(`wfo-audit: --write stopped at ${ring.error.path}: ${writeReason(ring.error.cause)} (${ring.packets} packets written before)\n`);
  if (evidence) await writeEvidence(evidence, report);
  try {
    await writeReport(report, format, reportOut, reportOptions(reportOut, false, failOn, flags.coverage, design), spill);
  } finally {
    if (reportOut !== stdout) reportOut.close();
  }
  return findingsExitCode(report, failOn);
}
