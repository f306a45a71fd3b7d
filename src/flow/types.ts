/**
 * What the flow table hands downstream: one record per flow (per TCP connection,
 * per UDP/ICMP conversation). Classification and reports only ever see these,
 * so they do not care whether a flow came from a pcap, a live interface or, later,
 * flow records (IPFIX, Zeek conn.log).
 */

/** Transport of a flow. */
export type FlowProto = 'tcp' | 'udp' | 'icmp' | 'icmp6';

/**
 * How a flow's opening went. Defined once here; docs/flows.md is checked against it.
 * TCP:
 *  - established  SYN, SYN-ACK and ACK seen (or SYN + SYN-ACK and data)
 *  - rejected     the SYN was answered by RST (no SYN-ACK)
 *  - unanswered   SYN(s) with no reply at all (retransmitted SYNs are one attempt)
 *  - no-reply-yet SYN with no reply inside the grace period before the capture ended
 *  - one-sided    only one direction visible, but ACKs prove the other side sent data we did not see
 *  - partial      no handshake seen (capture started mid-connection)
 *  - unknown      the source gave no evidence of the outcome (flow records without TCP flags)
 * UDP:
 *  - replied      datagrams seen both ways
 *  - one-way      datagrams seen one way only, no ICMP error
 *  - unreachable  an ICMP/ICMPv6 destination-unreachable quoted it
 * ICMP (non-error messages, e.g. echo):
 *  - replied / one-way
 */
export type FlowOutcome =
  | 'established' | 'rejected' | 'unanswered' | 'no-reply-yet' | 'one-sided' | 'partial'
  | 'replied' | 'one-way' | 'unreachable' | 'unknown';

/** All outcome values, in documentation order. */
export const FLOW_OUTCOMES: readonly FlowOutcome[] = [
  'established', 'rejected', 'unanswered', 'no-reply-yet', 'one-sided', 'partial',
  'replied', 'one-way', 'unreachable', 'unknown',
];

/**
 * How the flow ended:
 *  - fin      FIN seen from both sides (or FIN then idle timeout after FIN)
 *  - reset    a RST ended it
 *  - open     still open when the input ended
 *  - timeout  idle longer than the timeout
 *  - evicted  pushed out because the table was full
 */
export type FlowEnd = 'fin' | 'reset' | 'open' | 'timeout' | 'evicted';

/** All end values, in documentation order. */
export const FLOW_ENDS: readonly FlowEnd[] = ['fin', 'reset', 'open', 'timeout', 'evicted'];

/** An ICMP/ICMPv6 error that quoted this flow. */
export interface IcmpErrorSeen {
  /** 4 for ICMP, 6 for ICMPv6. */
  family: 4 | 6;
  type: number;
  code: number;
  /** Address that sent the error (router, firewall or the host itself), RFC 5952 for IPv6. */
  from: string;
  count: number;
}

/** Per-direction counters. */
export interface DirCounts {
  client: number;
  server: number;
}

/** One flow, as emitted by the flow table when it ends (or as a periodic update while live). */
export interface FlowRecord {
  /** Sequential id in order of the flow's first packet (stable for the same input). */
  id: number;
  proto: FlowProto;
  family: 4 | 6;
  /** Addresses as text (IPv4 dotted quad; IPv6 RFC 5952). */
  clientIp: string;
  serverIp: string;
  /** Addresses as words: IPv4 one uint32, IPv6 four big-endian uint32. For CIDR matching without parsing. */
  clientWords: readonly number[];
  serverWords: readonly number[];
  /** 0 for ICMP flows. */
  clientPort: number;
  serverPort: number;
  outcome: FlowOutcome;
  end: FlowEnd;
  /** true when no SYN (TCP) told who started and the direction was decided by ports. */
  guessed: boolean;
  packets: DirCounts;
  /** Original on-wire bytes (frame length, as tshark counts). */
  bytes: DirCounts;
  /** Capture time of first and last packet, seconds since the epoch. */
  first: number;
  last: number;
  /** Zeek-style history letters (client upper case, server lower case): S h A D F R, plus ^ when guessed. */
  history: string;
  /** OR of TCP flags seen from each side. */
  flags: DirCounts;
  /** First payload bytes (up to 64) of each direction's first data packet, or null. */
  payloadClient: Uint8Array | null;
  payloadServer: Uint8Array | null;
  icmpErrors: readonly IcmpErrorSeen[];
  /** Distinct VLAN ids seen on the flow's packets (outer tag), ascending (one shared frozen array when none). */
  vlans: readonly number[];
  /** Index into the report's `inputs` of the input that delivered the first packet. */
  input: number;
  /** true when ACKs prove the capture missed data of one side. */
  oneSided: boolean;
  /** Bytes acknowledged by a side whose peer's data was never seen (capture-loss estimate numerator). */
  ackedUnseen: number;
  /** Bytes acknowledged in total (capture-loss estimate denominator). */
  acked: number;
  /** false while the flow is still live (periodic update); true when final. */
  final: boolean;
  /** Flow records only: a firewall's deny event for this connection (NSEL); it makes the flow blocked. */
  denied?: FirewallDenial;
  /** Flow records only: the exporter's packet sampling interval when greater than 1 (counts are scaled). */
  sampling?: number;
  /**
   * Flow records from exporters only: the exporters (and domains) that sent this flow's records, each as
   * sourceName() writes a `sources[]` row. Otherwise the flow came from its input (`inputs[input].path`).
   */
  sources?: readonly string[];
}

/** A firewall's deny event as a flow record carries it (Cisco NSEL firewallEvent 3, IE 233 / 40005). */
export interface FirewallDenial {
  /** What the extended event says: `ingress ACL`, `egress ACL`, `interface`, `first packet not SYN`, or `denied`. */
  event: string;
  /** The ACL id(s) the record names (IE 33000/33001 as hex), or null. */
  acl: string | null;
  /** Who said so: the exporter's address. */
  exporter: string;
}

/** Flow-table level numbers that go into every report. */
export interface FlowStats {
  /** Flows created. */
  flows: number;
  /** Flows evicted because the table was full. */
  evicted: number;
  /** Flows still live at the moment of the snapshot. */
  live: number;
  /** Share of TCP flows (0..1) in which only one direction was seen; null when no TCP flow. */
  oneSidedShare: number | null;
  /** Share of TCP flows (0..1) in which both directions were seen; null when no TCP flow. */
  bothWaysShare: number | null;
  /** ACKed-but-unseen bytes / acknowledged bytes over all TCP flows; null when nothing was acknowledged. */
  lossEstimate: number | null;
  /** ICMP errors whose quoted packet matched no flow. */
  icmpUnmatched: number;
  /** Later IP fragments whose first fragment was not seen (or is too old), so no flow got them. */
  fragmentsUnmatched?: number;
  /** Destination-unreachable errors whose quote a short snap length cut and that no flow could be tied to. */
  icmpQuoteCut?: number;
  /** The largest captured length among those errors (the snap length to name in the warning). */
  quoteCutCaplen?: number;
}
