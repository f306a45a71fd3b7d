/**
 * Addresses of the site file: parsed and validated once with ip-address at load
 * time, then compiled to uint32 words so that per-flow matching is a few integer
 * compares (FlowRecord carries clientWords/serverWords: IPv4 one word, IPv6 four
 * big-endian words).
 */
import { Address4, Address6 } from 'ip-address';

/** One address or CIDR of the site file, compiled. */
export interface AddressSpec {
  /** As written in the site file. */
  text: string;
  family: 4 | 6;
  /** Network address words (IPv4 one word, IPv6 four big-endian words). */
  words: readonly number[];
  /** Prefix length (32 or 128 for a single address). */
  prefix: number;
}

/**
 * Parses one address or CIDR. Returns the spec, or a sentence saying what is
 * wrong (bad address, prefix out of range, host bits set in a CIDR).
 */
export function parseAddress(text: string): AddressSpec | string {
  const t = text.trim();
  const v6 = t.includes(':');
  const slash = t.indexOf('/');
  if (slash >= 0 && !/^\d{1,3}$/.test(t.slice(slash + 1))) return `"${t}" has a bad prefix length`;
  let big: bigint;
  let start: bigint;
  let prefix: number;
  try {
    if (v6) {
      const a = new Address6(t);
      prefix = a.subnetMask;
      big = a.bigInt();
      start = a.startAddress().bigInt();
    } else {
      const a = new Address4(t);
      prefix = a.subnetMask;
      big = a.bigInt();
      start = a.startAddress().bigInt();
    }
  } catch {
    return `"${t}" is not an IPv${v6 ? 6 : 4} address or CIDR`;
  }
  const max = v6 ? 128 : 32;
  if (prefix < 0 || prefix > max) return `"${t}" has a prefix length outside 0..${max}`;
  if (big !== start) return `"${t}" has host bits set (the network is ${v6 ? Address6.fromBigInt(start).correctForm() : Address4.fromBigInt(start).correctForm()}/${prefix})`;
  const words: number[] = [];
  const n = v6 ? 4 : 1;
  for (let i = n - 1; i >= 0; i--) words[i] = Number((big >> BigInt(32 * (n - 1 - i))) & 0xffffffffn);
  return { text: t, family: v6 ? 6 : 4, words, prefix };
}

function maskWord(prefix: number, wordIndex: number): number {
  const bits = Math.min(32, Math.max(0, prefix - 32 * wordIndex));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Do two addresses or networks share an address (one contains the other, or they are equal)? */
export function specsOverlap(a: AddressSpec, b: AddressSpec): boolean {
  if (a.family !== b.family) return false;
  const p = Math.min(a.prefix, b.prefix);
  for (let w = 0; w < a.words.length; w++) {
    const m = maskWord(p, w);
    if (((a.words[w]! & m) >>> 0) !== ((b.words[w]! & m) >>> 0)) return false;
  }
  return true;
}

/**
 * A set of addresses/CIDRs compiled for matching against flow words. `any` sets
 * match everything (the role is unknown, as with no site file).
 */
export class AddressSet {
  /** IPv4 network and mask pairs (as int32: `&` yields int32, so matching stays in small integers). */
  private readonly v4: Int32Array;
  /** IPv6: four network words then four mask words per entry (int32 like v4). */
  private readonly v6: Int32Array;

  private constructor(readonly specs: readonly AddressSpec[], readonly any: boolean) {
    const v4 = specs.filter((s) => s.family === 4);
    const v6 = specs.filter((s) => s.family === 6);
    this.v4 = new Int32Array(v4.length * 2);
    v4.forEach((s, i) => {
      const m = maskWord(s.prefix, 0);
      this.v4[i * 2] = s.words[0]! & m;
      this.v4[i * 2 + 1] = m | 0;
    });
    this.v6 = new Int32Array(v6.length * 8);
    v6.forEach((s, i) => {
      for (let w = 0; w < 4; w++) {
        const m = maskWord(s.prefix, w);
        this.v6[i * 8 + w] = s.words[w]! & m;
        this.v6[i * 8 + 4 + w] = m | 0;
      }
    });
  }

  /** A set of the given addresses. */
  static of(specs: readonly AddressSpec[]): AddressSet {
    return new AddressSet(specs, false);
  }

  /** The set that matches every address. */
  static all(): AddressSet {
    return new AddressSet([], true);
  }

  /** Union of several sets (an `any` member makes the union `any`); an address or network given twice is kept once. */
  static union(sets: readonly AddressSet[]): AddressSet {
    if (sets.some((s) => s.any)) return AddressSet.all();
    const byText = new Map<string, AddressSpec>();
    for (const spec of sets.flatMap((s) => s.specs)) if (!byText.has(spec.text)) byText.set(spec.text, spec);
    return new AddressSet([...byText.values()], false);
  }

  /** true when the set holds no address and is not `any`. */
  get empty(): boolean {
    return !this.any && this.specs.length === 0;
  }

  /** Does the address (FlowRecord words) fall in the set? Allocation-free. */
  has(family: 4 | 6, words: readonly number[]): boolean {
    if (this.any) return true;
    if (family === 4) {
      const w = words[0]!;
      const t = this.v4;
      for (let i = 0; i < t.length; i += 2) if ((w & t[i + 1]!) === t[i]) return true;
      return false;
    }
    const t = this.v6;
    for (let i = 0; i < t.length; i += 8) {
      if ((words[0]! & t[i + 4]!) === t[i] && (words[1]! & t[i + 5]!) === t[i + 1]
        && (words[2]! & t[i + 6]!) === t[i + 2] && (words[3]! & t[i + 7]!) === t[i + 3]) return true;
    }
    return false;
  }

  /** Do two sets share at least one address? (`any` overlaps every non-empty set.) */
  overlaps(other: AddressSet): boolean {
    if (this.any) return !other.empty;
    if (other.any) return !this.empty;
    return this.specs.some((a) => other.specs.some((b) => specsOverlap(a, b)));
  }

  /** Does this set hold every address of `other`? (`any` holds everything; only `any` holds `any`.) */
  covers(other: AddressSet): boolean {
    if (this.any) return true;
    if (other.any) return false;
    return other.specs.every((s) => this.specs.some((b) => {
      if (b.family !== s.family || b.prefix > s.prefix) return false;
      for (let w = 0; w < s.words.length; w++) {
        const m = maskWord(b.prefix, w);
        if (((b.words[w]! & m) >>> 0) !== ((s.words[w]! & m) >>> 0)) return false;
      }
      return true;
    }));
  }

  /** The addresses as written, joined for display ("any" for the all-set, "none" when empty). */
  describe(): string {
    if (this.any) return 'any';
    if (this.specs.length === 0) return 'none';
    return this.specs.map((s) => s.text).join(', ');
  }
}
