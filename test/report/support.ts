/**
 * A hand-built AuditReport for the reporter tests: flows of every verdict (through
 * toReportFlow, so the JSON shape is the real one), coverage rows of every status,
 * conflicts, decode errors, an IPv6 flow, an ICMP flow and a protocol mismatch.
 */
import type { ClassifiedFlow } from '../../src/classify/types.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { compareFlows, summarize, toReportFlow as toReportFlowNamed } from '../../src/report/build.js';
import { FlowSourceNames } from '../../src/report/flow-sources.js';
import type { AuditReport, CoverageRow, ReportFlow } from '../../src/report/types.js';

/** The inputs of the sample flows: input 0 is `sample.pcap`. */
export const SAMPLE_NAMES = new FlowSourceNames();
SAMPLE_NAMES.setInput(0, 'sample.pcap');
SAMPLE_NAMES.setInput(1, 'second.pcap');

/** toReportFlow with the sample inputs' names. */
export function toReportFlow(cf: ClassifiedFlow): ReportFlow {
  return toReportFlowNamed(cf, SAMPLE_NAMES);
}

/** Capture start used by every fixture time (2026-03-02 09:00:00 UTC). */
export const T0 = 1772442000;

/** A flow record with sensible defaults; override what a case needs. */
export function flowRecord(p: Partial<FlowRecord> & Pick<FlowRecord, 'id' | 'clientIp' | 'serverIp'>): FlowRecord {
  return {
    proto: 'tcp',
    family: p.clientIp.includes(':') ? 6 : 4,
    clientWords: [0],
    serverWords: [0],
    clientPort: 50000 + p.id,
    serverPort: 443,
    outcome: 'established',
    end: 'fin',
    guessed: false,
    packets: { client: 10, server: 8 },
    bytes: { client: 1200, server: 5400 },
    first: T0 + p.id,
    last: T0 + p.id + 2.5,
    history: 'ShADadFf',
    flags: { client: 0x1b, server: 0x1b },
    payloadClient: null,
    payloadServer: null,
    icmpErrors: [],
    vlans: [],
    input: 0,
    oneSided: false,
    ackedUnseen: 0,
    acked: 1000,
    final: true,
    ...p,
  };
}

/** A classified flow; `c` sets service, rule, verdict and reasons. */
export function classified(flow: FlowRecord, c: Partial<Omit<ClassifiedFlow, 'flow'>> = {}): ClassifiedFlow {
  return {
    flow,
    service: 'web-portal',
    rule: 'premises.web-portal.443',
    verdict: 'expected',
    reasonCode: 'matched',
    reason: 'matches rule premises.web-portal.443',
    app: 'tls',
    protocolMismatch: false,
    ...c,
  };
}

const noReply = { verdict: 'blocked', reasonCode: 'tcp-no-reply', reason: 'no reply (dropped by a firewall?)' } as const;

