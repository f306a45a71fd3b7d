/**
 * Port ranges of `allow:` entries: `53`, `"49152-65535"`, lists of both. A range is
 * inclusive at both ends; a single port is a range of one. Lists are kept sorted with
 * overlapping ranges merged, so every firewall target can write them as given.
 */

/** An inclusive port range (`lo === hi` for a single port). */
export interface PortRange {
  lo: number;
  hi: number;
}

/**
 * A port or range as written in a site file (`53`, `"49152-65535"`), or the sentence
 * that says what is wrong with it.
 */
export function parsePortRange(v: number | string): PortRange | string {
  const bound = (n: number, text: string): string | null => {
    if (!Number.isInteger(n)) return `port ${text} is not a whole number`;
    if (n < 1 || n > 65535) return `port ${text} is out of range 1..65535`;
    return null;
  };
  if (typeof v === 'number') {
    const e = bound(v, String(v));
    return e ?? { lo: v, hi: v };
  }
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v);
  if (!m) return `"${v}" is not a port or a range (write 53 or "49152-65535")`;
  const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
  const e = bound(lo, m[1]!) ?? bound(hi, m[2] ?? m[1]!);
  if (e) return e;
  if (hi < lo) return `the range "${v}" runs backwards (write "${hi}-${lo}")`;
  return { lo, hi };
}

/** Sorted, overlapping ranges merged (adjacent ones are left apart, as written). */
export function normalisePortRanges(list: readonly PortRange[]): PortRange[] {
  const sorted = [...list].sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.lo <= last.hi) last.hi = Math.max(last.hi, r.hi);
    else out.push({ ...r });
  }
  return out;
}

/** Is `port` in one of the ranges? */
export function inPortRanges(list: readonly PortRange[], port: number): boolean {
  for (const r of list) if (port >= r.lo && port <= r.hi) return true;
  return false;
}

/** `53` or `49152-65535` (`sep` between the ends: `:` for iptables, ` ` for an ASA `range`). */
export function portRangeText(r: PortRange, sep = '-'): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}${sep}${r.hi}`;
}

/** The ranges as a list: `53,88,49152-65535`. */
export function portRangesText(list: readonly PortRange[], join = ',', sep = '-'): string {
  return list.map((r) => portRangeText(r, sep)).join(join);
}

/** The port of a list that is one single port, else null (the `port` of JSON and the design hash, as before ranges). */
export function singlePort(list: readonly PortRange[]): number | null {
  return list.length === 1 && list[0]!.lo === list[0]!.hi ? list[0]!.lo : null;
}

/** Single ports as ranges of one. */
export function portsAsRanges(ports: readonly number[]): PortRange[] {
  return ports.map((p) => ({ lo: p, hi: p }));
}
