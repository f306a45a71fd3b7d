/**
 * The pcapng blocks of the evidence file, little-endian, with the options the evidence
 * needs (draft-ietf-opsawg-pcapng): Section Header Block with `shb_userappl` and
 * `opt_comment` (§4.1, §3.5), Interface Description Block with `if_name`,
 * `if_description` and `if_tsresol` (§4.2), Enhanced Packet Block with `opt_comment`
 * (§4.3) and Interface Statistics Block with `isb_endtime` (§4.6). Each function
 * returns one whole block.
 */
import { pcapngTicks, tsresolUnits } from '../capture/writer.js';

/** One option: code and value (UTF-8 text or raw bytes). */
type Opt = [code: number, value: string | Uint8Array];

const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const ISB_STARTTIME = 2;
const ISB_ENDTIME = 3;

/** Options area: each option padded to 32 bits, then opt_endofopt; empty when there are none (§3.5). */
function options(opts: readonly Opt[]): Buffer {
  if (opts.length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const [code, v] of opts) {
    const value = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
    // An option's length is 16 bits: longer text is cut (never in the middle of a UTF-8 sequence).
    const body = value.length > 65532 ? cutUtf8(value, 65532) : value;
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(body.length, 2);
    parts.push(head, body, Buffer.alloc((4 - (body.length & 3)) & 3));
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

function cutUtf8(b: Buffer, max: number): Buffer {
  let n = max;
  while (n > 0 && (b[n]! & 0xc0) === 0x80) n--;
  return b.subarray(0, n);
}

/** A block: type, total length, body, options, total length again. */
function block(type: number, body: Buffer, opts: readonly Opt[]): Buffer {
  const o = options(opts);
  const len = 12 + body.length + o.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  o.copy(b, 8 + body.length);
  b.writeUInt32LE(len, len - 4);
  return b;
}

/** Section Header Block, version 1.0, section length unknown. */
export function sectionHeader(userAppl: string, comment: string): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeInt32LE(-1, 8);
  body.writeInt32LE(-1, 12);
  return block(0x0a0d0d0a, body, [[SHB_USERAPPL, userAppl], [OPT_COMMENT, comment]]);
}

/** Interface Description Block keeping the input's link type, snap length and timestamp resolution. */
export function interfaceDescription(linkType: number, snaplen: number, tsresol: number, name: string, description: string): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(snaplen >>> 0, 4);
  const opts: Opt[] = [[IF_NAME, name], [IF_DESCRIPTION, description]];
  if (tsresol !== 6) opts.push([IF_TSRESOL, Uint8Array.of(tsresol)]);
  return block(1, body, opts);
}

/** Enhanced Packet Block on interface `id` (resolution `tsresol`), with a comment when given. */
export function enhancedPacket(id: number, tsresol: number, tsSec: number, tsNsec: number,
  data: Uint8Array, origLen: number, comment: string | null): Buffer {
  const [hi, lo] = pcapngTicks(tsSec, tsNsec, tsresolUnits(tsresol));
  const padded = (data.length + 3) & ~3;
  const body = Buffer.alloc(20 + padded);
  body.writeUInt32LE(id, 0);
  body.writeUInt32LE(hi, 4);
  body.writeUInt32LE(lo, 8);
  body.writeUInt32LE(data.length, 12);
  body.writeUInt32LE(origLen >>> 0, 16);
  body.set(data, 20);
  return block(6, body, comment === null ? [] : [[OPT_COMMENT, comment]]);
}

/** Interface Statistics Block: when the capture on interface `id` started and stopped (isb_starttime, isb_endtime). */
export function interfaceStatistics(id: number, tsresol: number, start: [number, number], end: [number, number]): Buffer {
  const units = tsresolUnits(tsresol);
  const stamp = (t: [number, number]): Buffer => {
    const [hi, lo] = pcapngTicks(t[0], t[1], units);
    const b = Buffer.alloc(8);
    b.writeUInt32LE(hi, 0);
    b.writeUInt32LE(lo, 4);
    return b;
  };
  const endStamp = stamp(end);
  const body = Buffer.alloc(12);
  body.writeUInt32LE(id, 0);
  endStamp.copy(body, 4);
  return block(5, body, [[ISB_STARTTIME, stamp(start)], [ISB_ENDTIME, endStamp]]);
}
