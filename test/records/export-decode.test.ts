/**
 * IPFIX / NetFlow v9 / v5 decoding on messages written by src/synth/export-writer.ts:
 * template scope, data before its template, template loss and withdrawal, every time
 * form, sampling, sequence numbers, NSEL deny and teardown, and damaged datagrams.
 */
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../src/flow/types.js';
import { exportNotes } from '../../src/records/export-notes.js';
import { ExportSession } from '../../src/records/export-session.js';
import {
  encodeRecord, ipfixMessage, ipfixTemplates, ipfixWithdrawal, set, uniflow4, UNIFLOW4, v5Packet, v9Packet, v9Templates,
  type FieldSpec,
} from '../../src/synth/export-writer.js';
import { rng } from '../support/prng.js';

const T0 = 1_768_464_000_000; // 2026-01-15 08:00:00 UTC, ms
const A = { exporter: '127.0.0.1', port: 4000 };

function session(): { s: ExportSession; flows: FlowRecord[] } {
  const flows: FlowRecord[] = [];
  let id = 0;
  const s = new ExportSession('test', 0, { nextId: () => id++, flow: (f) => flows.push(f) }, 3, null);
  return { s, flows };
}

const SYN = 0x02, ACK = 0x10, RST = 0x04, FIN = 0x01, PSH = 0x08;

/** A connection's two uniflows (client SYN…, server SYN-ACK…) in one IPFIX data set of template 256. */
function handshake(client: string, cport: number, server: string, sport: number, t: number, serverFlags = SYN | ACK | FIN): Buffer[] {
  return [
    uniflow4(client, server, cport, sport, 6, SYN | ACK | PSH | FIN, 6, 400, t, t + 20),
    uniflow4(server, client, sport, cport, 6, serverFlags, 4, 300, t, t + 20),
  ];
}

