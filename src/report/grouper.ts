/**
 * Findings grouped while the flows stream past: the report keeps groups, not flows,
 * so its memory follows the number of distinct (verdict, service, port, host pair)
 * groups, and that is capped. O(1) per flow: one string key and one Map lookup.
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { roundTime, splitEndpoint } from './build.js';
import type {
  FindingGroup, FindingVerdict, FlowGroup, GroupFold, MismatchGroup, ReportFindings, ReportFlow,
} from './types.js';
import { FINDING_VERDICTS } from './types.js';

/** Groups kept per kind (findings, mismatches) before further host pairs fold into "other hosts" groups. */
export const MAX_GROUPS = 10_000;

/** Flow ids a group keeps (its first ones in report order); `count` has the total. */
export const MAX_GROUP_IDS = 20;

/** Limits of a FindingGrouper. */
export interface GrouperOptions {
  /** Exact groups kept per kind; further new host pairs fold (default MAX_GROUPS). */
  maxGroups?: number;
  /** Flow ids kept per group (default MAX_GROUP_IDS). */
  maxIds?: number;
}

/** Deterministic string order independent of locale (plain code-unit comparison). */
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `null` service sorts after every named one. */
function cmpService(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return cmpStr(a, b);
}

/** Group order: service (named first), port, proto, then the host pair. */
export function compareGroups(a: FlowGroup, b: FlowGroup): number {
  return cmpService(a.service, b.service)
    || a.port - b.port
    || cmpStr(a.proto, b.proto)
    || cmpStr(a.clientIp, b.clientIp)
    || cmpStr(a.serverIp, b.serverIp);
}

/** Order in which reports show groups: most flows first, then group order. */
export function compareByFlows(a: FlowGroup, b: FlowGroup): number {
  return b.count - a.count || compareGroups(a, b);
}

function isFindingVerdict(v: Verdict): v is FindingVerdict {
  return v === 'blocked' || v === 'wrong-direction' || v === 'unexpected';
}

/** (first, id) of a flow: report order (compareFlows) without the flow object. */
function before(first: number, id: number, first2: number, id2: number): boolean {
  return first < first2 || (first === first2 && id < id2);
}

/** A group and the bookkeeping that makes it independent of the order flows arrive in. */
interface Slot<G extends FlowGroup> {
  g: G;
  /** (first, id) of the group's first flow in report order: it names the rule (and a mismatch's verdict). */
  repFirst: number;
  repId: number;
  /** `first` of each kept id, so ids stay in report order whatever order flows arrive in. */
  idFirst: number[];
  /** Earliest (first, id) per reason (same index as g.reasons), for the tie-break. */
  reasonFirst: number[];
  reasonId: number[];
  /** Index of each reason in g.reasons by `reasonCode|reason`, once a group holds more than a few. */
  reasonIndex?: Map<string, number>;
}

/** Distinct reasons a group keeps; further ones are counted in its last entry ("further reasons"). */
export const MAX_GROUP_REASONS = 1000;
/** A group scans its reasons up to this many, then looks them up in a map (O(1) per flow). */
const REASON_SCAN = 8;

/** One flow's grouping fields, read from either flow shape without building the other. */
interface Parts {
  id: number;
  proto: ReportFlow['proto'];
  port: number;
  clientIp: string;
  serverIp: string;
  first: number;
  last: number;
  service: string | null;
  rule: string | null;
  verdict: Verdict;
  reason: string;
  reasonCode: string;
  app: ReportFlow['app'];
}

/** The key of a finding group: verdict|service|proto/port|client ip|server ip ('-' for no service). */
export function findingGroupKey(verdict: string, service: string | null, proto: string, port: number,
  clientIp: string, serverIp: string): string {
  return `${verdict}|${service ?? '-'}|${proto}/${port}|${clientIp}|${serverIp}`;
}

/**
 * Groups finding flows (blocked, wrong-direction, unexpected) by verdict, service,
 * port and host pair, and protocol-mismatch flows by service, port, host pair and
 * protocol, one flow at a time. The result does not depend on the order flows are
 * added as long as no limit is reached; past `maxGroups` exact groups per kind, a
 * new host pair folds into an "other hosts" group of its service and port, and past
 * a tenth more into one "all" group per verdict (or protocol): which host pairs got
 * exact groups then depends on the add order, which is deterministic for one input.
 */
export class FindingGrouper {
  private readonly findings = new Map<string, Slot<FindingGroup>>();
  private readonly mismatches = new Map<string, Slot<MismatchGroup>>();
  private readonly maxGroups: number;
  private readonly maxIds: number;
  private readonly p: Parts = {
    id: 0, proto: 'tcp', port: 0, clientIp: '', serverIp: '', first: 0, last: 0, service: null, rule: null,
    verdict: 'expected', reason: '', reasonCode: '', app: 'unknown',
  };

