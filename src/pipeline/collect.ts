/**
 * `collect`: flow export datagrams on a UDP port -> the export session -> the same
 * verdict stream as the offline audit. Flows are drained and dashboard frames made on a
 * fixed timer, never per datagram.
 */
import { FlowSourceNames } from '../report/flow-sources.js';
import { ExporterMerger, HOLD } from '../records/exporter-merge.js';
import { MAX_INDEXED } from '../records/merge.js';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { FlowRecord } from '../flow/types.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import { Collector } from '../records/collector.js';
import { exportNotes } from '../records/export-notes.js';
import { ExportSession } from '../records/export-session.js';
import type { AuditReport, LiveStop, ReportWarning } from '../report/types.js';
import { warning, type WarningCode } from '../report/warnings.js';
import { finishReport, round6 } from './finish.js';
import { runUntilStopped } from './long-timeout.js';
import { SnapshotMaker } from './snapshot.js';
import type { DashboardSnapshot } from './types.js';
import { createPipeline } from './wiring.js';

/** Everything a collect run needs. */
export interface CollectConfig {
  host: string;
  port: number;
  /** Addresses whose datagrams may feed the audit; null: every exporter (all listed in the report). */
  exporters: ReadonlySet<string> | null;
  design: ResolvedDesign;
  site: AuditReport['site'];
  flow?: FlowTableOptions;
  keepFlows: boolean;
  /** The run's names of flow sources (flows[].sources); the writers of the report use the same one. */
  names?: FlowSourceNames;
  durationSec?: number;
  /** Templates not refreshed for this long are dropped (RFC 7011 §8.4); default 30 min. */
  templateExpirySec?: number;
  onFlows?: (batch: ClassifiedFlow[]) => void;
  onSnapshot?: (s: DashboardSnapshot) => void;
  snapshotMs?: number;
  signal: AbortSignal;
  /** Called with the bound address once the socket listens (tests send then). */
  onReady?: (addr: { address: string; port: number }) => void;
}

/** Collects until the signal or the duration, then returns the same report `audit` would. */
export async function runCollect(cfg: CollectConfig): Promise<AuditReport> {
  const names = cfg.names ?? new FlowSourceNames();
  const { engine, acc, verdicts$, drain, push, finish } = createPipeline(cfg.design, cfg.flow, cfg.keepFlows, cfg.onFlows, names);
  let batch: FlowRecord[] = [];
  // A connection several exporters sent is one flow, listing them all (exporter-merge.ts).
  const merger = new ExporterMerger((f) => { engine.table.countFinal(f); batch.push(f); }, (id, dup) => names.addCopy(id, dup));
  const sink = {
    nextId: () => engine.table.reserveId(),
    flow: (f: FlowRecord) => merger.flow(f),
  };
  const label = `${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
  names.setInput(0, label);
  const session = new ExportSession(label, 0, sink, cfg.flow?.synGrace, cfg.design.serverPortHint, (cfg.templateExpirySec ?? 1800) * 1000);
  const collector = new Collector(session, cfg.exporters);
  const bound = await collector.open(cfg.host, cfg.port);
  const snap = cfg.onSnapshot ? new SnapshotMaker(`collect ${label}`, true, engine, acc, cfg.design, verdicts$) : null;
  const startedAt = Date.now();
  cfg.onReady?.(bound);
  const stoppedBy: LiveStop = await runUntilStopped(cfg.signal, cfg.durationSec, cfg.snapshotMs ?? 250, () => {
    // Uniflows whose reverse direction did not come within a minute of the newest record go out alone.
    session.expire(session.last - 60);
    merger.release(session.last - HOLD);
    if (batch.length > 0) { push(batch); batch = []; }
    drain();
    if (snap) {
      snap.capture = { engine: 'collect', kernelDrops: session.sources.all().reduce((a, x) => a + x.row.lostRecords + x.row.lostMessages, 0) };
      cfg.onSnapshot!(snap.make(Date.now(), 0, 0, false));
    }
  });
  const stoppedAt = Date.now();
  collector.stop();
  // The moment the collector stopped is the end of the input (the SYN grace is measured from it).
  session.endTime(stoppedAt / 1000);
  session.finish();
  merger.end();
  if (batch.length > 0) { push(batch); batch = []; }
  finish();
  const w: ReportWarning[] = exportNotes(session).map((n) => warning(n.code as WarningCode, n.message, n.count));
  const refused = [...collector.counts.refused];
  if (refused.length > 0) {
    const n = refused.reduce((a, [, x]) => a + x, 0);
    w.push(warning('exporter-not-allowed', `${n} datagram(s) from ${refused.length} address(es) outside --exporter were counted and never classified (${refused.slice(0, 5).map(([a, x]) => `${a}: ${x}`).join(', ')}${refused.length > 5 ? ', …' : ''})`, n));
  }
  if (merger.notIndexed > 0) {
    w.push(warning('records-merge-limit', `${merger.notIndexed} flows came when ${MAX_INDEXED} recent flows were indexed for merging: their copies from other exporters, if any, are counted twice`, merger.notIndexed));
  }
  const counts = session.counts;
  const report = finishReport(engine, acc, cfg.design, [{
    path: label, format: 'collect', gzip: false, linkTypes: [], packets: session.packets, bytes: session.bytes,
    error: null, records: { ...counts, first: Number.isNaN(session.first) ? null : round6(session.first), last: Number.isNaN(session.last) ? null : round6(session.last) },
  }], cfg.site, w, { packets: session.packets - merger.dupPackets, bytes: session.bytes - merger.dupBytes, first: session.first, last: session.last });
  report.sources = session.sources.all().map((x) => {
    const f = merger.figures.get(x.name) ?? { flows: 0, duplicates: 0, shared: 0 };
    return { ...x.result(), flows: f.flows, duplicates: f.duplicates, onlyHere: f.flows > 0 ? Math.round(((f.flows - f.shared) / f.flows) * 1e4) / 1e4 : null };
  });

  report.live = {
    startedAt: startedAt / 1000, stoppedAt: stoppedAt / 1000, stoppedBy, interface: label,
    filter: cfg.exporters === null ? null : [...cfg.exporters].join(','), engine: 'collect', kernelDrops: null,
  };
  if (snap) cfg.onSnapshot!(snap.make(Date.now(), 0, 0, true));
  return report;
}

