/**
 * Named capture scenarios: each is a short, deterministic conversation built with
 * src/synth/craft.ts and written with our own pcap/pcapng writers. The committed
 * files under fixtures/ are exactly `renderScenario(s)` for every entry of
 * `SCENARIOS` (test/synth checks this), so a fixture is regenerated, never edited.
 */
import { PcapngWriter, PcapWriter, type PcapOptions, type PcapngOptions } from '../capture/writer.js';
import {
  Clock, ETH_QINQ, ICMP_ADMIN_PROHIBITED, ICMP_HOST_UNREACH, ICMP_PORT_UNREACH,
  ICMP6_ADMIN_PROHIBITED, ICMP6_PORT_UNREACH, LINKTYPE_ETHERNET, LINKTYPE_RAW, PROTO_ICMP, PROTO_ICMP6,
  PROTO_UDP, TcpSession, frame, icmp6Unreachable, icmpUnreachable, ipPacket, udp,
  type FrameOptions, type TimedPacket,
} from './craft.js';
import { TRUST_SCENARIOS } from './trust-scenarios.js';
import { DEMO_AFTER_SCENARIO } from './after-scenarios.js';
import {
  amqpHeader, dnsAnswer, dnsQuery, httpGet, httpOk, httpPost, opaque, policyFileRequest, policyFileResponse,
  rdpConnectionRequest, sipInvite, sipTrying, smb2Negotiate, smtpEhlo, smtpGreeting, snmpTrap, tdsPrelogin,
  tlsClientHello,
} from './payloads.js';

/** Container a scenario is written in. */
export type ScenarioFormat =
  | { kind: 'pcap'; opts: PcapOptions }
  | { kind: 'pcapng'; opts: PcapngOptions };

/** One named capture. */
export interface Scenario {
  /** Path relative to the repository's fixtures/ directory. */
  path: string;
  /** What the capture shows and what a reader should conclude (one or two sentences). */
  description: string;
  format: ScenarioFormat;
  /** Builds the packets in capture order. */
  build: () => TimedPacket[];
}

const ETHERNET_PCAP: ScenarioFormat = { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET } };

/** Writes a scenario's packets to memory with the scenario's container format. */
export function renderScenario(s: Scenario): Buffer {
  const w = s.format.kind === 'pcap' ? new PcapWriter(s.format.opts) : new PcapngWriter(s.format.opts);
  for (const p of s.build()) w.write(p);
  return w.close();
}

/** Collects stamped packets, advancing a clock between them. */
export class Trace {
  readonly out: TimedPacket[] = [];
  readonly clock: Clock;
  constructor(start: string) {
    this.clock = new Clock(start);
  }
  /** Appends frames, each `gapMs` after the previous one (the first after `gapMs` too). */
  add(gapMs: number, ...frames: Uint8Array[]): this {
    for (const f of frames) {
      this.clock.advance(gapMs);
      this.out.push(this.clock.stamp(f));
    }
    return this;
  }
  /** Appends a frame on a given pcapng interface. */
  addOn(iface: number, gapMs: number, f: Uint8Array): this {
    this.clock.advance(gapMs);
    this.out.push(this.clock.stamp(f, iface));
    return this;
  }
  wait(ms: number): this {
    this.clock.advance(ms);
    return this;
  }
}

/** A full TCP conversation: handshake, request, response, ACKs and a FIN exchange. */
export function fullTcp(t: Trace, s: TcpSession, request: Uint8Array, response?: Uint8Array, rttMs = 0.4): void {
  t.add(rttMs, ...s.handshake());
  t.add(rttMs, s.data('client', request), s.ack('server'));
  if (response) t.add(rttMs * 2, s.data('server', response), s.ack('client'));
  t.add(rttMs * 4, s.fin('client'), s.fin('server'), s.ack('client'));
}

/** A UDP datagram as a full frame. */
export function udpFrame(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, o: FrameOptions = {}): Uint8Array {
  return frame(src, dst, PROTO_UDP, udp({ src, dst, sport, dport, payload }), o);
}

/** The IP packet (no link layer) of a UDP datagram, for ICMP quoting. */
export function udpIp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, o: FrameOptions = {}): Uint8Array {
  return ipPacket(src, dst, PROTO_UDP, udp({ src, dst, sport, dport, payload }), o);
}

/** An ICMPv4 unreachable frame from `reporter` to the sender of `quotedIp`. */
export function icmpFrame(reporter: string, to: string, code: number, quotedIp: Uint8Array): Uint8Array {
  return frame(reporter, to, PROTO_ICMP, icmpUnreachable(code, quotedIp), { ttl: 255 });
}

