import { describe, expect, it } from 'vitest';
import {
  compareFlows, endpoint, findingsMissing, groupFindings, groupMismatches, isFindingFlow, roundTime,
  splitEndpoint, summarize, summaryTotal,
} from '../../src/report/build.js';
import { classified, flowRecord, sampleFlows, sampleReport, T0, toReportFlow } from './support.js';

describe('toReportFlow', () => {
  it('writes IPv4 endpoints as ip:port and copies the counters', () => {
    const f = toReportFlow(classified(flowRecord({ id: 1, clientIp: '10.20.1.5', serverIp: '10.10.0.10' })));
    expect(f.client).toBe('10.20.1.5:50001');
    expect(f.server).toBe('10.10.0.10:443');
    expect(f.packets).toEqual({ client: 10, server: 8 });
    expect(f.state).toBe('established');
    expect(f.verdict).toBe('expected');
  });

  it('brackets IPv6 addresses', () => {
    const f = toReportFlow(classified(flowRecord({ id: 2, clientIp: '2001:db8::1', serverIp: '::1', serverPort: 5620 })));
    expect(f.client).toBe('[2001:db8::1]:50002');
    expect(f.server).toBe('[::1]:5620');
  });

  it('gives ICMP flows port 0 on both ends', () => {
    const f = toReportFlow(classified(flowRecord({
      id: 3, proto: 'icmp6', clientIp: 'fe80::1', serverIp: 'fe80::2', clientPort: 128, serverPort: 7,
    })));
    expect(f.client).toBe('[fe80::1]:0');
    expect(f.server).toBe('[fe80::2]:0');
  });

  it('rounds times to 6 decimals', () => {
    const f = toReportFlow(classified(flowRecord({
      id: 4, clientIp: '1.1.1.1', serverIp: '2.2.2.2', first: T0 + 0.1234561, last: T0 + 0.9999996,
    })));
    expect(f.first).toBe(1772442000.123456);
    expect(f.last).toBe(1772442001);
    expect(String(roundTime(1700000000.1234567))).toBe('1700000000.123457');
  });

  it('does not share arrays with the flow record', () => {
    const rec = flowRecord({ id: 5, clientIp: '1.1.1.1', serverIp: '2.2.2.2', vlans: [10] });
    const f = toReportFlow(classified(rec));
    rec.vlans.push(20);
    expect(f.vlans).toEqual([10]);
  });

  it('maps ICMP errors without their family', () => {
    const f = toReportFlow(classified(flowRecord({
      id: 6, clientIp: '1.1.1.1', serverIp: '2.2.2.2', icmpErrors: [{ family: 4, type: 3, code: 3, from: '2.2.2.2', count: 2 }],
    })));
    expect(f.icmp).toEqual([{ type: 3, code: 3, from: '2.2.2.2', count: 2 }]);
  });
});

describe('endpoints', () => {
  it('round-trip through splitEndpoint', () => {
    for (const [ip, port] of [['10.0.0.1', 443], ['2001:db8::a', 0], ['::', 65535]] as const) {
      expect(splitEndpoint(endpoint(ip, port))).toEqual({ ip, port });
    }
  });
});

describe('compareFlows', () => {
  it('orders by first time, then id', () => {
    const flows = sampleReport().flows;
    const shuffled = flows.slice().reverse().sort(compareFlows);
    expect(shuffled.map((f) => f.id)).toEqual(flows.map((f) => f.id));
    const a = { ...flows[0]!, id: 9, first: 5 };
    const b = { ...flows[0]!, id: 3, first: 5 };
    expect([a, b].sort(compareFlows).map((f) => f.id)).toEqual([3, 9]);
  });
});

describe('groupFindings', () => {
  const groups = groupFindings(sampleReport().flows);

  it('groups by verdict, service, port and host pair with counts and times', () => {
    const cti = groups.find((g) => g.service === 'cti-core')!;
    expect(cti.key).toBe('blocked|cti-core|tcp/2012|10.20.1.7|10.10.0.11');
    expect(cti.count).toBe(3);
    expect(cti.ids).toEqual([4, 5, 6]);
    expect(cti.first).toBe(T0 + 4);
    expect(cti.last).toBe(T0 + 8.5);
  });

  it('names the most frequent reason and lists every reason with its count', () => {
    const cti = groups.find((g) => g.service === 'cti-core')!;
    expect(cti.reason).toBe('no reply (dropped by a firewall?)');
    expect(cti.reasons).toEqual([
      { reason: 'no reply (dropped by a firewall?)', reasonCode: 'tcp-no-reply', count: 2 },
      { reason: 'refused by the host (RST)', reasonCode: 'tcp-rst', count: 1 },
    ]);
  });

  it('leaves out expected and ignored flows and sorts blocked, wrong-direction, unexpected', () => {
    expect(groups.map((g) => g.verdict)).toEqual([
      'blocked', 'blocked', 'wrong-direction', 'unexpected', 'unexpected', 'unexpected',
    ]);
    expect(groups.reduce((s, g) => s + g.count, 0)).toBe(8);
    // Named services before "no service"; then by port.
    expect(groups.filter((g) => g.verdict === 'unexpected').map((g) => `${g.service}:${g.port}`))
      .toEqual(['screen-recording:5633', 'null:0', 'null:3389']);
  });

  it('uses bare IPv6 addresses in the host pair', () => {
    const v6 = groups.find((g) => g.service === 'screen-recording')!;
    expect(v6.clientIp).toBe('2001:db8:20::15');
    expect(v6.serverIp).toBe('2001:db8:10::a');
  });

  it('does not depend on the input order', () => {
    expect(groupFindings(sampleReport().flows.reverse())).toEqual(groups);
  });
});

describe('groupMismatches', () => {
  it('groups protocol-mismatch flows with the protocol carried', () => {
    const m = groupMismatches(sampleReport().flows);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ service: 'sql', port: 1433, app: 'tls', count: 1, verdict: 'expected' });
  });
});

describe('summarize', () => {
  it('counts every verdict and protocol mismatches, in report order', () => {
    const s = summarize(sampleReport().flows);
    expect(s).toEqual({ expected: 4, blocked: 4, 'wrong-direction': 1, unexpected: 3, inconclusive: 0, ignored: 1, 'protocol-mismatch': 1 });
    expect(Object.keys(s)).toEqual(['expected', 'blocked', 'wrong-direction', 'unexpected', 'inconclusive', 'ignored', 'protocol-mismatch']);
    expect(summaryTotal(s)).toBe(sampleFlows().length);
  });
});

describe('isFindingFlow and findingsMissing', () => {
  it('keeps findings and mismatches, not plain expected or ignored flows', () => {
    const kept = sampleReport().flows.filter(isFindingFlow).map((f) => f.id).sort((a, b) => a - b);
    expect(kept).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('counts the finding flows a report lacks', () => {
    const r = sampleReport();
    expect(findingsMissing(r, 8)).toBe(0);
    expect(findingsMissing({ ...r, flows: [] }, 0)).toBe(8);
  });
});
