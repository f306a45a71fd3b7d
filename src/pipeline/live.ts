/**
 * Live capture: libpcap via `cap` -> the same engine and verdict stream as the
 * offline audit. Ended flows are drained and dashboard frames made on a fixed
 * timer, never per packet.
 */
import { FlowSourceNames } from '../report/flow-sources.js';
import { openLive, type LiveCapture } from '../capture/live.js';
import { openTcpdump, type EngineCapture } from '../capture/engine-tcpdump.js';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import type { AuditReport, LiveStop } from '../report/types.js';
import { finishReport } from './finish.js';
import { SnapshotMaker } from './snapshot.js';
import type { DashboardSnapshot } from './types.js';
import { createPipeline } from './wiring.js';
import { dropPrivileges, type DropTarget } from '../capture/drop-privileges.js';
import { runUntilStopped } from './long-timeout.js';
import { bothTaps, withTap, type PacketTap } from './tap.js';
import type { PacketRing } from '../capture/ring-writer.js';
import { IntervalReports } from './interval.js';

/** Everything a live run needs. */
export interface LiveConfig {
  iface: string;
  filter?: string;
  /** `cap` (libpcap in-process, default) or `tcpdump` (runs tcpdump, which reports kernel drops). */
  engine?: 'cap' | 'tcpdump';
  bufferSize?: number;
  design: ResolvedDesign;
  site: AuditReport['site'];
  flow?: FlowTableOptions;
  keepFlows: boolean;
  /** The run's names of flow sources (flows[].sources); the writers of the report use the same one. */
  names?: FlowSourceNames;
  /** Stop after this many seconds (wall clock); undefined = until the signal. */
  durationSec?: number;
  onFlows?: (batch: ClassifiedFlow[]) => void;
  onSnapshot?: (s: DashboardSnapshot) => void;
  snapshotMs?: number;
  /** Seconds after which a live flow gets an interim dashboard update, and again as often (default 10). */
  updateEvery?: number;
  /** Aborting ends the capture cleanly; its reason (`q`, `ctrl-c`, `sigterm`) becomes `live.stoppedBy` (any other reason: `ctrl-c`). */
  signal: AbortSignal;
  /** Started as root: the account to drop to once the capture is open, before the first packet is parsed (null: keep). */
  dropTo?: DropTarget | null;
  /** Called once the capture is open (tests use it to start their traffic). */
  onReady?: () => void;
  /** Sees every packet beside the engine (the evidence writer). */
  tap?: PacketTap;
  /** --write: every packet to pcapng files (opened already, before any privilege drop). */
  ring?: PacketRing;
  /** --report-every: a report per interval of the wall clock, aligned to UTC, handed to `onReport` as each ends. */
  reportEvery?: { everySec: number; keepFlows: boolean; onReport: (r: AuditReport) => void };
}

/** Captures until the signal or the duration, then returns the same report `audit` would. */
export async function runLive(cfg: LiveConfig): Promise<AuditReport> {
  // Live, a closed connection is reported after 5 s rather than held 60 s for trailing packets:
  // the dashboard should show a refused connection while the admin is still looking.
  const flow = { tcpClosedTimeout: 5, ...cfg.flow };
  const names = cfg.names ?? new FlowSourceNames();
  names.setInput(0, cfg.iface);
  const { engine, acc, verdicts$, drain, finish } = createPipeline(cfg.design, flow, cfg.keepFlows, cfg.onFlows, names);
  const liveOpts = { iface: cfg.iface, filter: cfg.filter, bufferSize: cfg.bufferSize, user: cfg.dropTo?.name };
  let tcpdump: EngineCapture | null = null;
  let cap: LiveCapture;
  const tap = bothTaps(cfg.tap, cfg.ring);
  tap?.startInput(0, cfg.iface, true);
  const sink = withTap(engine, tap);
  if (cfg.engine === 'tcpdump') cap = tcpdump = await openTcpdump(liveOpts, sink);
  else {
    cap = await openLive(liveOpts, sink);
    // cap stamps packets in nanoseconds on interface 0 (tcpdump's pcap header announces itself).
    sink.interfaceAdded?.(0, cap.linkType, 9, 262144);
  }
  // Synchronously after the open: packets reach the engine only from later event-loop turns.
  if (cfg.dropTo) dropPrivileges(cfg.dropTo);
  const snap = cfg.onSnapshot ? new SnapshotMaker(cfg.iface, true, engine, acc, cfg.design, verdicts$, cfg.updateEvery) : null;
  if (snap) snap.capture = { engine: tcpdump ? 'tcpdump' : 'cap', kernelDrops: null };
  const startedAt = Date.now();
  const every = cfg.reportEvery;
  const intervals = every ? new IntervalReports(every.everySec, cfg.design, every.keepFlows, engine, startedAt, names) : null;
  if (intervals) verdicts$.subscribe((b) => intervals.add(b));
  const facts = (): { startedAt: number; interface: string; filter: string | null; engine: 'cap' | 'tcpdump'; kernelDrops: null } => ({
    startedAt: startedAt / 1000, interface: cfg.iface, filter: cfg.filter ?? null, engine: tcpdump ? 'tcpdump' : 'cap', kernelDrops: null,
  });
  // Every boundary passed by `now` ends an interval (more than one only if the event loop stalled).
  const rollUpTo = (now: number): void => {
    while (intervals && now >= intervals.nextAt) every!.onReport(intervals.roll(intervals.nextAt, cfg.site, facts(), cap.linkType));
  };
  cfg.onReady?.();
  const stoppedBy: LiveStop = await runUntilStopped(cfg.signal, cfg.durationSec, cfg.snapshotMs ?? 250, () => {
    // capture time is arrival time here, so idle timeouts may run on the wall clock
    engine.table.advance(Date.now() / 1000);
    drain();
    rollUpTo(Date.now());
    cfg.ring?.flush();
    const now = Date.now();
    if (snap?.due(now)) cfg.onSnapshot!(snap.make(now, 0, 0, false));
  });
  const stoppedAt = Date.now();
  drain();
  rollUpTo(stoppedAt);
  cap.stop();
  // The moment the capture stopped is the end of the input (the SYN grace is measured from it).
  sink.endTime!(Date.now() / 1000);
  let kernelDrops: number | null = null;
  if (tcpdump) {
    await tcpdump.done;
    kernelDrops = tcpdump.dropped;
    if (snap) snap.capture = { engine: 'tcpdump', kernelDrops };
  }
  cfg.ring?.close(cap.linkType >= 0 ? cap.linkType : 1);
  finish();
  if (intervals) every!.onReport(intervals.roll(stoppedAt, cfg.site, facts(), cap.linkType, stoppedBy));
  const report = finishReport(engine, acc, cfg.design, [{
    path: cfg.iface, format: 'live', gzip: false, linkTypes: [cap.linkType],
    packets: engine.packets, bytes: engine.bytes, error: null, kernelDrops,
  }], cfg.site);
  report.live = {
    startedAt: startedAt / 1000, stoppedAt: stoppedAt / 1000, stoppedBy, interface: cfg.iface,
    filter: cfg.filter ?? null, engine: tcpdump ? 'tcpdump' : 'cap', kernelDrops,
  };
  if (snap) cfg.onSnapshot!(snap.make(Date.now(), 0, 0, true));
  return report;
}
