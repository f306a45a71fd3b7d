/**
 * Designed connections: what a firewall must allow, one per (opening role,
 * listening role, ports, transport). Every resolved rule belongs to exactly one
 * connection; a connection lists its rules and their seed rows. The id,
 * `<from-role>><to-role>:<port>/<proto>` (e.g. `wfo-servers>sql:1433/tcp`), is the
 * one name the coverage table, the findings paths, the HTML map, the diff and the
 * generated firewall rules share. `from` is `any` for a row that names no peer;
 * a row that names several peers joins them with `+` (`clients+wfo-servers`).
 */
import type { ResolvedDesign, ResolvedRule } from './resolve.js';
import type { Role, SeedRef, Transport } from './rules.js';

/** A role as a connection end: a role, `any` (any host of the site), or several roles joined by `+`. */
export type ConnectionEnd = Role | 'any' | string;

/** One designed connection. */
export interface DesignedConnection {
  /** `<from>><to>:<ports>/<proto>`. */
  id: string;
  /** The role that opens the connection. */
  from: ConnectionEnd;
  /** The role that listens. */
  to: ConnectionEnd;
  /** Listening ports, ascending. */
  ports: readonly number[];
  proto: Transport;
  /** true when the design lets either end open it (the seed's "Inbound/Outbound" PC row). */
  bothWays: boolean;
  /** Ids of the rules of this connection, in design order. */
  rules: readonly string[];
  /** The seed rows of those rules, in design order, each once. */
  seed: readonly SeedRef[];
  /** true when every rule of the connection is active. */
  active: boolean;
}

/** The peer end of a rule as a connection end. */
function peerEnd(r: Pick<ResolvedRule, 'peer' | 'peers'>): ConnectionEnd {
  if (r.peers && r.peers.length > 0) return [...r.peers].join('+');
  return r.peer ?? 'any';
}

/** The opening and listening ends of a rule. */
export function ruleEnds(r: Pick<ResolvedRule, 'direction' | 'host' | 'peer' | 'peers'>): { from: ConnectionEnd; to: ConnectionEnd } {
  const peer = peerEnd(r);
  return r.direction === 'outbound' ? { from: r.host, to: peer } : r.direction === 'inbound' ? { from: peer, to: r.host }
    // "both": listed as the seed's row reads, the owner's host opening toward the peer.
    : { from: r.host, to: peer };
}

/** The connection id of a rule. */
export function connectionIdOf(r: Pick<ResolvedRule, 'direction' | 'host' | 'peer' | 'peers' | 'ports' | 'transport'>): string {
  const { from, to } = ruleEnds(r);
  return formatConnectionId(from, to, r.ports, r.transport);
}

/** `<from>><to>:<ports>/<proto>`; ports ascending, joined by `,` (an empty list is `?`). */
export function formatConnectionId(from: string, to: string, ports: readonly number[], proto: string): string {
  const p = ports.length === 0 ? '?' : [...ports].sort((a, b) => a - b).join(',');
  return `${from}>${to}:${p}/${proto}`;
}

/**
 * The designed connections of a resolved design, in the order of their first rule.
 * `activeOnly` (the default) leaves out connections with no active rule.
 */
export function designedConnections(d: ResolvedDesign, activeOnly = true): DesignedConnection[] {
  const byId = new Map<string, { c: DesignedConnection; rules: string[]; seed: SeedRef[]; active: boolean }>();
  for (const r of activeOnly ? d.active : d.rules) {
    const id = connectionIdOf(r);
    let e = byId.get(id);
    if (!e) {
      const { from, to } = ruleEnds(r);
      const rules: string[] = [], seed: SeedRef[] = [];
      e = {
        c: { id, from, to, ports: [...r.ports].sort((a, b) => a - b), proto: r.transport, bothWays: r.direction === 'both', rules, seed, active: true },
        rules, seed, active: true,
      };
      byId.set(id, e);
    }
    e.rules.push(r.id);
    if (!e.seed.some((s) => s.table === r.seed.table && s.row === r.seed.row)) e.seed.push(r.seed);
    if (!r.active) e.active = false;
    if (r.direction === 'both') e.c.bothWays = true;
  }
  return [...byId.values()].map((e) => ({ ...e.c, active: e.active }));
}