  constructor(o: GrouperOptions = {}) {
    this.maxGroups = o.maxGroups ?? MAX_GROUPS;
    this.maxIds = o.maxIds ?? MAX_GROUP_IDS;
  }

  /** Folds one flow in; flows that are neither a finding nor a mismatch are skipped at once. */
  add(f: ReportFlow | ClassifiedFlow): void {
    const finding = isFindingVerdict(f.verdict);
    if (!finding && !f.protocolMismatch) return;
    const p = this.p;
    if ('flow' in f) {
      const r = f.flow;
      const icmp = r.proto === 'icmp' || r.proto === 'icmp6';
      p.id = r.id; p.proto = r.proto; p.port = icmp ? 0 : r.serverPort;
      p.clientIp = r.clientIp; p.serverIp = r.serverIp;
      p.first = roundTime(r.first); p.last = roundTime(r.last);
    } else {
      const c = splitEndpoint(f.client);
      const s = splitEndpoint(f.server);
      p.id = f.id; p.proto = f.proto; p.port = s.port; p.clientIp = c.ip; p.serverIp = s.ip;
      p.first = f.first; p.last = f.last;
    }
    p.service = f.service; p.rule = f.rule; p.verdict = f.verdict;
    p.reason = f.reason; p.reasonCode = f.reasonCode; p.app = f.app;
    const base = `${p.service ?? '-'}|${p.proto}/${p.port}`;
    if (finding) this.addFinding(p, base);
    if (f.protocolMismatch) this.addMismatch(p, base);
  }

  /** Adds every flow of `flows`. */
  addAll(flows: Iterable<ReportFlow | ClassifiedFlow>): this {
    for (const f of flows) this.add(f);
    return this;
  }

  /** Finding groups sorted by verdict, then service, port, proto and hosts (fresh objects each call). */
  groups(): FindingGroup[] {
    const out: FindingGroup[] = [];
    for (const s of this.findings.values()) {
      const reasons = s.g.reasons.map((r, i) => ({ r, first: s.reasonFirst[i]!, id: s.reasonId[i]! }));
      reasons.sort((a, b) => b.r.count - a.r.count || (before(a.first, a.id, b.first, b.id) ? -1 : 1));
      const top = reasons[0]!.r;
      out.push({
        ...s.g, ids: s.g.ids.slice(), reason: top.reason, reasonCode: top.reasonCode,
        reasons: reasons.map((x) => ({ ...x.r })),
      });
    }
    return out.sort((a, b) => FINDING_VERDICTS.indexOf(a.verdict) - FINDING_VERDICTS.indexOf(b.verdict)
      || compareGroups(a, b));
  }

  /** Protocol-mismatch groups sorted by service, port, proto, hosts and protocol (fresh objects each call). */
  mismatchGroups(): MismatchGroup[] {
    const out: MismatchGroup[] = [];
    for (const s of this.mismatches.values()) out.push({ ...s.g, ids: s.g.ids.slice() });
    return out.sort((a, b) => compareGroups(a, b) || cmpStr(a.app, b.app));
  }

  /** Both lists, the shape of AuditReport.findings. */
  result(): ReportFindings {
    return { groups: this.groups(), mismatches: this.mismatchGroups() };
  }

  private addFinding(p: Parts, base: string): void {
    const v = p.verdict as FindingVerdict;
    const s = this.slot(this.findings, findingGroupKey(v, p.service, p.proto, p.port, p.clientIp, p.serverIp), base, p, true);
    const rs = s.g.reasons;
    let i = 0;
    if (s.reasonIndex) i = s.reasonIndex.get(`${p.reasonCode}|${p.reason}`) ?? rs.length;
    else while (i < rs.length && (rs[i]!.reason !== p.reason || rs[i]!.reasonCode !== p.reasonCode)) i++;
    if (i === rs.length && rs.length >= MAX_GROUP_REASONS) i = rs.length - 1;
    if (i === rs.length) {
      if (rs.length === MAX_GROUP_REASONS - 1) {
        rs.push({ reason: 'further reasons (not listed one by one)', reasonCode: p.reasonCode, count: 1 });
      } else rs.push({ reason: p.reason, reasonCode: p.reasonCode, count: 1 });
      s.reasonFirst.push(p.first);
      s.reasonId.push(p.id);
      if (s.reasonIndex) s.reasonIndex.set(`${p.reasonCode}|${p.reason}`, i);
      else if (rs.length > REASON_SCAN) {
        s.reasonIndex = new Map(rs.map((x, j) => [`${x.reasonCode}|${x.reason}`, j]));
      }
    } else {
      rs[i]!.count++;
      if (before(p.first, p.id, s.reasonFirst[i]!, s.reasonId[i]!)) {
        s.reasonFirst[i] = p.first;
        s.reasonId[i] = p.id;
      }
    }
  }

