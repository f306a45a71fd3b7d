/**
 * Many exporters, one collector: a connection two exporters sent is one flow listing both;
 * one exporter's own records are never merged with each other; the index forgets old flows.
 */
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../src/flow/types.js';
import { ExporterMerger, WINDOW } from '../../src/records/exporter-merge.js';
import { FlowSourceNames } from '../../src/report/flow-sources.js';
import { parseConn, row, tsvLog } from './zeek-support.js';

let nextId = 1;
/** One flow of a Zeek row, as exporter `source` sent it. */
function flow(source: string, over: Record<string, string>): FlowRecord {
  const f = parseConn(tsvLog([row(over)])).flows[0]!;
  return { ...f, id: nextId++, sources: [source] };
}

function run(flows: FlowRecord[], max?: number) {
  const names = new FlowSourceNames();
  const kept: FlowRecord[] = [];
  const m = new ExporterMerger((f) => kept.push(f), (id, dup) => names.addCopy(id, dup), max);
  for (const f of flows) m.flow(f);
  m.end();
  return { kept, m, names };
}

describe('ExporterMerger', () => {
  it('the same connection from two exporters, either way round and 1 s apart, is one flow naming both', () => {
    const a = flow('192.0.2.1:2055 domain 0', {});
    const b = flow('192.0.2.2:2055 domain 0', { ts: '1710252001.000000', 'id.orig_h': '10.0.0.2', 'id.orig_p': '443', 'id.resp_h': '10.0.0.1', 'id.resp_p': '50000' });
    const { kept, m, names } = run([a, b]);
    expect(kept).toEqual([a]);
    expect(names.withCopies(a.id, a.sources!)).toEqual(['192.0.2.1:2055 domain 0', '192.0.2.2:2055 domain 0']);
    expect(m.duplicates).toBe(1);
    expect(m.dupPackets).toBe(b.packets.client + b.packets.server);
    expect(m.figures.get('192.0.2.1:2055 domain 0')).toEqual({ flows: 1, duplicates: 0, shared: 1 });
    expect(m.figures.get('192.0.2.2:2055 domain 0')).toEqual({ flows: 1, duplicates: 1, shared: 1 });
  });

  it('one exporter\'s two records of a 5-tuple stay two flows (port reuse); another time is another connection', () => {
    const a = flow('192.0.2.1:2055 domain 0', {});
    const again = flow('192.0.2.1:2055 domain 0', {});
    const later = flow('192.0.2.2:2055 domain 0', { ts: '1710252100.000000' });
    const { kept, m } = run([a, again, later]);
    expect(kept).toEqual([a, again, later]);
    expect(m.duplicates).toBe(0);
    expect(m.figures.get('192.0.2.1:2055 domain 0')).toEqual({ flows: 2, duplicates: 0, shared: 0 });
  });

  it('a third exporter\'s copy joins the same flow; flows without sources or time pass untouched', () => {
    const a = flow('e1', {});
    const b = flow('e2', {});
    const c = flow('e3', {});
    const bare = { ...flow('e1', { 'id.orig_p': '50009' }), sources: undefined };
    const untimed = { ...flow('e2', { 'id.orig_p': '50008' }), first: NaN, last: NaN };
    const { kept, names } = run([a, b, c, bare, untimed]);
    // Flows without sources or time go on at once; the merged one when its hold ends.
    expect(kept).toEqual([bare, untimed, a]);
    expect(names.withCopies(a.id, ['e1'])).toEqual(['e1', 'e2', 'e3']);
  });

  it('a copy with stronger evidence replaces the flow held, under its id; an ICMP error another exporter tied is a copy', () => {
    const oneWay = flow('e1', { proto: 'udp', 'id.resp_p': '162', conn_state: 'S0', history: 'D', resp_pkts: '0', resp_bytes: '0', resp_ip_bytes: '0', ip_proto: '17' });
    const tied: FlowRecord = { ...flow('e2', { proto: 'udp', 'id.resp_p': '162', conn_state: 'S0', history: 'D', resp_pkts: '0', resp_bytes: '0', resp_ip_bytes: '0', ip_proto: '17' }),
      outcome: 'unreachable', icmpErrors: [{ family: 4, type: 3, code: 3, from: '10.0.0.9', count: 1 }] };
    const icmp = flow('e1', { proto: 'icmp', 'id.orig_h': '10.0.0.9', 'id.orig_p': '3', 'id.resp_h': '10.0.0.1', 'id.resp_p': '3', conn_state: 'OTH', history: '', ip_proto: '1' });
    expect(oneWay.outcome).toBe('one-way');
    const { kept, m, names } = run([oneWay, icmp, tied]);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ id: oneWay.id, outcome: 'unreachable', sources: ['e1'] });
    expect(names.withCopies(oneWay.id, ['e1'])).toEqual(['e1', 'e2']);
    expect(m.duplicates).toBe(2);
  });

  it('a full index is pruned of flows older than its window; what still does not fit is counted, not merged', () => {
    const old = flow('e1', { ts: '1710252000.000000', 'id.orig_p': '40000' });
    const fresh = flow('e1', { ts: String(1710252000 + WINDOW + 100), 'id.orig_p': '40001' });
    const next = flow('e1', { ts: String(1710252000 + WINDOW + 101), 'id.orig_p': '40002' });
    const copyOfNext = flow('e2', { ts: String(1710252000 + WINDOW + 101), 'id.orig_p': '40002' });
    const { kept, m } = run([old, fresh, next, copyOfNext], 1);
    // old was pruned when fresh came (index of 1); next found it full of fresh, so neither next nor its
    // copy was indexed: both are counted and both kept (counted twice rather than guessed once).
    expect(m.notIndexed).toBe(2);
    expect(m.duplicates).toBe(0);
    expect([...kept].sort((x, y) => x.id - y.id)).toEqual([old, fresh, next, copyOfNext]);
  });
});
