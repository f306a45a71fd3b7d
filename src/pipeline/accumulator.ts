/**
 * Folds classified flows into what the final report and the dashboard need:
 * verdict counts, coverage, finding groups, and (for JSON/--all) the flow list.
 * A plain class; the pipeline feeds it from the shared verdict stream.
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { Coverage } from '../classify/coverage.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { ReportFlow } from '../report/types.js';
import { toReportFlow } from '../report/build.js';
import { FindingGrouper } from '../report/grouper.js';
import type { Finding } from './types.js';

/** The dashboard logs at most this many finding groups (the report's grouper folds the rest). */
const LIVE_FINDINGS = 5000;

/** The dashboard's key of a finding group: verdict, service, proto/port and host pair. */
export function findingKey(cf: ClassifiedFlow): string {
  const f = cf.flow;
  return `${cf.verdict}|${cf.service ?? '-'}|${f.proto}/${f.serverPort}|${f.clientIp}|${f.serverIp}`;
}

/** Accumulates the verdict stream. */
export class ReportAccumulator {
  readonly coverage: Coverage;
  readonly counts: Record<Verdict, number> & { 'protocol-mismatch': number } = {
    expected: 0, blocked: 0, 'wrong-direction': 0, unexpected: 0, ignored: 0, 'protocol-mismatch': 0,
  };
  /** Finding groups for the report: bounded by groups (host pairs), not by flows. */
  readonly grouper = new FindingGrouper();
  /** Finding groups for the dashboard (only kept when a dashboard runs; at most LIVE_FINDINGS keys). */
  readonly findings = new Map<string, Finding>();
  /** Every flow as a report row, only when `keepFlows` (--all listings). */
  readonly flows: ReportFlow[] = [];
  flowCount = 0;

  constructor(design: ResolvedDesign, private readonly keepFlows: boolean, private readonly liveFindings = false) {
    this.coverage = new Coverage(design);
  }

  /** Adds a batch of final classified flows. */
  add(batch: readonly ClassifiedFlow[]): void {
    for (const cf of batch) {
      this.flowCount++;
      this.counts[cf.verdict]++;
      if (cf.protocolMismatch) this.counts['protocol-mismatch']++;
      this.coverage.add(cf);
      this.grouper.add(cf);
      if (this.liveFindings && (cf.verdict === 'blocked' || cf.verdict === 'wrong-direction' || cf.verdict === 'unexpected')) {
        const f = cf.flow;
        const key = findingKey(cf);
        const g = this.findings.get(key);
        if (g) g.count++;
        else if (this.findings.size < LIVE_FINDINGS) {
          this.findings.set(key, {
            key, verdict: cf.verdict, service: cf.service, rule: cf.rule, proto: f.proto, port: f.serverPort,
            clientIp: f.clientIp, serverIp: f.serverIp, reason: cf.reason, count: 1, first: f.first,
          });
        }
      }
      if (this.keepFlows) this.flows.push(toReportFlow(cf));
    }
  }
}
