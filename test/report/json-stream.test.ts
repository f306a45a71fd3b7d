import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FindingGrouper } from '../../src/report/grouper.js';
import { json } from '../../src/report/json.js';
import { flowText, flowTextGeneric, JsonFlowSpill, type JsonSink, type SpillOptions } from '../../src/report/json-stream.js';
import type { AuditReport } from '../../src/report/types.js';
import { emptyReport, manyFlows, reportOf, sampleFlows, sampleReport, SAMPLE_NAMES, toReportFlow } from './support.js';

const o = { color: false, all: false, width: 80 };
const dir = mkdtempSync(join(tmpdir(), 'wfo-json-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spills `flows` (in the given order) and writes the document through a file descriptor. */
async function viaFd(report: AuditReport, flows: Parameters<JsonFlowSpill['add']>[0][], opts: SpillOptions = {}): Promise<string> {
  const spill = new JsonFlowSpill({ dir, names: SAMPLE_NAMES, ...opts });
  for (const f of flows) spill.add(f);
  const path = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const fd = openSync(path, 'w');
  try {
    await spill.write({ ...report, flows: [] }, fd);
  } finally {
    closeSync(fd);
    spill.close();
  }
  return readFileSync(path, 'utf8');
}

async function viaSink(report: AuditReport, flows: Parameters<JsonFlowSpill['add']>[0][], make: (chunks: Buffer[]) => JsonSink,
  opts: SpillOptions = {}): Promise<string> {
  const spill = new JsonFlowSpill({ dir, names: SAMPLE_NAMES, ...opts });
  spill.addBatch(flows);
  const chunks: Buffer[] = [];
  await spill.write(report, make(chunks));
  spill.close();
  return Buffer.concat(chunks).toString('utf8');
}

describe('flowText', () => {
  it('is the generic text of every flow, with unicode, quotes, VLANs, ICMP errors and IPv6', () => {
    const flows = [...sampleFlows(), ...manyFlows(2000)].map(toReportFlow);
    expect(flows.some((f) => f.icmp.length > 0 && f.vlans.length > 0)).toBe(true);
    for (const f of flows) expect(flowText(f)).toBe(flowTextGeneric(f));
  });

  it('is the text json() writes for the flow inside the document', () => {
    const r = sampleReport();
    const text = json(r, o);
    for (const f of r.flows) expect(text).toContain(`\n${flowText(f)}`);
  });

  it('writes odd numbers and strings as JSON.stringify does', () => {
    const f0 = sampleReport().flows[0]!;
    const odd = [
      { ...f0, id: 0, first: -0, last: 1e21, packets: { client: -5, server: 2 ** 53 + 2 }, bytes: { client: NaN, server: Infinity } },
      { ...f0, first: 0.000001, last: 1e-7, vlans: [0, 4095, -1.5], reason: 'tab\there "quoted" back\\slash \u0001 \ud800 lone', history: '' },
      { ...f0, service: 'é', rule: '日本', reasonCode: '\u007f\u0080', client: '[2001:db8::1]:0', icmp: [{ type: 3, code: 13, from: '\n', count: 0.5 }] },
    ];
    for (const f of odd) expect(flowText(f)).toBe(flowTextGeneric(f));
  });

  it('writes capture times and counters digit by digit exactly as String() does', () => {
    const f0 = sampleReport().flows[0]!;
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const times = [1e-6, 9.99e-7, 0.5, 0.1 + 0.2, 1.000001, 9.999999, 10.000001, 2 ** 31 - 0.5, 2 ** 31 + 0.25,
      2 ** 33 - 1e-6, 2 ** 33 + 0.5, 2 ** 40 + 0.125, 1772442000.000001, 1772442000.1, 1772442000.999999];
    for (let i = 0; i < 3000; i++) {
      times.push(Math.round((1.7e9 + rnd() * 1e8) * 1e6) / 1e6, Math.round(rnd() * 1e6) / 1e6, rnd() * 2 ** (rnd() * 60 - 20));
    }
    const ints = [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 33, 2 ** 53 - 1, 2 ** 53, 1e21, 123456789012];
    for (let i = 0; i < times.length; i++) {
      const f = { ...f0, first: times[i]!, last: -times[i]!, packets: { client: ints[i % ints.length]!, server: Math.floor(rnd() * 2 ** 31) } };
      expect(flowText(f)).toBe(flowTextGeneric(f));
    }
  });

  it('falls back to the generic form for flows with extra fields', () => {
    const f = { ...sampleReport().flows[0]!, extra: 'x' };
    expect(flowText(f)).toBe(flowTextGeneric(f));
    expect(flowText(f)).toContain('"extra": "x"');
  });
});

describe('JsonFlowSpill', () => {
  it('writes the sample report byte for byte as json() does, from classified flows in any order', async () => {
    const want = json(sampleReport(), o);
    expect(await viaFd(sampleReport(), sampleFlows())).toBe(want);
    expect(await viaFd(sampleReport(), sampleFlows().reverse())).toBe(want);
    expect(await viaFd(sampleReport(), sampleReport().flows)).toBe(want);
  });

  it('writes a report without flows as json() does', async () => {
    expect(await viaFd(emptyReport(), [])).toBe(json(emptyReport(), o));
  });

  it('writes thousands of flows spilled over many runs as json() does', async () => {
    const flows = manyFlows(5000);
    const r = reportOf(flows);
    const want = json(r, o);
    // One run in memory, and runs of 64 kB (dozens of runs) merged through small windows.
    expect(await viaFd(r, flows)).toBe(want);
    expect(await viaFd(r, flows, { runBytes: 64 << 10, mergeBytes: 64 << 10 })).toBe(want);
    expect(await viaFd(r, flows.slice().reverse(), { runBytes: 5000 })).toBe(want);
  });

  it('writes every piece inline once its table is full, as json() does', async () => {
    const flows = manyFlows(2000);
    const r = reportOf(flows);
    const want = json(r, o);
    expect(await viaFd(r, flows, { pieceBytes: 0 })).toBe(want);
    expect(await viaFd(r, flows, { pieceBytes: 2000, runBytes: 32 << 10, mergeBytes: 64 << 10 })).toBe(want);
  });

  it('keeps report order when ids do not follow first-packet times', async () => {
    const flows = manyFlows(1000).map((cf, i) => ({ ...cf, flow: { ...cf.flow, id: 5000 - i * 3 } }));
    const r = reportOf(flows);
    expect(await viaFd(r, flows)).toBe(json(r, o));
    expect(await viaFd(r, flows.slice().reverse(), { runBytes: 16 << 10 })).toBe(json(r, o));
  });

  it('writes to a stream and to a function with the same bytes', async () => {
    const flows = manyFlows(3000);
    const r = reportOf(flows);
    const want = json(r, o);
    const stream = (chunks: Buffer[]) => {
      const s = new PassThrough({ highWaterMark: 1024 });
      s.on('data', (c: Buffer) => chunks.push(c));
      return s;
    };
    expect(await viaSink(r, flows, stream, { runBytes: 32 << 10 })).toBe(want);
    expect(await viaSink(r, flows, (chunks) => (c: Buffer) => chunks.push(c))).toBe(want);
  });

  it('writes the grouped findings like json() when the report carries them', async () => {
    const flows = manyFlows(1500);
    const r = { ...reportOf(flows), findings: new FindingGrouper({ maxGroups: 50 }).addAll(flows).result() };
    expect(await viaFd(r, flows, { runBytes: 16 << 10 })).toBe(json(r, o));
  });

  it('leaves no temp file behind, even while spilling', async () => {
    const own = mkdtempSync(join(dir, 'own-'));
    const spill = new JsonFlowSpill({ dir: own, runBytes: 4096, names: SAMPLE_NAMES });
    spill.addBatch(manyFlows(200));
    expect(spill.count).toBe(200);
    expect(readdirSync(own)).toEqual([]);
    spill.close();
  });

  it('refuses to be written twice or added to after writing', async () => {
    const spill = new JsonFlowSpill({ dir, names: SAMPLE_NAMES });
    await spill.write(emptyReport(), () => undefined);
    await expect(spill.write(emptyReport(), () => undefined)).rejects.toThrow(/twice/);
    expect(() => spill.add(sampleFlows()[0]!)).toThrow(/after write/);
    spill.close();
  });
});
