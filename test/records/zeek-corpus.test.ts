/**
 * The conn logs Zeek itself wrote (../shared/corpus/zeek-logs, its README and MANIFEST):
 * every file reads without a bad line, every tcp/udp/icmp row becomes a flow, other rows
 * are counted; for the log/capture pairs the README names, the flows of the log and of
 * the packet audit of the capture have the same 5-tuples and outcome class; the JSON
 * forms of the logs read the same as the TSV.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/cli/common.js';
import { runAudit } from '../../src/pipeline/audit.js';
import type { AuditReport } from '../../src/report/types.js';
import { CORPUS, runCli } from '../support/cli.js';
import { havePath, requires } from '../support/requires.js';
import { parseConn, tsvToJson } from './zeek-support.js';

const LOGS = `${CORPUS}zeek-logs/`;
const CAPTURES = `${CORPUS}captures/`;

interface Entry { file: string; rows: number; states: string }

function manifest(): Entry[] {
  const lines = readFileSync(`${LOGS}MANIFEST.tsv`, 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file, , rows, states] = l.split('\t');
    return { file: file!, rows: Number(rows), states: states ?? '' };
  });
}

/** proto values of the data rows of a TSV log, read straight from its `proto` column. */
function protos(text: string): string[] {
  let idx = -1;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#fields\t')) idx = line.split('\t').indexOf('proto') - 1;
    else if (line !== '' && !line.startsWith('#')) out.push(line.split('\t')[idx]!);
  }
  return out;
}

/** How the classifier treats an outcome: a failed attempt, no evidence either way, or it worked. */
function outcomeClass(s: string): string {
  if (s === 'unanswered' || s === 'rejected' || s === 'unreachable') return 'failed';
  if (s === 'no-reply-yet' || s === 'unknown') return 'inconclusive';
  return 'worked';
}

async function audit(paths: string[]): Promise<AuditReport> {
  const { design, site } = loadDesign(undefined);
  return runAudit({ paths, design, site, keepFlows: true });
}

/** Flows of a report as "proto client server" -> outcome class. */
function tuples(r: AuditReport): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of r.flows) m.set(`${f.proto} ${f.client} ${f.server}`, outcomeClass(f.state));
  return m;
}