describe('IPFIX templates', () => {
  it('pairs two uniflows into one established flow with the client from the SYN side and absolute ms times', () => {
    const { s, flows } = session();
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 1 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }]), set(256, Buffer.concat(handshake('10.1.0.5', 50000, '10.1.0.10', 445, T0)))]), A);
    s.finish();
    expect(flows).toHaveLength(1);
    const f = flows[0]!;
    expect([f.clientIp, f.clientPort, f.serverIp, f.serverPort, f.outcome, f.guessed]).toEqual(['10.1.0.5', 50000, '10.1.0.10', 445, 'established', false]);
    expect(f.first).toBeCloseTo(T0 / 1000, 6);
    expect(f.last).toBeCloseTo(T0 / 1000 + 0.02, 6);
    expect(f.packets).toEqual({ client: 6, server: 4 });
    expect(s.sources.rows()[0]).toMatchObject({ exporter: '127.0.0.1', port: 4000, domain: 1, records: 2, templates: 1, lostRecords: 0 });
  });

  it('keeps templates apart per exporter port and per domain: the same id with two layouts never collides', () => {
    const { s, flows } = session();
    const other: FieldSpec[] = [{ id: 12, len: 4 }, { id: 8, len: 4 }, { id: 11, len: 2 }, { id: 7, len: 2 }, { id: 4, len: 1 }, { id: 6, len: 1 }, { id: 2, len: 4 }, { id: 1, len: 4 }, { id: 150, len: 4 }, { id: 151, len: 4 }];
    const B = { exporter: '127.0.0.1', port: 4001 };
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 1 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }])]), A);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 1 }, [ipfixTemplates([{ id: 256, fields: other }])]), B);
    // Exporter B's record has destination first: 10.2.0.10:445 <- 10.2.0.5:50001, a lone SYN.
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 1 }, [set(256, encodeRecord(other, ['10.2.0.10', '10.2.0.5', 445, 50001, 6, SYN, 1, 60, T0 / 1000, T0 / 1000]))]), B);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 1 }, [set(256, uniflow4('10.1.0.5', '10.1.0.10', 50000, 1433, 6, SYN, 1, 60, T0, T0))]), A);
    s.finish();
    const byServer = new Map(flows.map((f) => [`${f.serverIp}:${f.serverPort}`, f]));
    expect([...byServer.keys()].sort()).toEqual(['10.1.0.10:1433', '10.2.0.10:445']);
    expect(byServer.get('10.2.0.10:445')!.clientIp).toBe('10.2.0.5');
    expect(s.sources.rows()).toHaveLength(2);
  });

  it('holds data that comes before its template and decodes it when the template arrives', () => {
    const { s, flows } = session();
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [set(256, Buffer.concat(handshake('10.1.0.5', 50000, '10.1.0.10', 1433, T0)))]), A);
    expect(flows).toHaveLength(0);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 2, domain: 0 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }])]), A);
    s.finish();
    expect(flows.map((f) => f.outcome)).toEqual(['established']);
    expect(s.templates.setsLost).toBe(0);
  });

  it('counts data that never gets a template, and warns records-no-template', () => {
    const { s, flows } = session();
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [set(300, Buffer.concat(handshake('10.1.0.5', 50000, '10.1.0.10', 1433, T0)))]), A);
    s.finish();
    expect(flows).toHaveLength(0);
    expect(exportNotes(s).map((n) => n.code)).toContain('records-no-template');
  });

  it('a withdrawn template no longer decodes: its data is held, then lost', () => {
    const { s, flows } = session();
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }])]), A);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixWithdrawal(256)]), A);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [set(256, uniflow4('10.1.0.5', '10.1.0.10', 50000, 1433, 6, SYN, 1, 60, T0, T0))]), A);
    s.finish();
    expect(flows).toHaveLength(0);
    expect(s.templates.setsLost).toBe(1);
  });

  it('templates not refreshed within the expiry are dropped (collector clock): later data waits, then is lost', () => {
    const flows: FlowRecord[] = [];
    let id = 0;
    const s = new ExportSession('test', 0, { nextId: () => id++, flow: (f) => flows.push(f) }, 3, null, 1000);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }])]), A, 10_000);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [set(256, uniflow4('10.1.0.5', '10.1.0.10', 50000, 445, 6, SYN, 1, 60, T0, T0))]), A, 10_500);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 1, domain: 0 }, [set(256, uniflow4('10.1.0.6', '10.1.0.10', 50001, 445, 6, SYN, 1, 60, T0, T0))]), A, 12_000);
    s.finish();
    expect(flows.map((f) => f.clientIp)).toEqual(['10.1.0.5']);
    expect([s.templates.expired, s.templates.setsLost]).toEqual([1, 1]);
  });

  it('reads variable-length fields, enterprise fields it does not know, and reduced-size counters', () => {
    const { s, flows } = session();
    const fields: FieldSpec[] = [...UNIFLOW4, { id: 82, len: 0xffff }, { id: 1, len: 2, pen: 9 }];
    const rec = (src: string, dst: string, sp: number, dp: number, fl: number) => Buffer.concat([
      encodeRecord(UNIFLOW4, [src, dst, sp, dp, 6, fl, 2, 120, T0, T0 + 5]), Buffer.from([3, 0x65, 0x74, 0x68]), Buffer.from([0, 7]),
    ]);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields }]),
      set(256, Buffer.concat([rec('10.1.0.5', '10.1.0.10', 50000, 445, SYN), rec('10.1.0.10', '10.1.0.5', 445, 50000, RST | ACK)]))]), A);
    s.finish();
    expect(flows.map((f) => [f.clientIp, f.serverPort, f.outcome])).toEqual([['10.1.0.5', 445, 'rejected']]);
  });

  it('RFC 5103 biflows: the side with the only SYN opened it, even when the exporter put the server first', () => {
    const { s, flows } = session();
    const fields: FieldSpec[] = [...UNIFLOW4, { id: 2, len: 4, pen: 29305 }, { id: 1, len: 4, pen: 29305 }, { id: 6, len: 1, pen: 29305 }];
    // server -> client with 1 packet of RST|ACK forward, the client's SYN as the reverse side
    const r = encodeRecord(fields, ['10.1.0.10', '10.1.0.5', 5633, 50000, 6, RST | ACK, 1, 40, T0, T0 + 1, 1, 44, SYN]);
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields }]), set(256, r)]), A);
    s.finish();
    expect(flows.map((f) => [f.clientIp, f.serverIp, f.serverPort, f.outcome, f.guessed])).toEqual([['10.1.0.5', '10.1.0.10', 5633, 'rejected', false]]);
  });

  it('stitches the pieces of a long connection split by the active timeout (flowEndReason 2) into one flow', () => {
    const { s, flows } = session();
    const fields: FieldSpec[] = [...UNIFLOW4, { id: 136, len: 1 }];
    const piece = (src: string, dst: string, sp: number, dp: number, fl: number, t: number, reason: number) =>
      encodeRecord(fields, [src, dst, sp, dp, 6, fl, 100, 10_000, t, t + 60_000, reason]);
    const recs = [];
    for (let k = 0; k < 3; k++) {
      const t = T0 + k * 60_000;
      recs.push(piece('10.1.0.5', '10.1.0.20', 50000, 1433, (k === 0 ? SYN : 0) | ACK | PSH, t, k < 2 ? 2 : 3));
      recs.push(piece('10.1.0.20', '10.1.0.5', 1433, 50000, (k === 0 ? SYN : 0) | ACK | PSH, t, k < 2 ? 2 : 3));
    }
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields }]), set(256, Buffer.concat(recs))]), A);
    s.finish();
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ outcome: 'established', packets: { client: 300, server: 300 } });
    expect(flows[0]!.last - flows[0]!.first).toBeCloseTo(180, 3);
    expect(s.stitched).toBe(4);
  });

  it('options records declare sampling: counts are scaled, and a lone sampled SYN is unknown, never unanswered', () => {
    const { s, flows } = session();
    const opt = [{ id: 149, len: 4 }, { id: 34, len: 4 }, { id: 35, len: 1 }];
    s.message(ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [
      ipfixTemplates([{ id: 256, fields: UNIFLOW4 }]), ipfixTemplates([{ id: 257, fields: opt, scope: 1 }]),
      set(257, encodeRecord(opt, [0, 100, 1])),
      set(256, uniflow4('10.1.0.5', '10.1.0.10', 50000, 5633, 6, SYN, 1, 60, T0, T0)),
    ]), A);
    s.finish();
    expect(flows.map((f) => [f.outcome, f.packets.client, f.sampling])).toEqual([['unknown', 100, 100]]);
    expect(exportNotes(s).map((n) => n.code)).toContain('records-sampled');
  });
});

