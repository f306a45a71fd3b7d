/**
 * Address text for flow records, formatted once per address rather than once
 * per flow: the same hosts (servers above all) turn up in many flows (issue 6).
 * The cache is direct-mapped (one address per bucket; a colliding address
 * replaces the one there), so its memory is fixed whatever the traffic.
 */
import { formatIp } from '../decode/ip-format.js';

const BUCKETS = 16384;

/** Remembers the `formatIp` text of recently seen addresses. */
export class AddressCache {
  /** Per bucket: version (0 = empty) then the four words. */
  private readonly keys = new Uint32Array(BUCKETS * 5);
  private readonly texts: string[] = new Array<string>(BUCKETS).fill('');

  /**
   * Text of the address (IPv4: `w0` only, the other words 0; all unsigned), as formatIp
   */
  text(v: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x7feb352d) ^ Math.imul(w3, 0x846ca68b), 0x85ebca6b);
    h ^= h >>> 15;
    const i = h & (BUCKETS - 1);
    const keys = this.keys, at = i * 5;
    if (keys[at] === v && keys[at + 1] === w0 && keys[at + 2] === w1 && keys[at + 3] === w2 && keys[at + 4] === w3) return this.texts[i];
    keys[at] = v; keys[at + 1] = w0; keys[at + 2] = w1; keys[at + 3] = w2; keys[at + 4] = w3;
    const text = formatIp(v, w0, w1, w2, w3);
    this.texts[i] = text;
    return text;
  }
}
