/**
 * Pieces every command shares: loading the design, where output goes, and how reports are rendered.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { invalidOption } from './options.js';
import { loadSite } from '../design/site.js';
import { resolveDesign, type ResolvedDesign } from '../design/resolve.js';
import type { AuditReport } from '../report/types.js';
import { REPORTERS, type ReportFormat, type ReportOptions } from '../report/index.js';
import { JsonFlowSpill, writeAll } from '../report/json-stream.js';
import { Subject } from 'rxjs';
import type { ClassifiedFlow } from '../classify/types.js';
import type { DashboardSnapshot } from '../pipeline/types.js';
import { ndjsonFlowLine } from '../report/ndjson.js';
import { toReportFlow } from '../report/build.js';
import { FlowSourceNames } from '../report/flow-sources.js';

/** Loads the site file (if any) and resolves the design. */
export function loadDesign(sitePath: string | undefined): { design: ResolvedDesign; site: AuditReport['site'] } {
  const site = sitePath ? loadSite(sitePath) : null;
  const design = resolveDesign(site);
  return { design, site: { path: sitePath ?? null, mode: design.mode, modules: [...design.modules] } };
}

/** Why --out cannot be written, in words (errno codes users hit; anything else as the system says it). */
export function writeReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT': return 'no such directory';
    case 'EISDIR': return 'is a directory (--out takes a file name)';
    case 'ENOTDIR': return 'a parent of the path is not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    default: return (e as Error)?.message ?? String(e);
  }
}

/** Report destination: stdout, or a file given with --out (written synchronously). */
export class Output {
  private readonly fd: number | null;
  constructor(readonly path: string | undefined) {
    if (!path) { this.fd = null; return; }
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${writeReason(e)}`);
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
  /** Writes text, or bytes the caller may reuse once this returns (they are copied for stdout, which may keep them). */
  write(s: string | Uint8Array): void {
    if (s.length === 0) return;
    if (this.fd === null) {
      process.stdout.write(typeof s === 'string' ? s : Buffer.from(s));
      return;
    }
    if (typeof s === 'string') writeSync(this.fd, s);
    else writeAll(this.fd, s, null);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}

/**
 * Ctrl-C and SIGTERM stop the run through `abort` (the pipeline ends cleanly and the
 * report follows); the abort reason is `ctrl-c` or `sigterm`. With `secondExits`, another one while stopping ends the process at
 * once with 130. Returns the function that removes the handlers.
 */
export function stopOnSignals(abort: AbortController, secondExits: boolean): () => void {
  const onSignal = (reason: 'ctrl-c' | 'sigterm'): void => {
    if (secondExits && abort.signal.aborted) process.exit(EXIT_CODES.interrupted);
    abort.abort(reason);
  };
  const onInt = (): void => onSignal('ctrl-c');
  const onTerm = (): void => onSignal('sigterm');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/**
 * Width of the human formats: the terminal's (at least 80); not a terminal, `COLUMNS` when it
 * is a whole number of at least 60 (as ls and tshark honour it), otherwise 100.
 */
export function reportWidth(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): number {
  if (isTTY) return Math.max(80, process.stdout.columns ?? 100);
  const c = Number(env.COLUMNS);
  return Number.isInteger(c) && c >= 60 ? c : 100;
}

/** Rendering options for a destination; with the design, the site's role addresses (the html report lists them). */
export function reportOptions(out: Output, all: boolean, failOn?: Iterable<string>, coverage?: string, design?: ResolvedDesign): ReportOptions {
  const color = out.isTTY && !process.env.NO_COLOR;
  const o: ReportOptions = { color, all, width: reportWidth(out.isTTY) };
  if (failOn) o.failOn = [...failOn];
  if (coverage !== undefined) {
    if (coverage !== 'connections' && coverage !== 'rules') throw invalidOption('--coverage', coverage, 'connections, rules');
    o.coverage = coverage;
  }
  const site = design?.site;
  if (site) {
    const roles: Record<string, string[]> = {};
    for (const [role, specs] of Object.entries(site.hosts)) roles[role] = specs.map((a) => a.text);
    roles.cloud = site.cloud.map((a) => a.text);
    o.roles = roles;
  }
  return o;
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

/** Where ndjsonBytes writes; grows to the biggest batch. */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * One NDJSON line per classified flow, for a batch, as UTF-8 bytes: a view of a reused
 * buffer, valid until the next call. Written line by line into the buffer rather than
 * joined into one string per batch (the joined strings were most of an NDJSON audit's GC).
 */
export function ndjsonBytes(batch: readonly ClassifiedFlow[], names: FlowSourceNames): Uint8Array {
  let n = 0;
  for (const cf of batch) {
    const line = ndjsonFlowLine(toReportFlow(cf, names));
    const need = n + 3 * line.length;
    if (need > scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, 2 * scratch.length));
      scratch.copy(bigger, 0, 0, n);
      scratch = bigger;
    }
    n += scratch.write(line, n, 'utf8');
  }
  return scratch.subarray(0, n);
}

/**
 * Starts the Ink dashboard (loaded only here: importing Ink costs ~2 s) on a stream of
 * snapshots; `q` aborts the run (reason `q`). `done` resolves once the final frame is drawn.
 */
export async function startDashboard(abort: AbortController): Promise<{ snapshots: Subject<DashboardSnapshot>; done: Promise<void> }> {
  const { loadDashboard } = await import('../ui/load.js');
  const { runDashboard } = await loadDashboard();
  const snapshots = new Subject<DashboardSnapshot>();
  return { snapshots, done: runDashboard(snapshots, { onQuit: () => abort.abort('q') }) };
}

/** Where a long-running command (`live`, `collect`) writes: the terminal, the report file, the NDJSON events, and the flows as they end. */
export interface StreamOutputs {
  stdout: Output;
  reportOut: Output;
  events: Output | null;
  useDashboard: boolean;
  format: ReportFormat;
  spill: JsonFlowSpill | null;
  /** The run's names of flow sources: give it to runLive/runCollect. */
  names: FlowSourceNames;
  /** Every batch of ended flows: to the JSON spill, the NDJSON file, the report file and stdout as the format asks. */
  onFlows: (batch: ClassifiedFlow[]) => void;
}

/**
 * The outputs of `live` and `collect`, opened now (a bad path fails before the capture or
 * collector starts): the dashboard when both ends are a terminal, NDJSON events otherwise.
 */
export function streamOutputs(flags: { out?: string; ndjson?: string; format?: ReportFormat; dashboard: boolean },
  also?: (batch: ClassifiedFlow[]) => void): StreamOutputs {
  const stdout = new Output(undefined);
  const reportOut = flags.out ? new Output(flags.out) : stdout;
  const events = flags.ndjson ? new Output(flags.ndjson) : null;
  const useDashboard = flags.dashboard && !!process.stdout.isTTY && !!process.stdin.isTTY;
  const format: ReportFormat = flags.format ?? (useDashboard ? 'table' : 'ndjson');
  const names = new FlowSourceNames();
  const spill = format === 'json' ? new JsonFlowSpill({ names }) : null;
  const onFlows = (batch: ClassifiedFlow[]): void => {
    spill?.addBatch(batch);
    const s = ndjsonBytes(batch, names);
    events?.write(s);
    // An NDJSON report file holds its flow lines too; stdout gets them when no dashboard has the terminal.
    if (reportOut !== stdout && format === 'ndjson') reportOut.write(s);
    if (!useDashboard && (format === 'ndjson' || reportOut !== stdout)) stdout.write(s);
    also?.(batch);
  };
  return { stdout, reportOut, events, useDashboard, format, spill, names, onFlows };
}