/** An ICMPv6 unreachable frame from `reporter` to the sender of `quotedIp`. */
export function icmp6Frame(reporter: string, to: string, code: number, quotedIp: Uint8Array): Uint8Array {
  return frame(reporter, to, PROTO_ICMP6, icmp6Unreachable(reporter, to, code, quotedIp), { ttl: 255 });
}

const FLOWS_START = '2026-01-15T08:00:00Z';
const C = '10.1.0.100';
const S = '10.1.0.20';
const C6 = '2001:db8:1::100';
const S6 = '2001:db8:1::20';
const ROUTER = '10.1.0.1';
const ROUTER6 = '2001:db8:1::1';

/** Background DNS exchange, used where a scenario needs the capture to go on after its subject. */
function dnsPair(t: Trace, id: number): void {
  t.add(1, udpFrame(C, '10.1.0.53', 53000 + id, 53, dnsQuery(id, 'wfo.example.com')));
  t.add(0.5, udpFrame('10.1.0.53', C, 53, 53000 + id, dnsAnswer(id, 'wfo.example.com', [10, 10, 0, 10])));
}

/** Flow-outcome scenarios (issue 3), one outcome each, under fixtures/captures/flows/. */
export const FLOW_SCENARIOS: Scenario[] = [
  {
    path: 'captures/flows/handshake-fin.pcap',
    description: 'TCP 10.1.0.100:50001 -> 10.1.0.20:1433: handshake, TDS pre-login each way, FIN both ways: established, ended by fin.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      fullTcp(t, new TcpSession({ client: C, server: S, cport: 50001, sport: 1433 }), tdsPrelogin(), tdsPrelogin());
      return t.out;
    },
  },
  {
    path: 'captures/flows/handshake-rst.pcap',
    description: 'TCP 10.1.0.100:50002 -> 10.1.0.20:445: handshake, SMB2 negotiate, then the server resets: established, ended by reset.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({ client: C, server: S, cport: 50002, sport: 445 });
      t.add(0.4, ...s.handshake());
      t.add(0.4, s.data('client', smb2Negotiate()));
      t.add(1, s.rst('server'));
      return t.out;
    },
  },
  {
    path: 'captures/flows/syn-rst.pcap',
    description: 'TCP 10.1.0.100:50003 -> 10.1.0.20:1433: SYN answered by RST-ACK: rejected (the host refused).',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({ client: C, server: S, cport: 50003, sport: 1433 });
      t.add(0.3, s.syn(), s.rst('server'));
      return t.out;
    },
  },
  {
    path: 'captures/flows/syn-retried-unanswered.pcap',
    description: 'TCP 10.1.0.100:50004 -> 10.1.0.20:445: one SYN retransmitted twice (same ISN, 1 s then 2 s later), never answered: one unanswered attempt. A DNS exchange 20 s later keeps the capture going past the grace period.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({ client: C, server: S, cport: 50004, sport: 445 });
      t.add(1, s.syn()).add(1000, s.syn()).add(2000, s.syn());
      t.wait(20000);
      dnsPair(t, 4);
      return t.out;
    },
  },
  {
    path: 'captures/flows/syn-at-end.pcap',
    description: 'A DNS exchange, then 5 s later a SYN 10.1.0.100:50005 -> 10.1.0.20:1433 as the very last packet: open with no reply (the capture ended), not unanswered.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      dnsPair(t, 5);
      t.wait(5000);
      t.add(0, new TcpSession({ client: C, server: S, cport: 50005, sport: 1433 }).syn());
      return t.out;
    },
  },
  {
    path: 'captures/flows/midstream.pcap',
    description: 'TCP data between 10.1.0.20:1433 and 10.1.0.100:50006 with no SYN; the first packet is the server\'s: partial, client guessed by port (50006 is ephemeral).',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({ client: C, server: S, cport: 50006, sport: 1433 });
      t.add(1, s.data('server', opaque(120, 6)), s.ack('client'));
      t.add(5, s.data('client', opaque(60, 7)), s.data('server', opaque(200, 8)), s.ack('client'));
      return t.out;
    },
  },
  {
    path: 'captures/flows/udp-replied.pcap',
    description: 'UDP 10.1.0.5:5062 -> 10.1.0.20:5060: SIP INVITE answered by 100 Trying: replied.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      t.add(1, udpFrame('10.1.0.5', S, 5062, 5060, sipInvite('10.1.0.5', S, 5062)));
      t.add(2, udpFrame(S, '10.1.0.5', 5060, 5062, sipTrying('10.1.0.5', 5062)));
      return t.out;
    },
  },
  {
    path: 'captures/flows/udp-icmp-port-unreachable.pcap',
    description: 'UDP 10.1.0.100:40001 -> 10.1.0.20:162 (SNMP trap) answered by ICMP port unreachable from 10.1.0.20: unreachable, the host refused.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const ip = udpIp(C, S, 40001, 162, snmpTrap());
      t.add(1, udpFrame(C, S, 40001, 162, snmpTrap()), icmpFrame(S, C, ICMP_PORT_UNREACH, ip));
      return t.out;
    },
  },
  {
    path: 'captures/flows/udp-icmp-admin-prohibited.pcap',
    description: 'UDP 10.1.0.100:40002 -> 10.1.0.20:162 answered by ICMP communication administratively prohibited (code 13) from the firewall 10.1.0.1: unreachable, a firewall blocks it.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const ip = udpIp(C, S, 40002, 162, snmpTrap());
      t.add(1, udpFrame(C, S, 40002, 162, snmpTrap()), icmpFrame(ROUTER, C, ICMP_ADMIN_PROHIBITED, ip));
      return t.out;
    },
  },
  {
    path: 'captures/flows/udp-icmp-host-unreachable.pcap',
    description: 'UDP 10.1.0.100:40003 -> 10.1.9.9:5060 answered by ICMP host unreachable from the router 10.1.0.1: unreachable, routing.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const ip = udpIp(C, '10.1.9.9', 40003, 5060, sipInvite(C, '10.1.9.9', 40003));
      t.add(1, udpFrame(C, '10.1.9.9', 40003, 5060, sipInvite(C, '10.1.9.9', 40003)));
      t.add(3000, icmpFrame(ROUTER, C, ICMP_HOST_UNREACH, ip));
      return t.out;
    },
  },
  {
    path: 'captures/flows/udp-icmp6-port-unreachable.pcap',
    description: 'UDP [2001:db8:1::100]:40004 -> [2001:db8:1::20]:162 answered by ICMPv6 port unreachable (code 4) from the host: unreachable, refused.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const ip = udpIp(C6, S6, 40004, 162, snmpTrap());
      t.add(1, udpFrame(C6, S6, 40004, 162, snmpTrap()), icmp6Frame(S6, C6, ICMP6_PORT_UNREACH, ip));
      return t.out;
    },
  },
  {
    path: 'captures/flows/udp-icmp6-admin-prohibited.pcap',
    description: 'UDP [2001:db8:1::100]:40005 -> [2001:db8:1::20]:162 answered by ICMPv6 administratively prohibited (code 1) from the firewall 2001:db8:1::1: unreachable, a firewall.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const ip = udpIp(C6, S6, 40005, 162, snmpTrap());
      t.add(1, udpFrame(C6, S6, 40005, 162, snmpTrap()), icmp6Frame(ROUTER6, C6, ICMP6_ADMIN_PROHIBITED, ip));
      return t.out;
    },
  },
  {
    path: 'captures/flows/one-sided.pcap',
    description: 'Only the client side of an established TCP 10.1.0.100:50007 -> 10.1.0.20:1433 (SYN, ACK, data, ACKs of server data never seen, FIN): one-sided, not unanswered.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({ client: C, server: S, cport: 50007, sport: 1433 });
      // Build the whole conversation, keep only the client's frames (what a span of one direction shows).
      const all: [boolean, Uint8Array][] = [];
      all.push([true, s.syn()], [false, s.synAck()], [true, s.ack()]);
      all.push([true, s.data('client', tdsPrelogin())], [false, s.data('server', tdsPrelogin())], [true, s.ack()]);
      all.push([true, s.data('client', opaque(300, 9))], [false, s.data('server', opaque(900, 10))], [true, s.ack()]);
      all.push([true, s.fin('client')], [false, s.fin('server')], [true, s.ack()]);
      for (const [fromClient, f] of all) { if (fromClient) t.add(0.5, f); else t.wait(0.5); }
      return t.out;
    },
  },
  {
    path: 'captures/flows/vlan-one-direction.pcap',
    description: 'TCP 10.1.0.100:50008 -> 10.1.0.20:80 where client->server frames carry 802.1Q VLAN 100 and replies are untagged: still one flow (established, fin).',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      fullTcp(t, new TcpSession({ client: C, server: S, cport: 50008, sport: 80, vlansToServer: [100] }),
        httpGet(S), httpOk());
      return t.out;
    },
  },
  {
    path: 'captures/flows/ipv6-ext-headers.pcap',
    description: 'TCP [2001:db8:1::100]:50009 -> [2001:db8:1::20]:443 with Hop-by-Hop, Destination Options and Routing (segments left 0) headers on every packet, and a UDP datagram in an atomic Fragment header: one established TCP flow and one UDP flow.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({
        client: C6, server: S6, cport: 50009, sport: 443,
        ext: [{ type: 0 }, { type: 60, optionBytes: 8 }, { type: 43, routingType: 0, addresses: [] }],
      });
      fullTcp(t, s, tlsClientHello('portal.wfo.example.com'), opaque(400, 11));
      t.add(1, udpFrame(C6, S6, 40009, 5060, sipInvite('10.1.0.100', '10.1.0.20', 40009),
        { ext: [{ type: 44, offset: 0, more: false, id: 0x1234 }] }));
      return t.out;
    },
  },
  {
    path: 'captures/flows/port-reuse.pcap',
    description: 'Two TCP connections on the same 5-tuple 10.1.0.100:50010 -> 10.1.0.20:5672, the second SYN 2 s after the first closed with FIN: two flows, both established and ended by fin.',
    format: ETHERNET_PCAP,
    build: () => {
      const t = new Trace(FLOWS_START);
      fullTcp(t, new TcpSession({ client: C, server: S, cport: 50010, sport: 5672, clientIsn: 1000, serverIsn: 5000 }), amqpHeader(), opaque(64, 12));
      t.wait(2000);
      fullTcp(t, new TcpSession({ client: C, server: S, cport: 50010, sport: 5672, clientIsn: 900000, serverIsn: 700000 }), amqpHeader(), opaque(64, 13));
      return t.out;
    },
  },
];

