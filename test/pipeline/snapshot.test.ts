/**
 * Dashboard snapshots: ended flows' findings, plus SYNs still waiting for a reply
 * shown provisionally (a live admin should not wait for the 5-minute idle timeout),
 * and long-lived flows counted by their interim updates while they are still open.
 */
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../src/pipeline/wiring.js';
import { FlowSourceNames } from '../../src/report/flow-sources.js';
import { SnapshotMaker } from '../../src/pipeline/snapshot.js';
import { loadSite } from '../../src/design/site.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { frame, tcp, udp } from '../../src/synth/craft.js';
import type { DashboardSnapshot } from '../../src/pipeline/types.js';

const design = resolveDesign(loadSite(new URL('../../fixtures/sites/premises-all.yaml', import.meta.url).pathname));

function send(engine: { packet: (b: Uint8Array, o: number, c: number, l: number, s: number, n: number, lt: number, i: number) => void },
  ts: number, bytes: Uint8Array): void {
  engine.packet(bytes, 0, bytes.length, bytes.length, Math.floor(ts), Math.round((ts % 1) * 1e9), 1, 0);
}

describe('SnapshotMaker', () => {
  it('shows an unanswered SYN to SQL as blocked once the grace period has passed, before the flow ends', () => {
    const pipe = createPipeline(design, undefined, false, undefined, new FlowSourceNames());
    const snap = new SnapshotMaker('lo', true, pipe.engine, pipe.acc, design, pipe.verdicts$);
    const syn = frame('10.10.0.11', '10.10.0.20', 6, tcp({ src: '10.10.0.11', dst: '10.10.0.20', sport: 40001, dport: 1433, seq: 1, ack: 0, flags: 'S' }));
    send(pipe.engine, 1000, syn);
    send(pipe.engine, 1001, syn); // retransmission: the same attempt
    const dns = frame('10.10.0.10', '10.10.0.2', 17, udp({ src: '10.10.0.10', dst: '10.10.0.2', sport: 5353, dport: 53, payload: new Uint8Array(12) }));
    send(pipe.engine, 1002, dns);
    // inside the grace period (3 s after the last SYN): nothing yet
    pipe.drain();
    expect(snap.make(1, 0, 0, false).findings).toEqual([]);
    send(pipe.engine, 1010, dns);
    pipe.drain();
    const s = snap.make(2, 0, 0, false);
    expect(s.findings).toHaveLength(1);
    expect(s.findings[0]).toMatchObject({ verdict: 'blocked', service: 'sql', port: 1433, clientIp: '10.10.0.11', serverIp: '10.10.0.20', count: 1 });
    expect(s.findings[0]!.reason).toMatch(/no reply/);
    // provisional only: the report counts nothing until the flow ends
    expect(pipe.acc.counts.blocked).toBe(0);
    pipe.finish();
    expect(pipe.acc.counts.blocked).toBe(1);
    // once ended, the same group comes from the accumulator, still once
    const after = snap.make(3, 0, 0, true).findings.filter((f) => f.verdict === 'blocked');
    expect(after).toHaveLength(1);
  });

  it('counts long-lived flows in coverage and findings while they are open, and once when they end', () => {
    const pipe = createPipeline(design, undefined, false, undefined, new FlowSourceNames());
    const snap = new SnapshotMaker('lo', true, pipe.engine, pipe.acc, design, pipe.verdicts$);
    const handshake = (c: string, s: string, sport: number, dport: number, ts: number): void => {
      send(pipe.engine, ts, frame(c, s, 6, tcp({ src: c, dst: s, sport, dport, seq: 1, ack: 0, flags: 'S' })));
      send(pipe.engine, ts + 0.001, frame(s, c, 6, tcp({ src: s, dst: c, sport: dport, dport: sport, seq: 9, ack: 2, flags: 'SA' })));
      send(pipe.engine, ts + 0.002, frame(c, s, 6, tcp({ src: c, dst: s, sport, dport, seq: 2, ack: 10, flags: 'A' })));
    };
    // a connection pool to SQL (expected) and an AMQP connection opened the wrong way, both held open
    handshake('10.10.0.10', '10.10.0.20', 40000, 1433, 1000);
    handshake('10.10.0.10', '10.20.0.7', 40001, 5672, 1000);
    const keepAlive = (ts: number): void => {
      const b = frame('10.10.0.10', '10.10.0.20', 6, tcp({ src: '10.10.0.10', dst: '10.10.0.20', sport: 40000, dport: 1433, seq: 2, ack: 10, flags: 'A' }));
      send(pipe.engine, ts, b);
    };
    const sql = (s: DashboardSnapshot) => s.coverage.find((r) => r.rule === 'api-server.sql.1433')!;
    const amqp = (s: DashboardSnapshot) => s.findings.filter((f) => f.port === 5672);
    keepAlive(1005);
    pipe.drain();
    const early = snap.make(1, 0, 0, false);
    expect(sql(early)).toMatchObject({ status: 'unseen', flows: 0 });
    expect(amqp(early)).toEqual([]);
    keepAlive(1011);
    pipe.drain();
    const during = snap.make(2, 0, 0, false);
    expect(sql(during)).toMatchObject({ status: 'seen', flows: 1, expected: 1 });
    expect(amqp(during)).toEqual([expect.objectContaining({ verdict: 'wrong-direction', service: 'rabbitmq', clientIp: '10.10.0.10', count: 1 })]);
    // provisional only: nothing reached the accumulator, and nothing ended
    expect(pipe.acc.flowCount).toBe(0);
    expect(pipe.acc.coverage.rows(11).find((r) => r.rule === 'api-server.sql.1433')!.flows).toBe(0);
    // later frames keep showing them (the interim set persists between looks)
    keepAlive(1012);
    pipe.drain();
    expect(sql(snap.make(3, 0, 0, false))).toMatchObject({ status: 'seen', flows: 1 });
    // the end of input ends them: counted once, from the accumulator
    pipe.finish();
    const last = snap.make(4, 0, 0, true);
    expect(pipe.acc.flowCount).toBe(2);
    expect(sql(last)).toMatchObject({ status: 'seen', flows: 1 });
    expect(amqp(last)).toEqual([expect.objectContaining({ verdict: 'wrong-direction', count: 1 })]);
  });

  it('forgets an interim flow once it ends, so a later frame does not count it twice', () => {
    const pipe = createPipeline(design, { tcpClosedTimeout: 1 }, false, undefined, new FlowSourceNames());
    const snap = new SnapshotMaker('lo', true, pipe.engine, pipe.acc, design, pipe.verdicts$, 5);
    const c = '10.10.0.10', s = '10.10.0.20';
    send(pipe.engine, 100, frame(c, s, 6, tcp({ src: c, dst: s, sport: 40000, dport: 1433, seq: 1, ack: 0, flags: 'S' })));
    send(pipe.engine, 100.001, frame(s, c, 6, tcp({ src: s, dst: c, sport: 1433, dport: 40000, seq: 9, ack: 2, flags: 'SA' })));
    send(pipe.engine, 106, frame(c, s, 6, tcp({ src: c, dst: s, sport: 40000, dport: 1433, seq: 2, ack: 10, flags: 'A' })));
    pipe.drain();
    expect(snap.make(1, 0, 0, false).coverage.find((r) => r.rule === 'api-server.sql.1433')).toMatchObject({ flows: 1 });
    // RST both ways: the flow closes, and ends after the 1 s closed timeout
    send(pipe.engine, 107, frame(c, s, 6, tcp({ src: c, dst: s, sport: 40000, dport: 1433, seq: 2, ack: 10, flags: 'R' })));
    pipe.engine.table.advance(110);
    pipe.drain();
    expect(pipe.acc.flowCount).toBe(1);
    const after = snap.make(2, 0, 0, false).coverage.find((r) => r.rule === 'api-server.sql.1433')!;
    expect(after).toMatchObject({ status: 'seen', flows: 1 });
  });

  it('reuses the last walk of the live flows while walks are costly, and walks again once their share allows', () => {
    const pipe = createPipeline(design, undefined, false, undefined, new FlowSourceNames());
    // any walk counts as costly (floor 0), and walks may take a billionth of the time
    const snap = new SnapshotMaker('lo', true, pipe.engine, pipe.acc, design, pipe.verdicts$, 10, { floorMs: 0, share: 1e-9 });
    const flow = (sport: number, ts: number, payload: number): void => {
      const c = '10.10.0.10', srv = '10.10.0.20';
      send(pipe.engine, ts, frame(c, srv, 6, tcp({ src: c, dst: srv, sport, dport: 1433, seq: 1, ack: 0, flags: 'S' })));
      send(pipe.engine, ts, frame(srv, c, 6, tcp({ src: srv, dst: c, sport: 1433, dport: sport, seq: 9, ack: 2, flags: 'SA' })));
      send(pipe.engine, ts, frame(c, srv, 6, tcp({ src: c, dst: srv, sport, dport: 1433, seq: 2, ack: 10, flags: 'PA', payload: new Uint8Array(payload) })));
    };
    flow(40001, 100, 10);
    const first = snap.make(1000, 0, 0, false);
    expect(first.topFlows.map((cf) => cf.flow.clientPort)).toEqual([40001]);
    flow(40002, 101, 500);
    const reused = snap.make(1250, 0, 0, false);
    expect(reused.topFlows.map((cf) => cf.flow.clientPort)).toEqual([40001]);
    // the counters that cost nothing are fresh in every frame
    expect(reused.packets).toBe(6);
    expect(reused.liveFlows).toBe(2);
    const later = snap.make(1e15, 0, 0, false);
    expect(later.topFlows.map((cf) => cf.flow.clientPort)).toEqual([40002, 40001]);
  });
});