describe.runIf(requires('corpus', havePath(`${LOGS}MANIFEST.tsv`), 'put the public corpus at ../shared/corpus'))('Zeek conn logs of the corpus', () => {
  it('every file reads without a bad line; tcp/udp/icmp rows are flows, other rows counted by kind', () => {
    const files = manifest();
    expect(files.length).toBeGreaterThanOrEqual(100);
    let flowsTotal = 0;
    for (const e of files) {
      const text = readFileSync(`${LOGS}${e.file}`, 'utf8');
      const { flows, parser } = parseConn(text, e.file);
      const c = parser.counts;
      expect(c.bad, `${e.file}: ${c.badSamples.join('; ')}`).toBe(0);
      expect(c.rows, e.file).toBe(e.rows);
      const p = protos(text);
      const transport = p.filter((x) => x === 'tcp' || x === 'udp' || x === 'icmp').length;
      // Every tcp/udp/icmp row is a flow, or an ICMP error attached to the UDP flow it answered.
      expect(flows.length + c.attached, e.file).toBe(transport);
      expect(c.flows).toBe(flows.length);
      const other: Record<string, number> = {};
      for (const x of p) if (x !== 'tcp' && x !== 'udp' && x !== 'icmp') other[x] = (other[x] ?? 0) + 1;
      expect(c.other, e.file).toEqual(other);
      flowsTotal += flows.length;
    }
    expect(flowsTotal).toBeGreaterThan(400);
  });

  it('conn_state counts of the MANIFEST give the documented outcome counts', () => {
    // opt.basic: 14 SF (udp dns, replied), 10 S0 (udp, one-way), 8 S1 (tcp, established), 2 OTH (tcp, partial).
    const { flows } = parseConn(readFileSync(`${LOGS}opt.basic.conn.log`, 'utf8'));
    const count = (o: string) => flows.filter((f) => f.outcome === o).length;
    const e = manifest().find((x) => x.file === 'opt.basic.conn.log')!;
    expect(e.states).toBe('OTH:2 S0:10 S1:8 SF:14');
    expect([count('replied'), count('one-way'), count('established'), count('partial')]).toEqual([14, 10, 8, 2]);
  });

  it('the JSON-lines form of every log reads the same as the TSV', () => {
    for (const e of manifest()) {
      const text = readFileSync(`${LOGS}${e.file}`, 'utf8');
      const t = parseConn(text, e.file), j = parseConn(tsvToJson(text), e.file);
      expect(j.parser.counts.bad, e.file).toBe(0);
      expect(j.flows, e.file).toEqual(t.flows);
      expect(j.parser.counts.other).toEqual(t.parser.counts.other);
    }
  });

  const pairs: [string, string][] = [
    ['opt.basic.conn.log', 'zeek__wikipedia.pcap'],
    ['core.q-in-q.conn.log', 'zeek__q-in-q.pcap'],
    ['scripts.policy.protocols.conn.vlan-logging.conn.log', 'zeek__q-in-q.pcap'],
    ['core.pcapng-pktsrc.conn.log', 'zeek__pcapng-multi-interface.pcapng'],
    ['scripts.base.protocols.irc.basic.conn.log', 'zeek__irc-dcc-send.pcapng'],
    ['core.tcp.missing-syn.conn.log', 'zeek__tcp__missing-syn.pcap'],
    ['core.history-flip.conn.log', 'zeek__tcp__missing-syn.pcap'],
  ];
  for (const [log, cap] of pairs) {
    it(`${log} and the packet audit of ${cap}: same 5-tuples, same outcome class`, async () => {
      const z = await audit([`${LOGS}${log}`]);
      const p = await audit([`${CAPTURES}${cap}`]);
      expect(z.inputs[0]!.format).toBe('zeek-tsv');
      expect(z.inputs[0]!.error).toBe(null);
      expect(p.inputs[0]!.error).toBe(null);
      const zt = tuples(z), pt = tuples(p);
      expect(zt.size).toBeGreaterThan(0);
      expect([...zt.entries()].sort()).toEqual([...pt.entries()].sort());
    });
  }

  it('JSON report order with flows without time: those first, by id, then by time (JSON and NDJSON writers)', () => {
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', `${CAPTURES}zeek__wikipedia.pcap`, `${LOGS}opt.basic.conn.log`]);
    const flows = (JSON.parse(r.stdout) as { flows: { id: number; first: number | null }[] }).flows;
    expect(flows).toHaveLength(68);
    const untimed = flows.slice(0, 34);
    expect(untimed.every((f) => f.first === null)).toBe(true);
    expect(untimed.map((f) => f.id)).toEqual([...untimed.map((f) => f.id)].sort((a, b) => a - b));
    const timed = flows.slice(34).map((f) => f.first!);
    expect(timed.every((t, i) => t !== null && (i === 0 || timed[i - 1]! <= t))).toBe(true);
    const nd = runCli(['audit', '--format', 'ndjson', '--fail-on', 'none', `${CAPTURES}zeek__wikipedia.pcap`, `${LOGS}opt.basic.conn.log`]);
    expect(nd.stdout.split('\n').filter((l) => l.includes('"type":"flow"'))).toHaveLength(68);
  });

  it('the wikipedia pair as two inputs of one audit: each input keeps its flows, first/last null for the masked log', async () => {
    const r = await audit([`${LOGS}opt.basic.conn.log`, `${CAPTURES}zeek__wikipedia.pcap`]);
    expect(r.inputs.map((i) => i.format).sort()).toEqual(['pcap', 'zeek-tsv']);
    expect(r.flows).toHaveLength(68);
    const fromLog = r.flows.filter((f) => f.first === null || Number.isNaN(f.first));
    expect(fromLog).toHaveLength(34);
    expect(r.stats.first).not.toBe(null);
  });
});
