/**
 * Builds dashboard snapshots from the engine and the accumulator. Called at a
 * fixed rate (a few times a second), never per packet.
 */
import type { ResolvedDesign } from '../design/resolve.js';
import type { ReportAccumulator } from './accumulator.js';
import { classifyOne } from './classify-operator.js';
import type { PacketEngine } from './packet-engine.js';
import type { DashboardSnapshot, Finding } from './types.js';
import type { ClassifiedFlow } from '../classify/types.js';
import { findingGroupKey } from '../report/grouper.js';
import type { Observable } from 'rxjs';

/** Milliseconds between two frames of an idle dashboard (nothing arrived, nothing live): drawing a frame costs about 30 ms of CPU. */
const IDLE_FRAME_MS = 5000;

/** At most this many waiting SYNs are classified per frame. */
const PROVISIONAL_MAX = 500;
/**
 * A flow still live after this many seconds of capture time gets an interim update
 * (and again every as many seconds): long-lived connections (SQL pools, AMQP, CTI
 * links) count in coverage and findings while they are open, not only when they end.
 */
export const UPDATE_EVERY = 10;
/** Seconds of capture time between two looks for flows due an update. */
const UPDATE_SCAN = 2;
/** At most this many interim updates per look (the rest come at the next). */
const UPDATE_MAX = 5_000;

/** A walk over the live flows costing more than this (ms) makes the next walks wait. */
const SCAN_FLOOR_MS = 20;
/** Share of the time the walks over the live flows may take once they are that costly. */
const SCAN_SHARE = 0.1;

/** What a walk over the live flows found. */
interface Scan {
  lossEstimate: number | null;
  top: ClassifiedFlow[];
  waiting: ClassifiedFlow[];
}

/** Remembers the previous frame so that rates can be computed. */
export class SnapshotMaker {
  private prevPackets = 0;
  private prevBytes = 0;
  private prevWall = 0;
  /** Wall clock of the first frame: a live capture's elapsed time is counted from it. */
  private startWall = 0;
  /** Live capture: the engine and, once known, the kernel's drop count (set by the live pipeline). */
  capture: DashboardSnapshot['capture'];
  /** The latest interim update of each long-lived flow still live, by flow id. */
  private readonly interim = new Map<number, ClassifiedFlow>();
  private nextScan = -Infinity;
  /** The last walk of the live flows, and the wall time before which it is reused. */
  private scanned: Scan | null = null;
  private nextScanWall = -Infinity;
  private readonly scanFloorMs: number;
  private readonly scanShare: number;

  /**
   * `verdicts$` is the pipeline's stream of final flows: a flow that ends leaves the
   * interim set (the accumulator has it from then on). `updateEvery`: see UPDATE_EVERY.
   */
  constructor(private readonly source: string, private readonly live: boolean,
    private readonly engine: PacketEngine, private readonly acc: ReportAccumulator,
    private readonly design: ResolvedDesign, verdicts$: Observable<ClassifiedFlow[]>,
    private readonly updateEvery = UPDATE_EVERY, throttle: { floorMs?: number; share?: number } = {}) {
    this.scanFloorMs = throttle.floorMs ?? SCAN_FLOOR_MS;
    this.scanShare = throttle.share ?? SCAN_SHARE;
    verdicts$.subscribe((batch) => {
      if (this.interim.size === 0) return;
      for (const cf of batch) this.interim.delete(cf.flow.id);
    });
  }

  /** Takes the interim updates now due (at most one look per UPDATE_SCAN seconds of capture time). */
  private refreshInterim(): void {
    const table = this.engine.table;
    const now = table.lastTime;
    if (now < this.nextScan) return;
    this.nextScan = now + Math.min(UPDATE_SCAN, this.updateEvery);
    for (const f of table.updates(this.updateEvery, UPDATE_MAX)) this.interim.set(f.id, classifyOne(f, this.design));
  }

