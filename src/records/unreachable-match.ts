/**
 * ICMP/ICMPv6 destination-unreachable records (RFC 792 type 3, RFC 4443 type 1) matched to
 * the UDP flows they answered, for flow-record sources: a record carries no quoted packet,
 * so the match is by addresses and time. A message from the flow's server to its client
 * within the flow's time (five seconds of slack: see SLACK) matches it; a message from any other
 * address (a router, a firewall) to the client matches only when exactly one one-way UDP
 * flow of that client overlaps it (or, of several in the slack, exactly one within a second; when several
 * exporters sent that flow, the copy from the message's own exporter). A matched message is part of its flow (`icmpErrors`), as
 * in the packet path, not a flow of its own: the source drops its record (`attached`).
 */
import type { FlowRecord, IcmpErrorSeen } from '../flow/types.js';

/**
 * Seconds of slack around a flow's time. A router sends "host unreachable" only after
 * its address resolution gave up (about 3 s on Linux and Cisco IOS), so the message
 * comes that long after the datagram it answers.
 */
const SLACK = 5;

/** One noted message; `used` is set once it was matched to a flow. */
export interface UnreachableMsg {
  from: string; to: string; family: 4 | 6; type: number; code: number; t: number; count: number; used: boolean;
  /** The exporter that sent the message's record (a flow's `sources` name); null when not from an exporter. */
  source: string | null;
}
type Msg = UnreachableMsg;

/** Collects unreachables while an input is read; applies them to the held one-way UDP flows at its end. */
export class UnreachableIndex {
  private readonly byPair = new Map<string, Msg[]>();
  private readonly byTarget = new Map<string, Msg[]>();

  /** Whether an ICMP message of this family and type is a destination unreachable. */
  static isUnreachable(family: 4 | 6, type: number): boolean {
    return family === 4 ? type === 3 : type === 1;
  }

  /** Notes one unreachable message; null when it has no time (nothing can be matched then). */
  note(from: string, to: string, family: 4 | 6, type: number, code: number, t: number, count: number,
    source: string | null = null): UnreachableMsg | null {
    if (Number.isNaN(t)) return null;
    const m: Msg = { from, to, family, type, code, t, count: Math.max(1, count), used: false, source };
    push(this.byPair, `${from}|${to}`, m);
    push(this.byTarget, to, m);
    return m;
  }

  /** Marks the one-way UDP flows among `flows` that a noted message answered as unreachable. */
  apply(flows: readonly FlowRecord[]): void {
    if (this.byTarget.size === 0) return;
    const oneWay = flows.filter((f) => f.proto === 'udp' && f.outcome === 'one-way' && !Number.isNaN(f.first));
    const hit = new Map<FlowRecord, Msg[]>();
    for (const f of oneWay) {
      for (const m of this.byPair.get(`${f.serverIp}|${f.clientIp}`) ?? []) {
        if (within(m, f)) { m.used = true; add(hit, f, m); }
      }
    }
    const byClient = new Map<string, FlowRecord[]>();
    for (const f of oneWay) push(byClient, f.clientIp, f);
    for (const [to, msgs] of this.byTarget) {
      const mine = byClient.get(to);
      if (mine === undefined) continue;
      for (const m of msgs) {
        if (m.used) continue;
        const over = mine.filter((f) => within(m, f));
        // Exactly one flow in the slack, or exactly one within a second of it (the error follows its datagram at once).
        let near = over.length > 1 ? over.filter((f) => m.t >= f.first - 1 && m.t <= f.last + 1) : over;
        // Several exporters sent the same flow: the copy from the message's own exporter is the one it answered.
        if (near.length > 1 && m.source !== null) {
          const own = near.filter((f) => f.sources?.includes(m.source!) === true);
          if (own.length === 1) near = own;
        }
        if (near.length === 1) { m.used = true; add(hit, near[0]!, m); }
      }
    }
    for (const [f, ms] of hit) {
      f.outcome = 'unreachable';
      f.icmpErrors = ms.map((m): IcmpErrorSeen => ({ family: m.family, type: m.type, code: m.code, from: m.from, count: m.count }));
    }
  }
}

function within(m: Msg, f: FlowRecord): boolean {
  return m.t >= f.first - SLACK && m.t <= f.last + SLACK;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const l = map.get(k);
  if (l === undefined) map.set(k, [v]);
  else l.push(v);
}

function add(map: Map<FlowRecord, Msg[]>, f: FlowRecord, m: Msg): void {
  push(map, f, m);
}