describe('sequence numbers', () => {
  const msg = (seq: number, n: number, domain = 0): Buffer => ipfixMessage({ exportSec: T0 / 1000, seq, domain }, [
    set(256, Buffer.concat(Array.from({ length: n }, (_, i) => uniflow4('10.1.0.5', '10.1.0.10', 40000 + seq + i, 80, 6, SYN, 1, 60, T0, T0)))),
  ]);
  const tmpl = ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }])]);

  it('IPFIX: a gap is records lost; going back is a restart; RFC numbering with no gap is clean', () => {
    const { s } = session();
    s.message(tmpl, A);
    s.message(msg(0, 5), A);
    s.message(msg(5, 5), A);
    s.message(msg(17, 5), A); // 7 lost
    s.message(msg(0, 5), A); // restart
    s.finish();
    const r = s.sources.rows()[0]!;
    expect([r.lostRecords, r.sequenceResets]).toEqual([7, 1]);
    expect(exportNotes(s).map((n) => n.code).sort()).toEqual(['exporter-restart', 'records-lost']);
  });

  it('softflowd numbering (own records included) is tolerated and said so', () => {
    const { s } = session();
    s.message(tmpl, A);
    s.message(msg(5, 5), A);
    s.message(msg(8, 3), A);
    s.message(msg(12, 4), A);
    s.finish();
    const r = s.sources.rows()[0]!;
    expect(r.lostRecords).toBe(0);
    expect(r.notes.join(' ')).toMatch(/softflowd/);
  });

  it('NetFlow v9 counts export packets; v5 counts flows', () => {
    const { s } = session();
    const tv9 = v9Templates([{ id: 256, fields: UNIFLOW4 }]);
    for (const seq of [0, 1, 4]) s.message(v9Packet({ upMs: 1000, exportSec: T0 / 1000, seq, sourceId: 7, count: 1 }, [tv9]), A);
    const r5 = { src: '10.1.0.5', dst: '10.1.0.10', sport: 50000, dport: 80, proto: 6, flags: SYN, pkts: 1, bytes: 60, firstUp: 900, lastUp: 900 };
    s.message(v5Packet({ upMs: 1000, exportSec: T0 / 1000, seq: 0 }, [r5, r5]), A);
    s.message(v5Packet({ upMs: 1000, exportSec: T0 / 1000, seq: 5 }, [r5]), A);
    s.finish();
    const rows = s.sources.rows();
    expect(rows.find((x) => x.domain === 7)).toMatchObject({ lostMessages: 2, versions: [9] });
    expect(rows.find((x) => x.versions.includes(5))).toMatchObject({ lostRecords: 3 });
  });
});

