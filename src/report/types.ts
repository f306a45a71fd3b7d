/**
 * The audit report: the JSON contract (docs/report-schema.md) and what every
 * reporter renders. Reporters see only this final summary.
 */
import type { InputInfo } from '../capture/types.js';
import type { Verdict, AppProto } from '../classify/types.js';
import type { FlowOutcome, FlowEnd } from '../flow/types.js';

/** One flow in the JSON report. */
export interface ReportFlow {
  id: number;
  proto: 'tcp' | 'udp' | 'icmp' | 'icmp6';
  /** "ip:port", IPv6 as "[addr]:port" (RFC 5952). ICMP flows use port 0. */
  client: string;
  server: string;
  /** Opening outcome (FlowOutcome). */
  state: FlowOutcome;
  /** How it ended (FlowEnd). */
  end: FlowEnd;
  guessed: boolean;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  /** Capture time, seconds since the epoch, 6 decimals. */
  first: number;
  last: number;
  history: string;
  vlans: number[];
  icmp: { type: number; code: number; from: string; count: number }[];
  service: string | null;
  rule: string | null;
  verdict: Verdict;
  reason: string;
  reasonCode: string;
  app: AppProto;
  protocolMismatch: boolean;
}

/** Coverage status of one active rule. */
export type CoverageStatus = 'seen' | 'blocked' | 'unseen';

/** One row of the coverage matrix. */
export interface CoverageRow {
  rule: string;
  service: string;
  port: string;
  proto: string;
  status: CoverageStatus;
  /** Flows that matched this rule (any verdict except ignored). */
  flows: number;
  expected: number;
  blocked: number;
  first: number | null;
  last: number | null;
  /** Protocols identified on this rule's flows, sorted. */
  apps: AppProto[];
  /** Extra remark, e.g. "rare traffic: a short window may not show it". */
  note: string | null;
}

/** A conflict in the design/site, reported once per run. */
export interface Conflict {
  kind: string;
  message: string;
}

/** The whole report. */
export interface AuditReport {
  version: string;
  inputs: InputInfo[];
  stats: {
    packets: number;
    bytes: number;
    flows: number;
    /** Capture time of first and last packet (null when no packet). */
    first: number | null;
    last: number | null;
    decodeErrors: Record<string, number>;
    evicted: number;
    oneSidedShare: number | null;
    bothWaysShare: number | null;
    lossEstimate: number | null;
    icmpUnmatched: number;
  };
  site: { path: string | null; mode: string; modules: string[] };
  flows: ReportFlow[];
  coverage: CoverageRow[];
  conflicts: Conflict[];
  summary: Record<Verdict, number> & { 'protocol-mismatch': number };
}
