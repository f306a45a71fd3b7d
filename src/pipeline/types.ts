/**
 * What the pipeline hands to the dashboard: a snapshot, taken at a fixed rate
 * (never per packet). The UI is a pure function of these snapshots.
 */
import type { ClassifiedFlow } from '../classify/types.js';
import type { CoverageRow } from '../report/types.js';

/** A finding grouped once per (verdict, service, port, host pair). */
export interface Finding {
  /** Stable key: verdict|service|proto/port|client ip|server ip. */
  key: string;
  verdict: 'blocked' | 'wrong-direction' | 'unexpected';
  service: string | null;
  rule: string | null;
  proto: string;
  port: number;
  clientIp: string;
  serverIp: string;
  reason: string;
  /** Flows in this group so far. */
  count: number;
  /** Capture time of the first flow in the group. */
  first: number;
}

/** One dashboard frame's worth of state. */
export interface DashboardSnapshot {
  /** Interface name, or the file names joined by ", ". */
  source: string;
  /** true for live capture. */
  live: boolean;
  /**
   * Live capture only: the engine and the kernel's drop count when known. `cap` cannot report
   * drops (absent: cap); the tcpdump engine knows them once tcpdump has exited (null until then).
   */
  capture?: { engine: 'cap' | 'tcpdump' | 'collect'; kernelDrops: number | null };
  /** Seconds of capture time since the first packet. */
  elapsed: number;
  packets: number;
  bytes: number;
  /** Rates over the last snapshot interval. */
  packetsPerSec: number;
  bitsPerSec: number;
  liveFlows: number;
  /** Total decode problems so far (all reasons). */
  decodeProblems: number;
  lossEstimate: number | null;
  /** Coverage of every active rule so far. */
  coverage: CoverageRow[];
  /** Every finding group so far (the UI logs new keys once and updates counts). */
  findings: Finding[];
  /** Busiest current flows (live and recently ended), classified provisionally. */
  topFlows: ClassifiedFlow[];
  /** For file input: bytes read and total (0 when unknown). */
  bytesRead: number;
  totalBytes: number;
  /** true once the input has ended (final frame). */
  done: boolean;
}
