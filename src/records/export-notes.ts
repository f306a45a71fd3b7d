/**
 * The report warnings an export session leads to: records lost by sequence number,
 * data without a template, sampled counts, exporter restarts, bad datagrams, TCP flows
 * without flags. Shared by IPFIX files and the collector.
 */
import type { ExportSession } from './export-session.js';
import { sourceName } from './sources.js';

/** One warning in the RecordReadResult `notes` shape. */
export interface ExportNote { code: string; message: string; count: number }

/** The warnings of a session after `finish()`. */
export function exportNotes(s: ExportSession): ExportNote[] {
  const out: ExportNote[] = [];
  const rows = s.sources.rows();
  const lost = rows.filter((r) => r.lostRecords > 0 || r.lostMessages > 0);
  if (lost.length > 0) {
    const n = lost.reduce((a, r) => a + r.lostRecords + r.lostMessages, 0);
    const parts = lost.map((r) => `${sourceName(r)}: ${r.lostRecords > 0 ? `${r.lostRecords} records` : ''}${r.lostRecords > 0 && r.lostMessages > 0 ? ', ' : ''}${r.lostMessages > 0 ? `${r.lostMessages} export packets` : ''}`);
    out.push({ code: 'records-lost', message: `flow records were lost on the way (by sequence number; ${parts.join('; ')}): the flows in them have no verdict`, count: n });
  }
  if (s.templates.setsLost > 0) {
    out.push({ code: 'records-no-template', message: `${s.templates.setsLost} data set(s) never got their template (the exporter sends templates every few minutes: start the collector earlier or lower the exporter's template timeout): their flows have no verdict`, count: s.templates.setsLost });
  }
  const resets = rows.filter((r) => r.sequenceResets > 0);
  if (resets.length > 0) {
    const n = resets.reduce((a, r) => a + r.sequenceResets, 0);
    out.push({ code: 'exporter-restart', message: `sequence numbers went back ${n} time(s) (${resets.map(sourceName).join(', ')}): the exporter restarted; records in flight then may be lost`, count: n });
  }
  const sampled = rows.filter((r) => r.sampling > 1);
  if (s.sampledFlows > 0) {
    out.push({ code: 'records-sampled', message: `${s.sampledFlows} record(s) come from packet sampling (1 in ${[...new Set(sampled.map((r) => r.sampling))].join(', ') || '?'}): counts are scaled, and a sampled flow is never called unanswered or refused from its flags (the missing packets may be the reply)`, count: s.sampledFlows });
  }
  const kinds = Object.entries(s.problems);
  if (kinds.length > 0) {
    const n = kinds.reduce((a, [, x]) => a + x, 0);
    out.push({ code: 'export-problems', message: `${n} export message(s) or set(s) could not be read (${kinds.map(([k, x]) => `${k.replace(/-/g, ' ')} ${x}`).join(', ')}; first: ${s.counts.badSamples[0]})`, count: n });
  }
  return out;
}
