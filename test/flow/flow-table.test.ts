import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/flow/flow-table.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { fill, run, type PktSpec } from './packets.js';

const C = '10.0.0.1', S = '10.0.0.2';
const cs = (ts: number, flags: string, seq: number, ack: number, len = 0): PktSpec =>
  ({ ts, src: C, dst: S, sport: 40000, dport: 1433, flags, seq, ack, len });
const sc = (ts: number, flags: string, seq: number, ack: number, len = 0): PktSpec =>
  ({ ts, src: S, dst: C, sport: 1433, dport: 40000, flags, seq, ack, len });

/** A full handshake: client ISN 1000, server ISN 5000. */
const handshake = (t: number): PktSpec[] => [cs(t, 'S', 1000, 0), sc(t + 0.01, 'SA', 5000, 1001), cs(t + 0.02, 'A', 1001, 5001)];

describe('FlowTable TCP outcomes', () => {
  it('handshake then FIN: established, fin, counts and history each way', () => {
    const { flows } = run([
      ...handshake(100),
      cs(100.1, 'PA', 1001, 5001, 10),
      sc(100.2, 'PA', 5001, 1011, 20),
      cs(100.3, 'FA', 1011, 5021),
      sc(100.4, 'FA', 5021, 1012),
      cs(100.5, 'A', 1012, 5022),
    ]);
    expect(flows).toHaveLength(1);
    const f = flows[0];
    expect(f).toMatchObject({
      id: 0, proto: 'tcp', family: 4, clientIp: C, serverIp: S, clientPort: 40000, serverPort: 1433,
      outcome: 'established', end: 'fin', guessed: false, oneSided: false, final: true,
      packets: { client: 5, server: 3 }, first: 100, last: 100.5, vlans: [], input: 0,
    });
    expect(f.bytes).toEqual({ client: 5 * 54 + 10, server: 3 * 54 + 20 });
    expect(f.history).toBe('ShADdFf');
    expect(f.flags.client).toBe(0x02 | 0x10 | 0x08 | 0x01);
    expect(Array.from(f.payloadClient!)).toEqual(Array(10).fill(0x61));
    expect(f.payloadServer!.length).toBe(20);
    expect(f.clientWords).toEqual([0x0a000001]);
    expect(f.ackedUnseen).toBe(0);
    expect(f.acked).toBeGreaterThan(0);
  });

  it('emits a closed flow once the closed timeout passes on capture time, before flush', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({ tcpClosedTimeout: 60 }, (f) => out.push(f));
    const p = new DecodedPacket();
    for (const x of [...handshake(100), cs(101, 'FA', 1001, 5001), sc(101, 'FA', 5001, 1002), cs(101, 'A', 1002, 5002)]) t.add(fill(p, x), 0);
    t.add(fill(p, { ts: 150, src: '10.9.9.9', dst: '10.9.9.8', proto: 'udp', sport: 1, dport: 2 }), 0);
    expect(out).toHaveLength(0);
    t.add(fill(p, { ts: 161.5, src: '10.9.9.9', dst: '10.9.9.8', proto: 'udp', sport: 1, dport: 2 }), 0);
    expect(out.map((f) => [f.proto, f.end])).toEqual([['tcp', 'fin']]);
    expect(t.liveCount).toBe(1);
  });

  it('handshake then RST: established, reset', () => {
    const { flows } = run([...handshake(1), cs(2, 'PA', 1001, 5001, 5), sc(3, 'RA', 5001, 1006)]);
    expect(flows.map((f) => [f.outcome, f.end, f.history])).toEqual([['established', 'reset', 'ShADr']]);
  });

  it('SYN then RST: rejected', () => {
    const { flows } = run([cs(1, 'S', 1000, 0), sc(1.001, 'RA', 0, 1001)]);
    expect(flows.map((f) => [f.outcome, f.end, f.packets.client, f.packets.server])).toEqual([['rejected', 'reset', 1, 1]]);
  });

  it('SYN retried twice, never answered: one attempt, unanswered, ends by timeout', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({}, (f) => out.push(f));
    const p = new DecodedPacket();
    for (const x of [cs(10, 'S', 1000, 0), cs(11, 'S', 1000, 0), cs(13, 'S', 1000, 0)]) t.add(fill(p, x), 0);
    t.add(fill(p, { ts: 400, src: '10.5.5.5', dst: '10.5.5.6', proto: 'udp', sport: 7, dport: 8 }), 0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ outcome: 'unanswered', end: 'timeout', packets: { client: 3, server: 0 }, history: 'S' });
  });

  it('SYN at the very end of input: no-reply-yet inside the grace period, unanswered without it', () => {
    const tail = [{ ts: 100, src: '10.5.5.5', dst: '10.5.5.6', proto: 'udp' as const, sport: 7, dport: 8 }, cs(99, 'S', 1, 0)];
    expect(run(tail).flows.find((f) => f.proto === 'tcp')).toMatchObject({ outcome: 'no-reply-yet', end: 'open' });
    expect(run(tail, { synGrace: 0 }).flows.find((f) => f.proto === 'tcp')).toMatchObject({ outcome: 'unanswered', end: 'open' });
    const early = [cs(90, 'S', 1, 0), { ...tail[0] }];
    expect(run(early).flows.find((f) => f.proto === 'tcp')!.outcome).toBe('unanswered');
  });

  it('midstream start: direction guessed from ports, a designed port beats a well-known one', () => {
    const mid: PktSpec[] = [
      { ts: 1, src: '10.1.1.1', dst: '10.1.1.2', sport: 80, dport: 5000, flags: 'PA', seq: 10, ack: 20, len: 5 },
      { ts: 2, src: '10.1.1.2', dst: '10.1.1.1', sport: 5000, dport: 80, flags: 'A', seq: 20, ack: 15 },
    ];
    const byPorts = run(mid).flows[0];
    expect(byPorts).toMatchObject({ outcome: 'partial', guessed: true, serverPort: 80, clientPort: 5000, serverIp: '10.1.1.1' });
    expect(byPorts.history).toBe('^dA');
    const hint = new Uint8Array(65536); hint[5000] = 1;
    const designed = run(mid, { serverPortHint: hint }).flows[0];
    expect(designed).toMatchObject({ guessed: true, serverPort: 5000, clientPort: 80, packets: { client: 1, server: 1 } });
    expect(designed.history).toBe('^Da');
    // UDP hint bit does not apply to TCP.
    const udpHint = new Uint8Array(65536); udpHint[5000] = 2;
    expect(run(mid, { serverPortHint: udpHint }).flows[0].serverPort).toBe(80);
  });

  it('SYN-ACK seen first: its receiver is the client, not guessed', () => {
    const { flows } = run([sc(1, 'SA', 5000, 1001), cs(1.1, 'A', 1001, 5001)]);
    expect(flows[0]).toMatchObject({ clientPort: 40000, serverPort: 1433, guessed: false, outcome: 'established' });
  });

  it('one-sided capture: ACKs for unseen data make it one-sided and feed the loss estimate', () => {
    const specs: PktSpec[] = [cs(1, 'S', 1000, 0), cs(1.1, 'A', 1001, 5001)];
    for (let i = 0; i < 10; i++) specs.push(cs(2 + i, 'A', 1001, 5001 + (i + 1) * 1000));
    const { flows, table } = run(specs);
    expect(flows[0]).toMatchObject({ outcome: 'one-sided', oneSided: true, packets: { client: 12, server: 0 } });
    expect(flows[0].acked).toBe(10000);
    expect(flows[0].ackedUnseen).toBe(10000);
    const st = table.stats();
    expect(st.lossEstimate).toBe(1);
    expect(st.oneSidedShare).toBe(1);
    expect(st.bothWaysShare).toBe(0);
  });

  it('loss estimate counts only bytes acknowledged beyond what was seen, and holes in the sequence', () => {
    const specs: PktSpec[] = [
      ...handshake(1),
      sc(2, 'PA', 5001, 1001, 1000),
      cs(2.1, 'A', 1001, 6001),
      // 1000 bytes (6001..7001) missed by the capture, then 7001..8001 seen.
      sc(3, 'PA', 7001, 1001, 1000),
      cs(3.1, 'A', 1001, 8001),
      // ACK beyond anything seen: 500 more unseen.
      cs(4, 'A', 1001, 8501),
    ];
    const { flows, table } = run(specs);
    expect(flows[0].acked).toBe(3500);
    expect(flows[0].ackedUnseen).toBe(1500);
    expect(flows[0].oneSided).toBe(false);
    expect(table.stats().lossEstimate).toBeCloseTo(1500 / 3500, 10);
    expect(table.stats().bothWaysShare).toBe(1);
  });

  it('sequence and acknowledgment numbers wrap mod 2^32', () => {
    const isn = 0xfffffc00;
    const specs: PktSpec[] = [
      cs(1, 'S', 1000, 0), sc(1, 'SA', isn, 1001), cs(1, 'A', 1001, (isn + 1) >>> 0),
      sc(2, 'PA', (isn + 1) >>> 0, 1001, 2000),
      cs(2.1, 'A', 1001, (isn + 2001) >>> 0),
    ];
    const f = run(specs).flows[0];
    expect(f.acked).toBe(2000);
    expect(f.ackedUnseen).toBe(0);
  });

  it('port reuse after close: a new SYN starts a second flow; a retransmitted SYN does not', () => {
    const { flows } = run([
      ...handshake(1), cs(2, 'FA', 1001, 5001), sc(2, 'FA', 5001, 1002), cs(2, 'A', 1002, 5002),
      cs(3, 'S', 9000, 0), sc(3, 'SA', 7000, 9001), cs(3, 'A', 9001, 7001), cs(4, 'RA', 9001, 7001),
      cs(5, 'S', 9000, 0),
    ]);
    expect(flows.map((f) => [f.id, f.outcome, f.end, f.packets.client, f.packets.server]))
      .toEqual([[0, 'established', 'fin', 4, 2], [1, 'established', 'reset', 4, 1]]);
  });

  it('keeps trailing packets after the close in the same flow', () => {
    const { flows } = run([...handshake(1), cs(2, 'FA', 1001, 5001), sc(2, 'FA', 5001, 1002), cs(2, 'A', 1002, 5002), sc(2.5, 'R', 5002, 0)]);
    expect(flows).toHaveLength(1);
    expect(flows[0].packets.server).toBe(3);
  });
});

