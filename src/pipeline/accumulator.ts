/**
 * Folds classified flows into what the final report and the dashboard need:
 * verdict counts, coverage, finding groups, and (for JSON/--all) the flow list.
 * A plain class; the pipeline feeds it from the shared verdict stream.
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { Coverage } from '../classify/coverage.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { ReportFlow } from '../report/types.js';
import { isFindingFlow, toReportFlow } from '../report/build.js';
import type { Finding } from './types.js';

/** Accumulates the verdict stream. */
export class ReportAccumulator {
  readonly coverage: Coverage;
  readonly counts: Record<Verdict, number> & { 'protocol-mismatch': number } = {
    expected: 0, blocked: 0, 'wrong-direction': 0, unexpected: 0, ignored: 0, 'protocol-mismatch': 0,
  };
  readonly findings = new Map<string, Finding>();
  /** Report rows: every flow when `keepFlows` (JSON and --all need them), otherwise the findings only. */
  readonly flows: ReportFlow[] = [];
  flowCount = 0;

  constructor(design: ResolvedDesign, private readonly keepFlows: boolean) {
    this.coverage = new Coverage(design);
  }

  /** Adds a batch of final classified flows. */
  add(batch: readonly ClassifiedFlow[]): void {
    for (const cf of batch) {
      this.flowCount++;
      this.counts[cf.verdict]++;
      if (cf.protocolMismatch) this.counts['protocol-mismatch']++;
      this.coverage.add(cf);
      if (cf.verdict === 'blocked' || cf.verdict === 'wrong-direction' || cf.verdict === 'unexpected') {
        const f = cf.flow;
        const key = `${cf.verdict}|${cf.service ?? '-'}|${f.proto}/${f.serverPort}|${f.clientIp}|${f.serverIp}`;
        const g = this.findings.get(key);
        if (g) g.count++;
        else {
          this.findings.set(key, {
            key, verdict: cf.verdict, service: cf.service, rule: cf.rule, proto: f.proto, port: f.serverPort,
            clientIp: f.clientIp, serverIp: f.serverIp, reason: cf.reason, count: 1, first: f.first,
          });
        }
      }
      if (this.keepFlows || isFindingFlow(cf)) this.flows.push(toReportFlow(cf));
    }
  }
}
