/**
 * Dashboard snapshots: ended flows' findings, plus SYNs still waiting for a reply
 * shown provisionally (a live admin should not wait for the 5-minute idle timeout).
 */
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../src/pipeline/wiring.js';
import { SnapshotMaker } from '../../src/pipeline/snapshot.js';
import { loadSite } from '../../src/design/site.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { frame, tcp, udp } from '../../src/synth/craft.js';

const design = resolveDesign(loadSite(new URL('../../fixtures/sites/premises-all.yaml', import.meta.url).pathname));

function send(engine: { packet: (b: Uint8Array, o: number, c: number, l: number, s: number, n: number, lt: number, i: number) => void },
  ts: number, bytes: Uint8Array): void {
  engine.packet(bytes, 0, bytes.length, bytes.length, Math.floor(ts), Math.round((ts % 1) * 1e9), 1, 0);
}

describe('SnapshotMaker', () => {
  it('shows an unanswered SYN to SQL as blocked once the grace period has passed, before the flow ends', () => {
    const pipe = createPipeline(design, undefined, false, undefined, true);
    const snap = new SnapshotMaker('lo', true, pipe.engine, pipe.acc, design);
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
});
