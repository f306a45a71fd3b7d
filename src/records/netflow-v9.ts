/**
 * NetFlow v9 export packets (RFC 3954 §5): a 20-byte header (version 9, count,
 * sysUpTime, UNIX seconds, sequence number, source id) and FlowSets: 0 templates,
 * 1 options templates, 256 and up data. Templates are scoped by exporter, port and
 * source id. Times in records are sysUpTime-relative (fields 21/22), wrapping at 2^32 ms.
 */
import type { ExportOrigin, ExportSession } from './export-session.js';
import { readUnsigned } from './fields.js';
import { decodeDataSet, defineTemplate, readTemplateSet } from './export-sets.js';
import { compileTemplate, type TemplateField } from './templates.js';
import type { SourceState } from './sources.js';

/** Bytes of the packet header. */
const V9_HEADER = 20;

/** Parses one v9 export packet (the whole datagram); returns its length, or 0 when it cannot be read. */
export function parseV9Message(s: ExportSession, b: Uint8Array, origin: ExportOrigin, now: number, where: string): number {
  if (b.length < V9_HEADER) { s.problem('message-too-short', where); return 0; }
  const upMs = readUnsigned(b, 4, 4), exportSec = readUnsigned(b, 8, 4), seq = readUnsigned(b, 12, 4), sourceId = readUnsigned(b, 16, 4);
  const src = s.source(origin, sourceId);
  const scope = `${origin.exporter}|${origin.port ?? ''}|${sourceId}`;
  const clock = { exportSec, upMs };
  let p = V9_HEADER;
  while (p < b.length) {
    if (b.length - p < 4) break; // padding at the end of the packet
    const id = (b[p]! << 8) | b[p + 1]!;
    const setLen = (b[p + 2]! << 8) | b[p + 3]!;
    if (setLen < 4 || p + setLen > b.length) { s.problem('flowset-length-past-packet', where); break; }
    const end = p + setLen;
    if (id === 0) readTemplateSet(s, scope, b, p + 4, end, false, src, now, 9, where);
    else if (id === 1) readV9Options(s, scope, b, p + 4, end, src, now, where);
    else if (id >= 256) {
      const t = s.templates.get(scope, id, now);
      if (t === undefined) s.templates.hold(scope, id, b.subarray(p + 4, end), exportSec, upMs);
      else decodeDataSet(s, t, b, p + 4, end, src, clock, 9, where);
    } else s.problem('reserved-flowset-id', where);
    p = end;
  }
  src.message(9, seq, 0);
  return b.length;
}

/** v9 options templates (RFC 3954 §6.1): id, scope length and option length in bytes, then the fields. */
function readV9Options(s: ExportSession, scope: string, b: Uint8Array, off: number, end: number, src: SourceState, now: number,
  where: string): void {
  let p = off;
  while (end - p >= 6) {
    const id = (b[p]! << 8) | b[p + 1]!;
    const scopeLen = (b[p + 2]! << 8) | b[p + 3]!, optLen = (b[p + 4]! << 8) | b[p + 5]!;
    p += 6;
    if (id === 0) return; // padding
    if (id < 256 || scopeLen % 4 !== 0 || optLen % 4 !== 0 || p + scopeLen + optLen > end) { s.problem('bad-options-template', where); return; }
    const fields: TemplateField[] = [];
    for (let q = p; q < p + scopeLen + optLen; q += 4) {
      const len = (b[q + 2]! << 8) | b[q + 3]!;
      if (len === 0) { s.problem('zero-length-field', where); return; }
      // Scope fields (system, interface, line card …) are not elements this module reads.
      fields.push({ code: q < p + scopeLen ? -1 : (b[q]! << 8) | b[q + 1]!, len });
    }
    p += scopeLen + optLen;
    defineTemplate(s, scope, compileTemplate(id, fields, true, now), src, 9, where);
  }
}

