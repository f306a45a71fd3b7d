/**
 * Scenarios of the trust semantics (issue 10) and of designed connections (issue 11),
 * under fixtures/captures/trust/ and fixtures/captures/connections/: each shows one case
 * where a report used to claim more than the data proves. Built like scenarios.ts (its
 * helpers are used only inside build(), so the two modules may import each other).
 */
import {
  ICMP_PORT_UNREACH, ICMP6_PORT_UNREACH, LINKTYPE_ETHERNET, TcpSession, type TimedPacket,
} from './craft.js';
import { dnsAnswer, dnsQuery, opaque, sipInvite, snmpTrap, tdsPrelogin } from './payloads.js';
import {
  fullTcp, icmp6Frame, icmpFrame, Trace, udpFrame, udpIp, WFO, type Scenario,
} from './scenarios.js';

const START = '2026-01-15T10:00:00Z';
/** IPv6 addresses of fixtures/sites/trust.yaml (the premises site with an IPv6 side). */
export const WFO6 = { wfo: '2001:db8:10::10', snmpManager: '2001:db8:10::40', pbx: '2001:db8:30::5' } as const;

/** A working SQL connection from the WFO server: something the capture can judge besides the case. */
function sqlOk(t: Trace, cport: number): void {
  fullTcp(t, new TcpSession({ client: WFO.wfo, server: WFO.sql, cport, sport: 1433 }), tdsPrelogin(), tdsPrelogin());
}

/** Packets cut to `snap` bytes, keeping their original length (what `editcap -s` or `tcpdump -s` writes). */
function snapped(packets: TimedPacket[], snap: number): TimedPacket[] {
  return packets.map((p) => (p.data.length <= snap ? p : { ...p, data: p.data.slice(0, snap), origLen: p.data.length }));
}

/** An SNMP trap and a SIP INVITE from the WFO side, both refused with ICMP port unreachable, over IPv4 or IPv6. */
function icmpRefusals(v6: boolean): TimedPacket[] {
  const t = new Trace(START);
  sqlOk(t, 50200);
  const wfo = v6 ? WFO6.wfo : WFO.wfo;
  const mgr = v6 ? WFO6.snmpManager : WFO.snmpManager;
  const pbx = v6 ? WFO6.pbx : WFO.pbx;
  const frameOf = v6 ? icmp6Frame : icmpFrame;
  const code = v6 ? ICMP6_PORT_UNREACH : ICMP_PORT_UNREACH;
  t.add(5, udpFrame(wfo, mgr, 40100, 162, snmpTrap()), frameOf(mgr, wfo, code, udpIp(wfo, mgr, 40100, 162, snmpTrap())));
  const invite = sipInvite(pbx, wfo, 5062);
  t.add(5, udpFrame(pbx, wfo, 5062, 5060, invite), frameOf(wfo, pbx, code, udpIp(pbx, wfo, 5062, 5060, invite)));
  return t.out;
}

const PCAP = { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET } } as const;

