/**
 * The information elements wfo-audit reads from NetFlow v9 (RFC 3954 §8) and IPFIX
 * (RFC 7011, IANA "IPFIX Information Elements") data records, and one reusable record
 * of their values. A template is compiled once (templates.ts) into a list of
 * (field, length) pairs; a data record is read by one loop over it into `RecordValues`.
 *
 * Field codes: an IANA element id as it is (v9 uses the same numbers for these, plus
 * Cisco's 33000-33002 and 40005 for NSEL); an RFC 5103 reverse element (enterprise
 * 29305) is REVERSE + its forward id. Elements of other enterprises are skipped.
 */

/** Added to the id of an RFC 5103 reverse element (PEN 29305). */
export const REVERSE = 0x10000;
/** The reverse-element Private Enterprise Number of RFC 5103 §6.1. */
export const REVERSE_PEN = 29305;

/** The elements read (IANA ids; v9 field types share them). */
export const IE = {
  octetDeltaCount: 1, packetDeltaCount: 2, protocolIdentifier: 4, tcpControlBits: 6,
  sourceTransportPort: 7, sourceIPv4Address: 8, destinationTransportPort: 11, destinationIPv4Address: 12,
  flowEndSysUpTime: 21, flowStartSysUpTime: 22, sourceIPv6Address: 27, destinationIPv6Address: 28,
  icmpTypeCodeIPv4: 32, samplingInterval: 34, samplingAlgorithm: 35, vlanId: 58, postVlanId: 59,
  octetTotalCount: 85, packetTotalCount: 86, flowEndReason: 136, icmpTypeCodeIPv6: 139, flowId: 148,
  flowStartSeconds: 150, flowEndSeconds: 151, flowStartMilliseconds: 152, flowEndMilliseconds: 153,
  flowStartMicroseconds: 154, flowEndMicroseconds: 155, flowStartNanoseconds: 156, flowEndNanoseconds: 157,
  flowStartDeltaMicroseconds: 158, flowEndDeltaMicroseconds: 159, systemInitTimeMilliseconds: 160,
  icmpTypeIPv4: 176, icmpCodeIPv4: 177, icmpTypeIPv6: 178, icmpCodeIPv6: 179,
  initiatorOctets: 231, responderOctets: 232, firewallEvent: 233, biflowDirection: 239, dot1qVlanId: 243,
  initiatorPackets: 298, responderPackets: 299, samplingPacketInterval: 305, observationTimeMilliseconds: 323,
  /** Cisco NSEL (NetFlow v9 and IPFIX from an ASA). */
  ingressAclId: 33000, egressAclId: 33001, fwExtendedEvent: 33002, fwEventCisco: 40005,
} as const;

/** flowEndReason (IE 136) 2: the exporter's active timeout split a long flow (RFC 5102 §5.11.3). */
export const END_ACTIVE_TIMEOUT = 2;

/** NSEL firewallEvent values (IE 233): 1 created, 2 deleted, 3 denied, 4 alert, 5 update. */
export const FW_DENIED = 3;
export const FW_DELETED = 2;

/** What the extended firewall event (IE 33002) of a deny says. */
export function extendedEventText(x: number): string {
  switch (x) {
    case 1001: return 'ingress ACL';
    case 1002: return 'egress ACL';
    case 1003: return 'interface';
    case 1004: return 'first packet not SYN';
    default: return x > 0 ? `event ${x}` : 'denied';
  }
}

/** The values of one data record; NaN (or -1 for addresses) where the template had no such field. */
export class RecordValues {
  proto = NaN;
  src4 = -1;
  dst4 = -1;
  src6: number[] | null = null;
  dst6: number[] | null = null;
  sport = NaN;
  dport = NaN;
  pkts = NaN;
  bytes = NaN;
  rpkts = NaN;
  rbytes = NaN;
  flags = NaN;
  rflags = NaN;
  /** Absolute times, ms since the epoch. */
  startMs = NaN;
  endMs = NaN;
  /** sysUpTime-relative times, ms (NetFlow v9 21/22, IPFIX with systemInitTimeMilliseconds). */
  startUp = NaN;
  endUp = NaN;
  /** Microseconds before the export time (IPFIX 158/159). */
  startDeltaUs = NaN;
  endDeltaUs = NaN;
  sysInitMs = NaN;
  icmpTypeCode = NaN;
  icmpType = NaN;
  icmpCode = NaN;
  endReason = NaN;
  direction = NaN;
  vlan = NaN;
  postVlan = NaN;
  fwEvent = NaN;
  fwExt = NaN;
  inAcl: string | null = null;
  outAcl: string | null = null;
  initOctets = NaN;
  respOctets = NaN;
  initPkts = NaN;
  respPkts = NaN;
  obsMs = NaN;
  flowId = NaN;
  samplingInterval = NaN;
  /** Some reverse (RFC 5103) element was present: the record is a biflow. */
  reverse = false;

