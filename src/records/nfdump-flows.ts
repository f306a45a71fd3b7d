/**
 * nfdump's JSON flow records (`nfdump -o json`, nfdump 1.7) to FlowRecords. Synchronous,
 * no I/O (nfdump.ts runs the program). Each record becomes one uniflow (or RFC 5103
 * biflow, `out_packets`) for pair.ts, which pairs the directions and decides outcomes
 * from the TCP flags (docs/flow-records.md). nfdump 1.7 overwrites a biflow's forward
 * flags with the reverse ones, so its biflows carry one flag set only (`outFlags` null).
 */
import { AddressTextCache } from './address-text.js';
import { NO_VLANS, UniflowPairer, type Uni } from './pair.js';
import { countBad, countOther, newCounts, quoteInput, type RecordCounts, type RecordSink } from './source.js';

/** nfdump's tcp_flags text ("...AP.SF": C E U A P R S F) to bits. */
export function parseTcpFlags(s: string): number {
  const letters = 'CEUAPRSF';
  let f = 0;
  for (let i = 0; i < s.length && i < 8; i++) if (s[i] === letters[i]) f |= 1 << (7 - i);
  return f;
}

/** nfdump's time text (printed with TZ=UTC: "2026-01-15T08:30:03.927") to seconds; NaN when absent or the epoch itself (no time exported). */
function time(v: unknown): number {
  if (typeof v === 'number') return v > 0 ? v : NaN;
  if (typeof v !== 'string') return NaN;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`) / 1000;
  return t > 0 ? t : NaN;
}

function count(v: unknown): number {
  return typeof v === 'number' && v >= 0 ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
}

/** Turns nfdump's flow records into flows, pairing uniflows. */
export class NfdumpFlows {
  readonly counts: RecordCounts = newCounts();
  packets = 0;
  bytes = 0;
  first = NaN;
  last = NaN;
  private readonly addrs = new AddressTextCache();
  private readonly pairer: UniflowPairer;

  constructor(private readonly name: string, input: number, sink: RecordSink, synGrace = 3, hint: Uint8Array | null = null) {
    this.pairer = new UniflowPairer(input, sink, this.counts, synGrace, hint);
  }

  /** Biflows whose TCP flags look like the reverse direction's only (nfdump 1.7 overwrites the forward flags). */
  get biflowFlagsSuspect(): number {
    return this.pairer.biflowFlagsSuspect;
  }

  /** One element of nfdump's JSON array (`n` counts from 1). */
  record(v: unknown, n: number): void {
    const c = this.counts;
    c.rows++;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) { countBad(c, `${this.name}: record ${n}`, 'not a JSON object'); return; }
    const r = v as Record<string, unknown>;
    if (r.type !== undefined && r.type !== 'FLOW') { countOther(c, quoteInput(String(r.type), 40).slice(1, -1)); return; }
    const proto = count(r.proto);
    if (proto !== 6 && proto !== 17 && proto !== 1 && proto !== 58) { countOther(c, `ip proto ${proto}`); return; }
    const s = r.src4_addr ?? r.src6_addr, d = r.dst4_addr ?? r.dst6_addr;
    const src = typeof s === 'string' ? this.addrs.get(s) : null, dst = typeof d === 'string' ? this.addrs.get(d) : null;
    if (src === null || dst === null) { countBad(c, `${this.name}: record ${n}`, `bad or missing address ${quoteInput(String(src === null ? s : d))}`); return; }
    const icmp = proto === 1 || proto === 58;
    const flags = typeof r.tcp_flags === 'string' ? parseTcpFlags(r.tcp_flags) : 0;
    const u: Uni = {
      proto, src, dst,
      sport: icmp ? 0 : count(r.src_port), dport: icmp ? 0 : count(r.dst_port),
      first: time(r.first), last: time(r.last),
      pkts: count(r.in_packets), bytes: count(r.in_bytes), outPkts: count(r.out_packets), outBytes: count(r.out_bytes),
      // No bit set: the exporter sent no flags (nfdump prints "........" then), not a flagless connection.
      flags, hasFlags: flags !== 0, outFlags: null,
      icmpType: count(r.icmp_type), icmpCode: count(r.icmp_code), key: '',
      sampling: 1, direction: 0, vlans: NO_VLANS, denied: null, teardownAnswered: false, source: -1, sourceName: null,
    };
    if (Number.isNaN(u.first)) c.noTime++;
    else {
      if (!(u.first >= this.first)) this.first = u.first;
      const end = Number.isNaN(u.last) ? u.first : u.last;
      if (!(end <= this.last)) this.last = end;
    }
    if (Number.isNaN(u.last)) u.last = u.first;
    this.packets += u.pkts + u.outPkts;
    this.bytes += u.bytes + u.outBytes;
    this.pairer.add(u);
  }

  /** End of input: lone directions go out alone; held flows are decided (no-reply-yet, unreachable). */
  finish(): void {
    this.pairer.finish();
  }
}
