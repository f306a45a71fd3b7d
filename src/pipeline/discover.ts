/**
 * The discover run: the same input path as the audit (every input `audit` reads, in the
 * same order, with the same per-input errors), its flows folded into evidence instead of a
 * report, then the pure inference of src/discover/.
 */
import type { InputInfo } from '../capture/types.js';
import { resolveDesign } from '../design/resolve.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import { EvidenceAccumulator } from '../discover/evidence.js';
import { inferSite, type Draft } from '../discover/infer.js';
import { runAudit } from './audit.js';

/** What a discover run gives back. */
export interface DiscoverResult {
  draft: Draft;
  inputs: InputInfo[];
}

/** Reads the inputs and drafts a site file from their flows. */
export async function runDiscover(paths: string[], opts: { flow?: FlowTableOptions; signal?: AbortSignal } = {}): Promise<DiscoverResult> {
  const acc = new EvidenceAccumulator();
  // No site: every rule is active, so the flow table guesses directions from every WFO port.
  const report = await runAudit({
    paths,
    design: resolveDesign(null),
    site: { path: null, mode: 'any', modules: [] },
    flow: opts.flow,
    keepFlows: false,
    onFlows: (batch) => { for (const cf of batch) acc.add(cf.flow, cf.app); },
    signal: opts.signal,
  });
  const draft = inferSite(acc.tuples(), acc.flows, acc.first, acc.last);
  return { draft, inputs: report.inputs };
}
