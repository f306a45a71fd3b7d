/**
 * The evidence discover works from: flows folded into one entry per
 * (transport, opener, listener, server port), with counts by outcome, the application
 * protocols seen and the first and last capture time. Memory grows with the distinct
 * host pairs and ports, not with the flows. Plain and synchronous.
 */
import type { AppProto } from '../classify/types.js';
import type { FlowOutcome, FlowRecord } from '../flow/types.js';

/** Everything seen between one opener and one listener on one port. */
export interface Tuple {
  proto: 'tcp' | 'udp';
  family: 4 | 6;
  /** Opener (the flow's client) and listener (the flow's server). */
  client: string;
  server: string;
  clientWords: readonly number[];
  serverWords: readonly number[];
  port: number;
  flows: number;
  /** Flows with an answer: established, one-sided, partial, replied. */
  answered: number;
  /** Flows whose outcome the source does not tell (flow records without TCP flags): not attempts. */
  unknown: number;
  /** Unanswered or rejected SYNs, no reply yet, ICMP unreachable: attempts. */
  attempts: number;
  /** UDP seen one way only (SNMP traps never get a reply). */
  oneWay: number;
  /** Flows with the same port at both ends (SIP 5060 <-> 5060): without a SYN, who opened is a guess. */
  samePort: number;
  /** Application protocols identified from the payload (never `unknown`). */
  apps: Set<AppProto>;
  first: number;
  last: number;
}

const ATTEMPT: ReadonlySet<FlowOutcome> = new Set(['unanswered', 'rejected', 'no-reply-yet', 'unreachable']);

/** The name of the flows of a tuple in `# CHECK:` lines: `10.20.1.5 -> 10.10.0.10:80/tcp`. */
export function tupleName(t: { client: string; server: string; port: number; proto: string }): string {
  const server = t.server.includes(':') ? `[${t.server}]` : t.server;
  return `${t.client} -> ${server}:${t.port}/${t.proto}`;
}

/** Folds classified (or just app-identified) flows into tuples. */
export class EvidenceAccumulator {
  private readonly byKey = new Map<string, Tuple>();
  /** Flows seen (TCP and UDP), and their first and last capture time. */
  flows = 0;
  first = Number.POSITIVE_INFINITY;
  last = Number.NEGATIVE_INFINITY;

  /** Adds one final flow with the application protocol identified for it. */
  add(f: FlowRecord, app: AppProto): void {
    if (f.proto !== 'tcp' && f.proto !== 'udp') return;
    this.flows++;
    if (f.first < this.first) this.first = f.first;
    if (f.last > this.last) this.last = f.last;
    const key = `${f.proto}|${f.clientIp}|${f.serverIp}|${f.serverPort}`;
    let t = this.byKey.get(key);
    if (!t) {
      t = {
        proto: f.proto, family: f.family, client: f.clientIp, server: f.serverIp,
        clientWords: f.clientWords, serverWords: f.serverWords, port: f.serverPort,
        flows: 0, answered: 0, unknown: 0, attempts: 0, oneWay: 0, samePort: 0, apps: new Set(), first: f.first, last: f.last,
      };
      this.byKey.set(key, t);
    }
    t.flows++;
    if (ATTEMPT.has(f.outcome)) t.attempts++;
    else if (f.outcome === 'one-way') t.oneWay++;
    else if (f.outcome === 'unknown') t.unknown++;
    else t.answered++;
    if (f.clientPort === f.serverPort && (f.guessed || f.proto === 'udp')) t.samePort++;
    if (app !== 'unknown') t.apps.add(app);
    if (f.first < t.first) t.first = f.first;
    if (f.last > t.last) t.last = f.last;
  }

  /** Every tuple, in a stable order (listener, port, opener). */
  tuples(): Tuple[] {
    return [...this.byKey.values()].sort((a, b) => compareIp(a.server, b.server) || a.port - b.port
      || a.proto.localeCompare(b.proto) || compareIp(a.client, b.client));
  }
}

/** Orders addresses numerically (IPv4 before IPv6), for stable output. */
export function compareIp(a: string, b: string): number {
  const ka = ipSortKey(a);
  const kb = ipSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function ipSortKey(ip: string): string {
  if (!ip.includes(':')) return `4${ip.split('.').map((o) => o.padStart(3, '0')).join('.')}`;
  return `6${ip}`;
}