  /** Back to empty, for the next record. */
  reset(): void {
    this.proto = this.sport = this.dport = this.pkts = this.bytes = this.rpkts = this.rbytes = NaN;
    this.flags = this.rflags = this.startMs = this.endMs = this.startUp = this.endUp = NaN;
    this.startDeltaUs = this.endDeltaUs = this.sysInitMs = this.icmpTypeCode = this.icmpType = this.icmpCode = NaN;
    this.endReason = this.direction = this.vlan = this.postVlan = this.fwEvent = this.fwExt = NaN;
    this.initOctets = this.respOctets = this.initPkts = this.respPkts = this.obsMs = this.flowId = this.samplingInterval = NaN;
    this.src4 = this.dst4 = -1;
    this.src6 = this.dst6 = null;
    this.inAcl = this.outAcl = null;
    this.reverse = false;
  }
}

/** An unsigned big-endian integer of 1 to 8 bytes (reduced-size encoding, RFC 7011 §6.2); above 2^53 it is rounded. */
export function readUnsigned(b: Uint8Array, off: number, len: number): number {
  if (len === 4) return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
  if (len === 2) return (b[off]! << 8) | b[off + 1]!;
  if (len === 1) return b[off]!;
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + b[off + i]!;
  return v;
}

/** Seconds between the NTP era 0 epoch (1900) and the Unix epoch. */
const NTP_UNIX = 2208988800;

/** An NTP 64-bit timestamp (RFC 7011 §6.1.9, dateTimeMicroseconds/Nanoseconds) as ms since the Unix epoch. */
function ntpMs(b: Uint8Array, off: number): number {
  const sec = readUnsigned(b, off, 4), frac = readUnsigned(b, off + 4, 4);
  return (sec - NTP_UNIX) * 1000 + (frac / 4294967296) * 1000;
}

function words6(b: Uint8Array, off: number): number[] {
  return [readUnsigned(b, off, 4), readUnsigned(b, off + 4, 4), readUnsigned(b, off + 8, 4), readUnsigned(b, off + 12, 4)];
}

function hex(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += b[off + i]!.toString(16).padStart(2, '0');
  return s;
}

/** Whether a field code is one this module reads (others are skipped by length). */
export function isKnownField(code: number): boolean {
  return KNOWN.has(code);
}

const KNOWN = new Set<number>([
  ...Object.values(IE),
  REVERSE + IE.octetDeltaCount, REVERSE + IE.packetDeltaCount, REVERSE + IE.tcpControlBits,
  REVERSE + IE.octetTotalCount, REVERSE + IE.packetTotalCount,
]);

/**
 * Stores one field's value into `v`. `code` is the field code (see the module comment),
 * `len` its length in this record (fixed, or the variable length read before it).
 */
