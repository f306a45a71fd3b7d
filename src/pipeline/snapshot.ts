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

/** The report grouper's key of a finding: verdict, service, proto/port and host pair. */
function findingKey(cf: ClassifiedFlow): string {
  const f = cf.flow;
  return `${cf.verdict}|${cf.service ?? '-'}|${f.proto}/${f.serverPort}|${f.clientIp}|${f.serverIp}`;
}

/** At most this many waiting SYNs are classified per frame. */
const PROVISIONAL_MAX = 500;

/** Remembers the previous frame so that rates can be computed. */
export class SnapshotMaker {
  private prevPackets = 0;
  private prevBytes = 0;
  private prevWall = 0;

  constructor(private readonly source: string, private readonly live: boolean,
    private readonly engine: PacketEngine, private readonly acc: ReportAccumulator,
    private readonly design: ResolvedDesign) {}

  /**
   * Finding groups of ended flows, plus provisional ones: SYNs still waiting for any
   * reply past the grace period are shown as blocked now rather than when the idle
   * timeout ends them minutes later (the final report counts them once they end).
   */
  private findings(): Finding[] {
    const out: Finding[] = this.acc.grouper.groups();
    const known = new Set(out.map((g) => g.key));
    const extra = new Map<string, Finding>();
    for (const f of this.engine.table.waiting(PROVISIONAL_MAX)) {
      const cf = classifyOne(f, this.design);
      if (cf.verdict !== 'blocked' && cf.verdict !== 'wrong-direction' && cf.verdict !== 'unexpected') continue;
      const key = findingKey(cf);
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
  make(wallMs: number, bytesRead: number, totalBytes: number, done: boolean): DashboardSnapshot {
    const e = this.engine;
    const dt = this.prevWall === 0 ? 0 : (wallMs - this.prevWall) / 1000;
    const pps = dt > 0 ? (e.packets - this.prevPackets) / dt : 0;
    const bps = dt > 0 ? ((e.bytes - this.prevBytes) * 8) / dt : 0;
    this.prevWall = wallMs;
    this.prevPackets = e.packets;
    this.prevBytes = e.bytes;
    const stats = e.table.stats();
    let problems = 0;
    for (const v of Object.values(e.problems.toRecord())) problems += v;
    const elapsed = Number.isNaN(e.first) ? 0 : e.last - e.first;
    return {
      source: this.source,
      live: this.live,
      elapsed,
      packets: e.packets,
      bytes: e.bytes,
      packetsPerSec: pps,
      bitsPerSec: bps,
      liveFlows: e.table.liveCount,
      decodeProblems: problems,
      lossEstimate: stats.lossEstimate,
      coverage: this.acc.coverage.rows(elapsed),
      findings: this.findings(),
      topFlows: e.table.top(12).map((f) => classifyOne(f, this.design)),
      bytesRead,
      totalBytes,
      done,
    };
  }
}