/** The classified flows behind the sample report (deliberately not in time order). */
export function sampleFlows(): ClassifiedFlow[] {
  return [
    classified(flowRecord({ id: 3, clientIp: '10.20.1.5', serverIp: '10.10.0.10', serverPort: 5620 }), {
      service: 'api-server', rule: 'premises.api-server.5620', reason: 'matches rule premises.api-server.5620', app: 'unknown',
    }),
    classified(flowRecord({ id: 1, clientIp: '10.20.1.5', serverIp: '10.10.0.10' })),
    classified(flowRecord({ id: 2, clientIp: '10.10.0.10', serverIp: '10.10.0.20', serverPort: 1433, first: T0 + 0.1234564 }), {
      service: 'sql', rule: 'premises.sql.1433', reason: 'matches rule premises.sql.1433', app: 'tds',
    }),
    // Two blocked attempts to the same port and host pair form one group; a third host pair another.
    classified(flowRecord({
      id: 4, clientIp: '10.20.1.7', serverIp: '10.10.0.11', serverPort: 2012, outcome: 'unanswered', end: 'timeout',
      packets: { client: 3, server: 0 }, bytes: { client: 198, server: 0 }, history: 'S', acked: 0,
    }), { service: 'cti-core', rule: 'premises.cti-core.2012', app: 'unknown', ...noReply }),
    classified(flowRecord({
      id: 5, clientIp: '10.20.1.7', serverIp: '10.10.0.11', serverPort: 2012, outcome: 'rejected', end: 'reset',
      packets: { client: 1, server: 1 }, bytes: { client: 66, server: 60 }, history: 'Sr', acked: 0,
    }), {
      service: 'cti-core', rule: 'premises.cti-core.2012', app: 'unknown',
      verdict: 'blocked', reasonCode: 'tcp-rst', reason: 'refused by the host (RST)',
    }),
    classified(flowRecord({
      id: 6, clientIp: '10.20.1.7', serverIp: '10.10.0.11', serverPort: 2012, outcome: 'unanswered', end: 'timeout',
      packets: { client: 3, server: 0 }, bytes: { client: 198, server: 0 }, history: 'S', acked: 0,
    }), { service: 'cti-core', rule: 'premises.cti-core.2012', app: 'unknown', ...noReply }),
    classified(flowRecord({
      id: 7, proto: 'udp', clientIp: '10.10.0.10', serverIp: '10.10.0.40', clientPort: 40000, serverPort: 162,
      outcome: 'unreachable', end: 'timeout', packets: { client: 1, server: 0 }, bytes: { client: 120, server: 0 },
      history: 'D', icmpErrors: [{ family: 4, type: 3, code: 13, from: '10.10.0.1', count: 1 }], acked: 0,
    }), {
      service: 'snmp', rule: 'premises.snmp.162', app: 'snmp', verdict: 'blocked',
      reasonCode: 'icmp-admin-prohibited', reason: 'ICMP administratively prohibited (firewall)',
    }),
    classified(flowRecord({ id: 8, clientIp: '10.10.0.20', serverIp: '10.10.0.10', serverPort: 1433 }), {
      service: 'sql', rule: 'premises.sql.1433', app: 'tds', verdict: 'wrong-direction',
      reasonCode: 'opened-from-peer', reason: 'opened by the SQL server towards a WFO server (the design has WFO servers open 1433)',
    }),
    classified(flowRecord({ id: 9, clientIp: '10.20.1.9', serverIp: '10.10.0.10', serverPort: 3389 }), {
      service: null, rule: null, app: 'rdp', verdict: 'unexpected', reasonCode: 'no-rule', reason: 'no rule for 3389/tcp',
    }),
    classified(flowRecord({
      id: 10, family: 6, clientIp: '2001:db8:20::15', serverIp: '2001:db8:10::a', serverPort: 5633, vlans: [20, 30],
    }), {
      service: 'screen-recording', rule: 'premises.screen-recording.5633', app: 'unknown', verdict: 'unexpected',
      reasonCode: 'module-disabled', reason: 'rule premises.screen-recording.5633 belongs to module screen-recording, which is not enabled',
    }),
    classified(flowRecord({
      id: 11, proto: 'icmp', clientIp: '10.10.0.10', serverIp: '10.10.0.99', clientPort: 8, serverPort: 0,
      outcome: 'replied', end: 'timeout', history: '', packets: { client: 4, server: 4 }, bytes: { client: 392, server: 392 },
    }), { service: null, rule: null, app: 'unknown', verdict: 'unexpected', reasonCode: 'no-rule', reason: 'no rule for ICMP echo' }),
    classified(flowRecord({ id: 12, clientIp: '10.10.0.10', serverIp: '10.10.0.20', serverPort: 1433 }), {
      service: 'sql', rule: 'premises.sql.1433', app: 'tls', protocolMismatch: true,
      reason: 'matches rule premises.sql.1433',
    }),
    classified(flowRecord({
      id: 13, proto: 'udp', clientIp: '192.168.7.1', serverIp: '192.168.7.2', clientPort: 5353, serverPort: 5353,
      outcome: 'one-way', end: 'timeout', guessed: true, history: 'D^',
    }), { service: null, rule: null, app: 'dns', verdict: 'ignored', reasonCode: 'out-of-scope', reason: 'neither end is a WFO host or the cloud' }),
  ];
}

