/**
 * The offline audit: files or stdin -> packet engine -> flow batches -> RxJS
 * classification (shared by the report, the NDJSON stream and the dashboard).
 * This is the one place where the stages meet.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ReportWarning } from '../report/types.js';
import { warning } from '../report/warnings.js';
import type { InputInfo } from '../capture/types.js';
import { noInput, orderInputs, readInput } from '../capture/open.js';
import { CaptureError } from '../errors.js';
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
  const { engine, acc, verdicts$, drain, finish } = createPipeline(design, cfg.flow, cfg.keepFlows, cfg.onFlows);

  const { unique, warnings } = distinctInputs(cfg.paths);
  const paths = await orderInputs(unique);
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
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    if (cfg.signal?.aborted) {
      // Stopped (Ctrl-C, q) during an earlier input: the rest is not read at all.
      inputs.push(noInput(path, `${path === '-' ? 'stdin' : path}: not read (the audit was interrupted)`));
      continue;
    }
    engine.input = i;
    curBytes = 0;
    let info: InputInfo;
    try {
      info = await readInput(path, i, engine, {
        ifaceBase: i << 16,
        signal: cfg.signal,
        onProgress: (p) => {
          drain();
          curBytes = p.bytesRead;
          cfg.onProgress?.({ bytesRead: doneBytes + curBytes, totalBytes, packets: engine.packets });
          if (snap) {
            const now = Date.now();
            if (now - lastSnap >= (cfg.snapshotMs ?? 250)) {
              lastSnap = now;
              cfg.onSnapshot!(snap.make(now, doneBytes + curBytes, totalBytes, false));
            }
          }
        },
      });
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
  const report = finishReport(engine, acc, design, inputs, cfg.site, warnings);
  if (snap) cfg.onSnapshot!(snap.make(Date.now(), totalBytes, totalBytes, true));
  return report;
}

