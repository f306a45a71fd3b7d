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
  /**
   * Finding and protocol-mismatch groups built while the flows streamed past
   * (FindingGrouper), so a report need not hold the flows to group them. When
   * present, the table and markdown reporters render from it instead of `flows`.
   */
  findings?: ReportFindings;
}

/** The verdicts that are findings, in the order reports list them. */
export const FINDING_VERDICTS = ['blocked', 'wrong-direction', 'unexpected'] as const;

/** A finding verdict. */
export type FindingVerdict = (typeof FINDING_VERDICTS)[number];

/** One reason inside a finding group, with how many of the group's flows gave it. */
export interface ReasonCount {
  reason: string;
  reasonCode: string;
  count: number;
}

/**
 * How a group stands for more than one host pair once the grouper's group limit is
 * reached: `hosts` holds every further host pair of one service and port (its
 * `clientIp` and `serverIp` are `*`); `all` holds every further flow of its verdict
 * (or protocol) whatever the service and port (`service` and `rule` null, `port` 0).
 */
export type GroupFold = 'hosts' | 'all';

/** What every group of flows carries: the service, port and host pair, how many flows and when. */
export interface FlowGroup {
  key: string;
  service: string | null;
  /** Rule id of the group's first flow in report order (matched or nearest rule). */
  rule: string | null;
  proto: ReportFlow['proto'];
  /** Server port (0 for ICMP). */
  port: number;
  /** Bare addresses (no brackets), the opener first; `*` in a folded group. */
  clientIp: string;
  serverIp: string;
  count: number;
  first: number;
  last: number;
  /** Flow ids in the group, in report order (at most the grouper's `maxIds` first ones; `count` is the total). */
  ids: number[];
  /** Set only on a group that folds several host pairs (see GroupFold). */
  folded?: GroupFold;
}

/**
 * Flows of one finding verdict grouped by service, proto/port and host pair: what
 * one firewall or configuration change would fix.
 */
export interface FindingGroup extends FlowGroup {
  /** verdict|service|proto/port|client ip|server ip (the same key as the dashboard's Finding). */
  key: string;
  verdict: FindingVerdict;
  /** The most frequent reason (ties: the one seen first). */
  reason: string;
  reasonCode: string;
  /** Every distinct reason, most frequent first. */
  reasons: ReasonCount[];
}

/** Flows whose identified protocol contradicts their rule's port, grouped by service, port, hosts and protocol. */
export interface MismatchGroup extends FlowGroup {
  /** The protocol actually identified on the flows. */
  app: ReportFlow['app'];
  /** Verdict of the group's first flow. */
  verdict: Verdict;
}

/** The grouped findings of a report (AuditReport.findings). */
export interface ReportFindings {
  /** Blocked, wrong-direction and unexpected groups: by verdict, then service, port, proto and hosts. */
  groups: FindingGroup[];
  /** Protocol-mismatch groups (any verdict): by service, port, proto, hosts and protocol. */
  mismatches: MismatchGroup[];
}
