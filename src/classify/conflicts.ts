/**
 * Conflicts in the design as the site file resolves it, reported once per run:
 * Survey and CTI Core sharing a host on 5060 (the seed: "If Survey and Core are on
 * the same server, Survey must be configured to use a different port"), and two
 * services given the same port on the same hosts by overrides.
 */
import type { ResolvedDesign, ResolvedRule } from '../design/resolve.js';
import type { Conflict } from '../report/types.js';

/** Rules whose owner listens on the port on its own host. */
function listens(r: ResolvedRule): boolean {
  return r.direction !== 'outbound';
}

/** Finds the conflicts of a resolved design (none without a site file: hosts are unknown). */
export function findConflicts(d: ResolvedDesign): Conflict[] {
  if (d.site === null) return [];
  const out: Conflict[] = [];
  const seen = new Set<string>();
  const sip = (owner: string) => d.active.filter((r) => r.owner === owner && listens(r) && r.host === 'wfo-servers');
  for (const s of sip('survey')) {
    for (const c of sip('cti-core')) {
      if (s.transport !== c.transport || !s.ports.some((p) => c.ports.includes(p)) || !s.hostSet.overlaps(c.hostSet)) continue;
      const port = s.ports.find((p) => c.ports.includes(p))!;
      const key = `survey-cti-core|${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        kind: 'survey-cti-core-port',
        message: `Survey (${s.hostSet.describe()}) and CTI Core (${c.hostSet.describe()}) may share a host and both use ${port}; the seed says Survey must be configured to use a different port (set ports: survey: N, or pin survey with services:)`,
      });
    }
  }
  const moved = d.active.filter((r) => r.overridden && listens(r));
  for (const a of moved) {
    for (const b of d.active) {
      if (b === a || b.owner === a.owner || !listens(b) || b.transport !== a.transport || b.host !== a.host) continue;
      const port = a.ports.find((p) => b.ports.includes(p));
      if (port === undefined || !a.hostSet.overlaps(b.hostSet)) continue;
      const key = `port-clash|${[a.owner, b.owner].sort().join('|')}|${a.transport}/${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        kind: 'port-clash',
        message: `${a.owner} (rule ${a.id}) and ${b.owner} (rule ${b.id}) both listen on ${a.transport}/${port} on ${a.hostSet.describe()} after the site file's overrides`,
      });
    }
  }
  return out;
}
