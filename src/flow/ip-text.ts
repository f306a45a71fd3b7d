/**
 * Address text for emitted flow records. Private to the flow table until
 * src/decode/ip-format.ts (the shared formatter) lands; called once per emitted
 * flow, never per packet.
 */

/**
 * Formats an address given as words: IPv4 dotted quad from `w0`; IPv6 in the
 * RFC 5952 canonical form (§4: lower-case hex, no leading zeros, the longest run
 * of two or more zero groups as "::", the first run on a tie; §5: IPv4-mapped
 * addresses end in dotted decimal).
 */
export function flowIpText(version: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
  if (version === 4) return dotted(w0);
  if (w0 === 0 && w1 === 0 && (w2 >>> 0) === 0xffff) return '::ffff:' + dotted(w3);
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let bestAt = -1, bestLen = 1, runAt = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && g[i] === 0) {
      if (runAt < 0) runAt = i;
    } else if (runAt >= 0) {
      if (i - runAt > bestLen) { bestAt = runAt; bestLen = i - runAt; }
      runAt = -1;
    }
  }
  if (bestAt < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestAt).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestAt + bestLen).map((x) => x.toString(16)).join(':');
  return head + '::' + tail;
}

function dotted(w: number): string {
  return (w >>> 24) + '.' + ((w >>> 16) & 255) + '.' + ((w >>> 8) & 255) + '.' + (w & 255);
}
