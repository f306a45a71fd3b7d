/**
 * IPFIX messages (RFC 7011 §3): a 16-byte header (version 10, length, export time,
 * sequence number, observation domain) and sets: 2 templates, 3 options templates,
 * 256 and up data. Templates are scoped by exporter, port and observation domain.
 * An IPFIX file (RFC 5655) is such messages back to back: the length field walks it.
 */
import type { ExportOrigin, ExportSession } from './export-session.js';
import { readUnsigned } from './fields.js';
import { decodeDataSet, readTemplateSet } from './export-sets.js';

/** Bytes of the message header. */
export const IPFIX_HEADER = 16;

/** Parses one IPFIX message at the start of `b`; returns its length, or 0 when it cannot be read. */
export function parseIpfixMessage(s: ExportSession, b: Uint8Array, origin: ExportOrigin, now: number, where: string): number {
  if (b.length < IPFIX_HEADER) { s.problem('message-too-short', where); return 0; }
  const len = (b[2]! << 8) | b[3]!;
  if (len < IPFIX_HEADER) { s.problem('message-length-too-small', where); return 0; }
  if (len > b.length) { s.problem('message-length-past-datagram', where); return 0; }
  const exportSec = readUnsigned(b, 4, 4), seq = readUnsigned(b, 8, 4), domain = readUnsigned(b, 12, 4);
  const src = s.source(origin, domain);
  const scope = `${origin.exporter}|${origin.port ?? ''}|${domain}`;
  const clock = { exportSec, upMs: NaN };
  let p = IPFIX_HEADER, records = 0, options = 0, held = false;
  while (p < len) {
    if (len - p < 4) { s.problem('set-header-cut', where); break; }
    const id = (b[p]! << 8) | b[p + 1]!;
    const setLen = (b[p + 2]! << 8) | b[p + 3]!;
    if (setLen < 4 || p + setLen > len) { s.problem('set-length-past-message', where); break; }
    const end = p + setLen;
    if (id === 2 || id === 3) readTemplateSet(s, scope, b, p + 4, end, id === 3, src, now, 10, where);
    else if (id >= 256) {
      const t = s.templates.get(scope, id, now);
      if (t === undefined) { s.templates.hold(scope, id, b.subarray(p + 4, end), exportSec, NaN); held = true; }
      else {
        const n = decodeDataSet(s, t, b, p + 4, end, src, clock, 10, where);
        records += n;
        if (t.options) options += n;
      }
    } else s.problem('reserved-set-id', where);
    p = end;
  }
  src.message(10, seq, held ? -1 : records, options);
  return len;
}

