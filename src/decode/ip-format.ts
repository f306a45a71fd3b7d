/**
 * Text form of the addresses held as uint32 words in DecodedPacket: IPv4 dotted
 * quad, IPv6 per RFC 5952 §4 (lowercase hex, no leading zeros, the longest run of
 * two or more zero groups shortened to "::", the first run on a tie) and §5
 * (IPv4-mapped addresses as ::ffff:a.b.c.d). Called per flow, not per packet.
 */

/** Formats an address: IPv4 from `w0`, IPv6 from the four big-endian words. */
export function formatIp(version: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
  if (version === 4) return dotted(w0);
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  if (w0 === 0 && w1 === 0 && (w2 >>> 0) === 0xffff) return `::ffff:${dotted(w3)}`;
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // RFC 5952 §4.2.2: a single zero group is never shortened.
  if (bestLen < 2) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

function dotted(w: number): string {
  return `${(w >>> 24) & 255}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}
