/**
 * Coverage of the design: for every active rule, was it seen working, only seen
 * blocked, or not seen at all during the capture? A plain accumulator fed with
 * classified flows; rows() is a snapshot.
 */
import type { ResolvedDesign, ResolvedRule } from '../design/resolve.js';
import type { CoverageRow, CoverageStatus } from '../report/types.js';
import type { AppProto, ClassifiedFlow } from './types.js';

interface Tally {
  rule: ResolvedRule;
  flows: number;
  expected: number;
  blocked: number;
  first: number | null;
  last: number | null;
  /** Identified protocols seen, one bit per APP_BITS entry. */
  apps: number;
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

  constructor(d: ResolvedDesign) {
    for (const rule of d.active) {
      this.tallies.set(rule.id, { rule, flows: 0, expected: 0, blocked: 0, first: null, last: null, apps: 0 });
    }
  }

  /** Counts a classified flow against its rule (and, when it worked, the rules it also satisfied). */
  add(cf: ClassifiedFlow): void {
    this.countIn(this.tallies, cf);
  }

  /** add() into `tallies`: this accumulator's own, or a copy for provisional flows. */
  private countIn(tallies: Map<string, Tally>, cf: ClassifiedFlow): void {
    if (cf.verdict !== 'expected' && cf.verdict !== 'blocked' && cf.verdict !== 'wrong-direction') return;
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
    if (cf.verdict === 'expected') t.expected++;
    else if (cf.verdict === 'blocked') t.blocked++;
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
    let tallies = this.tallies;
    if (provisional.length > 0) {
      tallies = new Map([...this.tallies].map(([id, t]) => [id, { ...t }]));
      for (const cf of provisional) this.countIn(tallies, cf);
    }
    const out: CoverageRow[] = [];
    for (const t of tallies.values()) {
      const status: CoverageStatus = t.expected > 0 ? 'seen' : t.blocked > 0 ? 'blocked' : 'unseen';
      out.push({
        rule: t.rule.id,
        service: t.rule.service,
        port: t.rule.ports.join(','),
        proto: t.rule.transport,
        status,
        flows: t.flows,
        expected: t.expected,
        blocked: t.blocked,
        first: t.first,
        last: t.last,
        apps: appList(t.apps),
        note: this.note(t, status, windowSeconds, tallies),
      });
    }
    return out;
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