  /**
   * The parts of a frame that walk the live flows (loss estimate, top flows, waiting
   * SYNs, interim updates): O(live flows), ≈70 ms with a million of them. The capture
   * runs on the same thread, so when a walk costs more than SCAN_FLOOR_MS the next
   * one waits until the walks take at most SCAN_SHARE of the time; frames between
   * reuse the last results. The final frame always walks.
   */
  private scan(wallMs: number, force: boolean): Scan {
    if (!force && this.scanned !== null && wallMs < this.nextScanWall) return this.scanned;
    const t0 = performance.now();
    const table = this.engine.table;
    const lossEstimate = table.stats().lossEstimate;
    const top = table.top(12).map((f) => classifyOne(f, this.design));
    const waiting = table.waiting(PROVISIONAL_MAX).map((f) => classifyOne(f, this.design));
    if (!force) this.refreshInterim();
    const cost = performance.now() - t0;
    this.nextScanWall = cost > this.scanFloorMs ? wallMs + cost * (1 / this.scanShare - 1) : -Infinity;
    this.scanned = { lossEstimate, top, waiting };
    return this.scanned;
  }

  /**
   * Finding groups of ended flows, plus provisional ones: SYNs still waiting for any
   * reply past the grace period are shown as blocked now rather than when the idle
   * timeout ends them minutes later, and long-lived flows by their interim update
   * (the final report counts them once they end).
   */
  private findings(waiting: readonly ClassifiedFlow[], interim: readonly ClassifiedFlow[]): Finding[] {
    const out: Finding[] = this.acc.grouper.groups();
    const known = new Set(out.map((g) => g.key));
    const extra = new Map<string, Finding>();
    for (const cf of [...waiting, ...interim]) {
      const f = cf.flow;
      if (cf.verdict !== 'blocked' && cf.verdict !== 'wrong-direction' && cf.verdict !== 'unexpected') continue;
      const key = findingGroupKey(cf.verdict, cf.service, f.proto, f.serverPort, f.clientIp, f.serverIp);
      if (known.has(key)) continue;
      const g = extra.get(key);
      if (g) g.count++;
      else {
        extra.set(key, {
          key, verdict: cf.verdict, service: cf.service, rule: cf.rule, proto: f.proto, port: f.serverPort,
          clientIp: f.clientIp, serverIp: f.serverIp, reason: cf.reason, count: 1, first: f.first,
        });
      }
    }
    for (const g of extra.values()) out.push(g);
    return out;
  }

  /**
   * One frame. `wallMs` is only used for rates on screen (packets/s as the user
   * experiences them); everything reported comes from capture time.
   */
  /**
   * Whether a frame is worth drawing now: something arrived or is live since the last one,
   * or five seconds have passed (the clock on screen). An idle dashboard draws every 5 s,
   * not at the frame rate: drawing is most of an idle capture's CPU.
   */
  due(wallMs: number): boolean {
    const e = this.engine;
    return this.prevWall === 0 || e.packets !== this.prevPackets || e.table.liveCount > 0 || wallMs - this.prevWall >= IDLE_FRAME_MS;
  }

  make(wallMs: number, bytesRead: number, totalBytes: number, done: boolean): DashboardSnapshot {
    const e = this.engine;
    if (this.startWall === 0) this.startWall = wallMs;
    const dt = this.prevWall === 0 ? 0 : (wallMs - this.prevWall) / 1000;
    const pps = dt > 0 ? (e.packets - this.prevPackets) / dt : 0;
    const bps = dt > 0 ? ((e.bytes - this.prevBytes) * 8) / dt : 0;
    this.prevWall = wallMs;
    this.prevPackets = e.packets;
    this.prevBytes = e.bytes;
    let problems = 0;
    for (const v of Object.values(e.problems.toRecord())) problems += v;
    const captured = Number.isNaN(e.first) ? 0 : e.last - e.first;
    // Live: the wall-clock time captured (a quiet link still counts); a file: its time position.
    const elapsed = this.live ? Math.max(0, (wallMs - this.startWall) / 1000) : captured;
    const scan = this.scan(wallMs, done);
    if (done) this.interim.clear();
    const interim = [...this.interim.values()];
    return {
      source: this.source,
      live: this.live,
      ...(this.capture ? { capture: { ...this.capture } } : {}),
      elapsed,
      packets: e.packets,
      bytes: e.bytes,
      packetsPerSec: pps,
      bitsPerSec: bps,
      liveFlows: e.table.liveCount,
      decodeProblems: problems,
      lossEstimate: scan.lossEstimate,
      coverage: this.acc.coverage.rows(captured, interim),
      findings: this.findings(scan.waiting, interim),
      topFlows: scan.top,
      bytesRead,
      totalBytes,
      done,
    };
  }
}
