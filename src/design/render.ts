/**
 * Text forms of the design for `wfo-audit design` (table, markdown, json; csv is
 * the firewall target's, src/design/targets/csv.ts)
 * and of a site for `wfo-audit check-site`. With a site file, rule ends are shown
 * as the concrete addresses the site gives them.
 */
import { findConflicts } from '../classify/conflicts.js';
import { HOST_ROLES, SEED_TABLES } from './rules.js';
import { portRangeText, portRangesText, singlePort } from './port-range.js';
import { renderCsv } from './targets/csv.js';
import type { ResolvedDesign, ResolvedRule } from './resolve.js';
import type { Site } from './site.js';

/** Output formats of `wfo-audit design`. */
export type DesignFormat = 'table' | 'markdown' | 'json' | 'csv';

const COLUMNS = ['rule', 'service', 'proto', 'ports', 'direction', 'host', 'peer', 'module', 'modes', 'app', 'status', 'seed'] as const;

function statusOf(r: ResolvedRule): string {
  const why = r.inactive;
  if (!why) return 'active';
  if (why.kind === 'module') return `inactive: module ${why.module} not enabled`;
  if (why.kind === 'mode') return `inactive: ${why.modes.join('/')} only`;
  if (why.kind === 'disabled') return 'inactive: disabled by site';
  return 'inactive: no port given';
}

function hostText(d: ResolvedDesign, r: ResolvedRule): string {
  if (!d.site) return r.host;
  return `${r.pinned ? `${r.owner} pin` : r.host}: ${r.hostSet.describe()}`;
}

function peerText(d: ResolvedDesign, r: ResolvedRule): string {
  if (r.peer === null) {
    const names = r.peers ? r.peers.join('+') : 'any';
    return d.site ? `${names}: ${r.peerSet.describe()}` : names;
  }
  if (!d.site) return r.peer;
  return `${r.peer}: ${r.peerSet.describe()}`;
}

function cells(d: ResolvedDesign, r: ResolvedRule): Record<typeof COLUMNS[number], string> {
  return {
    rule: r.id,
    service: r.service,
    proto: r.transport,
    ports: r.ports.length ? r.ports.join(',') : 'xxx',
    direction: r.direction,
    host: hostText(d, r),
    peer: peerText(d, r),
    module: r.module ?? 'core',
    modes: r.modes.join('/'),
    app: r.app ?? '-',
    status: statusOf(r),
    seed: `${r.seed.table}#${r.seed.row}${r.inferred ? ' (inferred)' : ''}`,
  };
}

function heading(d: ResolvedDesign): string {
  return d.site ? `WFO design for ${d.site.path}: mode ${d.mode}, modules ${d.modules.length ? d.modules.join(', ') : 'none'}`
    : 'WFO design (no site file: every mode and module, hosts unknown)';
}

/** Renders every rule of the design; JSON also carries each rule's seed row text. */
export function renderDesign(d: ResolvedDesign, format: DesignFormat): string {
  const rows = d.rules.map((r) => cells(d, r));
  if (format === 'json') {
    const doc = {
      mode: d.mode,
      modules: d.modules,
      site: d.site?.path ?? null,
      cloud: d.cloud.describe(),
      tables: SEED_TABLES,
      rules: d.rules.map((r) => ({
        id: r.id, service: r.service, owner: r.owner, ports: r.ports, transport: r.transport, direction: r.direction,
        host: r.host, hostAddresses: d.site ? r.hostSet.specs.map((s) => s.text) : null, pinned: r.pinned,
        peer: r.peer, peerAddresses: d.site && r.peer !== null ? r.peerSet.specs.map((s) => s.text) : null,
        module: r.module, modes: r.modes, app: r.app, active: r.active, inactive: r.inactive,
        rare: r.rare, inferred: r.inferred, overridden: r.overridden, seed: r.seed,
      })),
      allow: d.allow.map((a) => ({
        name: a.entry.name, proto: a.proto, port: singlePort(a.ports),
        ports: a.ports.map((r) => (r.lo === r.hi ? r.lo : portRangeText(r))), to: a.to.describe(), from: a.from.describe(),
      })),
      conflicts: findConflicts(d),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  // The firewall team's table: one row per designed connection, as `wfo-audit rules --target csv`.
  if (format === 'csv') return renderCsv(d);
  if (format === 'markdown') {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    return `${[
      `| ${COLUMNS.join(' | ')} |`,
      `|${COLUMNS.map(() => '---').join('|')}|`,
      ...rows.map((c) => `| ${COLUMNS.map((k) => esc(c[k])).join(' | ')} |`),
    ].join('\n')}\n`;
  }
  const widths = COLUMNS.map((k) => Math.max(k.length, ...rows.map((c) => c[k].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[heading(d), '', line([...COLUMNS]), line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((c) => line(COLUMNS.map((k) => c[k])))].join('\n')}\n`;
}

/** The `check-site` summary: roles to addresses, pins, overrides, active modules, rule counts and conflicts. */
export function describeSite(site: Site, d: ResolvedDesign): string {
  const out: string[] = [`${site.path}: OK`, `mode: ${site.mode}`, `modules: ${site.modules.length ? site.modules.join(', ') : 'none'}`, 'hosts:'];
  for (const r of HOST_ROLES) out.push(`  ${r.padEnd(13)} ${site.hosts[r].length ? site.hosts[r].map((a) => a.text).join(', ') : 'none'}`);
  out.push(`  ${'cloud'.padEnd(13)} ${site.cloud.map((a) => a.text).join(', ')}`);
  const pins = Object.entries(site.services);
  if (pins.length) {
    out.push('services pinned:');
    for (const [svc, list] of pins) out.push(`  ${svc.padEnd(13)} ${list!.map((a) => a.text).join(', ')}`);
  }
  if (site.portKeys.length) {
    out.push('port overrides:');
    for (const p of site.portKeys) out.push(`  ${p.key} -> ${p.ports.join(', ')} (rules ${p.rules.join(', ')})`);
  }
  const ruleOverrides = Object.entries(site.rules);
  if (ruleOverrides.length) {
    out.push('rule overrides:');
    for (const [id, o] of ruleOverrides) out.push(`  ${id}: ${Object.entries(o).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  }
  if (site.allow.length) {
    out.push('allowed extra flows:');
    for (const a of site.allow) out.push(`  ${a.name}: ${a.proto}${a.ports.length ? `/${portRangesText(a.ports)}` : ''}${a.to ? ` to ${a.to.map((x) => x.text).join(', ')}` : ''}${a.from ? ` from ${a.from.map((x) => x.text).join(', ')}` : ''}`);
  }
  out.push(`rules: ${d.active.length} active, ${d.rules.length - d.active.length} inactive`);
  for (const r of HOST_ROLES) {
    if (site.hosts[r].length === 0 && d.active.some((x) => x.peer === r || x.host === r)) out.push(`warning: no hosts for role ${r}, which active rules use`);
  }
  const conflicts = findConflicts(d);
  out.push(conflicts.length ? 'conflicts:' : 'conflicts: none');
  for (const c of conflicts) out.push(`  ${c.kind}: ${c.message}`);
  return `${out.join('\n')}\n`;
}
