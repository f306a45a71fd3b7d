/**
 * Flow export messages written from scratch, for tests and the benchmark: IPFIX
 * (RFC 7011 §3: header, template sets, options template sets, data sets with padding),
 * NetFlow v9 (RFC 3954 §5) and v5. Values are written big-endian at the field's length
 * (reduced-size encoding when shorter than the element's type).
 */

/** One template field: element id, length, and an enterprise number (IPFIX only; 29305 for RFC 5103 reverse elements). */
export interface FieldSpec {
  id: number;
  len: number;
  pen?: number;
}

/** A value of a field: a number (unsigned, big-endian), a bigint, raw bytes, or an IPv4 address as text. */
export type FieldValue = number | bigint | Uint8Array | string;

function be(n: number | bigint, len: number): Buffer {
  const b = Buffer.alloc(len);
  let v = typeof n === 'bigint' ? n : BigInt(Math.round(n));
  for (let i = len - 1; i >= 0; i--) { b[i] = Number(v & 0xffn); v >>= 8n; }
  return b;
}

function value(v: FieldValue, len: number): Buffer {
  if (typeof v === 'string') {
    if (v.includes(':')) throw new Error('IPv6 text is not supported here: pass the 16 bytes');
    return Buffer.from(v.split('.').map(Number));
  }
  if (v instanceof Uint8Array) {
    const b = Buffer.alloc(len);
    Buffer.from(v).copy(b, 0, 0, len);
    return b;
  }
  return be(v, len);
}

/** One data record: the values in template order. */
export function encodeRecord(fields: readonly FieldSpec[], values: readonly FieldValue[]): Buffer {
  if (values.length !== fields.length) throw new Error(`record has ${values.length} values for ${fields.length} fields`);
  return Buffer.concat(fields.map((f, i) => value(values[i]!, f.len)));
}

/** A set (IPFIX) or FlowSet (v9): id, length, body, padded to 4 bytes. */
export function set(id: number, body: Buffer): Buffer {
  const pad = (4 - ((body.length + 4) % 4)) % 4;
  return Buffer.concat([be(id, 2), be(body.length + 4 + pad, 2), body, Buffer.alloc(pad)]);
}

/** An IPFIX template set (id 2), or options template set (id 3) when `scope` is given for every template. */
export function ipfixTemplates(templates: readonly { id: number; fields: readonly FieldSpec[]; scope?: number }[]): Buffer {
  const options = templates.some((t) => t.scope !== undefined);
  const body = templates.map((t) => Buffer.concat([
    be(t.id, 2), be(t.fields.length, 2), ...(options ? [be(t.scope ?? 1, 2)] : []),
    ...t.fields.map((f) => (f.pen !== undefined ? Buffer.concat([be(f.id | 0x8000, 2), be(f.len, 2), be(f.pen, 4)]) : Buffer.concat([be(f.id, 2), be(f.len, 2)]))),
  ]));
  return set(options ? 3 : 2, Buffer.concat(body));
}

/** An IPFIX template withdrawal (field count 0) of `id` (2: all templates). */
export function ipfixWithdrawal(id: number): Buffer {
  return set(2, Buffer.concat([be(id, 2), be(0, 2)]));
}

/** An IPFIX message: header (export time, sequence number, observation domain) and sets. */
export function ipfixMessage(h: { exportSec: number; seq: number; domain: number }, sets: readonly Buffer[]): Buffer {
  const body = Buffer.concat(sets);
  return Buffer.concat([be(10, 2), be(16 + body.length, 2), be(h.exportSec, 4), be(h.seq >>> 0, 4), be(h.domain, 4), body]);
}

/** A v9 template FlowSet (id 0). */
export function v9Templates(templates: readonly { id: number; fields: readonly FieldSpec[] }[]): Buffer {
  return set(0, Buffer.concat(templates.map((t) => Buffer.concat([be(t.id, 2), be(t.fields.length, 2), ...t.fields.map((f) => Buffer.concat([be(f.id, 2), be(f.len, 2)]))]))));
}

/** A v9 export packet: header (sysUpTime ms, export time, sequence, source id) and FlowSets; `count` is the records it holds. */
export function v9Packet(h: { upMs: number; exportSec: number; seq: number; sourceId: number; count: number }, flowsets: readonly Buffer[]): Buffer {
  return Buffer.concat([be(9, 2), be(h.count, 2), be(h.upMs >>> 0, 4), be(h.exportSec, 4), be(h.seq >>> 0, 4), be(h.sourceId, 4), ...flowsets]);
}

/** One v5 record's facts (IPv4 only). */
export interface V5Record {
  src: string; dst: string; sport: number; dport: number; proto: number; flags: number;
  pkts: number; bytes: number; firstUp: number; lastUp: number;
}

/** A v5 export packet (header and up to 30 records). */
export function v5Packet(h: { upMs: number; exportSec: number; seq: number; engine?: number; sampling?: number }, recs: readonly V5Record[]): Buffer {
  const head = Buffer.concat([be(5, 2), be(recs.length, 2), be(h.upMs >>> 0, 4), be(h.exportSec, 4), be(0, 4), be(h.seq >>> 0, 4),
    be(h.engine ?? 0, 2), be(h.sampling ?? 0, 2)]);
  const body = recs.map((r) => Buffer.concat([
    value(r.src, 4), value(r.dst, 4), Buffer.alloc(4), be(0, 2), be(0, 2), be(r.pkts, 4), be(r.bytes, 4), be(r.firstUp >>> 0, 4), be(r.lastUp >>> 0, 4),
    be(r.sport, 2), be(r.dport, 2), Buffer.from([0, r.flags, r.proto, 0]), be(0, 2), be(0, 2), Buffer.from([0, 0]), be(0, 2),
  ]));
  return Buffer.concat([head, ...body]);
}

/** The IPv4 uniflow template the tests and the benchmark use (IPFIX ids, absolute ms times). */
export const UNIFLOW4: readonly FieldSpec[] = [
  { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 }, { id: 6, len: 1 },
  { id: 2, len: 4 }, { id: 1, len: 4 }, { id: 152, len: 8 }, { id: 153, len: 8 },
];

/** One uniflow of UNIFLOW4. */
export function uniflow4(src: string, dst: string, sport: number, dport: number, proto: number, flags: number, pkts: number, bytes: number,
  startMs: number, endMs: number): Buffer {
  return encodeRecord(UNIFLOW4, [src, dst, sport, dport, proto, flags, pkts, bytes, startMs, endMs]);
}