describe('NetFlow v9 and v5 times', () => {
  it('v9 sysUpTime-relative times, also across the 32-bit wrap of sysUpTime', () => {
    const { s, flows } = session();
    const f9: FieldSpec[] = [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 }, { id: 6, len: 1 }, { id: 2, len: 4 }, { id: 1, len: 4 }, { id: 22, len: 4 }, { id: 21, len: 4 }];
    // the header's sysUpTime wrapped to 500 ms; the flow started at 2^32 - 1500 ms and ended at 200 ms
    const rec = encodeRecord(f9, ['10.1.0.5', '10.1.0.10', 50000, 2012, 6, SYN, 1, 60, 2 ** 32 - 1500, 200]);
    s.message(v9Packet({ upMs: 500, exportSec: T0 / 1000, seq: 0, sourceId: 0, count: 1 }, [v9Templates([{ id: 300, fields: f9 }]), set(300, rec)]), A);
    s.finish();
    expect(flows).toHaveLength(1);
    expect(flows[0]!.first).toBeCloseTo(T0 / 1000 - 2, 3);
    expect(flows[0]!.last).toBeCloseTo(T0 / 1000 - 0.3, 3);
  });

  it('v5 records pair like the others', () => {
    const { s, flows } = session();
    const r = (src: string, dst: string, sp: number, dp: number, fl: number) => ({ src, dst, sport: sp, dport: dp, proto: 6, flags: fl, pkts: 3, bytes: 180, firstUp: 9000, lastUp: 9100 });
    s.message(v5Packet({ upMs: 10_000, exportSec: T0 / 1000, seq: 0 }, [r('10.1.0.5', '10.1.0.10', 50000, 5620, SYN | ACK), r('10.1.0.10', '10.1.0.5', 5620, 50000, SYN | ACK)]), A);
    s.finish();
    expect(flows.map((f) => [f.clientIp, f.serverPort, f.outcome])).toEqual([['10.1.0.5', 5620, 'established']]);
    expect(flows[0]!.first).toBeCloseTo(T0 / 1000 - 1, 3);
  });
});

