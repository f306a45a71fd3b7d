/**
 * Several sensors in one audit: the same connection from two inputs is one flow; the
 * clock offset of the later input is estimated and shown; per-input overlap figures.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../src/flow/types.js';
import { SourceMerger } from '../../src/records/merge.js';
import { runCli } from '../support/cli.js';
import { parseConn, row, tsvLog } from './zeek-support.js';

/** Flows of a log as input `input`. */
function flows(log: string, input: number): FlowRecord[] {
  return parseConn(log).flows.map((f) => ({ ...f, input }));
}

describe('SourceMerger', () => {
  it('drops a later input\'s copy of a connection, after its clock offset; keeps the rest', () => {
    const a = flows(tsvLog([row({}), row({ 'id.orig_p': '50001', ts: '1710252010.000000' })]), 0);
    // The same two connections 2 s later by the second sensor's clock, seen the other way round, plus one of its own.
    const b = flows(tsvLog([
      row({ ts: '1710252002.000000', 'id.orig_h': '10.0.0.2', 'id.orig_p': '443', 'id.resp_h': '10.0.0.1', 'id.resp_p': '50000' }),
      row({ ts: '1710252012.000000', 'id.orig_p': '50001' }),
      row({ ts: '1710252030.000000', 'id.orig_p': '50002' }),
    ]), 1);
    const kept: FlowRecord[] = [];
    const m = new SourceMerger((f) => { kept.push(f); m.indexFlow(f); });
    for (const f of a) m.indexFlow(f);
    for (const f of b) m.recordFlow(f);
    m.endInput();
    expect(kept.map((f) => f.clientPort)).toEqual([50002]);
    const fig = m.figures();
    expect(fig.get(1)).toEqual({ flows: 3, duplicates: 2, onlyHere: 0.3333, clockOffset: 2, offsetSamples: 2 });
    expect(fig.get(0)).toMatchObject({ flows: 2, duplicates: 0, onlyHere: 0, clockOffset: null });
  });

  it('a full index leaves later flows unmatched, and counts them', () => {
    const a = flows(tsvLog([row({}), row({ 'id.orig_p': '50001' })]), 0);
    const b = flows(tsvLog([row({}), row({ 'id.orig_p': '50001' })]), 1);
    const kept: FlowRecord[] = [];
    const m = new SourceMerger((f) => kept.push(f), undefined, 1);
    for (const f of a) m.indexFlow(f);
    for (const f of b) m.recordFlow(f);
    m.endInput();
    expect(kept.map((f) => f.clientPort)).toEqual([50001]);
    expect(m.notIndexed).toBe(1);
  });

  it('the same 5-tuple at another time (port reuse) is another connection; flows without time are never matched', () => {
    const a = flows(tsvLog([row({})]), 0);
    const b = flows(tsvLog([row({ ts: '1710253000.000000' }), row({ ts: '-' })]), 1);
    const kept: FlowRecord[] = [];
    const m = new SourceMerger((f) => kept.push(f));
    for (const f of a) m.indexFlow(f);
    for (const f of b) m.recordFlow(f);
    m.endInput();
    expect(kept).toHaveLength(2);
  });
});

describe('audit of two Zeek logs that share a connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-merge-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const w1 = join(dir, 'worker-1.conn.log'), w2 = join(dir, 'worker-2.conn.log');
  writeFileSync(w1, tsvLog([row({ 'id.resp_p': '1433' }), row({ 'id.orig_p': '50001', 'id.resp_p': '445', ts: '1710252005.000000' })]));
  // worker-2's clock is 2 s ahead; it saw the SQL connection too, and one connection of its own.
  writeFileSync(w2, tsvLog([row({ 'id.resp_p': '1433', ts: '1710252002.000000' }), row({ 'id.orig_p': '50002', 'id.resp_p': '5672', ts: '1710252010.000000' })]));

  it('counts it once and reports worker-2\'s clock offset', () => {
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', w1, w2]);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout) as { inputs: { path: string; overlap?: Record<string, unknown> }[]; flows: { server: string }[] };
    expect(rep.flows.map((f) => f.server).sort()).toEqual(['10.0.0.2:1433', '10.0.0.2:445', '10.0.0.2:5672']);
    const byPath = new Map(rep.inputs.map((i) => [i.path, i.overlap]));
    expect(byPath.get(w2)).toEqual({ flows: 2, duplicates: 1, onlyHere: 0.5, clockOffset: 2, offsetSamples: 1 });
    expect(byPath.get(w1)).toEqual({ flows: 2, duplicates: 0, onlyHere: 0.5, clockOffset: null, offsetSamples: 0 });
    // The human formats say it per source.
    const table = runCli(['audit', '--fail-on', 'none', w1, w2]).stdout.replace(/\s+/g, ' ');
    expect(table).toContain(`Source ${w2}: 2 rows, 2 flows; 1 already seen by an earlier input; 50% seen only here; clock +2.000 s (from 1 connection)`);
    expect(table).toContain(`Source ${w1}: 2 rows, 2 flows; 50% seen only here`);
    // One log alone has no overlap figures.
    const one = JSON.parse(runCli(['audit', '--format', 'json', '--fail-on', 'none', w1]).stdout) as { inputs: { overlap?: unknown }[] };
    expect(one.inputs[0]!.overlap).toBe(undefined);
  });
});
