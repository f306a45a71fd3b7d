/**
 * Pieces every command shares: loading the design, where output goes, and how reports are rendered.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { loadSite } from '../design/site.js';
import { resolveDesign, type ResolvedDesign } from '../design/resolve.js';
import type { AuditReport } from '../report/types.js';
import { REPORTERS, type ReportFormat, type ReportOptions } from '../report/index.js';
import type { JsonFlowSpill } from '../report/json-stream.js';
import { Subject } from 'rxjs';
import type { ClassifiedFlow } from '../classify/types.js';
import type { DashboardSnapshot } from '../pipeline/types.js';
import { ndjsonFlowLine } from '../report/ndjson.js';
import { toReportFlow } from '../report/build.js';

/** Loads the site file (if any) and resolves the design. */
export function loadDesign(sitePath: string | undefined): { design: ResolvedDesign; site: AuditReport['site'] } {
  const site = sitePath ? loadSite(sitePath) : null;
  const design = resolveDesign(site);
  return { design, site: { path: sitePath ?? null, mode: design.mode, modules: [...design.modules] } };
}

/** Report destination: stdout, or a file given with --out (written synchronously). */
export class Output {
  private readonly fd: number | null;
  constructor(readonly path: string | undefined) {
    if (!path) { this.fd = null; return; }
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
    }
  }
  /** Where the streamed JSON writer writes: the file descriptor, or stdout as a stream. */
  get sink(): number | NodeJS.WritableStream {
    return this.fd ?? process.stdout;
  }
  /** true when output goes to a terminal (colours, width). */
  get isTTY(): boolean {
    return this.fd === null && !!process.stdout.isTTY;
  }
  write(s: string): void {
    if (s.length === 0) return;
    if (this.fd === null) process.stdout.write(s);
    else writeSync(this.fd, s);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}

/** Rendering options for a destination. */
export function reportOptions(out: Output, all: boolean): ReportOptions {
  const color = out.isTTY && !process.env.NO_COLOR;
  const width = out.isTTY ? Math.max(80, process.stdout.columns ?? 100) : 100;
  return { color, all, width };
}

/**
 * Writes the final report. JSON comes from the flow spill (flows were written to a
 * temp file as they ended, so memory does not grow with the capture); NDJSON flow
 * lines were streamed already, so only its summary line is left.
 */
export async function writeReport(report: AuditReport, format: ReportFormat, out: Output, opts: ReportOptions,
  spill: JsonFlowSpill | null): Promise<void> {
  if (spill) {
    try {
      await spill.write(report, out.sink);
    } finally {
      spill.close();
    }
  } else if (format === 'ndjson') {
    out.write(REPORTERS.ndjson({ ...report, flows: [] }, opts));
  } else {
    out.write(REPORTERS[format](report, opts));
  }
}

/** One NDJSON line per classified flow, for a batch. */
export function ndjsonLines(batch: readonly ClassifiedFlow[]): string {
  let s = '';
  for (const cf of batch) s += ndjsonFlowLine(toReportFlow(cf));
  return s;
}

/**
 * Starts the Ink dashboard (loaded only here: importing Ink costs ~2 s) on a stream of
 * snapshots; `q` aborts the run. `done` resolves once the final frame is drawn.
 */
export async function startDashboard(abort: AbortController): Promise<{ snapshots: Subject<DashboardSnapshot>; done: Promise<void> }> {
  const { loadDashboard } = await import('../ui/load.js');
  const { runDashboard } = await loadDashboard();
  const snapshots = new Subject<DashboardSnapshot>();
  return { snapshots, done: runDashboard(snapshots, { onQuit: () => abort.abort() }) };
}
