/**
 * CSV for a firewall team (RFC 4180): one row per designed connection (only active
 * rules; a shared dependency such as SQL 1433 once, however many seed rows it has),
 * then one per `allow:` entry of the site file. `wfo-audit design --format csv`
 * prints the same table.
 */
import { portRangesText } from '../port-range.js';
import { AddressSet } from '../address.js';
import { firewallPlan, seedText, type PlanRule } from './plan.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';

/** The columns, in order. */
export const CSV_COLUMNS = [
  'connection', 'from', 'from_addresses', 'to', 'to_addresses', 'ports', 'transport', 'services', 'rules', 'seed', 'note',
] as const;

function cell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function union(sets: AddressSet[]): string {
  return AddressSet.union(sets).describe();
}

/** The CSV of a resolved design (target options do not apply). */
export function renderCsv(d: ResolvedDesign, _o?: TargetOptions): string {
  const plan = firewallPlan(d);
  const rows: string[][] = [];
  const byId = new Map<string, PlanRule[]>();
  for (const r of plan.rules) {
    if (r.reverse) continue;
    const list = byId.get(r.id);
    if (list) list.push(r); else byId.set(r.id, [r]);
  }
  for (const c of plan.connections) {
    const rules = byId.get(c.id) ?? [];
    const notes: string[] = [];
    if (c.bothWays) notes.push('either end opens');
    if (rules.length > 1) notes.push(`ends differ by rule: ${rules.map((r) => `${r.from.set.describe()} -> ${r.to.set.describe()}`).join('; ')}`);
    for (const s of plan.skipped.filter((x) => x.id === c.id)) notes.push(`no firewall rule: ${s.why}`);
    rows.push([
      c.id, c.from, union(rules.map((r) => r.from.set)), c.to, union(rules.map((r) => r.to.set)), c.ports.join(' '), c.proto,
      (rules[0]?.services ?? []).join(' '), c.rules.join(' '), c.seed.map(seedText).join(' '), notes.join('; '),
    ]);
  }
  for (const r of plan.rules.filter((x) => x.kind === 'allow')) {
    rows.push([
      r.id, r.from.name, r.from.set.describe(), r.to.name, r.to.set.describe(), portRangesText(r.ports, ' '), r.proto,
      r.services.join(' '), r.rules.join(' '), 'site file allow:', r.check ? `CHECK: ${r.check}` : '',
    ]);
  }
  return `${[CSV_COLUMNS.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n')}\n`;
}
