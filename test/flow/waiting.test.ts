/**
 * FlowTable.waiting(): SYNs still waiting for any reply past the grace period,
 * shown provisionally on the live dashboard long before the idle timeout.
 */
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/flow/flow-table.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { fill } from './packets.js';

const syn = (ts: number, sport: number, dport = 1433) =>
  ({ ts, src: '10.10.0.11', dst: '10.10.0.20', sport, dport, flags: 'S', seq: 1000 });

describe('FlowTable.waiting', () => {
  it('lists SYNs with no reply older than the grace, not answered or fresh ones, and emits nothing', () => {
    const out: FlowRecord[] = [];
    const t = new FlowTable({ synGrace: 3 }, (f) => out.push(f));
    const p = new DecodedPacket();
    t.add(fill(p, syn(10, 40001)), 0);                       // waiting 10 s at the end
    t.add(fill(p, syn(11, 40002)), 0);                       // answered by RST
    t.add(fill(p, { ts: 11.1, src: '10.10.0.20', dst: '10.10.0.11', sport: 1433, dport: 40002, flags: 'RA', ack: 1001 }), 0);
    t.add(fill(p, syn(12, 40003)), 0);                       // answered by SYN-ACK
    t.add(fill(p, { ts: 12.1, src: '10.10.0.20', dst: '10.10.0.11', sport: 1433, dport: 40003, flags: 'SA', seq: 5, ack: 1001 }), 0);
    t.add(fill(p, syn(19, 40004)), 0);                       // inside the grace period at t=20
    t.add(fill(p, { ts: 20, src: '10.5.5.5', dst: '10.5.5.6', proto: 'udp', sport: 7, dport: 8 }), 0);
    const w = t.waiting(10);
    expect(w.map((f) => f.clientPort)).toEqual([40001]);
    expect(w[0]).toMatchObject({ outcome: 'unanswered', final: false, serverPort: 1433, clientIp: '10.10.0.11' });
    expect(out).toHaveLength(0);
    expect(t.liveCount).toBe(5);
    // the limit holds
    t.advance(30);
    expect(t.waiting(1)).toHaveLength(1);
    expect(t.waiting(10).map((f) => f.clientPort).sort()).toEqual([40001, 40004]);
  });
});
