/**
 * Hand-built dashboard snapshots: a small hybrid WFO site (premises server
 * 10.20.0.10, SQL 10.20.0.20, agent PCs 10.20.1.x, cloud 207.166.100.0/23)
 * with every verdict and coverage status present.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { expect } from 'vitest';
import type { ClassifiedFlow, Verdict, AppProto } from '../../src/classify/types.js';
import type { FlowOutcome, FlowProto, FlowRecord } from '../../src/flow/types.js';
import type { DashboardSnapshot, Finding } from '../../src/pipeline/types.js';
import type { CoverageRow, CoverageStatus } from '../../src/report/types.js';

/** Capture time of the first packet: 2023-11-14 22:13:20 UTC. */
export const T0 = 1_700_000_000;

/** A coverage row. */
export function row(rule: string, service: string, port: string, status: CoverageStatus, flows = 0, apps: AppProto[] = [], last: number | null = null): CoverageRow {
  return {
    rule, service, port, proto: 'tcp', status, flows,
    expected: status === 'seen' ? flows : 0,
    blocked: status === 'blocked' ? flows : 0,
    first: last, last, apps, note: null,
  };
}

/** The design's active rules and what the capture showed for them so far. */
export const COVERAGE: CoverageRow[] = [
  row('hybrid.pooling', 'connection-pooling', '2010', 'seen', 4, ['http'], T0 + 80),
  row('hybrid.sl-player', 'silverlight-player', '4510', 'unseen'),
  row('hybrid.html5-player', 'html5-player', '2020', 'blocked', 2, [], T0 + 31),
  row('hybrid.html5-token', 'html5-token', '5650', 'seen', 1, ['http'], T0 + 12),
  row('hybrid.portal', 'web-portal', '443', 'seen', 9, ['tls'], T0 + 82),
  { ...row('hybrid.sl-policy', 'silverlight-policy', '943', 'unseen'), note: 'rare traffic: a short window may not show it' },
  row('hybrid.logging', 'client-logging', '5638', 'seen', 3, ['unknown'], T0 + 60),
  row('hybrid.messaging', 'messaging', '5672', 'seen', 2, ['amqp'], T0 + 75),
  row('screen.recording', 'screen-recording', '5633', 'unseen'),
  row('premises.api-cmd', 'api-server', '5620', 'seen', 1, ['unknown'], T0 + 40),
  row('premises.sql', 'sql-server', '1433', 'seen', 5, ['tds'], T0 + 83),
];

let nextId = 1;

/** A flow record with the fields the dashboard reads set, the rest neutral. */
export function flow(client: string, server: string, proto: FlowProto, port: number, bytes: [number, number], outcome: FlowOutcome): FlowRecord {
  return {
    id: nextId++, proto, family: 4, clientIp: client, serverIp: server, clientWords: [0], serverWords: [0],
    clientPort: proto === 'tcp' || proto === 'udp' ? 50_000 + nextId : 0, serverPort: port,
    outcome, end: 'open', guessed: false,
    packets: { client: Math.ceil(bytes[0] / 500), server: Math.ceil(bytes[1] / 500) },
    bytes: { client: bytes[0], server: bytes[1] },
    first: T0, last: T0 + 80, history: 'ShAD', flags: { client: 0, server: 0 },
    payloadClient: null, payloadServer: null, icmpErrors: [], vlans: [], input: 0,
    oneSided: false, ackedUnseen: 0, acked: 0, final: false,
  };
}

/** A classified flow. */
export function classified(f: FlowRecord, service: string | null, verdict: Verdict, app: AppProto = 'unknown'): ClassifiedFlow {
  return { flow: f, service, rule: service, verdict, reasonCode: verdict, reason: verdict, app, protocolMismatch: false };
}

/** The busiest flows, in no particular order (the panel sorts them). */
export const TOP_FLOWS: ClassifiedFlow[] = [
  classified(flow('10.20.1.15', '10.20.0.10', 'tcp', 443, [48_000, 2_310_000], 'established'), 'web-portal', 'expected', 'tls'),
  classified(flow('10.20.0.10', '10.20.0.20', 'tcp', 1433, [120_000, 880_000], 'established'), 'sql-server', 'expected', 'tds'),
  classified(flow('10.20.1.15', '10.20.0.10', 'tcp', 2020, [180, 0], 'unanswered'), 'html5-player', 'blocked'),
  classified(flow('10.20.0.10', '10.20.1.15', 'tcp', 5672, [4_200, 9_100], 'established'), 'messaging', 'wrong-direction', 'amqp'),
  classified(flow('10.20.1.15', '207.166.100.25', 'tcp', 3389, [51_000, 1_450_000], 'established'), null, 'unexpected', 'rdp'),
  classified(flow('10.20.0.10', '207.166.101.7', 'tcp', 2010, [310_000, 290_000], 'established'), 'connection-pooling', 'expected', 'http'),
  classified(flow('10.20.1.22', '10.20.0.53', 'udp', 53, [74, 130], 'replied'), null, 'ignored', 'dns'),
];

/** A finding group. */
export function finding(verdict: Finding['verdict'], service: string | null, port: number, clientIp: string, serverIp: string, reason: string, count: number, first: number): Finding {
  return {
    key: `${verdict}|${service ?? ''}|tcp/${port}|${clientIp}|${serverIp}`,
    verdict, service, rule: service, proto: 'tcp', port, clientIp, serverIp, reason, count, first,
  };
}

export const FINDINGS: Finding[] = [
  finding('blocked', 'html5-player', 2020, '10.20.1.15', '10.20.0.10', 'SYN never answered (no SYN-ACK, no RST)', 2, T0 + 30),
  finding('wrong-direction', 'messaging', 5672, '10.20.0.10', '10.20.1.15', 'opened by the server side; the design has the agent PC connect to the premises server', 1, T0 + 44),
  finding('unexpected', null, 3389, '10.20.1.15', '207.166.100.25', 'no active rule allows tcp/3389 from an agent PC to the cloud', 1, T0 + 51),
];

/** A snapshot of a live capture on eth1, 83 s in. */
export function liveSnapshot(over: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    source: 'eth1', live: true, elapsed: 83.4, packets: 15_832, bytes: 11_204_551,
    packetsPerSec: 1_240, bitsPerSec: 3_420_000, liveFlows: 37, decodeProblems: 2, lossEstimate: 0.004,
    coverage: COVERAGE, findings: FINDINGS, topFlows: TOP_FLOWS,
    bytesRead: 0, totalBytes: 0, done: false, ...over,
  };
}

/** A snapshot of reading two files, 45% through. */
export function fileSnapshot(over: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return liveSnapshot({
    source: 'site-a-monday.pcapng, site-a-tuesday.pcapng', live: false, lossEstimate: null, decodeProblems: 0,
    bytesRead: 12_300_000, totalBytes: 27_300_000, ...over,
  });
}

/** Text of a frame without colours, as a terminal without colour would show it. */
export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '');
}

const GOLDEN = new URL('./golden/', import.meta.url);

/**
 * Compares `text` with test/ui/golden/<name>.txt; UPDATE_GOLDEN=1 rewrites the
 * file instead (machine-written baselines, read by a person before committing).
 */
export function expectGolden(name: string, text: string): void {
  const file = new URL(`${name}.txt`, GOLDEN);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text + '\n');
  }
  expect(text + '\n').toBe(readFileSync(file, 'utf8'));
}

/** Every line of `text` fits `width` columns (the dashboard truncates, never wraps). */
export function expectFits(text: string, width: number): void {
  for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
}