/** Container-format variants under fixtures/captures/formats/. */
export const FORMAT_SCENARIOS: Scenario[] = [
  {
    path: 'captures/formats/pcap-ns-big-endian.pcap',
    description: 'Classic pcap, nanosecond resolution (magic a1b23c4d), big-endian: a TCP handshake+FIN with sub-microsecond timestamps.',
    format: { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET, nanos: true, bigEndian: true } },
    build: () => {
      const t = new Trace(FLOWS_START);
      fullTcp(t, new TcpSession({ client: C, server: S, cport: 50011, sport: 1433 }), tdsPrelogin(), tdsPrelogin(), 0.0001234);
      // Give every packet a distinct nanosecond remainder, which µs pcap could not hold.
      t.out.forEach((p, i) => { p.tsNsec += 7 * (i + 1); });
      return t.out;
    },
  },
  {
    path: 'captures/formats/pcapng-two-linktypes.pcapng',
    description: 'pcapng with two interfaces: 0 Ethernet (µs), 1 raw IPv4 (LINKTYPE_RAW, ns resolution); one UDP exchange seen on each.',
    format: { kind: 'pcapng', opts: { interfaces: [{ linkType: LINKTYPE_ETHERNET }, { linkType: LINKTYPE_RAW, tsresol: 9 }] } },
    build: () => {
      const t = new Trace(FLOWS_START);
      t.addOn(0, 1, udpFrame(C, S, 40010, 5060, sipInvite(C, S, 40010)));
      t.addOn(1, 1, udpIp('10.2.0.100', '10.2.0.20', 40011, 162, snmpTrap()));
      t.addOn(0, 2, udpFrame(S, C, 5060, 40010, sipTrying(C, 40010)));
      t.addOn(1, 2, udpIp('10.2.0.20', '10.2.0.100', 162, 40011, snmpTrap('public', 2)));
      return t.out;
    },
  },
  {
    path: 'captures/formats/vlan/qinq.pcapng',
    description: 'pcapng, Ethernet with 802.1ad QinQ (outer TPID 0x88a8 S-VLAN 200, inner 802.1Q C-VLAN 100) on both directions of a TCP connection.',
    format: { kind: 'pcapng', opts: { interfaces: [{ linkType: LINKTYPE_ETHERNET }] } },
    build: () => {
      const t = new Trace(FLOWS_START);
      const s = new TcpSession({ client: C, server: S, cport: 50012, sport: 443, vlansToServer: [200, 100], vlansToClient: [200, 100] });
      // Rewrite the outer tag TPID to 802.1ad after building (TcpSession uses 802.1Q for every tag).
      const qinq = (f: Uint8Array): Uint8Array => { f[12] = ETH_QINQ >> 8; f[13] = ETH_QINQ & 0xff; return f; };
      t.add(0.4, ...s.handshake().map(qinq));
      t.add(0.4, qinq(s.data('client', tlsClientHello('qinq.example.com'))), qinq(s.ack('server')));
      t.add(1, qinq(s.fin('client')), qinq(s.fin('server')), qinq(s.ack('client')));
      return t.out;
    },
  },
];

