/**
 * The demo's "after": the same site a day later, after a firewall change (docs/evidence.md
 * walks `wfo-audit diff` through the pair). Built from the demo's packets like
 * trust-scenarios.ts (its helpers are used only inside build(), so the modules may import
 * each other): the PC that could not reach screen recording (5633) now can, the change
 * broke the CTI core's RabbitMQ connection (5672, refused), and the archiver did not touch
 * the file server (445) during the capture at all.
 */
import { LINKTYPE_ETHERNET, TcpSession, type TimedPacket } from './craft.js';
import { opaque } from './payloads.js';
import { demoTrace, fullTcp, Trace, WFO, type Scenario } from './scenarios.js';
import { DecodedPacket, L4_TCP } from '../decode/packet.js';
import { decodePacket } from '../decode/decode.js';

const DAY = 86400;
/** TCP ports whose demo packets the after capture leaves out (they are replaced or gone). */
const LEFT_OUT = [445, 5633, 5672];

/** The demo a day later: see the module comment. */
export function demoAfterTrace(): TimedPacket[] {
  const p = new DecodedPacket();
  const kept = demoTrace().filter((f) => {
    decodePacket(p, f.data, 0, f.data.length, LINKTYPE_ETHERNET);
    return !(p.l4 === L4_TCP && LEFT_OUT.some((port) => p.srcPort === port || p.dstPort === port));
  }).map((f) => ({ ...f, tsSec: f.tsSec + DAY }));
  const t = new Trace('2026-01-16T09:00:16Z');
  // Screen recording from the PC that was blocked: it works now.
  fullTcp(t, new TcpSession({ client: WFO.client(9), server: WFO.wfo, cport: 54109, sport: 5633 }), opaque(120, 60), opaque(60, 61));
  // CTI core -> RabbitMQ 5672: refused since the change.
  {
    const s = new TcpSession({ client: WFO.cti, server: WFO.wfo, cport: 49810, sport: 5672 });
    t.add(500, s.syn(), s.rst('server'));
  }
  const all = [...kept, ...t.out];
  // Stable by time: the new sessions fall between the demo's packets.
  return all.map((f, i) => ({ f, i })).sort((a, b) => a.f.tsSec - b.f.tsSec || a.f.tsNsec - b.f.tsNsec || a.i - b.i).map((x) => x.f);
}

/** fixtures/demo/demo-after.pcap. */
export const DEMO_AFTER_SCENARIO: Scenario = {
  path: 'demo/demo-after.pcap',
  description: 'The demo a day later (2026-01-16), after a firewall change: the PC 10.20.1.14 now reaches screen recording 10.10.0.10:5633 (fixed), the CTI core\'s RabbitMQ connection to 10.10.0.10:5672 is refused (new), and no 445 traffic to the file server was captured (not re-tested); the rest as in the demo.',
  format: { kind: 'pcap', opts: { linkType: LINKTYPE_ETHERNET } },
  build: () => demoAfterTrace(),
};
