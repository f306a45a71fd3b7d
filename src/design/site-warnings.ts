/**
 * Site-file mistakes said out loud: an address or range in two roles, duplicates in a
 * role, a role that lists no host while active rules need it, hybrid mode with an empty
 * cloud list. Never re-decided: the warning names the overlap, where it is written
 * (file:line:col) and the rules it affects. Shown by `check-site` (exit 1 with --strict)
 * and in every report's warnings[].
 */
import { specsOverlap, type AddressSpec } from './address.js';
import { connectionIdOf } from './connections.js';
import type { ResolvedDesign } from './resolve.js';
import { HOST_ROLES, type Role } from './rules.js';

/** One site warning; `code` is a report warning code (src/report/warnings.ts). */
export interface SiteWarning {
  code: 'site-overlap' | 'site-shared-host' | 'site-duplicate' | 'site-empty-role' | 'site-hybrid-no-cloud';
  message: string;
}

/** Same network and prefix. */
function same(a: AddressSpec, b: AddressSpec): boolean {
  return a.family === b.family && a.prefix === b.prefix && a.words.every((w, i) => w === b.words[i]);
}

/** Connection ids of the active rules with both roles at their two ends. */
function affected(d: ResolvedDesign, r1: Role, r2: Role): string[] {
  const ids = new Set<string>();
  for (const r of d.active) {
    const ends = [r.host, r.peer ?? '', ...(r.peers ?? [])];
    if (ends.includes(r1) && ends.includes(r2)) ids.add(connectionIdOf(r));
    else if (ends.includes(r1) || ends.includes(r2)) {
      if (r.peer === null && !r.peers) ids.add(connectionIdOf(r));
    }
  }
  return [...ids];
}

function list(ids: string[], max = 4): string {
  if (ids.length === 0) return 'every rule with that role at one end';
  return ids.slice(0, max).join(', ') + (ids.length > max ? ` and ${ids.length - max} more` : '');
}

/** The warnings of a resolved design's site file (none without a site file). */
export function siteWarnings(d: ResolvedDesign): SiteWarning[] {
  const site = d.site;
  if (site === null) return [];
  const out: SiteWarning[] = [];
  const at = (r: Exclude<Role, 'cloud'>, i: number) => site.hostsAt?.[r]?.[i] ?? site.path;
  for (const r of HOST_ROLES) {
    const specs = site.hosts[r];
    for (let i = 0; i < specs.length; i++) {
      for (let j = 0; j < i; j++) {
        if (same(specs[i]!, specs[j]!)) {
          out.push({ code: 'site-duplicate', message: `${at(r, i)}: hosts.${r}[${i}] ${specs[i]!.text} is listed twice in ${r} (first at ${at(r, j)})` });
        }
      }
    }
  }
  for (let a = 0; a < HOST_ROLES.length; a++) {
    for (let b = a + 1; b < HOST_ROLES.length; b++) {
      const ra = HOST_ROLES[a]!, rb = HOST_ROLES[b]!;
      const clientsPair = ra === 'clients' || rb === 'clients';
      for (let i = 0; i < site.hosts[ra].length; i++) {
        for (let j = 0; j < site.hosts[rb].length; j++) {
          const x = site.hosts[ra][i]!, y = site.hosts[rb][j]!;
          if (!specsOverlap(x, y)) continue;
          const where = `${at(ra, i)}: hosts.${ra}[${i}] ${x.text} and ${at(rb, j)}: hosts.${rb}[${j}] ${y.text}`;
          if (clientsPair) {
            const server = ra === 'clients' ? rb : ra;
            out.push({
              code: 'site-overlap',
              message: `${where} overlap: a clients range covers a ${server} address, so flows of that host can match rules of either role (affects ${list(affected(d, 'clients', server))}); list the client subnets without the servers`,
            });
          } else {
            out.push({
              code: 'site-shared-host',
              message: `note: ${where} are one host in two server roles (legitimate, e.g. SQL and the file share on one server); rules of both roles apply to it`,
            });
          }
        }
      }
    }
  }
  for (const r of HOST_ROLES) {
    if (site.hosts[r].length > 0) continue;
    const needs = d.active.filter((x) => x.host === r || x.peer === r);
    if (needs.length === 0) continue;
    out.push({
      code: 'site-empty-role',
      message: `${site.path}: hosts.${r} lists no host, so ${needs.length} active rule${needs.length === 1 ? '' : 's'} (${list([...new Set(needs.map(connectionIdOf))])}) can never match`,
    });
  }
  if (site.mode === 'hybrid' && site.cloud.length === 0) {
    out.push({ code: 'site-hybrid-no-cloud', message: `${site.cloudAt ?? site.path}: mode hybrid with an empty cloud list: no cloud rule can match` });
  }
  return out;
}