// ---- WFO deployments: the addressing the site files use ----

/** Fixed addressing shared by the site files, the WFO fixtures, the demo and the benchmark. */
export const WFO = {
  wfo: '10.10.0.10',
  cti: '10.10.0.11',
  sql: '10.10.0.20',
  fileServer: '10.10.0.30',
  snmpManager: '10.10.0.40',
  smtpRelay: '10.10.0.41',
  pbx: '10.30.0.5',
  cloud: '207.166.100.20',
  firewall: '10.10.0.1',
  client: (n: number): string => `10.20.${1 + Math.floor(n / 250)}.${5 + (n % 250)}`,
} as const;

/** Which deployment a WFO scenario is written for. */
export type WfoMode = 'premises' | 'hybrid' | 'wfm-v2';

/** Builds the mixed WFO traffic of one deployment mode (see the descriptions on WFO_SCENARIOS). */
export function wfoTrace(mode: WfoMode, start: string): TimedPacket[] {
  const t = new Trace(start);
  const w = WFO;
  const pc1 = w.client(0); // 10.20.1.5
  const pc2 = w.client(1); // 10.20.1.6
  const pc3 = w.client(2);
  let cport = 49700;
  const next = (): number => cport++;
  const sess = (client: string, server: string, sport: number, extra: Partial<ConstructorParameters<typeof TcpSession>[0]> = {}): TcpSession =>
    new TcpSession({ client, server, cport: next(), sport, ...extra });

  if (mode !== 'wfm-v2') {
    // ---- expected: designed ports in the designed direction ----
    fullTcp(t, sess(w.cti, w.sql, 1433), tdsPrelogin(), tdsPrelogin());
    t.wait(200);
    fullTcp(t, sess(w.wfo, w.fileServer, 445), smb2Negotiate(), opaque(200, 21));
    t.wait(200);
    fullTcp(t, sess(pc1, w.wfo, 80), httpGet(w.wfo), httpOk());
    t.wait(200);
    fullTcp(t, sess(pc2, w.wfo, 943), policyFileRequest(), policyFileResponse());
    fullTcp(t, sess(pc2, w.wfo, 4510), policyFileRequest(), opaque(300, 22));
    t.wait(200);
    t.add(1, udpFrame(w.wfo, w.snmpManager, 49999, 162, snmpTrap('public', 7)));
    t.add(5, udpFrame(w.pbx, w.cti, 5060, 5060, sipInvite(w.pbx, w.cti, 5060)));
    t.add(3, udpFrame(w.cti, w.pbx, 5060, 5060, sipTrying(w.pbx, 5060)));
    fullTcp(t, sess(w.cti, w.wfo, 5672), amqpHeader(), opaque(500, 23));
    {
      const s = sess(w.wfo, w.smtpRelay, 25);
      t.add(0.4, ...s.handshake());
      t.add(5, s.data('server', smtpGreeting()), s.data('client', smtpEhlo()));
      t.add(1, s.fin('client'), s.fin('server'), s.ack('client'));
    }
    t.wait(500);

    // ---- blocked ----
    {
      // Archiver -> file server 445: SYN retried, never answered (dropped by a firewall).
      const s = sess(w.wfo, w.fileServer, 445);
      t.add(1, s.syn()).add(1000, s.syn()).add(2000, s.syn());
    }
    {
      // CTI core -> SQL 1433 refused with RST (SQL not listening / host firewall reject).
      const s = sess(w.cti, w.sql, 1433);
      t.add(2, s.syn(), s.rst('server'));
    }
    {
      // Logger -> SNMP manager 162/udp blocked by a firewall (ICMP admin prohibited).
      const p = snmpTrap('public', 8);
      t.add(10, udpFrame(w.wfo, w.snmpManager, 50000, 162, p));
      t.add(0.6, icmpFrame(w.firewall, w.wfo, ICMP_ADMIN_PROHIBITED, udpIp(w.wfo, w.snmpManager, 50000, 162, p)));
    }
    {
      // PBX -> CTI core 5060/udp: port unreachable (the SIP listener is not running).
      const p = sipInvite(w.pbx, w.wfo, 5062);
      t.add(10, udpFrame(w.pbx, w.wfo, 5062, 5060, p));
      t.add(0.3, icmpFrame(w.wfo, w.pbx, ICMP_PORT_UNREACH, udpIp(w.pbx, w.wfo, 5062, 5060, p)));
    }
    // Well past the unanswered-SYN grace period, so the capture can vouch that no reply came.
    t.wait(5000);

    // ---- wrong direction ----
    fullTcp(t, sess(w.sql, w.wfo, 1433), tdsPrelogin(), tdsPrelogin());
    fullTcp(t, sess(w.wfo, pc3, 2007), opaque(80, 24), opaque(40, 25));
    t.wait(500);

    // ---- unexpected ----
    fullTcp(t, sess(w.wfo, w.sql, 3389), rdpConnectionRequest(), opaque(19, 26));
    fullTcp(t, sess(pc1, w.wfo, 50817), opaque(64, 27), opaque(64, 28)); // Info Broker port, from a client PC
    t.wait(500);
  } else {
    // wfm-v2: only 80/443 to the one WFO server are designed.
    fullTcp(t, sess(pc1, w.wfo, 80), httpGet(w.wfo, '/WFM/Workstation/'), httpOk());
    fullTcp(t, sess(pc2, w.wfo, 443), tlsClientHello('wfm.example.com'), opaque(1200, 31));
    t.wait(500);
    {
      const s = sess(pc3, w.wfo, 443);
      t.add(1, s.syn()).add(1000, s.syn()).add(2000, s.syn());
    }
    {
      const s = sess(pc1, w.wfo, 80);
      t.add(2, s.syn(), s.rst('server'));
    }
    t.wait(5000);
    fullTcp(t, sess(w.wfo, pc2, 80), httpGet(pc2), httpOk()); // wrong direction: the server opens a PC's web port
    fullTcp(t, sess(w.wfo, w.sql, 3389), rdpConnectionRequest(), opaque(19, 26)); // unexpected
    fullTcp(t, sess(pc1, w.wfo, 4510), policyFileRequest(), opaque(60, 32)); // a premises port, not designed here
    t.wait(500);
  }

  // ---- ignored: client to client ----
  fullTcp(t, new TcpSession({ client: pc1, server: pc2, cport: 49600, sport: 139 }), opaque(72, 29), opaque(40, 30));

  // ---- protocol mismatch: TLS on the web portal's plain-HTTP port ----
  fullTcp(t, sess(pc2, w.wfo, 80), tlsClientHello('portal.wfo.example.com'), opaque(90, 33));

  if (mode === 'hybrid') {
    // Connection pooling (seed: 2010 "open on server and firewall" on the PREMISES server):
    // the cloud keeps pooled connections to 10.10.0.10:2010, one left open at the end.
    for (let i = 0; i < 2; i++) {
      fullTcp(t, new TcpSession({ client: w.cloud, server: w.wfo, cport: 40100 + i, sport: 2010 }),
        httpPost('10.10.0.10:2010', '/pool/keepalive', '{"site":"demo"}'), httpOk('{"ok":true}'), 15);
    }
    {
      const s = new TcpSession({ client: w.cloud, server: w.wfo, cport: 40102, sport: 2010 });
      t.add(15, ...s.handshake());
      t.add(15, s.data('client', httpPost('10.10.0.10:2010', '/pool/open', '{}')), s.data('server', httpOk('{}')), s.ack('client'));
    }
    // And the premises server opening the cloud's 2010 itself: the other direction.
    fullTcp(t, sess(w.wfo, w.cloud, 2010), httpPost('207.166.100.20:2010', '/pool/keepalive', '{"site":"demo"}'), httpOk('{"ok":true}'), 15);
  }
  return t.out;
}