/** The trust and connection scenarios, in fixture order. */
export const TRUST_SCENARIOS: Scenario[] = [
  {
    path: 'captures/trust/port-reuse-after-drop.pcap',
    description: 'WFO server 10.10.0.10:50101 -> SQL 10.10.0.20:1433: three SYNs with no reply, then 60 s later a working connection on the same 5-tuple with a new ISN: two flows, the first blocked (no reply), the second expected.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      const dropped = new TcpSession({ client: WFO.wfo, server: WFO.sql, cport: 50101, sport: 1433, clientIsn: 111111 });
      t.add(1, dropped.syn()).add(1000, dropped.syn()).add(2000, dropped.syn());
      t.wait(60000);
      fullTcp(t, new TcpSession({ client: WFO.wfo, server: WFO.sql, cport: 50101, sport: 1433, clientIsn: 999999 }), tdsPrelogin(), tdsPrelogin());
      return t.out;
    },
  },
  {
    path: 'captures/trust/syn-rst-same-isn.pcap',
    description: 'WFO server -> file server 10.10.0.30:445: SYN, RST, then the same SYN again (same ISN, as Windows re-sends a refused SYN) and RST: one flow, rejected, blocked; plus a working SQL connection.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50102);
      const s = new TcpSession({ client: WFO.wfo, server: WFO.fileServer, cport: 50103, sport: 445, clientIsn: 222222 });
      const syn = s.syn();
      t.add(5, syn, s.rst('server'));
      t.add(500, syn, s.rst('server'));
      return t.out;
    },
  },
  {
    path: 'captures/trust/syn-retried-at-end.pcap',
    description: 'A working SQL connection, then WFO server -> file server 445: a SYN retried twice (same ISN) as the very last packets: unanswered and blocked, however soon the capture ends after the last retry.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50104);
      const s = new TcpSession({ client: WFO.wfo, server: WFO.fileServer, cport: 50105, sport: 445 });
      t.add(5, s.syn()).add(1000, s.syn()).add(2000, s.syn());
      return t.out;
    },
  },
  {
    path: 'captures/trust/syn-single-at-end.pcap',
    description: 'A working SQL connection, then a single SYN WFO server -> file server 445 as the very last packet: inconclusive (too soon to tell), not blocked and not expected; the 445 connection is inconclusive.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50106);
      t.add(5, new TcpSession({ client: WFO.wfo, server: WFO.fileServer, cport: 50107, sport: 445 }).syn());
      return t.out;
    },
  },
  {
    path: 'captures/trust/firewall-drops.pcap',
    description: '20 working connections (clients to the portal on 80, both directions captured) and 30 clients whose SYNs to 5633 a firewall drops (each retried): blocked, and the capture-quality line does not blame the capture (no one-sided warning).',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      for (let i = 0; i < 20; i++) {
        fullTcp(t, new TcpSession({ client: WFO.client(i), server: WFO.wfo, cport: 51100 + i, sport: 80 }), opaque(80, i), opaque(300, 100 + i));
      }
      for (let i = 0; i < 30; i++) {
        const s = new TcpSession({ client: WFO.client(40 + i), server: WFO.wfo, cport: 51200 + i, sport: 5633 });
        t.add(3, s.syn()).add(1000, s.syn());
      }
      t.wait(5000);
      sqlOk(t, 51300);
      return t.out;
    },
  },
  {
    path: 'captures/trust/header-only.pcap',
    description: 'A pcap file header and no packet at all: nothing can be judged (exit 2).',
    format: PCAP,
    build: () => [],
  },
  {
    path: 'captures/trust/all-unsupported-linktype.pcap',
    description: 'Ten records of link type 147 (a user DLT no decoder knows): nothing can be judged (exit 2).',
    format: { kind: 'pcap', opts: { linkType: 147 } },
    build: () => {
      const t = new Trace(START);
      for (let i = 0; i < 10; i++) t.add(10, opaque(60, 200 + i));
      return t.out;
    },
  },
  {
    path: 'captures/trust/snap-40.pcap',
    description: 'A working SQL connection and a refused one, cut to a 40-byte snap length (the TCP header is cut after the ports): nothing can be judged (exit 2).',
    format: { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET, snaplen: 40 } },
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50108);
      const s = new TcpSession({ client: WFO.wfo, server: WFO.sql, cport: 50109, sport: 1433 });
      t.add(5, s.syn(), s.rst('server'));
      return snapped(t.out, 40);
    },
  },
  ...([['ipv4', false], ['ipv6', true]] as const).flatMap(([fam, v6]) => ([60, 68] as const).map((snap): Scenario => ({
    path: `captures/trust/icmp-quote-${fam}-snap${snap}.pcap`,
    description: `An SNMP trap (WFO -> manager 162/udp) and a SIP INVITE (PBX -> WFO 5060/udp) over ${fam === 'ipv4' ? 'IPv4' : 'IPv6'}, each refused with ICMP${v6 ? 'v6' : ''} port unreachable, cut to snap length ${snap}: ${v6 ? 'the ICMPv6 quote is lost, so the errors are tied by the outer header (one flow from the error\'s destination waits for a reply)' : snap === 60 ? 'the quoted IPv4 header loses its destination, so the errors are tied by what survives and the outer header' : 'the quote keeps the ports'}: both blocked, never one-way expected.`,
    format: { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET, snaplen: snap } },
    build: () => snapped(icmpRefusals(v6), snap),
  }))),
  {
    path: 'captures/trust/icmp-quote-ambiguous-snap60.pcap',
    description: 'Two SNMP traps from the WFO server to two managers within 1 s and one ICMP port unreachable, cut to snap 60 so the quote loses its destination: the error cannot be tied to one flow, so it is counted in warnings[] ("snap length 60 cuts ICMP quotes") and both traps stay one-way.',
    format: { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET, snaplen: 60 } },
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50110);
      t.add(5, udpFrame(WFO.wfo, WFO.snmpManager, 40101, 162, snmpTrap()));
      t.add(5, udpFrame(WFO.wfo, '10.10.0.42', 40102, 162, snmpTrap()));
      t.add(5, icmpFrame(WFO.snmpManager, WFO.wfo, ICMP_PORT_UNREACH, udpIp(WFO.wfo, WFO.snmpManager, 40101, 162, snmpTrap())));
      return snapped(t.out, 60);
    },
  },
  {
    path: 'captures/trust/wrong-direction-only.pcap',
    description: 'The SQL server 10.10.0.20 opening the WFO server\'s 1433 (and nothing else on 1433), plus a portal connection: the wfo-servers>sql:1433/tcp connection is wrong-direction, not seen.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      fullTcp(t, new TcpSession({ client: WFO.client(0), server: WFO.wfo, cport: 50111, sport: 80 }), opaque(80, 7), opaque(200, 8));
      fullTcp(t, new TcpSession({ client: WFO.sql, server: WFO.wfo, cport: 50112, sport: 1433 }), tdsPrelogin(), tdsPrelogin());
      return t.out;
    },
  },
  {
    path: 'captures/trust/scan-5633.pcap',
    description: '200 SYNs to the WFO server\'s 5633 from addresses in no role of the site (198.18.0.0/15, a benchmarking range) next to three clients whose SYNs to 5633 are refused: the scan is one unexpected path ("not a host of this site"), never blocked; the clients are blocked.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50113);
      for (let i = 0; i < 200; i++) {
        const src = `198.18.${Math.floor(i / 200)}.${1 + (i % 200)}`;
        t.add(2, new TcpSession({ client: src, server: WFO.wfo, cport: 40000 + i, sport: 5633 }).syn());
      }
      for (let i = 0; i < 3; i++) {
        const s = new TcpSession({ client: WFO.client(i), server: WFO.wfo, cport: 52100 + i, sport: 5633 });
        t.add(5, s.syn(), s.rst('server'));
      }
      t.wait(5000);
      sqlOk(t, 50114);
      return t.out;
    },
  },
  {
    path: 'captures/connections/three-sql.pcap',
    description: 'Three SQL connections from the WFO servers to 10.10.0.20:1433: one designed connection wfo-servers>sql:1433/tcp seen with 3 flows (its rules are the eight-plus SQL rows of the seed), not eight rules "seen".',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50120);
      sqlOk(t, 50121);
      fullTcp(t, new TcpSession({ client: WFO.cti, server: WFO.sql, cport: 50122, sport: 1433 }), tdsPrelogin(), tdsPrelogin());
      return t.out;
    },
  },
  {
    path: 'captures/connections/pcs-refused-5633.pcap',
    description: '2,000 client PCs whose SYN to the WFO server\'s 5633 is refused (RST): one findings path (blocked, the 5633 connection, server 10.10.0.10, clients 2000).',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50130);
      for (let i = 0; i < 2000; i++) {
        const s = new TcpSession({ client: WFO.client(i), server: WFO.wfo, cport: 53000 + (i % 10000), sport: 5633 });
        t.add(1, s.syn(), s.rst('server'));
      }
      return t.out;
    },
  },
  {
    path: 'captures/connections/duplicate-frames.pcap',
    description: 'A SQL connection whose every frame was recorded twice within 0.1 ms (as pktmon records one packet at several components), and a DNS query really retransmitted 200 ms later: the duplicates are left out, the retransmission is kept.',
    format: PCAP,
    build: () => {
      const t = new Trace(START);
      sqlOk(t, 50140);
      const doubled: TimedPacket[] = [];
      for (const p of t.out) {
        doubled.push(p);
        const ns = p.tsNsec + 100_000;
        doubled.push({ ...p, tsSec: p.tsSec + Math.floor(ns / 1e9), tsNsec: ns % 1e9 });
      }
      const u = new Trace(START);
      u.clock.us = (doubled[doubled.length - 1]!.tsSec * 1e6) + Math.floor(doubled[doubled.length - 1]!.tsNsec / 1000);
      const q = udpFrame(WFO.wfo, '10.10.0.2', 53001, 53, dnsQuery(7, 'sql.wfo.example.com'));
      u.add(10, q).add(200, q).add(1, udpFrame('10.10.0.2', WFO.wfo, 53, 53001, dnsAnswer(7, 'sql.wfo.example.com', [10, 10, 0, 20])));
      return [...doubled, ...u.out];
    },
  },
];