  private addMismatch(p: Parts, base: string): void {
    const s = this.slot(this.mismatches, `${base}|${p.clientIp}|${p.serverIp}|${p.app}`, base, p, false);
    if (s.repId === p.id && s.repFirst === p.first) s.g.verdict = p.verdict;
  }

  /**
   * The slot for `key` (created when new), or, once the map is full, the "other
   * hosts" slot of the flow's service and port, or past a tenth more, the catch-all
   * slot of its verdict (findings) or protocol (mismatches). Counts, times, ids and
   * the representative flow are updated here.
   */
  private slot<G extends FlowGroup>(map: Map<string, Slot<G>>, key: string, base: string, p: Parts,
    finding: boolean): Slot<G> {
    let s = map.get(key);
    if (!s && map.size >= this.maxGroups) {
      const hostsKey = finding ? `${p.verdict}|${base}|*|*` : `${base}|*|*|${p.app}`;
      s = map.get(hostsKey);
      if (!s && map.size < this.maxGroups + Math.ceil(this.maxGroups / 10)) s = this.create(map, hostsKey, p, finding, 'hosts');
      if (!s) {
        const allKey = finding ? `${p.verdict}|*` : `*|${p.app}`;
        s = map.get(allKey) ?? this.create(map, allKey, p, finding, 'all');
      }
    }
    if (!s) s = this.create(map, key, p, finding, undefined);
    const g = s.g;
    g.count++;
    if (p.first < g.first) g.first = p.first;
    if (p.last > g.last) g.last = p.last;
    if (before(p.first, p.id, s.repFirst, s.repId)) {
      s.repFirst = p.first;
      s.repId = p.id;
      if (g.folded !== 'all') g.rule = p.rule;
    }
    this.keepId(s, p);
    return s;
  }

  private create<G extends FlowGroup>(map: Map<string, Slot<G>>, key: string, p: Parts, finding: boolean,
    folded: GroupFold | undefined): Slot<G> {
    const all = folded === 'all';
    const service = all ? null : p.service;
    const rule = all ? null : p.rule;
    const port = all ? 0 : p.port;
    const clientIp = folded ? '*' : p.clientIp;
    const serverIp = folded ? '*' : p.serverIp;
    const g: FindingGroup | MismatchGroup = finding
      ? {
        key, service, rule, proto: p.proto, port, clientIp, serverIp, count: 0, first: p.first, last: p.last, ids: [],
        verdict: p.verdict as FindingVerdict, reason: p.reason, reasonCode: p.reasonCode, reasons: [],
      }
      : {
        key, service, rule, proto: p.proto, port, clientIp, serverIp, count: 0, first: p.first, last: p.last, ids: [],
        app: p.app, verdict: p.verdict,
      };
    if (folded) g.folded = folded;
    const s: Slot<G> = { g: g as unknown as G, repFirst: p.first, repId: p.id, idFirst: [], reasonFirst: [], reasonId: [] };
    map.set(key, s);
    return s;
  }

  /** Keeps the group's first `maxIds` ids in report order: usually an append, since flows arrive roughly in order. */
  private keepId<G extends FlowGroup>(s: Slot<G>, p: Parts): void {
    const ids = s.g.ids;
    const firsts = s.idFirst;
    const n = ids.length;
    if (n === 0 || !before(p.first, p.id, firsts[n - 1]!, ids[n - 1]!)) {
      if (n < this.maxIds) {
        ids.push(p.id);
        firsts.push(p.first);
      }
      return;
    }
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(p.first, p.id, firsts[mid]!, ids[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    ids.splice(lo, 0, p.id);
    firsts.splice(lo, 0, p.first);
    if (ids.length > this.maxIds) {
      ids.pop();
      firsts.pop();
    }
  }
}

/** Group the blocked, wrong-direction and unexpected flows of a flow list (no limits); sorted as FindingGrouper.groups. */
export function groupFindings(flows: readonly ReportFlow[]): FindingGroup[] {
  return unlimited(flows).groups();
}

/** Group the protocol-mismatch flows (any verdict) of a flow list (no limits); sorted as FindingGrouper.mismatchGroups. */
export function groupMismatches(flows: readonly ReportFlow[]): MismatchGroup[] {
  return unlimited(flows).mismatchGroups();
}

/** The grouped findings of a report: its `findings` when the pipeline grouped them, otherwise grouped from `flows`. */
export function reportFindings(r: { flows: readonly ReportFlow[]; findings?: ReportFindings }): ReportFindings {
  return r.findings ?? unlimited(r.flows).result();
}

function unlimited(flows: readonly ReportFlow[]): FindingGrouper {
  const g = new FindingGrouper({ maxGroups: Infinity, maxIds: Infinity });
  for (const f of flows) g.add(f);
  return g;
}