/** WFO deployment captures for the three site files, under fixtures/captures/wfo/. */
export const WFO_SCENARIOS: Scenario[] = (['premises', 'hybrid', 'wfm-v2'] as const).map((mode) => ({
  path: `captures/wfo/${mode}.pcap`,
  description: mode === 'wfm-v2'
    ? 'WFM v2-only site: client PCs on 80/443 to 10.10.0.10 (expected), a retried SYN to 443 and a refused 80 (blocked), the server opening a PC\'s port 80 (wrong direction), RDP to SQL and a premises-only port 4510 (unexpected), PC-to-PC 139 (ignored), TLS on port 80 (protocol mismatch).'
    : `${mode === 'hybrid' ? 'Hybrid' : 'Premises'} site: CTI core->SQL 1433 (TDS), archiver->file server 445 (SMB2), PC->portal 80 (HTTP), PC->943/4510 (policy file), logger->SNMP 162/udp, PBX->5060/udp SIP, RabbitMQ 5672 (AMQP), SMTP 25 (expected); SYN unanswered to 445, RST on 1433, 162/udp ICMP admin-prohibited, 5060/udp ICMP port unreachable (blocked); SQL opening 10.10.0.10:1433 and the server opening a PC's 2007 (wrong direction); RDP 3389 and a PC on the Info Broker port 50817 (unexpected); PC-to-PC 139 (ignored); TLS on port 80 (protocol mismatch)${mode === 'hybrid' ? '; connection pooling 207.166.100.20 -> 10.10.0.10:2010 (two closed, one open at the end) and 10.10.0.10 -> 207.166.100.20:2010 (the other direction)' : ''}.`,
  format: ETHERNET_PCAP,
  build: () => wfoTrace(mode, '2026-01-15T08:30:00Z'),
}));

