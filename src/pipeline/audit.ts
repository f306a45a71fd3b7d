/**
 * The offline audit: files or stdin -> packet engine -> flow batches -> RxJS
 * classification (shared by the report, the NDJSON stream and the dashboard).
 * This is the one place where the stages meet.
 */
import { FlowSourceNames } from '../report/flow-sources.js';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ReportWarning } from '../report/types.js';
import { warning } from '../report/warnings.js';
import type { InputInfo } from '../capture/types.js';
import { withTap, type PacketTap } from './tap.js';
import { noInput, orderInputs, readInput, readStream } from '../capture/open.js';
import { CaptureError } from '../errors.js';
import type { FlowRecord } from '../flow/types.js';
import { detectRecordPath } from '../records/detect.js';
import { MAX_INDEXED, SourceMerger } from '../records/merge.js';
import { readRecords, recordInputInfo, RecordTotals, routeInput } from '../records/read.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { AuditReport } from '../report/types.js';
import { finishReport } from './finish.js';
import { createPipeline } from './wiring.js';
import { SnapshotMaker } from './snapshot.js';
import type { DashboardSnapshot } from './types.js';

/** Everything an audit run needs. */
export interface AuditConfig {
  /** Capture files, or '-' for stdin. Read in order of their first packet. */
  paths: string[];
  design: ResolvedDesign;
  site: { path: string | null; mode: string; modules: string[] };
  flow?: FlowTableOptions;
  /** Keep every flow for the report (JSON and --all need them). */
  keepFlows: boolean;
  /** Progress over all files (bytes read / total), after every chunk. */
  onProgress?: (p: { bytesRead: number; totalBytes: number; packets: number }) => void;
  /** Every batch of final classified flows, as flows end (NDJSON streaming). */
  onFlows?: (batch: ClassifiedFlow[]) => void;
  /** Dashboard frames, at most every `snapshotMs` of wall time. */
  onSnapshot?: (s: DashboardSnapshot) => void;
  snapshotMs?: number;
  signal?: AbortSignal;
  /** Time window (seconds since the epoch) for flow-record inputs: nfdump reads only it; Zeek rows outside it are skipped. */
  from?: number;
  to?: number;
  /** Sees every packet beside the engine (the evidence writer, src/report/evidence.ts). */
  tap?: PacketTap;
  /** The run's names of flow sources (flows[].sources); the writers of the report use the same one. */
  names?: FlowSourceNames;
}

/**
 * The inputs with files given twice left out (same device and inode, or same size and
 * SHA-256), each with a warning; the first mention is kept. stdin and unreadable paths
 * pass through (their errors come from reading them).
 */
export function distinctInputs(paths: readonly string[]): { unique: string[]; warnings: ReportWarning[] } {
  const unique: string[] = [];
  const warnings: ReportWarning[] = [];
  const seen: { path: string; dev: number; ino: number; size: number; hash: string | null }[] = [];
  for (const p of paths) {
    if (p === '-') { unique.push(p); continue; }
    let st;
    try { st = statSync(p); } catch { unique.push(p); continue; }
    if (!st.isFile()) { unique.push(p); continue; }
    const entry = { path: p, dev: st.dev, ino: st.ino, size: st.size, hash: null as string | null };
    let dup = seen.find((e) => e.dev === entry.dev && e.ino === entry.ino);
    if (!dup) {
      for (const e of seen) {
        if (e.size !== entry.size) continue;
        e.hash ??= sha256(e.path);
        entry.hash ??= sha256(p);
        if (e.hash !== null && e.hash === entry.hash) { dup = e; break; }
      }
    }
    if (dup) {
      warnings.push(warning('duplicate-input', `${p} is the same file as ${dup.path} (${dup.dev === entry.dev && dup.ino === entry.ino ? 'same device and inode' : 'same size and SHA-256'}): read once`));
      continue;
    }
    seen.push(entry);
    unique.push(p);
  }
  return { unique, warnings };
}

function sha256(path: string): string | null {
  try {
    const h = createHash('sha256');
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
      }
    } finally { closeSync(fd); }
    return h.digest('hex');
  } catch {
    return null;
  }
}

