/**
 * The per-server view the Windows targets share: for one WFO server, the designed
 * connections it listens for (inbound) and the ones it opens (outbound).
 */
import { AddressSet, parseAddress, type AddressSpec } from '../address.js';
import type { FirewallPlan, PlanEnd, PlanRule } from './plan.js';

/** One rule as one server sees it. */
export interface ServerRule {
  rule: PlanRule;
  direction: 'in' | 'out';
  /** The other end (the opener for `in`, the listener for `out`). */
  remote: PlanEnd;
}

/** One WFO server (an address or network of wfo-servers or of a service pin) and its rules. */
export interface ServerSection {
  server: AddressSpec;
  rules: ServerRule[];
}

/** The rules of one server: inbound where it is in the listening end, outbound where it is in the opening end. */
function rulesOf(plan: FirewallPlan, server: AddressSpec): ServerRule[] {
  const me = AddressSet.of([server]);
  const out: ServerRule[] = [];
  for (const r of plan.rules) {
    if (r.to.set.overlaps(me)) out.push({ rule: r, direction: 'in', remote: r.from });
  }
  for (const r of plan.rules) {
    if (r.from.set.overlaps(me) && !r.from.set.any) out.push({ rule: r, direction: 'out', remote: r.to });
  }
  return out;
}

/**
 * The sections of a plan: one per WFO host (wfo-servers and pins), or only `host`'s.
 * Returns a sentence when `host` is not an address of a WFO server of the site.
 */
export function serverSections(plan: FirewallPlan, host: string | null): ServerSection[] | string {
  const d = plan.design;
  if (host !== null) {
    const spec = parseAddress(host);
    if (typeof spec === 'string') return `--host: ${spec}`;
    if (spec.prefix !== (spec.family === 4 ? 32 : 128)) return `--host: "${host}" is a network; give one server's address`;
    if (!d.wfo.has(spec.family, spec.words)) return `--host: ${host} is not a WFO server of the site (wfo-servers and pins: ${d.wfo.describe()})`;
    return [{ server: spec, rules: rulesOf(plan, spec) }];
  }
  return d.wfo.specs.map((s) => ({ server: s, rules: rulesOf(plan, s) }));
}