/**
 * The reasons capture, for fixtures/sites/reasons.yaml (premises; only the
 * speech-analytics and on-demand modules; rule service-manager.in.1024 disabled;
 * cti-core pinned to 10.10.0.11; DNS to 10.10.0.2 allowed). One flow per reason
 * the three deployment captures do not show, in this order: a designed portal
 * flow (expected); DNS from the WFO server (allowed); a portal connection seen
 * from the PC side only (expected-one-sided); an SNMP trap answered by ICMP host
 * unreachable (blocked-unreachable); the cloud opening 2010 (cloud-not-in-mode);
 * a PC on desktop analytics' 5634 (module-not-enabled); the Service Manager's
 * 1024 (rule-disabled); CTI Core's 6620 on 10.10.0.10 (pinned-elsewhere); the
 * WFO server opening the Info Broker port on the SQL server (wrong-host); TDS on
 * 14330 (off-design-protocol); and, as the very last packet, a PC's SYN to 4510
 * (unverifiable).
 */
export function reasonsTrace(start: string): TimedPacket[] {
  const t = new Trace(start);
  const w = WFO;
  const pc = (n: number): string => w.client(20 + n);
  let cport = 49800;
  const sess = (client: string, server: string, sport: number): TcpSession =>
    new TcpSession({ client, server, cport: cport++, sport });

  // expected: a PC on the web portal.
  fullTcp(t, sess(pc(0), w.wfo, 80), httpGet(w.wfo), httpOk());
  t.wait(200);
  // allowed: the WFO server's DNS lookup (allow entry "dns").
  t.add(1, udpFrame(w.wfo, '10.10.0.2', 50053, 53, dnsQuery(21, 'sql.wfo.example.com')));
  t.add(0.5, udpFrame('10.10.0.2', w.wfo, 53, 50053, dnsAnswer(21, 'sql.wfo.example.com', [10, 10, 0, 20])));
  t.wait(200);
  {
    // expected-one-sided: only the PC's frames of a portal connection; its ACKs cover server data never seen.
    const s = sess(pc(1), w.wfo, 80);
    const all: [boolean, Uint8Array][] = [];
    all.push([true, s.syn()], [false, s.synAck()], [true, s.ack()]);
    all.push([true, s.data('client', httpGet(w.wfo, '/WFO/'))], [false, s.data('server', httpOk())], [true, s.ack()]);
    all.push([true, s.fin('client')], [false, s.fin('server')], [true, s.ack()]);
    for (const [fromClient, f] of all) { if (fromClient) t.add(0.5, f); else t.wait(0.5); }
  }
  t.wait(200);
  {
    // blocked-unreachable: the Logger's trap to the SNMP manager, which the firewall cannot route.
    const p = snmpTrap('public', 9);
    t.add(1, udpFrame(w.wfo, w.snmpManager, 50001, 162, p));
    t.add(0.6, icmpFrame(w.firewall, w.wfo, ICMP_HOST_UNREACH, udpIp(w.wfo, w.snmpManager, 50001, 162, p)));
  }
  t.wait(200);
  // cloud-not-in-mode: the cloud opening connection pooling on a premises-only site.
  fullTcp(t, new TcpSession({ client: w.cloud, server: w.wfo, cport: 40200, sport: 2010 }),
    httpPost('10.10.0.10:2010', '/pool/keepalive', '{"site":"reasons"}'), httpOk('{"ok":true}'), 15);
  // module-not-enabled: a PC on desktop analytics' port; the module is not in `modules:`.
  fullTcp(t, sess(pc(2), w.wfo, 5634), opaque(96, 60), opaque(48, 61));
  // rule-disabled: the CTI server on the Service Manager port, whose rule the site file turns off.
  fullTcp(t, sess(w.cti, w.wfo, 1024), opaque(64, 62), opaque(32, 63));
  // pinned-elsewhere: CTI Core's 6620 answered by 10.10.0.10, but cti-core is pinned to 10.10.0.11.
  fullTcp(t, sess(pc(3), w.wfo, 6620), opaque(80, 64), opaque(40, 65));
  // wrong-host: the WFO server opening the Info Broker port on the SQL server.
  fullTcp(t, sess(w.wfo, w.sql, 50817), opaque(64, 66), opaque(64, 67));
  // off-design-protocol: SQL Server (TDS) on 14330, a port no rule designs.
  fullTcp(t, sess(w.wfo, w.sql, 14330), tdsPrelogin(), tdsPrelogin());
  // inconclusive-one-way: the PBX's SIP INVITE to CTI Core's 5060/udp, no reply and no ICMP error.
  t.add(1, udpFrame(w.pbx, w.cti, 5064, 5060, sipInvite(w.pbx, w.cti, 5064)));
  t.wait(500);
  // inconclusive-input-ended: the very last packet is a PC's single SYN to 4510; the capture ends before any reply could come.
  t.add(1, sess(pc(4), w.wfo, 4510).syn());
  return t.out;
}

