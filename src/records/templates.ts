/**
 * Templates of NetFlow v9 (RFC 3954 §5.2–5.3) and IPFIX (RFC 7011 §3.4), kept per
 * template scope: the exporter (address and port, or the file), the observation domain
 * (IPFIX) or source id (v9), and the template id. Two exporters behind one address
 * (different ports) or two domains of one exporter never share a template.
 *
 * Data sets that arrive before their template are held, bounded per scope and in total,
 * and decoded when it comes; what is still held at the end is counted as records lost for
 * want of a template. Templates not refreshed within the expiry (UDP collectors only,
 * RFC 7011 §8.4) are dropped.
 */
import { isKnownField } from './fields.js';

/** One field of a compiled template: its code (fields.ts) and length (0xffff: variable, RFC 7011 §7). */
export interface TemplateField {
  code: number;
  len: number;
}

/** A compiled template. */
export interface Template {
  id: number;
  fields: TemplateField[];
  /** Options templates (sampling and exporter facts) have scope fields: their records are not flows. */
  options: boolean;
  /** Bytes of a record with every variable-length field empty (the least a record takes). */
  minLength: number;
  /** Whether any field is variable-length. */
  variable: boolean;
  /** Whether any field is one wfo-audit reads. */
  useful: boolean;
  /** When it was last (re)defined: ms of the collector's clock, or 0 for files. */
  seen: number;
}

/** Compiles a template from its fields. */
export function compileTemplate(id: number, fields: TemplateField[], options: boolean, seen: number): Template {
  let min = 0, variable = false, useful = false;
  for (const f of fields) {
    if (f.len === 0xffff) { variable = true; min += 1; } else min += f.len;
    if (isKnownField(f.code)) useful = true;
  }
  return { id, fields, options, minLength: min, variable, useful, seen };
}

/** A data set held for its template. */
interface HeldSet {
  bytes: Uint8Array;
  exportSec: number;
  upMs: number;
}

/** Held data sets at most per scope, and in total. */
const HOLD_PER_SCOPE = 64;
const HOLD_TOTAL_BYTES = 8 << 20;

/** The template store of a collector or a file. */
export class TemplateStore {
  private readonly map = new Map<string, Template>();
  private readonly pending = new Map<string, HeldSet[]>();
  private heldBytes = 0;
  /** Data sets dropped because no template came, or the hold was full. */
  setsLost = 0;
  /** Templates dropped by expiry. */
  expired = 0;

  /** @param expiryMs templates older than this (collector clock) are dropped; 0 never. */
  constructor(private readonly expiryMs = 0) {}

  /** Defines (or redefines) a template; returns the data sets that waited for it. */
  define(scope: string, t: Template): HeldSet[] {
    const k = `${scope}|${t.id}`;
    this.map.set(k, t);
    const held = this.pending.get(k);
    if (held === undefined) return [];
    this.pending.delete(k);
    for (const h of held) this.heldBytes -= h.bytes.length;
    return held;
  }

  /** Withdraws one template (RFC 7011 §8.1), or all of a scope with id null. */
  withdraw(scope: string, id: number | null): void {
    if (id !== null) { this.map.delete(`${scope}|${id}`); return; }
    const prefix = `${scope}|`;
    for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.map.delete(k);
  }

  /** The template of a scope and id, or undefined (expired ones are dropped on the way). */
  get(scope: string, id: number, now = 0): Template | undefined {
    const k = `${scope}|${id}`;
    const t = this.map.get(k);
    if (t !== undefined && this.expiryMs > 0 && now - t.seen > this.expiryMs) {
      this.map.delete(k);
      this.expired++;
      return undefined;
    }
    return t;
  }

  /** Holds a data set whose template has not come yet (copied: the datagram buffer is reused). */
  hold(scope: string, id: number, bytes: Uint8Array, exportSec: number, upMs: number): void {
    const k = `${scope}|${id}`;
    let l = this.pending.get(k);
    if (l === undefined) {
      l = [];
      this.pending.set(k, l);
    }
    if (l.length >= HOLD_PER_SCOPE || this.heldBytes + bytes.length > HOLD_TOTAL_BYTES) { this.setsLost++; return; }
    l.push({ bytes: Uint8Array.from(bytes), exportSec, upMs });
    this.heldBytes += bytes.length;
  }

  /** Templates defined now. */
  get size(): number {
    return this.map.size;
  }

  /** At the end: data sets that never got a template are lost. */
  finish(): number {
    let n = 0;
    for (const l of this.pending.values()) n += l.length;
    this.pending.clear();
    this.heldBytes = 0;
    this.setsLost += n;
    return n;
  }
}