/** Runs an offline audit and returns the report. Input errors are recorded in `inputs[].error`. */
export async function runAudit(cfg: AuditConfig): Promise<AuditReport> {
  const { design } = cfg;
  const names = cfg.names ?? new FlowSourceNames();
  const { engine, acc, verdicts$, drain, push, finish } = createPipeline(design, cfg.flow, cfg.keepFlows, cfg.onFlows, names);
  // Flow-record inputs (Zeek conn logs, nfdump stores) go beside the packet engine, into the same stream.
  const records = new RecordTotals();
  let recBatch: FlowRecord[] = [];
  const accept = (f: FlowRecord): void => {
    engine.table.countFinal(f);
    recBatch.push(f);
    if (recBatch.length >= 4096) { push(recBatch); recBatch = []; }
  };
  // Several inputs, some of them flow records: a connection two inputs saw is one flow (merge.ts).
  // stdin is read first anyway; with other inputs it is peeked now, so that merging is set up only for records.
  const stdinRoute = cfg.paths.length >= 2 && cfg.paths.includes('-') ? await routeInput('-', cfg.signal) : null;
  const merger = cfg.paths.length >= 2
    && (cfg.paths.some((p) => p !== '-' && detectRecordPath(p) !== null) || (stdinRoute !== null && stdinRoute.kind !== 'packets'))
    ? new SourceMerger(accept, (id, dup) => names.addCopy(id, dup)) : null;
  if (merger) verdicts$.subscribe((b) => { for (const cf of b) merger.indexFlow(cf.flow); });
  const recordSink = {
    nextId: () => engine.table.reserveId(),
    flow: merger ? (f: FlowRecord) => merger.recordFlow(f) : accept,
  };

  const { unique, warnings } = distinctInputs(cfg.paths);
  let paths = await orderInputs(unique);
  // Records are matched against the flows before them, so packet inputs go first when sources are merged.
  if (merger) paths = [...paths.filter((p) => p === '-' || detectRecordPath(p) === null), ...paths.filter((p) => p !== '-' && detectRecordPath(p) !== null)];
  const sizes = paths.map((p) => {
    if (p === '-') return 0;
    try { return statSync(p).size; } catch { return 0; }
  });
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const snap = cfg.onSnapshot ? new SnapshotMaker(paths.join(', '), false, engine, acc, design, verdicts$) : null;
  let lastSnap = 0;
  let doneBytes = 0;
  let curBytes = 0;
  const inputs: InputInfo[] = [];
  const sink = withTap(engine, cfg.tap);
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    if (cfg.signal?.aborted && !(path === '-' && stdinRoute !== null)) {
      // Stopped (Ctrl-C, q) during an earlier input: the rest is not read at all.
      inputs.push(noInput(path, `${path === '-' ? 'stdin' : path}: not read (the audit was interrupted)`));
      continue;
    }
    engine.input = i;
    names.setInput(i, path);
    cfg.tap?.startInput(i, path);
    curBytes = 0;
    let info: InputInfo;
    const onProgress = (p: { bytesRead: number }): void => {
      drain();
      push(recBatch); recBatch = [];
      curBytes = p.bytesRead;
      cfg.onProgress?.({ bytesRead: doneBytes + curBytes, totalBytes, packets: engine.packets });
      if (snap) {
        const now = Date.now();
        if (now - lastSnap >= (cfg.snapshotMs ?? 250)) {
          lastSnap = now;
          cfg.onSnapshot!(snap.make(now, doneBytes + curBytes, totalBytes, false));
        }
      }
    };
    try {
      const route = path === '-' && stdinRoute !== null ? stdinRoute : await routeInput(path, cfg.signal);
      if (route.kind !== 'packets') {
        // The packet flows still open must be indexed before records can be matched against them.
        if (merger && engine.packets > 0) { engine.flush(); drain(); }
        const r = await readRecords(path, { ...route, kind: route.kind }, recordSink, {
          input: i, synGrace: cfg.flow?.synGrace, signal: cfg.signal, serverPortHint: design.serverPortHint,
          from: cfg.from, to: cfg.to, sourceBase: records.sources.length,
          onProgress: (bytesRead) => onProgress({ bytesRead }),
        });
        merger?.endInput();
        push(recBatch); recBatch = [];
        records.add(r);
        info = recordInputInfo(path, r);
      } else if (route.stream !== null) {
        info = await readStream(path, route.stream, sink, { ifaceBase: i << 16, signal: cfg.signal, onProgress });
        if (route.gzip) info.gzip = true;
      } else {
        info = await readInput(path, i, sink, { ifaceBase: i << 16, signal: cfg.signal, onProgress });
      }
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
      info = noInput(path, e.message);
    }
    inputs.push(info);
    doneBytes += sizes[i]!;
    drain();
  }
  finish();

  const dups = engine.duplicateFrames;
  if (dups > 0) {
    warnings.push(warning('duplicate-frames', `${dups} duplicate frames (identical bytes within ${engine.dedupWindow * 1000} ms of each other, as pktmon or two overlapping span sessions record them) were left out of the flows (--dedup-window 0 keeps them)`, dups));
  }
  if (merger) {
    if (merger.notIndexed > 0) {
      warnings.push(warning('records-merge-limit', `${merger.notIndexed} flows came after the first ${MAX_INDEXED} and were not indexed for merging: their copies in later record inputs, if any, are counted twice`, merger.notIndexed));
    }
    const figures = merger.figures();
    inputs.forEach((info, i) => {
      const f = figures.get(i);
      if (f !== undefined) info.overlap = f;
    });
  }
  warnings.push(...records.warnings());
  // Totals count a connection several inputs saw once: the dropped copies' packets are not added again.
  const other = { first: records.first, last: records.last, packets: records.packets - (merger?.dupPackets ?? 0), bytes: records.bytes - (merger?.dupBytes ?? 0) };
  const report = finishReport(engine, acc, design, inputs, cfg.site, warnings, other);
  if (records.sources.length > 0) report.sources = records.sources;
  if (names.hasCopies) for (const f of report.flows) f.sources = names.withCopies(f.id, f.sources).slice();
  if (snap) cfg.onSnapshot!(snap.make(Date.now(), totalBytes, totalBytes, true));
  return report;
}