describe('FlowTable UDP and ICMP', () => {
  const q = { ts: 1, src: '10.0.0.1', dst: '10.0.0.3', proto: 'udp' as const, sport: 5000, dport: 162, len: 30 };

  it('UDP answered: replied, client is the first sender', () => {
    const { flows } = run([q, { ...q, ts: 1.1, src: q.dst, dst: q.src, sport: 162, dport: 5000, len: 8 }]);
    expect(flows[0]).toMatchObject({ proto: 'udp', outcome: 'replied', clientPort: 5000, serverPort: 162, guessed: false, history: 'Dd', end: 'open' });
  });

  it('UDP one-way, and idle timeout on capture time', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({ udpTimeout: 30 }, (f) => out.push(f));
    const p = new DecodedPacket();
    t.add(fill(p, q), 0);
    t.add(fill(p, { ...q, ts: 20, sport: 5001 }), 0);
    t.add(fill(p, { ...q, ts: 31.5, sport: 5002 }), 1);
    expect(out.map((f) => [f.clientPort, f.outcome, f.end])).toEqual([[5000, 'one-way', 'timeout']]);
    t.flush();
    expect(out.map((f) => [f.clientPort, f.end, f.input])).toEqual([[5000, 'timeout', 0], [5001, 'open', 0], [5002, 'open', 1]]);
  });

  const cases: [string, 'icmp' | 'icmp6', number, number][] = [
    ['port unreachable', 'icmp', 3, 3],
    ['administratively prohibited', 'icmp', 3, 13],
    ['host unreachable', 'icmp', 3, 1],
  ];
  for (const [name, proto, type, code] of cases) {
    it(`UDP answered by ICMP ${name}: unreachable, error attached, not counted as a packet`, () => {
      const { flows, table } = run([q, {
        ts: 1.01, src: '10.0.0.254', dst: q.src, proto, icmpType: type, icmpCode: code, origLen: 70,
        quote: { src: q.src, dst: q.dst, proto: 'udp', sport: 5000, dport: 162 },
      }]);
      expect(flows).toHaveLength(1);
      expect(flows[0]).toMatchObject({ outcome: 'unreachable', packets: { client: 1, server: 0 }, bytes: { client: 84, server: 0 } });
      expect(flows[0].icmpErrors).toEqual([{ family: 4, type, code, from: '10.0.0.254', count: 1 }]);
      expect(table.stats().icmpUnmatched).toBe(0);
    });
  }

  it('ICMPv6 destination unreachable on an IPv6 UDP flow', () => {
    const a = '2001:db8::1', b = '2001:db8:0:1::53';
    const { flows } = run([
      { ts: 1, src: a, dst: b, proto: 'udp', sport: 6000, dport: 53, len: 20 },
      { ts: 1.1, src: b, dst: a, proto: 'icmp6', icmpType: 1, icmpCode: 4, quote: { src: a, dst: b, proto: 'udp', sport: 6000, dport: 53 } },
      { ts: 1.2, src: b, dst: a, proto: 'icmp6', icmpType: 1, icmpCode: 4, quote: { src: a, dst: b, proto: 'udp', sport: 6000, dport: 53 } },
    ]);
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ family: 6, outcome: 'unreachable', clientIp: '2001:db8::1', serverIp: '2001:db8:0:1::53' });
    expect(flows[0].icmpErrors).toEqual([{ family: 6, type: 1, code: 4, from: '2001:db8:0:1::53', count: 2 }]);
  });

  it('ICMP error attached to a TCP SYN keeps the TCP outcome; unmatched errors are counted', () => {
    const { flows, table } = run([
      cs(1, 'S', 1, 0),
      { ts: 1.1, src: '10.0.0.254', dst: C, proto: 'icmp', icmpType: 3, icmpCode: 10, quote: { src: C, dst: S, proto: 'tcp', sport: 40000, dport: 1433 } },
      { ts: 1.2, src: '10.0.0.254', dst: C, proto: 'icmp', icmpType: 3, icmpCode: 3, quote: { src: C, dst: S, proto: 'udp', sport: 1, dport: 2 } },
      { ts: 1.3, src: '10.0.0.254', dst: C, proto: 'icmp', icmpType: 11, icmpCode: 0 },
    ], { synGrace: 0 });
    expect(flows).toHaveLength(1);
    expect(flows[0].outcome).toBe('unanswered');
    expect(flows[0].icmpErrors).toEqual([{ family: 4, type: 3, code: 10, from: '10.0.0.254', count: 1 }]);
    expect(table.stats().icmpUnmatched).toBe(2);
  });

  it('ICMP echo makes an icmp flow with ports 0', () => {
    const { flows } = run([
      { ts: 1, src: C, dst: S, proto: 'icmp', icmpType: 8, len: 56 },
      { ts: 1.001, src: S, dst: C, proto: 'icmp', icmpType: 0, len: 56 },
    ]);
    expect(flows[0]).toMatchObject({ proto: 'icmp', outcome: 'replied', clientPort: 0, serverPort: 0, clientIp: C });
  });

  it('ignores packets without a complete transport header', () => {
    const { flows, table } = run([{ ts: 1, src: C, dst: S, proto: 'none' }]);
    expect(flows).toHaveLength(0);
    expect(table.stats().flows).toBe(0);
  });
});

