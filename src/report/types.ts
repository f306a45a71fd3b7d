/**
 * The audit report: the JSON contract (docs/report-schema.md) and what every
 * reporter renders. Reporters see only this final summary.
 */
import type { SourceRow } from '../records/sources.js';
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
  /** Where the flow came from: `inputs[].path` values, or exporters named as their `sources[]` rows (flow-sources.ts). */
  sources: string[];
}

/**
 * Coverage status of one active rule or designed connection, in precedence order:
 *  - seen             at least one flow worked (docs/verdicts.md "What worked means")
 *  - blocked          only failed attempts
 *  - wrong-direction  only flows opened from the other side
 *  - inconclusive     only flows whose outcome the input cannot tell
 *  - unseen           no flow at all
 */
export type CoverageStatus = 'seen' | 'blocked' | 'wrong-direction' | 'inconclusive' | 'unseen';

/**
 * The word every human format (table, markdown, HTML, dashboard) shows for a flow with
 * no service or no rule; JSON and NDJSON keep `null`. Documented in docs/reading-the-report.md.
 */
export const NONE = 'none';

/** Every coverage status, in precedence order (the first that applies wins). */
export const COVERAGE_STATUSES: readonly CoverageStatus[] = ['seen', 'blocked', 'wrong-direction', 'inconclusive', 'unseen'];

/** One row of the coverage matrix. */
export interface CoverageRow {
  rule: string;
  /** The designed connection the rule belongs to. */
  connection?: string;
  service: string;
  port: string;
  proto: string;
  status: CoverageStatus;
  /** Flows that matched this rule (any verdict except ignored). */
  flows: number;
  expected: number;
  blocked: number;
  'wrong-direction'?: number;
  inconclusive?: number;
  first: number | null;
  last: number | null;
  /** Protocols identified on this rule's flows, sorted. */
  apps: AppProto[];
  /** Extra remark, e.g. "rare traffic: a short window may not show it". */
  note: string | null;
}

/**
 * One designed connection's coverage (`AuditReport.connections[]`): the rules of one
 * `<from-role>><to-role>:<port>/<proto>` (src/design/connections.ts) counted together.
 * `status` follows the precedence of CoverageStatus; `flows` is the sum of the four counts.
 */
export interface ConnectionRow {
  id: string;
  from: string;
  to: string;
  /** Ports, comma-separated. */
  port: string;
  proto: string;
  status: CoverageStatus;
  expected: number;
  blocked: number;
  'wrong-direction': number;
  inconclusive: number;
  flows: number;
  first: number | null;
  last: number | null;
  /** Rule ids of the connection, in design order. */
  rules: string[];
  /** Seed rows of those rules, each once. */
  seed: { table: string; row: number; text: string }[];
  note: string | null;
}

/**
 * A problem with the input or the site file that the reader must know before trusting
 * the verdicts (`AuditReport.warnings[]`), shown at the top of every human format.
 * `code` is one of WARNING_CODES (src/report/warnings.ts).
 */
export interface ReportWarning {
  code: string;
  message: string;
  count: number;
}

/**
 * Findings per path and server (`AuditReport.findings.paths[]`): every finding flow of one
 * verdict, designed connection (or proto/port when no rule matched) and server, whatever
 * the client. What one firewall change fixes for every PC at once.
 */
export interface FindingPath {
  verdict: FindingVerdict;
  /** Connection id of the matched or nearest rule; null for flows no rule explains. */
  connection: string | null;
  proto: ReportFlow['proto'];
  port: number;
  /** The listening address. */
  server: string;
  /** Distinct clients, exact up to PATH_CLIENTS_EXACT; past it the string "≥ 10000". */
  clients: number | string;
  flows: number;
  first: number;
  last: number;
  /** The most frequent reason of the path's flows (ties: first seen). */
  reason: string;
  reasonCode: string;
  /** The first clients seen (at most 20), in order of first appearance. */
  sampleClients: string[];
}

/** A conflict in the design/site, reported once per run. */
export interface Conflict {
  kind: string;
  message: string;
}

/**
 * What ended a live capture: the q key, Ctrl-C (SIGINT), SIGTERM, or the end of --duration;
 * `interval` in a --report-every report that ends at an interval boundary while the capture went on.
 */
export type LiveStop = 'q' | 'ctrl-c' | 'sigterm' | 'duration' | 'interval';

/** Which slice of the capture a --report-every report covers (Unix seconds, wall clock). */
export interface LiveInterval {
  /** 1 for the first interval of the capture, then 2, 3, … */
  index: number;
  /** --report-every in seconds. */
  every: number;
  /** Start of the interval: the capture's start for the first, a UTC boundary (a multiple of `every`) for the others. */
  start: number;
  /** End of the interval: the next boundary, or the stop for the last. */
  end: number;
}

/** Facts of a live capture (wall-clock times: the only report times not taken from packets). */
export interface LiveFacts {
  /** When the capture was open and waiting for packets, Unix seconds (millisecond precision). */
  startedAt: number;
  /** When the capture was stopped, Unix seconds. */
  stoppedAt: number;
  stoppedBy: LiveStop;
  interface: string;
  /** The BPF filter given with --filter, or null. */
  filter: string | null;
  /** `collect` for the flow-record collector (interface is then its listen address, filter its --exporter list). */
  engine: 'cap' | 'tcpdump' | 'collect';
  /** Packets the kernel dropped, as tcpdump counts them; null with the cap engine, which cannot count them. */
  kernelDrops: number | null;
  /** Only in --report-every reports: the interval the report covers. */
  interval?: LiveInterval;
}

/** The whole report. */
export interface AuditReport {
  /** Version of the JSON contract (docs/report-schema.md says what each version changed). */
  schemaVersion?: number;
  version: string;
  /** Problems with the input or the site that limit what the verdicts prove. */
  warnings?: ReportWarning[];
  /** Coverage per designed connection (always with `coverage[]`, which stays per rule). */
  connections?: ConnectionRow[];
  inputs: InputInfo[];
  /** Only in reports of `live`: when and how the capture ran. */
  live?: LiveFacts;
  /** Only with flow export inputs (IPFIX files, `collect`): one row per exporter and observation domain. */
  sources?: SourceRow[];
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
  /** The resolved design the flows were judged against: its hash (src/design/hash.ts), which `diff` compares. */
  design?: { hash: string };
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
  /** Finding flows per verdict, connection and server (listed first by the human formats). */
  paths?: FindingPath[];
  /** Blocked, wrong-direction and unexpected groups: by verdict, then service, port, proto and hosts. */
  groups: FindingGroup[];
  /** Protocol-mismatch groups (any verdict): by service, port, proto, hosts and protocol. */
  mismatches: MismatchGroup[];
}
