/**
 * What NetFlow v9 and IPFIX share: template records to compiled templates, and data
 * sets decoded record by record with a compiled template (RFC 7011 §3.3–3.4, §7;
 * RFC 3954 §5.2–5.4). Variable-length fields (RFC 7011 §7) exist in IPFIX only.
 */
import { readUnsigned, REVERSE, REVERSE_PEN, storeField } from './fields.js';
import type { ExportSession, MessageClock } from './export-session.js';
import type { SourceState } from './sources.js';
import { compileTemplate, type Template, type TemplateField } from './templates.js';

/** Decodes the records of one data set [off, end) with template `t`; returns the records read. */
export function decodeDataSet(s: ExportSession, t: Template, b: Uint8Array, off: number, end: number, src: SourceState,
  clock: MessageClock, version: number, where: string): number {
  if (t.minLength === 0) { s.problem('template-without-length', where); return 0; }
  const v = s.values;
  let p = off, n = 0;
  // What is left after the last record shorter than the least a record takes is padding.
  while (end - p >= t.minLength) {
    v.reset();
    for (const f of t.fields) {
      let len = f.len;
      if (len === 0xffff) {
        if (version !== 10) { s.problem('variable-length-in-v9', where); return n; }
        len = b[p++]!;
        if (len === 255) {
          if (p + 2 > end) { s.problem('record-past-set', where); return n; }
          len = (b[p]! << 8) | b[p + 1]!;
          p += 2;
        }
      }
      if (p + len > end) { s.problem('record-past-set', where); return n; }
      if (f.code >= 0) storeField(v, f.code, b, p, len);
      p += len;
    }
    n++;
    if (t.options) s.optionsRecord(src, v);
    else if (t.useful) s.dataRecord(src, clock, version);
  }
  return n;
}

/**
 * The template records of one template set [off, end): defined, withdrawn (IPFIX field
 * count 0), and any data sets that waited for them decoded. `options` for options
 * template sets; v9 options templates have their own layout (netflow-v9.ts).
 */
export function readTemplateSet(s: ExportSession, scope: string, b: Uint8Array, off: number, end: number, options: boolean,
  src: SourceState, now: number, version: number, where: string): void {
  let p = off;
  const hdr = options ? 6 : 4;
  while (end - p >= hdr) {
    const id = (b[p]! << 8) | b[p + 1]!;
    const count = (b[p + 2]! << 8) | b[p + 3]!;
    const scopeCount = options ? (b[p + 4]! << 8) | b[p + 5]! : 0;
    p += hdr;
    if (count === 0 && version === 10) {
      // RFC 7011 §8.1: a withdrawal; the set id as template id withdraws them all.
      s.templates.withdraw(scope, id === 2 || id === 3 ? null : id);
      continue;
    }
    if (id === 0 && count === 0) return; // padding
    if (id < 256) { s.problem('template-id-below-256', where); return; }
    if (options && (scopeCount === 0 || scopeCount > count)) { s.problem('options-template-scope-count', where); return; }
    const fields: TemplateField[] = [];
    for (let i = 0; i < count; i++) {
      if (p + 4 > end) { s.problem('template-past-set', where); return; }
      let ie = (b[p]! << 8) | b[p + 1]!;
      const len = (b[p + 2]! << 8) | b[p + 3]!;
      p += 4;
      let code = ie;
      if (version === 10 && (ie & 0x8000) !== 0) {
        if (p + 4 > end) { s.problem('template-past-set', where); return; }
        const pen = readUnsigned(b, p, 4);
        p += 4;
        ie &= 0x7fff;
        code = pen === REVERSE_PEN ? REVERSE + ie : -1;
      }
      if (len === 0) { s.problem('zero-length-field', where); return; }
      fields.push({ code, len });
    }
    defineTemplate(s, scope, compileTemplate(id, fields, options, now), src, version, where);
  }
}

/** Stores a template and decodes the data sets that waited for it. */
export function defineTemplate(s: ExportSession, scope: string, t: Template, src: SourceState, version: number, where: string): void {
  src.row.templates++;
  for (const h of s.templates.define(scope, t)) {
    decodeDataSet(s, t, h.bytes, 0, h.bytes.length, src, { exportSec: h.exportSec, upMs: h.upMs }, version, where);
  }
}
