/**
 * Findings per path and server (`AuditReport.findings.paths[]`): every blocked,
 * wrong-direction or unexpected flow of one verdict, designed connection (or proto/port
 * when no designed rule explains it) and listening server, whatever the client. "PCs ->
 * 10.10.0.10:5633 blocked for 1,353 clients" is one path. O(1) per flow; memory bounded by
 * paths (at most PATH_CLIENTS_EXACT clients are remembered per path, then only counted
 * as "at least").
 */
import type { ClassifiedFlow, Verdict } from '../classify/types.js';
import { connectionIdOf } from '../design/connections.js';
import type { ResolvedDesign } from '../design/resolve.js';
import { roundTime } from './build.js';
import type { FindingPath, FindingVerdict, ReportFlow } from './types.js';
import { FINDING_VERDICTS } from './types.js';

/** Distinct clients counted exactly per path; past it a path says "≥ 10000". */
export const PATH_CLIENTS_EXACT = 10_000;
/** Clients listed by name per path. */
export const PATH_SAMPLE_CLIENTS = 20;
/** Paths kept; further new paths fold into one path per verdict with server "*". */
export const MAX_PATHS = 10_000;

interface PathSlot {
  p: FindingPath;
  clients: Set<string> | null;
  /** Distinct clients when `clients` was dropped at the cap (then it is a lower bound). */
  capped: boolean;
  reasons: Map<string, { reason: string; reasonCode: string; count: number; order: number }>;
}

function isFinding(v: Verdict): v is FindingVerdict {
  return v === 'blocked' || v === 'wrong-direction' || v === 'unexpected';
}

/** Accumulates finding paths from classified flows. */
export class PathGrouper {
  private readonly slots = new Map<string, PathSlot>();
  /** Connection id per rule id (designed rules only; allow entries and no rule give null). */
  private readonly connOf = new Map<string, string>();

  constructor(design: ResolvedDesign) {
    for (const r of design.rules) this.connOf.set(r.id, connectionIdOf(r));
  }

  /** Folds one flow in; flows that are not findings are skipped at once. */
  add(cf: ClassifiedFlow): void {
    const v = cf.verdict;
    if (!isFinding(v)) return;
    const f = cf.flow;
    const icmp = f.proto === 'icmp' || f.proto === 'icmp6';
    // An unexpected flow names no designed connection: it is outside the design by definition.
    const connection = v === 'unexpected' || cf.rule === null ? null : (this.connOf.get(cf.rule) ?? null);
    const port = icmp ? 0 : f.serverPort;
    this.put(v, connection, f.proto, port, f.serverIp, f.clientIp, roundTime(f.first), roundTime(f.last), cf.reason, cf.reasonCode);
  }

  private put(v: FindingVerdict, connection: string | null, proto: ReportFlow['proto'], port: number, server: string,
    client: string, first: number, last: number, reason: string, reasonCode: string): void {
    const base = connection ?? `${proto}/${port}`;
    let key = `${v}|${base}|${server}`;
    let s = this.slots.get(key);
    if (!s && this.slots.size >= MAX_PATHS) {
      key = `${v}|${base}|*`;
      s = this.slots.get(key);
      server = '*';
    }
    if (!s) {
      s = {
        p: { verdict: v, connection, proto, port, server, clients: 0, flows: 0, first, last, reason, reasonCode, sampleClients: [] },
        clients: new Set(), capped: false, reasons: new Map(),
      };
      this.slots.set(key, s);
    }
    const p = s.p;
    p.flows++;
    if (first < p.first) p.first = first;
    if (last > p.last) p.last = last;
    if (s.clients !== null && !s.clients.has(client)) {
      s.clients.add(client);
      if (p.sampleClients.length < PATH_SAMPLE_CLIENTS) p.sampleClients.push(client);
      if (s.clients.size >= PATH_CLIENTS_EXACT) { s.clients = null; s.capped = true; }
    }
    const rk = `${reasonCode}|${reason}`;
    const r = s.reasons.get(rk);
    if (r) r.count++;
    else if (s.reasons.size < 1000) s.reasons.set(rk, { reason, reasonCode, count: 1, order: s.reasons.size });
  }

  /** The paths: by verdict (report order), most flows first, then connection/port and server. */
  result(): FindingPath[] {
    const out: FindingPath[] = [];
    for (const s of this.slots.values()) {
      let top: { reason: string; reasonCode: string; count: number; order: number } | null = null;
      for (const r of s.reasons.values()) if (!top || r.count > top.count || (r.count === top.count && r.order < top.order)) top = r;
      out.push({
        ...s.p,
        clients: s.capped ? `≥ ${PATH_CLIENTS_EXACT}` : s.clients!.size,
        reason: top?.reason ?? s.p.reason, reasonCode: top?.reasonCode ?? s.p.reasonCode,
        sampleClients: s.p.sampleClients.slice(),
      });
    }
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return out.sort((a, b) => FINDING_VERDICTS.indexOf(a.verdict as FindingVerdict) - FINDING_VERDICTS.indexOf(b.verdict as FindingVerdict)
      || b.flows - a.flows || cmp(a.connection ?? `${a.proto}/${a.port}`, b.connection ?? `${b.proto}/${b.port}`)
      || a.port - b.port || cmp(a.server, b.server));
  }
}
