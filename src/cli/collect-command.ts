/**
 * `wfo-audit collect`: a UDP collector for IPFIX, NetFlow v9 and v5; dashboard on a
 * terminal, NDJSON verdict events otherwise; the same final report as `audit` at the end.
 */
import { isIP } from 'node:net';
import { runCollect } from '../pipeline/collect.js';
import type { ReportFormat } from '../report/index.js';
import { findingsExitCode, invalidOption, parseDuration, parseFailOn } from './options.js';
import { loadDesign, reportOptions, startDashboard, stopOnSignals, streamOutputs, writeReport } from './common.js';

/** Flags of the collect command. */
export interface CollectFlags {
  listen: string;
  exporter?: string;
  site?: string;
  ndjson?: string;
  out?: string;
  duration?: string;
  format?: ReportFormat;
  failOn: string;
  dashboard: boolean;
  coverage?: string;
  templateTimeout: string;
}

/** HOST:PORT or [v6]:PORT to host and port; a usage error in the shared wording otherwise. */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:]+):(\d+)$/.exec(v);
  const bad = (): never => { throw invalidOption('--listen', v, 'HOST:PORT with an IP address, e.g. 0.0.0.0:2055 or [::]:4739'); };
  if (m === null) return bad();
  const host = m[1]!, port = Number(m[2]);
  if (isIP(host) === 0 || !(port >= 1 && port <= 65535)) return bad();
  return { host, port };
}

/** --exporter IP[,IP…] to a set of addresses. */
export function parseExporters(v: string | undefined): Set<string> | null {
  if (v === undefined) return null;
  const list = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0 || list.some((a) => isIP(a) === 0)) {
    throw invalidOption('--exporter', v, 'IP addresses separated by commas');
  }
  return new Set(list);
}

/** Runs the collect command and returns its exit code. */
export async function collectCommand(flags: CollectFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const duration = parseDuration(flags.duration);
  const { host, port } = parseListen(flags.listen);
  const exporters = parseExporters(flags.exporter);
  const expiry = Number(flags.templateTimeout);
  if (!(expiry > 0)) throw invalidOption('--template-timeout', flags.templateTimeout, 'seconds > 0');
  const { design, site } = loadDesign(flags.site);
  const { stdout, reportOut, events, useDashboard, format, spill, names, onFlows } = streamOutputs(flags);
  const abort = new AbortController();
  const removeSignals = stopOnSignals(abort, false);
  const dashboard = useDashboard ? await startDashboard(abort) : null;
  const snapshots = dashboard?.snapshots ?? null;
  let report;
  try {
    report = await runCollect({
      names,
      host, port, exporters, design, site, keepFlows: format === 'html', durationSec: duration,
      templateExpirySec: expiry, onFlows,
      onSnapshot: snapshots ? (s) => snapshots!.next(s) : undefined,
      signal: abort.signal,
      onReady: (a) => { if (!useDashboard) process.stderr.write(`wfo-audit: collecting on ${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port} (udp)\n`); },
    });
  } finally {
    removeSignals();
    snapshots?.complete();
    if (dashboard) await dashboard.done;
    events?.close();
  }
  try {
    await writeReport(report, format, reportOut, reportOptions(reportOut, false, failOn, flags.coverage, design), spill);
  } finally {
    if (reportOut !== stdout) reportOut.close();
  }
  return findingsExitCode(report, failOn);
}
