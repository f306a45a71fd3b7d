/**
 * The human formats' lines about flow-record inputs and merged sources (inputs[].records,
 * inputs[].overlap): one line per input that has either, nothing for a capture-only report.
 */
import { sourceName } from '../records/sources.js';
import { plural } from './facts.js';
import { fmtInt, printable } from './format.js';
import type { AuditReport } from './types.js';

/** "+2.000 s" / "-0.250 s". */
function offsetText(s: number): string {
  return `${s >= 0 ? '+' : '-'}${Math.abs(s).toFixed(3)} s`;
}

/** One line per record input or merged source, e.g. "conn.log: 6 rows, 4 flows; 1 not a flow". */
export function sourceLines(r: AuditReport): string[] {
  const out: string[] = [];
  for (const i of r.inputs) {
    const parts: string[] = [];
    const rec = i.records;
    if (rec !== undefined) {
      parts.push(`${fmtInt(rec.rows)} ${i.format === 'nfcapd' ? 'records' : 'rows'}, ${fmtInt(rec.flows)} flows`);
      const other = Object.values(rec.other).reduce((a, b) => a + b, 0);
      if (other > 0) parts.push(`${fmtInt(other)} not audited`);
      if (rec.bad > 0) parts.push(`${fmtInt(rec.bad)} unreadable`);
      if (rec.noTime > 0) parts.push(`${fmtInt(rec.noTime)} without time`);
    }
    const o = i.overlap;
    if (o !== undefined) {
      if (o.duplicates > 0) parts.push(`${fmtInt(o.duplicates)} already seen by an earlier input`);
      if (o.onlyHere !== null) parts.push(`${Math.round(o.onlyHere * 100)}% seen only here`);
      if (o.clockOffset !== null) parts.push(`clock ${offsetText(o.clockOffset)} (from ${plural(o.offsetSamples, 'connection')})`);
    }
    if (parts.length > 0) out.push(`${i.path}: ${parts.join('; ')}`);
  }
  // Flow exporters (IPFIX files, the collector): who sent what, and what was lost on the way.
  for (const s of r.sources ?? []) {
    const who = `${printable(sourceName(s))} (${s.versions.map((v) => (v === 10 ? 'IPFIX' : `v${v}`)).join('/')})`;
    const parts = [`${fmtInt(s.records)} records in ${fmtInt(s.messages)} messages`];
    parts.push(s.lostRecords + s.lostMessages > 0
      ? `lost ${s.lostRecords > 0 ? `${fmtInt(s.lostRecords)} records` : ''}${s.lostRecords > 0 && s.lostMessages > 0 ? ' and ' : ''}${s.lostMessages > 0 ? `${fmtInt(s.lostMessages)} export packets` : ''}`
      : 'none lost');
    if (s.sampling > 1) parts.push(`sampled 1 in ${fmtInt(s.sampling)}`);
    if (s.sequenceResets > 0) parts.push(`restarted ${plural(s.sequenceResets, 'time')}`);
    out.push(`exporter ${who}: ${parts.join('; ')}`);
  }
  return out;
}
