/**
 * What a report judged: flows whose verdict says something about the design.
 */
import type { AuditReport } from './types.js';

/** Flows with a verdict other than `ignored` and `inconclusive`. With 0, the exit code is 2. */
export function judgedCount(s: AuditReport['summary']): number {
  return s.expected + s.blocked + s['wrong-direction'] + s.unexpected;
}
