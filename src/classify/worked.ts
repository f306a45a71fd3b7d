/**
 * What "worked" means, once: the one function that turns a flow's outcome into
 * proof that a designed connection worked, failed, or cannot be told from the input.
 * docs/verdicts.md ("What worked means") is checked against WORKED_TABLE.
 */
import type { FlowOutcome } from '../flow/types.js';

/** What an outcome proves about a designed connection. */
export type Proof = 'worked' | 'failed' | 'undecided';

/** Proof of every outcome, with the sentence docs/verdicts.md shows. `one-way` depends on the rule. */
export const WORKED_TABLE: Readonly<Record<FlowOutcome, { proof: Proof | 'worked if one-way by design'; why: string }>> = {
  established: { proof: 'worked', why: 'the handshake completed (or SYN, SYN-ACK and data)' },
  rejected: { proof: 'failed', why: 'the SYN was answered by a reset' },
  unanswered: { proof: 'failed', why: 'no reply at all; a retried SYN proves no reply came within the retry time' },
  'no-reply-yet': { proof: 'undecided', why: 'a single SYN less than --syn-grace before the end of the input' },
  'one-sided': { proof: 'worked', why: 'one direction captured, but ACKs prove the other side sent data' },
  partial: { proof: 'worked', why: 'the capture started mid-connection: data flowed' },
  replied: { proof: 'worked', why: 'datagrams both ways' },
  'one-way': { proof: 'worked if one-way by design', why: 'datagrams one way only: proof only where the design says the traffic is one-way (SNMP traps)' },
  unreachable: { proof: 'failed', why: 'an ICMP destination unreachable quoted it' },
  unknown: { proof: 'undecided', why: 'the source carries no evidence of the outcome (flow records without TCP flags)' },
};

/**
 * Proof of an outcome for a rule; `oneWayByDesign` is the rule's `oneWay` (false for
 * allow entries and ICMP). An ICMP unreachable attached to the flow is failure evidence
 * of its own, checked by the classifier before this.
 */
export function proofOf(outcome: FlowOutcome, oneWayByDesign: boolean): Proof {
  const p = WORKED_TABLE[outcome].proof;
  return p === 'worked if one-way by design' ? (oneWayByDesign ? 'worked' : 'undecided') : p;
}
