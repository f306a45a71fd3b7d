/**
 * LINKTYPE_* numbers and their names, for messages, reports and docs/capture.md.
 * Numbers and names follow the tcpdump.org link-layer header types registry
 * (draft-ietf-opsawg-pcaplinktype). Dispatch on these values belongs to the
 * decoder (src/decode/); this table only names them.
 */

/** Link types the decoder handles, with the registry name and a short description. */
export const LINK_TYPES: ReadonlyMap<number, { name: string; description: string; decoded: boolean }> = new Map([
  [0, { name: 'NULL', description: 'BSD loopback (host-order address family)', decoded: true }],
  [1, { name: 'ETHERNET', description: 'Ethernet, with 802.1Q / 802.1ad / QinQ tags', decoded: true }],
  [12, { name: 'RAW (BSD 12)', description: 'raw IPv4/IPv6 (BSD value)', decoded: true }],
  [14, { name: 'RAW (BSD 14)', description: 'raw IPv4/IPv6 (BSD value)', decoded: true }],
  [101, { name: 'RAW', description: 'raw IPv4/IPv6, version from the first nibble', decoded: true }],
  [105, { name: 'IEEE802_11', description: '802.11 wireless (not decoded)', decoded: false }],
  [108, { name: 'LOOP', description: 'OpenBSD loopback (network-order address family)', decoded: true }],
  [113, { name: 'LINUX_SLL', description: 'Linux cooked capture v1 (tcpdump -i any)', decoded: true }],
  [127, { name: 'IEEE802_11_RADIOTAP', description: '802.11 with radiotap header (not decoded)', decoded: false }],
  [228, { name: 'IPV4', description: 'raw IPv4', decoded: true }],
  [229, { name: 'IPV6', description: 'raw IPv6', decoded: true }],
  [239, { name: 'NFLOG', description: 'Linux netfilter log (not decoded)', decoded: false }],
  [276, { name: 'LINUX_SLL2', description: 'Linux cooked capture v2', decoded: true }],
]);

/** Registry name of a link type, or `LINKTYPE_<n>` when it is not in the table. */
export function linkTypeName(linkType: number): string {
  return LINK_TYPES.get(linkType)?.name ?? `LINKTYPE_${linkType}`;
}

/**
 * Maps the strings the `cap` module returns from `open()` to LINKTYPE numbers.
 * cap names only a few DLTs and otherwise says `Unknown linktype N` (a DLT value,
 * which equals the LINKTYPE value for every type libpcap can open on Linux).
 */
export function linkTypeFromCapName(capName: string): number {
  switch (capName) {
    case 'NULL': return 0;
    case 'ETHERNET': return 1;
    case 'RAW': return 101;
    case 'IEEE802_11_RADIO': return 127;
    case 'LINKTYPE_LINUX_SLL': return 113;
    default: {
      const m = /(-?\d+)\s*$/.exec(capName);
      return m ? Number(m[1]) : -1;
    }
  }
}
