/**
 * Coverage of the design: for every active rule and every designed connection, was it
 * seen working, only blocked, only opened the wrong way, only inconclusive, or not seen
 * at all? Status precedence: seen > blocked > wrong-direction > inconclusive > unseen; no
 * flow that did not work makes a rule seen. A plain accumulator fed with classified flows;
 * rows() and connections() are snapshots.
 */
import type { ResolvedDesign, ResolvedRule } from '../design/resolve.js';
import { connectionIdOf, designedConnections, type DesignedConnection } from '../design/connections.js';
import type { ConnectionRow, CoverageRow, CoverageStatus } from '../report/types.js';
import type { AppProto, ClassifiedFlow } from './types.js';

interface Tally {
  rule: ResolvedRule;
  flows: number;
  expected: number;
  blocked: number;
  wrongDirection: number;
  inconclusive: number;
  first: number | null;
  last: number | null;
  /** Identified protocols seen, one bit per APP_BITS entry. */
  apps: number;
  /** The designed connection of the rule. */
  connection: string;
}

/** Flows of one designed connection, per verdict. */
interface ConnTally {
  expected: number;
  blocked: number;
  wrongDirection: number;
  inconclusive: number;
  first: number | null;
  last: number | null;
}

/** The status of a set of counts, by precedence. */
export function coverageStatus(expected: number, blocked: number, wrongDirection: number, inconclusive: number): CoverageStatus {
  return expected > 0 ? 'seen' : blocked > 0 ? 'blocked' : wrongDirection > 0 ? 'wrong-direction' : inconclusive > 0 ? 'inconclusive' : 'unseen';
}

/** Bit of each identified protocol in Tally.apps. */
const APP_BITS: Readonly<Record<AppProto, number>> = {
  http: 1 << 0, tls: 1 << 1, tds: 1 << 2, smb: 1 << 3, smb2: 1 << 4, amqp: 1 << 5, sip: 1 << 6, snmp: 1 << 7,
  smtp: 1 << 8, 'silverlight-policy': 1 << 9, dns: 1 << 10, rdp: 1 << 11, unknown: 0,
};

/** The protocols of an apps bit set, sorted. */
function appList(bits: number): AppProto[] {
  return (Object.keys(APP_BITS) as AppProto[]).filter((a) => (bits & APP_BITS[a]) !== 0).sort();
}

/** Pairs of rules of which the seed needs only one ("one of the following should be open"). */
const ONE_OF: readonly (readonly [string, string])[] = [['wfm-v2.in.80', 'wfm-v2.in.443']];

/** Accumulates per-rule coverage from the verdict stream. */
export class Coverage {
  private readonly tallies = new Map<string, Tally>();
  /** The tallies of each shared alsoMatched array (the classifier reuses one array per set of rules). */
  private readonly alsoTallies = new WeakMap<readonly string[], Tally[]>();

  /** The designed connections of the design, in order of their first rule. */
  private readonly designed: DesignedConnection[];
  /** Per designed connection: flows counted once each. */
  private readonly conns = new Map<string, ConnTally>();
  /** Connection ids per rule id, without and with (per shared alsoMatched array) further rules. */
  private readonly ruleConns = new Map<string, readonly string[]>();
  private readonly alsoConns = new WeakMap<readonly string[], Map<string, readonly string[]>>();

  constructor(d: ResolvedDesign) {
    for (const rule of d.active) {
      this.tallies.set(rule.id, {
        rule, flows: 0, expected: 0, blocked: 0, wrongDirection: 0, inconclusive: 0, first: null, last: null, apps: 0,
        connection: connectionIdOf(rule),
      });
    }
    this.designed = designedConnections(d);
    for (const c of this.designed) this.conns.set(c.id, { expected: 0, blocked: 0, wrongDirection: 0, inconclusive: 0, first: null, last: null });
  }

  /** Counts a classified flow against its rule (and, when it worked, the rules it also satisfied). */
  add(cf: ClassifiedFlow): void {
    this.countIn(this.tallies, cf);
    this.countConnections(this.conns, cf);
  }

  /** add() into `tallies`: this accumulator's own, or a copy for provisional flows. */
  private countIn(tallies: Map<string, Tally>, cf: ClassifiedFlow): void {
    const v = cf.verdict;
    if (v !== 'expected' && v !== 'blocked' && v !== 'wrong-direction' && v !== 'inconclusive') return;
    if (cf.rule !== null) {
      const t = tallies.get(cf.rule);
      if (t) this.count(t, cf);
    }
    const also = cf.alsoMatched;
    if (!also) return;
    let ts = this.alsoTallies.get(also);
    if (ts === undefined) {
      ts = also.map((id) => this.tallies.get(id)).filter((t) => t !== undefined);
      this.alsoTallies.set(also, ts);
    }
    for (const t of ts) this.count(tallies === this.tallies ? t : tallies.get(t.rule.id)!, cf);
  }

  private count(t: Tally, cf: ClassifiedFlow): void {
    t.flows++;
    const v = cf.verdict;
    if (v === 'expected') t.expected++;
    else if (v === 'blocked') t.blocked++;
    else if (v === 'wrong-direction') t.wrongDirection++;
    else t.inconclusive++;
    const f = cf.flow;
    if (t.first === null || f.first < t.first) t.first = f.first;
    if (t.last === null || f.last > t.last) t.last = f.last;
    t.apps |= APP_BITS[cf.app];
  }