/** The reasons capture (fixtures/captures/wfo/reasons.pcap); see reasonsTrace. */
export const WFO_REASONS_SCENARIO: Scenario = {
  path: 'captures/wfo/reasons.pcap',
  description: 'Premises site with only some modules, a disabled rule, a pin and an allow entry (fixtures/sites/reasons.yaml): PC->portal 80 (expected), DNS to 10.10.0.2 (allowed), a portal connection seen one way (expected, one-sided), 162/udp ICMP host unreachable (blocked, unreachable), cloud->2010 (cloud not in mode), PC->5634 (module not enabled), 10.10.0.11->1024 (rule disabled), PC->10.10.0.10:6620 (cti-core pinned elsewhere), 10.10.0.10->SQL:50817 (wrong host), TDS on 14330 (off-design protocol), a SIP INVITE to CTI Core with no reply (inconclusive, one-way), a final single SYN to 4510 (inconclusive, the input ended).',
  format: ETHERNET_PCAP,
  build: () => reasonsTrace('2026-01-15T10:00:00Z'),
};

/** The bundled demo capture (fixtures/demo/demo.pcap); see demoTrace. */
export const DEMO_SCENARIO: Scenario = {
  path: 'demo/demo.pcap',
  description: 'The README demo: a premises WFO site at 09:00 UTC on 2026-01-15 showing every verdict kind (inconclusive: a PC\'s single SYN to 4510 as the last packet) and a protocol mismatch.',
  format: ETHERNET_PCAP,
  build: () => demoTrace(),
};