export function storeField(v: RecordValues, code: number, b: Uint8Array, off: number, len: number): void {
  switch (code) {
    case IE.protocolIdentifier: v.proto = readUnsigned(b, off, len); break;
    case IE.sourceIPv4Address: if (len === 4) v.src4 = readUnsigned(b, off, len); break;
    case IE.destinationIPv4Address: if (len === 4) v.dst4 = readUnsigned(b, off, len); break;
    case IE.sourceIPv6Address: if (len === 16) v.src6 = words6(b, off); break;
    case IE.destinationIPv6Address: if (len === 16) v.dst6 = words6(b, off); break;
    case IE.sourceTransportPort: v.sport = readUnsigned(b, off, len); break;
    case IE.destinationTransportPort: v.dport = readUnsigned(b, off, len); break;
    case IE.packetDeltaCount: case IE.packetTotalCount: v.pkts = readUnsigned(b, off, len); break;
    case IE.octetDeltaCount: case IE.octetTotalCount: v.bytes = readUnsigned(b, off, len); break;
    case IE.initiatorPackets: v.initPkts = readUnsigned(b, off, len); break;
    case IE.responderPackets: v.respPkts = readUnsigned(b, off, len); break;
    case IE.initiatorOctets: v.initOctets = readUnsigned(b, off, len); break;
    case IE.responderOctets: v.respOctets = readUnsigned(b, off, len); break;
    // tcpControlBits is 2 bytes in IPFIX (RFC 7125), 1 in v9 and reduced-size IPFIX: the low byte holds the flags.
    case IE.tcpControlBits: v.flags = readUnsigned(b, off, len) & 0xff; break;
    case IE.flowStartSeconds: v.startMs = readUnsigned(b, off, len) * 1000; break;
    case IE.flowEndSeconds: v.endMs = readUnsigned(b, off, len) * 1000; break;
    case IE.flowStartMilliseconds: v.startMs = readUnsigned(b, off, len); break;
    case IE.flowEndMilliseconds: v.endMs = readUnsigned(b, off, len); break;
    case IE.flowStartMicroseconds: case IE.flowStartNanoseconds: if (len === 8) v.startMs = ntpMs(b, off); break;
    case IE.flowEndMicroseconds: case IE.flowEndNanoseconds: if (len === 8) v.endMs = ntpMs(b, off); break;
    case IE.flowStartDeltaMicroseconds: v.startDeltaUs = readUnsigned(b, off, len); break;
    case IE.flowEndDeltaMicroseconds: v.endDeltaUs = readUnsigned(b, off, len); break;
    case IE.flowStartSysUpTime: v.startUp = readUnsigned(b, off, len); break;
    case IE.flowEndSysUpTime: v.endUp = readUnsigned(b, off, len); break;
    case IE.systemInitTimeMilliseconds: v.sysInitMs = readUnsigned(b, off, len); break;
    case IE.observationTimeMilliseconds: v.obsMs = readUnsigned(b, off, len); break;
    case IE.icmpTypeCodeIPv4: case IE.icmpTypeCodeIPv6: v.icmpTypeCode = readUnsigned(b, off, len); break;
    case IE.icmpTypeIPv4: case IE.icmpTypeIPv6: v.icmpType = readUnsigned(b, off, len); break;
    case IE.icmpCodeIPv4: case IE.icmpCodeIPv6: v.icmpCode = readUnsigned(b, off, len); break;
    case IE.flowEndReason: v.endReason = readUnsigned(b, off, len); break;
    case IE.biflowDirection: v.direction = readUnsigned(b, off, len); break;
    case IE.vlanId: case IE.dot1qVlanId: v.vlan = readUnsigned(b, off, len) & 0xfff; break;
    case IE.postVlanId: v.postVlan = readUnsigned(b, off, len) & 0xfff; break;
    case IE.firewallEvent: case IE.fwEventCisco: v.fwEvent = readUnsigned(b, off, len); break;
    case IE.fwExtendedEvent: v.fwExt = readUnsigned(b, off, len); break;
    case IE.ingressAclId: v.inAcl = hex(b, off, len); break;
    case IE.egressAclId: v.outAcl = hex(b, off, len); break;
    case IE.flowId: v.flowId = readUnsigned(b, off, len); break;
    case IE.samplingInterval: case IE.samplingPacketInterval: v.samplingInterval = readUnsigned(b, off, len); break;
    case REVERSE + IE.packetDeltaCount: case REVERSE + IE.packetTotalCount: v.rpkts = readUnsigned(b, off, len); v.reverse = true; break;
    case REVERSE + IE.octetDeltaCount: case REVERSE + IE.octetTotalCount: v.rbytes = readUnsigned(b, off, len); v.reverse = true; break;
    case REVERSE + IE.tcpControlBits: v.rflags = readUnsigned(b, off, len) & 0xff; v.reverse = true; break;
    default: break;
  }
}
