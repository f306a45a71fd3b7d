/**
 * Folds classified flows into what the final report and the dashboard need:
 * verdict counts, coverage, finding groups, and (for JSON/--all) the flow list.
 * A plain class; the pipeline feeds it from the shared verdict stream.
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { Coverage } from '../classify/coverage.js';
import type { ResolvedDesign } from '../design/resolve.js';
import { HOST_ROLES, type Role } from '../design/rules.js';
import type { ReportFlow } from '../report/types.js';
import { toReportFlow } from '../report/build.js';
import type { FlowSourceNames } from '../report/flow-sources.js';
import { FindingGrouper } from '../report/grouper.js';
import { PathGrouper } from '../report/paths.js';

/** Accumulates the verdict stream. */
export class ReportAccumulator {
  readonly coverage: Coverage;
  readonly counts: Record<Verdict, number> & { 'protocol-mismatch': number } = {
    expected: 0, blocked: 0, 'wrong-direction': 0, unexpected: 0, inconclusive: 0, ignored: 0, 'protocol-mismatch': 0,
  };
  /** Finding groups for the report and the dashboard: bounded by groups (host pairs), not by flows. */
  readonly grouper = new FindingGrouper();
  /** Finding paths (verdict, connection, server): bounded by paths, not by clients. */
  readonly paths: PathGrouper;
  /** Every flow as a report row, only when `keepFlows` (--all listings). */
  readonly flows: ReportFlow[] = [];
  flowCount = 0;

  /** Roles with hosts none of whose addresses has appeared in a flow yet (checked until all have). */
  private rolesUnseen: Role[];

  constructor(private readonly design: ResolvedDesign, private readonly keepFlows: boolean, private readonly names: FlowSourceNames) {
    this.coverage = new Coverage(design);
    this.paths = new PathGrouper(design);
    this.rolesUnseen = design.site === null ? []
      : HOST_ROLES.filter((r) => design.site!.hosts[r].length > 0);
  }

  /** Host roles of the site file none of whose addresses appeared as an end of any flow. */
  absentRoles(): readonly Role[] {
    return this.rolesUnseen;
  }

  private noteRoles(cf: ClassifiedFlow): void {
    const f = cf.flow, roles = this.design.roles;
    const seen = (r: Role) => roles[r].has(f.family, f.clientWords) || roles[r].has(f.family, f.serverWords);
    // Allocates only when a role turns up, not per flow.
    if (this.rolesUnseen.some(seen)) this.rolesUnseen = this.rolesUnseen.filter((r) => !seen(r));
  }

  /** Adds a batch of final classified flows. */
  add(batch: readonly ClassifiedFlow[]): void {
    for (const cf of batch) {
      this.flowCount++;
      this.counts[cf.verdict]++;
      if (cf.protocolMismatch) this.counts['protocol-mismatch']++;
      this.coverage.add(cf);
      if (this.rolesUnseen.length > 0) this.noteRoles(cf);
      this.grouper.add(cf);
      this.paths.add(cf);
      if (this.keepFlows) this.flows.push(toReportFlow(cf, this.names));
    }
  }
}
