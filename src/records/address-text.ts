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

function dotted(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let w = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    w = w * 256 + n;
  }
  return w >>> 0;
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
  constructor(private readonly max = 65536) {}
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