/**
 * The demo, for the premises site of fixtures/demo/site.yaml: the premises
 * scenario's story, a few more client PCs using the portal, the players and the
 * logger (so "expected" has some volume), a PC that cannot reach the
 * screen-recording port, and the WFO server talking to the inContact cloud on
 * 2010, which a premises-only design does not allow.
 */
export function demoTrace(): TimedPacket[] {
  const out = wfoTrace('premises', '2026-01-15T09:00:00Z');
  const last = out[out.length - 1]!;
  const t = new Trace('2026-01-15T09:00:00Z');
  t.clock.us = last.tsSec * 1e6 + last.tsNsec / 1000;
  for (let i = 3; i < 9; i++) {
    const pc = WFO.client(i);
    t.wait(700);
    fullTcp(t, new TcpSession({ client: pc, server: WFO.wfo, cport: 51000 + i, sport: 80 }), httpGet(WFO.wfo), httpOk());
    if (i % 2 === 0) fullTcp(t, new TcpSession({ client: pc, server: WFO.wfo, cport: 52000 + i, sport: 4510 }), policyFileRequest(), opaque(200, 40 + i));
    if (i % 3 === 0) fullTcp(t, new TcpSession({ client: pc, server: WFO.wfo, cport: 53000 + i, sport: 5638 }), opaque(120, 50 + i));
  }
  // The premises server reaching the cloud's connection-pooling port: fine for hybrid, not here.
  t.wait(500);
  fullTcp(t, new TcpSession({ client: WFO.wfo, server: WFO.cloud, cport: 55001, sport: 2010 }),
    httpPost('207.166.100.20:2010', '/pool/keepalive', '{"site":"demo"}'), httpOk('{"ok":true}'), 15);
  // A client PC that cannot reach the screen-recording port (blocked, unanswered).
  {
    const s = new TcpSession({ client: WFO.client(9), server: WFO.wfo, cport: 54009, sport: 5633 });
    t.wait(300);
    t.add(1, s.syn()).add(1000, s.syn()).add(2000, s.syn());
  }
  t.wait(6000);
  fullTcp(t, new TcpSession({ client: WFO.client(10), server: WFO.wfo, cport: 51010, sport: 80 }), httpGet(WFO.wfo), httpOk());
  // A PC's single SYN to the player port as the very last packet: too soon to tell (inconclusive).
  t.add(500, new TcpSession({ client: WFO.client(11), server: WFO.wfo, cport: 51011, sport: 4510 }).syn());
  return [...out, ...t.out];
}

/** Every committed scenario, in the order make-fixtures writes them. */
export const SCENARIOS: Scenario[] = [
  ...FLOW_SCENARIOS, ...FORMAT_SCENARIOS, ...WFO_SCENARIOS, WFO_REASONS_SCENARIO, DEMO_SCENARIO, DEMO_AFTER_SCENARIO, ...TRUST_SCENARIOS,
];
