/**
 * The verdict vocabulary. Defined once here; docs/verdicts.md is checked against it.
 */
import type { FlowRecord } from '../flow/types.js';

/**
 * - expected         matches an active rule: right service host, right peer role, opened from the right side, and it worked
 * - blocked          matches an active rule but the attempt failed (no reply, RST, ICMP unreachable)
 * - wrong-direction  a rule matches the port and hosts but the connection was opened from the other side
 * - unexpected       in scope (a WFO host or the cloud is an end) but matches no active rule
 * - inconclusive     matches the design (or would be a finding) but the input cannot tell whether it worked
 * - ignored          out of scope: neither end is a WFO host or the cloud
 */
export type Verdict = 'expected' | 'blocked' | 'wrong-direction' | 'unexpected' | 'inconclusive' | 'ignored';

/** All verdicts in report order. */
export const VERDICTS: readonly Verdict[] = ['expected', 'blocked', 'wrong-direction', 'unexpected', 'inconclusive', 'ignored'];

/** Application protocol identified from the first payload bytes (issue 7). */
export type AppProto =
  | 'http' | 'tls' | 'tds' | 'smb' | 'smb2' | 'amqp' | 'sip' | 'snmp' | 'smtp'
  | 'silverlight-policy' | 'dns' | 'rdp' | 'unknown';

/** A flow with its classification. */
export interface ClassifiedFlow {
  flow: FlowRecord;
  /** Service id of the matched (or nearest) rule; null when none. */
  service: string | null;
  /** Rule id of the matched (or nearest) rule; null when none. */
  rule: string | null;
  verdict: Verdict;
  /** Machine-readable reason code (see REASONS in src/classify/reasons.ts). */
  reasonCode: string;
  /** Human sentence explaining the verdict. */
  reason: string;
  /** Identified application protocol. */
  app: AppProto;
  /** Set when the identified protocol contradicts what the rule's port should carry. */
  protocolMismatch: boolean;
  /**
   * Other active rules the same flow satisfies as designed (e.g. the PC-table row
   * mirroring a server-table row, or every service's SQL row); coverage credits them too.
   * Absent means none.
   */
  alsoMatched?: readonly string[];
}