describe('FlowTable keys', () => {
  it('VLAN-tagged one way only: one flow, VLAN ids recorded', () => {
    const { flows } = run([{ ...cs(1, 'S', 1, 0), vlan: 100 }, sc(1.1, 'SA', 9, 2), { ...cs(1.2, 'A', 2, 10), vlan: 100 }, { ...sc(2, 'A', 10, 2), vlan: 7 }]);
    expect(flows).toHaveLength(1);
    expect(flows[0].vlans).toEqual([7, 100]);
    expect(flows[0].packets).toEqual({ client: 2, server: 2 });
  });

  it('IPv6 flow: addresses as RFC 5952 text and four words', () => {
    const a = '2001:db8::a', b = 'fe80::1:0:0:1';
    const { flows } = run([
      { ts: 1, src: a, dst: b, sport: 50000, dport: 443, flags: 'S', seq: 1 },
      { ts: 1, src: b, dst: a, sport: 443, dport: 50000, flags: 'SA', seq: 7, ack: 2 },
      { ts: 1, src: a, dst: b, sport: 50000, dport: 443, flags: 'A', seq: 2, ack: 8 },
    ]);
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ family: 6, clientIp: '2001:db8::a', serverIp: 'fe80::1:0:0:1', outcome: 'established' });
    expect(flows[0].clientWords).toEqual([0x20010db8, 0, 0, 0xa]);
  });

  it('an IPv4 and an IPv6 flow with equal low words stay apart', () => {
    const { flows } = run([
      { ts: 1, src: '0.0.0.1', dst: '0.0.0.2', proto: 'udp', sport: 1, dport: 2 },
      { ts: 1, src: '::', dst: '::', proto: 'udp', sport: 1, dport: 2 },
    ]);
    expect(flows).toHaveLength(2);
  });

  it('later fragments count toward the flow of their first fragment', () => {
    const frag = (ts: number, offset: number, more: boolean, proto: 'udp' | 'none', origLen: number): PktSpec =>
      ({ ts, src: C, dst: S, proto, sport: 5060, dport: 5060, len: proto === 'udp' ? 1472 : 0, origLen, frag: { id: 77, offset, more, proto: 17 } });
    const { flows, table } = run([
      frag(1, 0, true, 'udp', 1514),
      frag(1.001, 1480, true, 'none', 1514),
      frag(1.002, 2960, false, 'none', 600),
      { ...frag(1.003, 1480, false, 'none', 100), frag: { id: 78, offset: 1480, more: false, proto: 17 } },
    ]);
    expect(flows).toHaveLength(1);
    expect(flows[0].packets.client).toBe(3);
    expect(flows[0].bytes.client).toBe(1514 + 1514 + 600);
    expect(flows[0].last).toBe(1.002);
    expect(table.stats().fragmentsUnmatched).toBe(1);
  });

  it('thousands of flows created and expired in mixed order keep every lookup right', () => {
    // Exercises the index's backward-shift deletion and growth: counts must stay exact.
    const specs: PktSpec[] = [];
    for (let i = 0; i < 6000; i++) {
      const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
      specs.push({ ts: i * 0.01, src: ip, dst: '10.255.0.1', proto: 'udp', sport: 1024 + (i % 7), dport: 53 });
      const j = i - 3;
      if (j >= 0 && j % 2 === 0) {
        const jp = `10.${(j >> 8) & 255}.${j & 255}.1`;
        specs.push({ ts: i * 0.01, src: '10.255.0.1', dst: jp, proto: 'udp', sport: 53, dport: 1024 + (j % 7) });
      }
    }
    const { flows } = run(specs, { udpTimeout: 5 });
    expect(flows).toHaveLength(6000);
    const replied = flows.filter((f) => f.outcome === 'replied').length;
    expect(replied).toBe(3000 - 1);
    expect(flows.every((f) => f.packets.client === 1)).toBe(true);
    expect(flows.some((f) => f.end === 'timeout')).toBe(true);
  });
});