describe('NSEL (Cisco ASA) events', () => {
  const nsel: FieldSpec[] = [{ id: 148, len: 4 }, { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 },
    { id: 233, len: 1 }, { id: 33002, len: 2 }, { id: 33000, len: 12 }, { id: 323, len: 8 }, { id: 231, len: 4 }, { id: 232, len: 4 }];
  const acl = Buffer.from('0000abcd0000000100000002', 'hex');

  it('a deny event (ingress ACL) is blocked evidence with the ACL and the exporter; a teardown with responder bytes is established', () => {
    const { s, flows } = session();
    // NSEL is NetFlow v9 (ids 33000-33002 need no enterprise bit there).
    s.message(v9Packet({ upMs: 1000, exportSec: T0 / 1000, seq: 0, sourceId: 0, count: 0 }, [v9Templates([{ id: 263, fields: nsel }])]), A);
    s.message(v9Packet({ upMs: 1000, exportSec: T0 / 1000, seq: 1, sourceId: 0, count: 3 }, [set(263, Buffer.concat([
      encodeRecord(nsel, [1, '10.20.1.5', '10.10.0.10', 50000, 5633, 6, 3, 1001, acl, T0, 44, 0]),
      encodeRecord(nsel, [2, '10.20.1.5', '10.10.0.10', 50001, 4510, 6, 1, 0, Buffer.alloc(12), T0, 0, 0]),
      encodeRecord(nsel, [2, '10.20.1.5', '10.10.0.10', 50001, 4510, 6, 2, 0, Buffer.alloc(12), T0 + 900, 5000, 9000]),
    ]))]), A);
    s.finish();
    const denied = flows.find((f) => f.serverPort === 5633)!;
    expect(denied.denied).toEqual({ event: 'ingress ACL', acl: '0000abcd0000000100000002', exporter: '127.0.0.1' });
    const ok = flows.find((f) => f.serverPort === 4510)!;
    expect(ok.outcome).toBe('established');
    expect(flows).toHaveLength(2);
  });
});

describe('damaged datagrams', () => {
  it('truncated, zero and huge counts, lengths past the end, unknown versions and garbage: counted, never thrown', () => {
    const { s, flows } = session();
    const good = ipfixMessage({ exportSec: T0 / 1000, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields: UNIFLOW4 }]), set(256, Buffer.concat(handshake('10.1.0.5', 50000, '10.1.0.10', 1433, T0)))]);
    const cases: Buffer[] = [
      good.subarray(0, 10), good.subarray(0, good.length - 7), Buffer.from([0, 10, 0, 4]), Buffer.from([0, 7, 0, 0, 1, 2]),
      Buffer.concat([good.subarray(0, 16), Buffer.from([0, 2, 0xff, 0xff])]),
      v5Packet({ upMs: 0, exportSec: 0, seq: 0 }, []), Buffer.concat([Buffer.from([0, 5, 0, 30]), Buffer.alloc(40)]),
      v9Packet({ upMs: 0, exportSec: 0, seq: 0, sourceId: 0, count: 1 }, [Buffer.from([0, 0, 0, 200, 1, 0, 0xff, 0xff])]),
      ipfixMessage({ exportSec: 0, seq: 0, domain: 0 }, [ipfixTemplates([{ id: 256, fields: Array.from({ length: 3 }, () => ({ id: 1, len: 0 })) }])]),
    ];
    const r = rng(77);
    for (let k = 0; k < 2000; k++) {
      const b = Buffer.from(good);
      for (let j = 0; j < 1 + r() * 8; j++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      cases.push(r() < 0.3 ? b.subarray(0, Math.floor(r() * b.length)) : b);
    }
    for (const c of cases) expect(() => s.message(c, A)).not.toThrow();
    expect(() => s.finish()).not.toThrow();
    expect(s.counts.bad).toBeGreaterThanOrEqual(9);
    expect(Object.keys(s.problems).length).toBeGreaterThanOrEqual(5);
    for (const f of flows) expect(['tcp', 'udp', 'icmp', 'icmp6']).toContain(f.proto);
    const note = exportNotes(s).find((n) => n.code === 'export-problems')!;
    expect(note.message).not.toMatch(/\n/);
  });
});