/** Coverage rows of every status, one with a rare-traffic note. */
export function sampleCoverage(): CoverageRow[] {
  return [
    {
      rule: 'premises.web-portal.443', service: 'web-portal', port: '443', proto: 'tcp', status: 'seen',
      flows: 1, expected: 1, blocked: 0, first: T0 + 1, last: T0 + 3.5, apps: ['tls'], note: null,
    },
    {
      rule: 'premises.api-server.5620', service: 'api-server', port: '5620', proto: 'tcp', status: 'seen',
      flows: 1, expected: 1, blocked: 0, first: T0 + 3, last: T0 + 5.5, apps: ['unknown'], note: null,
    },
    {
      rule: 'premises.sql.1433', service: 'sql', port: '1433', proto: 'tcp', status: 'seen',
      flows: 3, expected: 2, blocked: 0, first: T0 + 0.123456, last: T0 + 14.5, apps: ['tds', 'tls'], note: null,
    },
    {
      rule: 'premises.cti-core.2012', service: 'cti-core', port: '2012-2015', proto: 'tcp', status: 'blocked',
      flows: 3, expected: 0, blocked: 3, first: T0 + 4, last: T0 + 8.5, apps: ['unknown'], note: null,
    },
    {
      rule: 'premises.snmp.162', service: 'snmp', port: '162', proto: 'udp', status: 'blocked',
      flows: 1, expected: 0, blocked: 1, first: T0 + 7, last: T0 + 9.5, apps: ['snmp'], note: 'rare traffic: a short window may not show it',
    },
    {
      rule: 'premises.smtp.25', service: 'smtp', port: '25', proto: 'tcp', status: 'unseen',
      flows: 0, expected: 0, blocked: 0, first: null, last: null, apps: [], note: 'rare traffic: a short window may not show it',
    },
    {
      rule: 'premises.rabbitmq.5672', service: 'rabbitmq', port: '5672', proto: 'tcp', status: 'unseen',
      flows: 0, expected: 0, blocked: 0, first: null, last: null, apps: [], note: null,
    },
  ];
}

/** The sample report, built the way the pipeline builds one. */
export function sampleReport(): AuditReport {
  const flows = sampleFlows().map(toReportFlow).sort(compareFlows);
  return {
    version: '0.1.0',
    inputs: [
      { path: 'fixtures/site-a/monday.pcapng', format: 'pcapng', gzip: false, linkTypes: [1], packets: 95, bytes: 14210, error: null },
      {
        path: 'fixtures/site-a/tuesday.pcap.gz', format: 'pcap', gzip: true, linkTypes: [1, 113], packets: 12, bytes: 1864,
        error: 'tuesday.pcap.gz: packet 13 record header cut short (12 of 16 bytes)',
      },
    ],
    stats: {
      packets: 107,
      bytes: 16074,
      flows: flows.length,
      first: T0 + 0.123456,
      last: T0 + 16.25,
      decodeErrors: { truncated_tcp_header: 2, bad_ipv4_header_length: 1 },
      evicted: 0,
      oneSidedShare: 0.1,
      bothWaysShare: 0.9,
      lossEstimate: 0.0042,
      icmpUnmatched: 1,
    },
    site: { path: 'fixtures/site-a/site.yaml', mode: 'premises', modules: ['desktop-analytics', 'survey'] },
    flows,
    coverage: sampleCoverage(),
    conflicts: [
      { kind: 'port-5060', message: 'survey and cti-core both use 5060 on 10.10.0.11; the seed says Survey must move to another port' },
    ],
    summary: summarize(flows),
  };
}

/** sampleReport with the schema-2 parts: warnings, connections and finding paths. */
export function sampleReportV2(): AuditReport {
  const r = sampleReport();
  return {
    ...r,
    schemaVersion: 2,
    coverage: r.coverage.map((c) => ({ ...c, connection: 'wfo-servers>sql:1433/tcp', 'wrong-direction': 0, inconclusive: 0 })),
    warnings: [{ code: 'role-absent', message: 'role pbx: none of its addresses appears in the input', count: 1 }],
    connections: [{
      id: 'wfo-servers>sql:1433/tcp', from: 'wfo-servers', to: 'sql', port: '1433', proto: 'tcp', status: 'blocked',
      expected: 0, blocked: 2, 'wrong-direction': 0, inconclusive: 1, flows: 3, first: T0 + 1, last: T0 + 2,
      rules: ['api-server.sql.1433', 'archiver.sql.1433'], seed: [{ table: 'premises-server', row: 4, text: 'API Server | 1433 | TCP | Outbound | SQL Connection' }],
      note: null,
    }],
    design: { hash: 'b'.repeat(64) },
    findings: {
      paths: [{
        verdict: 'blocked', connection: 'wfo-servers>sql:1433/tcp', proto: 'tcp', port: 1433, server: '10.10.0.20', clients: 2,
        flows: 2, first: T0 + 1, last: T0 + 2, reason: 'sql tcp/1433 (rule api-server.sql.1433): refused by the host (RST)',
        reasonCode: 'blocked-refused', sampleClients: ['10.10.0.10', '10.10.0.11'],
      }],
      groups: [],
      mismatches: [],
    },
  };
}

