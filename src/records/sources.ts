/**
 * One exporter's figures (`sources[]` of the report): per exporter address and port
 * and observation domain (IPFIX) or source id (v9) or engine (v5), what it sent, what
 * was lost by sequence number, its sampling and its time range. Sequence numbers follow
 * each protocol's definition:
 *   - IPFIX (RFC 7011 §3.1): data records sent before this message, per domain;
 *   - NetFlow v9 (RFC 3954 §5.1): export packets sent before this one, per source id;
 *   - NetFlow v5: flows seen before this packet.
 * A sequence that goes back by more than it could be reordered is an exporter restart.
 * softflowd's IPFIX counts records including the current message: when every message
 * fits that numbering it is tolerated and said so, not counted as loss.
 */

/** The JSON shape of one source (docs/report-schema.md). */
export interface SourceRow {
  /** `exporter` address (RFC 5952), or the file an IPFIX file input was. */
  exporter: string;
  port: number | null;
  /** Observation domain (IPFIX), source id (v9) or engine type/id (v5: type × 256 + id). */
  domain: number;
  /** NetFlow/IPFIX versions seen from it (5, 9, 10). */
  versions: number[];
  messages: number;
  /** Data records decoded (flow records, options records counted apart). */
  records: number;
  optionsRecords: number;
  templates: number;
  /** Records lost by sequence number (IPFIX, v5) or export packets lost (v9: `lostMessages`). */
  lostRecords: number;
  lostMessages: number;
  /** Sequence numbers that went back: the exporter restarted. */
  sequenceResets: number;
  /** Packet sampling interval the exporter declared (1 when none). */
  sampling: number;
  /** Earliest flow start and latest flow end of its records, seconds since the epoch; null without times. */
  first: number | null;
  last: number | null;
  /** Notes on what was tolerated (e.g. softflowd's IPFIX sequence numbering). */
  notes: string[];
  /** `collect` only (several exporters feeding one run): flows it delivered, those dropped as copies of another exporter's, and the share no other exporter saw. */
  flows?: number;
  duplicates?: number;
  onlyHere?: number | null;
}

/** An exporter and domain in words: `10.0.0.1:2055 domain 0`, or the file. */
export function sourceName(r: Pick<SourceRow, 'exporter' | 'port' | 'domain'>): string {
  return `${r.exporter}${r.port !== null ? `:${r.port}` : ''} domain ${r.domain}`;
}

/** Largest backwards step still taken as reordering, not a restart. */
const REORDER = 1 << 20;

/** The live state of one source. */
export class SourceState {
  readonly row: SourceRow;
  private nextSeq = NaN;
  private lastSeq = NaN;
  private lastCount = 0;
  private lastOptions = 0;
  /** Messages that fit softflowd's numbering (sequence includes the message's own records), and that fit RFC 7011's. */
  private offByOne = 0;
  private standard = 0;
  first = NaN;
  last = NaN;
  /** Sampling interval declared by options records (or the v5 header). */
  sampling = 1;

  /** sourceName() of its row: what a flow's `sources[]` names it by. */
  readonly name: string;

  constructor(readonly index: number, exporter: string, port: number | null, domain: number) {
    this.name = sourceName({ exporter, port, domain });
    this.row = {
      exporter, port, domain, versions: [], messages: 0, records: 0, optionsRecords: 0, templates: 0,
      lostRecords: 0, lostMessages: 0, sequenceResets: 0, sampling: 1, first: null, last: null, notes: [],
    };
  }

  /** A message header: version, sequence number, and how many records (IPFIX, v5) the message carries. */
  message(version: number, seq: number, records: number, optionRecords = 0): void {
    const r = this.row;
    r.messages++;
    if (!r.versions.includes(version)) { r.versions.push(version); r.versions.sort((a, b) => a - b); }
    if (version === 9) {
      // v9 counts export packets.
      if (!Number.isNaN(this.nextSeq)) {
        const gap = (seq - this.nextSeq) >>> 0;
        if (gap !== 0) {
          if (gap < REORDER) r.lostMessages += gap;
          else if (((this.nextSeq - seq) >>> 0) > REORDER || seq === 0) r.sequenceResets++;
        }
      }
      this.nextSeq = (seq + 1) >>> 0;
      return;
    }
    if (records < 0) {
      // Data sets held for their template: the records of this message are not known yet; resynchronise on the next.
      this.lastSeq = NaN;
      return;
    }
    if (!Number.isNaN(this.lastSeq)) {
      // Two readings of the numbering: RFC 7011's (records before this message) and softflowd's
      // (records up to and including it). Any that fits means nothing was lost; otherwise the one
      // that fitted more often so far measures the gap.
      // Options records (sampling, exporter facts) are data records to RFC 7011 but not to softflowd: either count fits.
      const std = (this.lastSeq + this.lastCount) >>> 0, own = (this.lastSeq + records) >>> 0;
      if (seq === std || seq === ((std - this.lastOptions) >>> 0)) this.standard++;
      else if (version === 10 && (seq === own || seq === ((own - optionRecords) >>> 0))) this.offByOne++;
      else {
        const gap = (seq - (this.offByOne > this.standard ? own : std)) >>> 0;
        if (gap < REORDER) r.lostRecords += gap;
        else r.sequenceResets++;
      }
    }
    this.lastSeq = seq;
    this.lastCount = records;
    this.lastOptions = optionRecords;
  }

  /** A time range of one record (seconds; NaN when none). */
  time(first: number, last: number): void {
    if (!Number.isNaN(first) && !(first >= this.first)) this.first = first;
    const end = Number.isNaN(last) ? first : last;
    if (!Number.isNaN(end) && !(end <= this.last)) this.last = end;
  }

  /** The row for the report. */
  result(): SourceRow {
    const r = this.row;
    r.first = Number.isNaN(this.first) ? null : Math.round(this.first * 1e6) / 1e6;
    r.last = Number.isNaN(this.last) ? null : Math.round(this.last * 1e6) / 1e6;
    r.sampling = this.sampling;
    r.notes = [];
    if (this.offByOne > 0) {
      r.notes.push(`sequence numbers count the message's own records (softflowd's IPFIX numbering, off by one message against RFC 7011): ${this.offByOne} message(s) taken as loss-free`);
    }
    return r;
  }
}

/** All sources of one run, by key. */
export class SourceTable {
  private readonly map = new Map<string, SourceState>();
  private readonly list: SourceState[] = [];

  /** @param base index of this table's first source in the report's `sources[]` (sources of earlier inputs come first) */
  constructor(private readonly base = 0) {}

  /** The state of an exporter and domain, created on first sight. */
  get(exporter: string, port: number | null, domain: number): SourceState {
    const last = this.last;
    if (last !== null && last.row.domain === domain && last.row.port === port && last.row.exporter === exporter) return last;
    this.last = this.getKeyed(exporter, port, domain);
    return this.last;
  }

  /** The last source asked for: a file or an exporter sends run after run of messages of one domain. */
  private last: SourceState | null = null;

  private getKeyed(exporter: string, port: number | null, domain: number): SourceState {
    const k = `${exporter}|${port ?? ''}|${domain}`;
    let s = this.map.get(k);
    if (s === undefined) {
      s = new SourceState(this.base + this.list.length, exporter, port, domain);
      this.map.set(k, s);
      this.list.push(s);
    }
    return s;
  }

  /** Every source, in order of first sight. */
  all(): readonly SourceState[] {
    return this.list;
  }

  /** The report's `sources[]`. */
  rows(): SourceRow[] {
    return this.list.map((s) => s.result());
  }
}