describe('FlowTable bounds, time and determinism', () => {
  it('a SYN flood of random ports stays within maxFlows; evictions are counted', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({ maxFlows: 64 }, (f) => out.push(f));
    const p = new DecodedPacket();
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      t.add(fill(p, { ts: 1 + i * 1e-4, src: `10.${x & 255}.${(x >>> 8) & 255}.9`, dst: S, sport: 1024 + ((x >>> 16) % 60000), dport: 1433, flags: 'S', seq: x }), 0);
      expect(t.liveCount).toBeLessThanOrEqual(64);
    }
    expect(t.capacity).toBeLessThanOrEqual(64);
    const st = t.stats();
    expect(st.evicted).toBe(st.flows - 64);
    expect(st.evicted).toBeGreaterThan(19000);
    expect(out.every((f) => f.end === 'evicted' && f.outcome === 'unanswered')).toBe(true);
    // The oldest idle flow goes first: emitted ids ascend.
    expect(out.slice(0, 100).map((f) => f.id)).toEqual(out.slice(0, 100).map((f) => f.id).sort((a, b) => a - b));
  });

  it('time going backwards does not break counts, ordering or expiry', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({ udpTimeout: 60 }, (f) => out.push(f));
    const p = new DecodedPacket();
    const u = (ts: number, sport: number): PktSpec => ({ ts, src: C, dst: S, proto: 'udp', sport, dport: 53 });
    for (const x of [u(100, 1), u(99.5, 1), u(100.2, 2), u(50, 1), u(100.1, 1)]) t.add(fill(p, x), 0);
    expect(out).toHaveLength(0);
    expect(t.lastTime).toBe(100.2);
    t.flush();
    expect(out.map((f) => [f.clientPort, f.packets.client, f.first, f.last])).toEqual([[1, 4, 50, 100.1], [2, 1, 100.2, 100.2]]);
  });

  it('top(n) lists the busiest live flows as non-final records', () => {
    const { table } = run([
      { ts: 1, src: C, dst: S, proto: 'udp', sport: 1, dport: 2, len: 10 },
      { ts: 1, src: C, dst: S, proto: 'udp', sport: 3, dport: 4, len: 1000 },
      { ts: 1, src: C, dst: S, proto: 'udp', sport: 5, dport: 6, len: 100 },
    ], {}, false);
    const top = table.top(2);
    expect(top.map((f) => [f.clientPort, f.final, f.end])).toEqual([[3, false, 'open'], [5, false, 'open']]);
    expect(table.liveCount).toBe(3);
    expect(table.top(0)).toEqual([]);
  });

  it('the same input twice gives identical records', () => {
    const specs: PktSpec[] = [];
    let x = 7;
    for (let i = 0; i < 3000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const c = `10.0.${x & 15}.1`;
      const fwd = (x & 64) === 0;
      specs.push(fwd
        ? { ts: i * 0.5, src: c, dst: S, sport: 40000 + (x & 7), dport: 1433, flags: (x & 128) ? 'S' : 'PA', seq: x, ack: 1, len: x & 31 }
        : { ts: i * 0.5, src: S, dst: c, sport: 1433, dport: 40000 + (x & 7), flags: (x & 128) ? 'SA' : 'RA', seq: 9, ack: x });
    }
    const a = run(specs, { maxFlows: 50, tcpTimeout: 30 }).flows;
    const b = run(specs, { maxFlows: 50, tcpTimeout: 30 }).flows;
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
  });
});