  /**
   * One row per active rule, in design order. `windowSeconds` is the capture's time span.
   * `provisional` flows (interim records of flows still live: the dashboard's view of
   * long-lived connections) are counted in these rows only, never in the accumulator.
   */
  rows(windowSeconds: number, provisional: readonly ClassifiedFlow[] = []): CoverageRow[] {
    const tallies = this.withProvisional(provisional);
    const out: CoverageRow[] = [];
    for (const t of tallies.values()) {
      const status = coverageStatus(t.expected, t.blocked, t.wrongDirection, t.inconclusive);
      out.push({
        rule: t.rule.id,
        connection: t.connection,
        service: t.rule.service,
        port: t.rule.ports.join(','),
        proto: t.rule.transport,
        status,
        flows: t.flows,
        expected: t.expected,
        blocked: t.blocked,
        'wrong-direction': t.wrongDirection,
        inconclusive: t.inconclusive,
        first: t.first,
        last: t.last,
        apps: appList(t.apps),
        note: this.note(t, status, windowSeconds, tallies),
      });
    }
    return out;
  }

  /** The tallies, or a copy with `provisional` flows counted in. */
  private withProvisional(provisional: readonly ClassifiedFlow[]): Map<string, Tally> {
    if (provisional.length === 0) return this.tallies;
    const tallies = new Map([...this.tallies].map(([id, t]) => [id, { ...t }]));
    for (const cf of provisional) this.countIn(tallies, cf);
    return tallies;
  }

  /**
   * One row per designed connection, in design order. A flow counts once per connection
   * even when it satisfied several of its rules (one SQL connection is one flow of
   * `wfo-servers>sql:1433/tcp`, not eight).
   */
  connections(windowSeconds: number, provisional: readonly ClassifiedFlow[] = []): ConnectionRow[] {
    let conns = this.conns;
    if (provisional.length > 0) {
      conns = new Map([...this.conns].map(([id, t]) => [id, { ...t }]));
      for (const cf of provisional) this.countConnections(conns, cf);
    }
    const tallies = this.withProvisional(provisional);
    const out: ConnectionRow[] = [];
    for (const c of this.designed) {
      const t = conns.get(c.id)!;
      const status = coverageStatus(t.expected, t.blocked, t.wrongDirection, t.inconclusive);
      const notes: string[] = [];
      if (status !== 'seen') {
        for (const id of c.rules) {
          const rt = tallies.get(id);
          const n = rt ? this.note(rt, status, windowSeconds, tallies) : null;
          if (n !== null && !notes.includes(n)) notes.push(n);
        }
      }
      out.push({
        id: c.id, from: c.from, to: c.to, port: c.ports.join(','), proto: c.proto, status,
        expected: t.expected, blocked: t.blocked, 'wrong-direction': t.wrongDirection, inconclusive: t.inconclusive,
        flows: t.expected + t.blocked + t.wrongDirection + t.inconclusive,
        first: t.first, last: t.last, rules: [...c.rules], seed: c.seed.map((x) => ({ table: x.table, row: x.row, text: x.text })),
        note: notes.length > 0 ? notes.join('; ') : null,
      });
    }
    return out;
  }

  /** Counts a flow once in every connection its rule and alsoMatched rules belong to. */
  private countConnections(conns: Map<string, ConnTally>, cf: ClassifiedFlow): void {
    const v = cf.verdict;
    if (cf.rule === null || (v !== 'expected' && v !== 'blocked' && v !== 'wrong-direction' && v !== 'inconclusive')) return;
    const ids = this.connectionIds(cf.rule, cf.alsoMatched);
    for (const id of ids) {
      const t = conns.get(id);
      if (!t) continue;
      if (v === 'expected') t.expected++;
      else if (v === 'blocked') t.blocked++;
      else if (v === 'wrong-direction') t.wrongDirection++;
      else t.inconclusive++;
      const f = cf.flow;
      if (t.first === null || f.first < t.first) t.first = f.first;
      if (t.last === null || f.last > t.last) t.last = f.last;
    }
  }

  /** Distinct connection ids of a rule and its alsoMatched rules (memoised: the classifier shares arrays). */
  private connectionIds(rule: string, also: readonly string[] | undefined): readonly string[] {
    const memo = also ? (this.alsoConns.get(also) ?? this.alsoConns.set(also, new Map()).get(also)!) : this.ruleConns;
    let ids = memo.get(rule);
    if (ids === undefined) {
      const set = new Set<string>();
      for (const id of [rule, ...(also ?? [])]) {
        const t = this.tallies.get(id);
        if (t) set.add(t.connection);
      }
      ids = [...set];
      memo.set(rule, ids);
    }
    return ids;
  }

  private note(t: Tally, status: CoverageStatus, windowSeconds: number, tallies: Map<string, Tally>): string | null {
    if (status === 'seen') return null;
    if (t.rule.rare) {
      return `rare traffic (${t.rule.service === 'snmp' ? 'SNMP traps' : t.rule.service === 'smtp' ? 'SMTP alerts' : 'alerts'}): a ${formatWindow(windowSeconds)} window may be too short to see it`;
    }
    for (const [a, b] of ONE_OF) {
      const other = t.rule.id === a ? b : t.rule.id === b ? a : null;
      if (other !== null && status === 'unseen' && (tallies.get(other)?.expected ?? 0) > 0) {
        return `the seed needs only one of ${a} and ${b}; ${other} is seen`;
      }
    }
    return null;
  }
}

function formatWindow(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
