/**
 * Addresses written as text by flow-record sources (Zeek's `addr`, nfdump's JSON) to the
 * FlowRecord form: family, RFC 5952 text (formatIp) and uint32 words. IPv4 dotted quad
 * (RFC 791 §3.2 notation) and IPv6 text (RFC 4291 §2.2, with `::` and an embedded
 * dotted quad). Parsed once per distinct address: logs repeat the same hosts.
 */
import { formatIp } from '../decode/ip-format.js';

/** One parsed address. */
export interface ParsedAddress {
  family: 4 | 6;
  /** RFC 5952 form (as the packet path writes it). */
  text: string;
  /** IPv4 one word, IPv6 four big-endian words. */
  words: readonly number[];
}

/**
 * A dotted-quad IPv4 address in text[a, b) as an unsigned word, or -1 when it is not one.
 * By character codes: it runs for both addresses of every row of a log.
 */
export function dottedRange(text: string, a: number, b: number): number {
  let w = 0, part = 0, digits = 0, dots = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return -1;
      w = w * 256 + part;
      part = 0; digits = 0; dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return -1;
      part = part * 10 + (c - 0x30);
      if (part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return (w * 256 + part) >>> 0;
}

function dotted(s: string): number | null {
  const w = dottedRange(s, 0, s.length);
  return w < 0 ? null : w;
}

function groups(s: string): number[] | null {
  if (s === '') return [];
  const out: number[] = [];
  const parts = s.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && p.includes('.')) {
      const w = dotted(p);
      if (w === null) return null;
      out.push(w >>> 16, w & 0xffff);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      out.push(parseInt(p, 16));
    }
  }
  return out;
}

/** Parses an IPv4 or IPv6 address (a `%zone` suffix is dropped); null when it is neither. */
export function parseAddressText(s: string): ParsedAddress | null {
  if (!s.includes(':')) {
    const w = dotted(s);
    return w === null ? null : { family: 4, text: formatIp(4, w, 0, 0, 0), words: [w] };
  }
  const zone = s.indexOf('%');
  const t = zone >= 0 ? s.slice(0, zone) : s;
  const dbl = t.indexOf('::');
  let g: number[] | null;
  if (dbl >= 0) {
    if (t.indexOf('::', dbl + 1) >= 0) return null;
    const head = groups(t.slice(0, dbl)), tail = groups(t.slice(dbl + 2));
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    g = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    g = groups(t);
    if (g === null || g.length !== 8) return null;
  }
  const w = [0, 1, 2, 3].map((i) => ((g![2 * i]! << 16) | g![2 * i + 1]!) >>> 0);
  return { family: 6, text: formatIp(6, w[0]!, w[1]!, w[2]!, w[3]!), words: w };
}

/** Remembers parsed addresses (bounded: cleared when full), so repeated hosts cost one map lookup. */
export class AddressTextCache {
  private readonly map = new Map<string, ParsedAddress | null>();
  constructor(private readonly max = 1 << 18) {}
  private readonly byWord = new Map<number, ParsedAddress>();

  /** The IPv4 address of word `w` (unsigned). */
  v4(w: number): ParsedAddress {
    const hit = this.byWord.get(w);
    if (hit !== undefined) return hit;
    if (this.byWord.size >= this.max) this.byWord.clear();
    const p: ParsedAddress = { family: 4, text: formatIp(4, w, 0, 0, 0), words: [w] };
    this.byWord.set(w, p);
    return p;
  }

  /** The parsed address, or null when `s` is not one. */
  get(s: string): ParsedAddress | null {
    const hit = this.map.get(s);
    if (hit !== undefined) return hit;
    if (this.map.size >= this.max) this.map.clear();
    const p = parseAddressText(s);
    this.map.set(s, p);
    return p;
  }
}
