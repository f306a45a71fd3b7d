/**
 * FlowTable.updates(): interim records of long-lived flows for the live dashboard
 * (issue 3: "long-lived flows emit periodic updates").
 */
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/flow/flow-table.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { fill } from './packets.js';

const C = '10.20.0.5', S = '10.10.0.20';

/** A handshake at `ts` on client port `sport` to SQL. */
function handshake(t: FlowTable, p: DecodedPacket, ts: number, sport: number): void {
  t.add(fill(p, { ts, src: C, dst: S, sport, dport: 1433, flags: 'S', seq: 100 }), 0);
  t.add(fill(p, { ts: ts + 0.001, src: S, dst: C, sport: 1433, dport: sport, flags: 'SA', seq: 500, ack: 101 }), 0);
  t.add(fill(p, { ts: ts + 0.002, src: C, dst: S, sport, dport: 1433, flags: 'A', seq: 101, ack: 501 }), 0);
}

describe('FlowTable.updates', () => {
  it('updates a flow once it has lived `every` seconds, then every `every` seconds, without ending it', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({}, (f) => out.push(f));
    const p = new DecodedPacket();
    handshake(t, p, 100, 40001);
    t.advance(105);
    expect(t.updates(10, 100)).toEqual([]);
    t.advance(110.5);
    const first = t.updates(10, 100);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ outcome: 'established', end: 'open', final: false, clientIp: C, serverPort: 1433 });
    expect(first[0]!.packets).toEqual({ client: 2, server: 1 });
    // just updated: not again until `every` more seconds have passed
    t.add(fill(p, { ts: 112, src: C, dst: S, sport: 40001, dport: 1433, flags: 'PA', seq: 101, ack: 501, len: 8 }), 0);
    t.advance(115);
    expect(t.updates(10, 100)).toEqual([]);
    t.advance(121);
    const second = t.updates(10, 100);
    expect(second.map((f) => f.id)).toEqual([first[0]!.id]);
    expect(second[0]!.packets).toEqual({ client: 3, server: 1 });
    // nothing was emitted or changed: the flow ends normally, once
    expect(out).toHaveLength(0);
    expect(t.liveCount).toBe(1);
    t.flush();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: first[0]!.id, final: true, outcome: 'established' });
  });

  it('leaves unanswered SYNs to waiting(), includes one-way UDP, and honours max', () => {
    const t = new FlowTable({}, () => {});
    const p = new DecodedPacket();
    t.add(fill(p, { ts: 0, src: C, dst: S, sport: 40100, dport: 1433, flags: 'S', seq: 1 }), 0);
    t.add(fill(p, { ts: 1, src: C, dst: '10.10.0.40', proto: 'udp', sport: 40200, dport: 162, len: 20 }), 0);
    for (let i = 0; i < 5; i++) handshake(t, p, 2 + i * 0.01, 41000 + i);
    t.advance(30);
    expect(t.waiting(10).map((f) => f.clientPort)).toEqual([40100]);
    const some = t.updates(10, 3);
    expect(some).toHaveLength(3);
    const rest = t.updates(10, 100);
    expect(rest).toHaveLength(3);
    const ports = [...some, ...rest].map((f) => f.clientPort).sort();
    expect(ports).toEqual([40200, 41000, 41001, 41002, 41003, 41004]);
    expect(rest.find((f) => f.proto === 'udp')).toMatchObject({ outcome: 'one-way', serverPort: 162 });
  });
});
