/**
 * LINKTYPE_* numbers and their names, for messages, reports and docs/capture.md.
 * Numbers and names follow the tcpdump.org link-layer header types registry
 * (draft-ietf-opsawg-pcaplinktype). Dispatch on these values belongs to the
 * decoder (src/decode/); this table only names them.
 */

/** Link types by number: registry name, the name people use (`title`), a short description, and whether it is decoded. */
export const LINK_TYPES: ReadonlyMap<number, { name: string; title: string; description: string; decoded: boolean }> = new Map([
  [0, { name: 'NULL', title: 'BSD loopback', description: 'BSD loopback (host-order address family)', decoded: true }],
  [1, { name: 'ETHERNET', title: 'Ethernet', description: 'Ethernet, with 802.1Q / 802.1ad / QinQ tags', decoded: true }],
  [9, { name: 'PPP', title: 'PPP', description: 'PPP (not decoded)', decoded: false }],
  [12, { name: 'RAW (BSD 12)', title: 'raw IP', description: 'raw IPv4/IPv6 (BSD value)', decoded: true }],
  [14, { name: 'RAW (BSD 14)', title: 'raw IP', description: 'raw IPv4/IPv6 (BSD value)', decoded: true }],
  [101, { name: 'RAW', title: 'raw IP', description: 'raw IPv4/IPv6, version from the first nibble', decoded: true }],
  [105, { name: 'IEEE802_11', title: 'IEEE 802.11', description: '802.11 wireless (not decoded)', decoded: false }],
  [108, { name: 'LOOP', title: 'OpenBSD loopback', description: 'OpenBSD loopback (network-order address family)', decoded: true }],
  [113, { name: 'LINUX_SLL', title: 'Linux cooked capture v1', description: 'Linux cooked capture v1 (tcpdump -i any)', decoded: true }],
  [119, { name: 'IEEE802_11_PRISM', title: 'IEEE 802.11 Prism', description: '802.11 with Prism header (not decoded)', decoded: false }],
  [127, { name: 'IEEE802_11_RADIOTAP', title: 'IEEE 802.11 radiotap', description: '802.11 with radiotap header (not decoded)', decoded: false }],
  [192, { name: 'PPI', title: 'Per-Packet Information', description: 'PPI header, usually 802.11 (not decoded)', decoded: false }],
  [220, { name: 'USB_LINUX_MMAPPED', title: 'Linux USB', description: 'USB packets from usbmon (not decoded)', decoded: false }],
  [228, { name: 'IPV4', title: 'raw IPv4', description: 'raw IPv4', decoded: true }],
  [229, { name: 'IPV6', title: 'raw IPv6', description: 'raw IPv6', decoded: true }],
  [239, { name: 'NFLOG', title: 'Linux netfilter log', description: 'Linux netfilter log (not decoded)', decoded: false }],
  [276, { name: 'LINUX_SLL2', title: 'Linux cooked capture v2', description: 'Linux cooked capture v2', decoded: true }],
]);

/** Registry name of a link type, or `LINKTYPE_<n>` when it is not in the table. */
export function linkTypeName(linkType: number): string {
  return LINK_TYPES.get(linkType)?.name ?? `LINKTYPE_${linkType}`;
}

/** A link type for people, with its number: `IEEE 802.11 radiotap (127)`, or `link type 147` when unnamed. */
export function linkTypeTitle(linkType: number): string {
  const t = LINK_TYPES.get(linkType);
  return t ? `${t.title} (${linkType})` : `link type ${linkType}`;
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
