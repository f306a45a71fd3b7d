/**
 * Address text and words for flow records, made once per address rather than
 * once per flow: the same hosts (servers above all) turn up in many flows (issue 6).
 * The cache is direct-mapped (one address per bucket; a colliding address
 * replaces the one there), so its memory is fixed whatever the traffic.
 */
import { formatIp } from '../decode/ip-format.js';

const BUCKETS = 16384;

/** Remembers the `formatIp` text and the word array of recently seen addresses. */
export class AddressCache {
  /** Per bucket: version (0 = empty) then the four words. */
  private readonly keys = new Uint32Array(BUCKETS * 5);
  private readonly texts: string[] = new Array<string>(BUCKETS).fill('');
  private readonly wordArrays: (readonly number[])[] = new Array<readonly number[]>(BUCKETS).fill([]);

  /**
   * Bucket holding the address (IPv4: `w0` only, the other words 0; all
   * unsigned), filled on a miss. Read `textAt` and `wordsAt` before the next
   * `lookup`: a colliding address may take the bucket over.
   */
  lookup(v: 4 | 6, w0: number, w1: number, w2: number, w3: number): number {
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x7feb352d) ^ Math.imul(w3, 0x846ca68b), 0x85ebca6b);
    h ^= h >>> 15;
    const i = h & (BUCKETS - 1);
    const keys = this.keys, at = i * 5;
    if (keys[at] === v && keys[at + 1] === w0 && keys[at + 2] === w1 && keys[at + 3] === w2 && keys[at + 4] === w3) return i;
    keys[at] = v; keys[at + 1] = w0; keys[at + 2] = w1; keys[at + 3] = w2; keys[at + 4] = w3;
    this.texts[i] = formatIp(v, w0, w1, w2, w3);
    // Shared by every record of this address: records only read them (FlowRecord says readonly).
    this.wordArrays[i] = v === 4 ? [w0] : [w0, w1, w2, w3];
    return i;
  }

  /** Text of the address in bucket `i` (as formatIp writes it). */
  textAt(i: number): string { return this.texts[i]; }

  /** Words of the address in bucket `i`: IPv4 one uint32, IPv6 four. */
  wordsAt(i: number): readonly number[] { return this.wordArrays[i]; }
}