/** A report with nothing in it (no packets, no flows, no coverage). */
export function emptyReport(): AuditReport {
  return {
    version: '0.1.0',
    inputs: [{ path: '-', format: 'pcap', gzip: false, linkTypes: [1], packets: 0, bytes: 0, error: null }],
    stats: {
      packets: 0, bytes: 0, flows: 0, first: null, last: null, decodeErrors: {}, evicted: 0,
      oneSidedShare: null, bothWaysShare: null, lossEstimate: null, icmpUnmatched: 0,
    },
    site: { path: null, mode: 'premises', modules: [] },
    flows: [],
    coverage: [],
    conflicts: [],
    summary: summarize([]),
  };
}

/**
 * `n` classified flows of every verdict over a few hundred host pairs, with IPv6,
 * ICMP, VLANs, ICMP errors, quotes and non-ASCII in reasons; deterministic, and
 * deliberately not in time order (flows end, and reach the report, out of order).
 */
export function manyFlows(n: number): ClassifiedFlow[] {
  let seed = 12345;
  const rnd = (m: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % m;
  };
  const verdicts = ['expected', 'blocked', 'wrong-direction', 'unexpected', 'ignored'] as const;
  const out: ClassifiedFlow[] = [];
  for (let i = 0; i < n; i++) {
    const id = i + 1;
    const v6 = rnd(10) === 0;
    const icmp = !v6 && rnd(20) === 0;
    const clientIp = v6 ? `2001:db8:20::${rnd(40).toString(16)}` : `10.20.${rnd(3)}.${rnd(60)}`;
    const serverIp = v6 ? `2001:db8:10::${rnd(4).toString(16)}` : `10.10.0.${10 + rnd(5)}`;
    const verdict = verdicts[rnd(verdicts.length)]!;
    const port = [443, 1433, 2012, 5620, 3389][rnd(5)]!;
    const service = rnd(6) === 0 ? null : ['sql', 'cti-core', 'web-portal'][rnd(3)]!;
    const reason = ['no reply (dropped by a firewall?)', 'refused by the host (RST)', 'règle "absente" → ok', 'matches rule x'][rnd(4)]!;
    const first = T0 + Math.floor(i / 3) * 0.0137 + rnd(1000) / 7;
    out.push(classified(flowRecord({
      id, clientIp, serverIp, family: v6 ? 6 : 4,
      proto: icmp ? 'icmp' : rnd(4) === 0 ? 'udp' : 'tcp',
      clientPort: icmp ? 8 : 40000 + rnd(20000), serverPort: icmp ? 0 : port,
      first, last: first + rnd(100) / 3,
      packets: { client: rnd(50), server: rnd(50) }, bytes: { client: rnd(90000), server: rnd(90000) },
      vlans: rnd(8) === 0 ? [10, 20 + rnd(5)] : [],
      icmpErrors: rnd(15) === 0 ? [{ family: 4, type: 3, code: rnd(14), from: '10.10.0.1', count: 1 + rnd(3) }] : [],
      guessed: rnd(9) === 0,
      history: ['ShADadFf', 'S', 'Sr', 'D^'][rnd(4)]!,
    }), {
      service, rule: service ? `premises.${service}.${port}` : null, verdict, reason, reasonCode: `code-${rnd(3)}`,
      app: ['tls', 'tds', 'unknown'][rnd(3)] as ClassifiedFlow['app'], protocolMismatch: rnd(12) === 0,
    }));
  }
  // Emission order: by last packet, roughly, as flows end.
  return out.sort((a, b) => a.flow.last - b.flow.last || b.flow.id - a.flow.id);
}

/** A report over `flows` the way the pipeline builds one, coverage and inputs from the sample. */
export function reportOf(flows: ClassifiedFlow[]): AuditReport {
  const rows = flows.map(toReportFlow).sort(compareFlows);
  return { ...sampleReport(), stats: { ...sampleReport().stats, flows: rows.length }, flows: rows, summary: summarize(rows) };
}
