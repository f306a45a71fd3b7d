/**
 * ZeekConnParser on hand-written conn logs: the conn_state/history -> outcome table,
 * the end-of-input rules, ICMP unreachables, header handling, and damaged lines.
 */
import { describe, expect, it } from 'vitest';
import { parseConn, row, tsvLog, tsvToJson } from './zeek-support.js';
import { rng } from '../support/prng.js';

describe('conn_state and history to outcomes', () => {
  const cases: [string, string, string, string][] = [
    // state, history, orig_pkts, outcome
    ['S0', 'S', '3', 'unanswered'],
    ['S0', 'ShA', '3', 'one-sided'],
    ['S0', 'D', '2', 'one-sided'],
    ['REJ', 'Sr', '1', 'rejected'],
    ['RSTOS0', 'SR', '2', 'unanswered'],
    ['SH', 'SF', '2', 'unanswered'],
    ['SF', 'ShADadFf', '5', 'established'],
    ['S1', 'ShAD', '3', 'established'],
    ['S2', 'ShADF', '4', 'established'],
    ['S3', 'ShADf', '4', 'established'],
    ['RSTO', 'ShADR', '4', 'established'],
    ['RSTR', 'ShADr', '4', 'established'],
    ['RSTRH', 'Hr', '0', 'partial'],
    ['SHR', 'hr', '0', 'partial'],
    ['OTH', 'Dd', '3', 'partial'],
    ['-', 'Dd', '3', 'unknown'],
  ];
  for (const [state, history, pkts, outcome] of cases) {
    it(`${state} ${history} -> ${outcome}`, () => {
      // Two rows: the second, later one keeps the first away from the end of the input.
      const log = tsvLog([
        row({ conn_state: state, history, orig_pkts: pkts, resp_pkts: '0' }),
        row({ ts: '1710252100.000000', 'id.orig_p': '50001' }),
      ]);
      const { flows } = parseConn(log);
      const f = flows.find((x) => x.clientPort === 50000)!;
      expect(f.outcome).toBe(outcome);
      expect(f.oneSided).toBe(outcome === 'one-sided');
    });
  }

  it('a one-packet S0 within the SYN grace of the end is no-reply-yet, an earlier one unanswered', () => {
    const log = tsvLog([
      row({ conn_state: 'S0', history: 'S', orig_pkts: '1', resp_pkts: '0', duration: '-' }),
      row({ ts: '1710252100.000000', 'id.orig_p': '50001', duration: '0' }),
      row({ ts: '1710252098.500000', 'id.orig_p': '50002', conn_state: 'S0', history: 'S', orig_pkts: '1', resp_pkts: '0', duration: '-' }),
      row({ ts: '1710252098.500000', 'id.orig_p': '50003', conn_state: 'S0', history: 'S', orig_pkts: '3', resp_pkts: '0', duration: '1' }),
    ]);
    const by = new Map(parseConn(log).flows.map((f) => [f.clientPort, f.outcome]));
    expect(by.get(50000)).toBe('unanswered');
    expect(by.get(50002)).toBe('no-reply-yet');
    expect(by.get(50003)).toBe('unanswered');
    // With no grace, nothing is near the end.
    expect(parseConn(log, 'c', 0).flows.find((f) => f.clientPort === 50002)!.outcome).toBe('unanswered');
  });

  it('^ in the history marks the direction as guessed; history keeps only Zeek letters', () => {
    const { flows } = parseConn(tsvLog([row({ history: '^hADad', conn_state: 'OTH' })]));
    expect(flows[0]!.guessed).toBe(true);
    expect(flows[0]!.history).toBe('^hADad');
    expect(parseConn(tsvLog([row({})])).flows[0]!.guessed).toBe(false);
  });

  it('UDP and ICMP: replied when the responder sent packets, else one-way', () => {
    const log = tsvLog([
      row({ proto: 'udp', 'id.resp_p': '53', conn_state: 'SF', history: 'Dd', orig_pkts: '1', resp_pkts: '1' }),
      row({ proto: 'udp', 'id.orig_p': '5353', 'id.resp_p': '5353', conn_state: 'S0', history: 'D', orig_pkts: '1', resp_pkts: '0' }),
      row({ proto: 'icmp', 'id.orig_p': '8', 'id.resp_p': '0', conn_state: 'OTH', history: '-', orig_pkts: '2', resp_pkts: '2' }),
      row({ proto: 'icmp', 'id.orig_h': 'fe80::1', 'id.resp_h': 'ff02::1', 'id.orig_p': '135', 'id.resp_p': '136', conn_state: 'OTH', history: '-', orig_pkts: '1', resp_pkts: '0' }),
    ]);
    const f = parseConn(log).flows;
    const udp = f.filter((x) => x.proto === 'udp');
    expect(udp.map((x) => [x.serverPort, x.outcome]).sort()).toEqual([[53, 'replied'], [5353, 'one-way']]);
    const icmp = f.find((x) => x.proto === 'icmp')!;
    expect([icmp.outcome, icmp.clientPort, icmp.serverPort]).toEqual(['replied', 0, 0]);
    const icmp6 = f.find((x) => x.proto === 'icmp6')!;
    expect([icmp6.outcome, icmp6.family, icmp6.serverIp]).toEqual(['one-way', 6, 'ff02::1']);
  });

  it('an ICMP unreachable from the server to the client in the UDP flow\'s time makes it unreachable', () => {
    const log = tsvLog([
      row({ proto: 'udp', 'id.resp_p': '162', conn_state: 'S0', history: 'D', orig_pkts: '1', resp_pkts: '0', duration: '-' }),
      // Logged before the UDP flow (ICMP conns time out sooner): the match waits for the end of input.
      row({ ts: '1710252000.001000', proto: 'icmp', 'id.orig_h': '10.0.0.2', 'id.orig_p': '3', 'id.resp_h': '10.0.0.1', 'id.resp_p': '3', conn_state: 'OTH', history: '-', orig_pkts: '1', resp_pkts: '0' }),
      row({ proto: 'udp', 'id.orig_p': '50009', 'id.resp_p': '162', conn_state: 'S0', history: 'D', orig_pkts: '1', resp_pkts: '0', ts: '1710252050.000000', duration: '-' }),
    ]);
    const { flows: f, parser } = parseConn(log);
    const hit = f.find((x) => x.proto === 'udp' && x.clientPort === 50000)!;
    expect(hit.outcome).toBe('unreachable');
    expect(hit.icmpErrors).toEqual([{ family: 4, type: 3, code: 3, from: '10.0.0.2', count: 1 }]);
    // Outside the ICMP message's time: still one-way.
    expect(f.find((x) => x.clientPort === 50009)!.outcome).toBe('one-way');
    // The matched ICMP conn is part of the UDP flow (as in the packet path), not a flow of its own.
    expect(f.filter((x) => x.proto === 'icmp')).toHaveLength(0);
    expect([parser.counts.flows, parser.counts.attached]).toEqual([2, 1]);
  });

  it('an unreachable from a router matches only the client\'s one overlapping one-way UDP flow; unmatched ones stay flows', () => {
    const udp = (port: string, ts: string) => row({ ts, proto: 'udp', 'id.orig_p': port, 'id.resp_p': '162', conn_state: 'S0', history: 'D', orig_pkts: '1', resp_pkts: '0', duration: '-' });
    const icmp = (ts: string) => row({ ts, proto: 'icmp', 'id.orig_h': '10.9.9.1', 'id.orig_p': '3', 'id.resp_h': '10.0.0.1', 'id.resp_p': '13', conn_state: 'OTH', history: '-', orig_pkts: '1', resp_pkts: '0' });
    const one = parseConn(tsvLog([udp('50000', '1710252000.000000'), icmp('1710252000.010000')]));
    expect(one.flows.map((x) => x.outcome)).toEqual(['unreachable']);
    expect(one.flows[0]!.icmpErrors[0]!.from).toBe('10.9.9.1');
    // Two one-way flows of the client at that time: which one it answered is unknown.
    const two = parseConn(tsvLog([udp('50000', '1710252000.000000'), udp('50001', '1710252000.002000'), icmp('1710252000.010000')]));
    expect(two.flows.map((x) => `${x.proto} ${x.outcome}`).sort()).toEqual(['icmp one-way', 'udp one-way', 'udp one-way']);
    expect(two.parser.counts.attached).toBe(0);
  });
});

describe('fields', () => {
  it('missed_bytes feeds the loss estimate; bytes are IP bytes, packets per side', () => {
    const f = parseConn(tsvLog([row({ missed_bytes: '50', orig_bytes: '1000', resp_bytes: '3000' })])).flows[0]!;
    expect([f.ackedUnseen, f.acked]).toEqual([50, 4000]);
    expect(f.packets).toEqual({ client: 5, server: 5 });
    expect(f.bytes).toEqual({ client: 400, server: 500 });
  });

  it('time: first = ts, last = ts + duration; a masked or unset ts gives NaN (null in the JSON)', () => {
    const { flows, parser } = parseConn(tsvLog([
      row({ duration: '2.500000' }),
      row({ ts: 'XXXXXXXXXX.XXXXXX', 'id.orig_p': '50001' }),
      row({ ts: '-', 'id.orig_p': '50002' }),
    ]));
    expect([flows[0]!.first, flows[0]!.last]).toEqual([1710252000, 1710252002.5]);
    expect(Number.isNaN(flows[1]!.first) && Number.isNaN(flows[1]!.last)).toBe(true);
    expect(Number.isNaN(flows[2]!.first)).toBe(true);
    expect(parser.counts.noTime).toBe(2);
    expect([parser.first, parser.last]).toEqual([1710252000, 1710252002.5]);
  });

  it('a vlan column gives the flow its VLAN; logs without ip_proto and with (empty) read the same', () => {
    const f = parseConn(tsvLog([row({ vlan: '13', inner_vlan: '-' })], [['vlan', 'int'], ['inner_vlan', 'int']])).flows[0]!;
    expect(f.vlans).toEqual([13]);
    const old = tsvLog([row({ tunnel_parents: '(empty)', service: '(empty)' })]).replace(/\tip_proto/g, '').replace(/\tcount\n/, '\n')
      .split('\n').map((l) => (l.startsWith('#') ? l : l.replace(/\t6$/, ''))).join('\n');
    const g = parseConn(old);
    expect(g.parser.counts.bad).toBe(0);
    expect(g.flows[0]!.outcome).toBe('established');
  });

  it('IPv6 addresses come out in RFC 5952 form with words', () => {
    const f = parseConn(tsvLog([row({ 'id.orig_h': '2001:DB8:0:0:0:0:0:1', 'id.resp_h': '2001:db8::a' })])).flows[0]!;
    expect([f.family, f.clientIp, f.serverIp]).toEqual([6, '2001:db8::1', '2001:db8::a']);
    expect(f.clientWords).toEqual([0x20010db8, 0, 0, 1]);
  });

  it('a repeated header (concatenated or rotated logs) switches to its columns', () => {
    const a = tsvLog([row({})]);
    const b = tsvLog([row({ 'id.orig_p': '50001', vlan: '7' })], [['vlan', 'int']]);
    const { flows, parser } = parseConn(a + b);
    expect(parser.counts.bad).toBe(0);
    expect(flows.map((f) => f.vlans[0] ?? null)).toEqual([null, 7]);
  });
});

describe('--from/--to', () => {
  it('rows wholly outside the window are counted, not flows; rows overlapping it and rows without time are kept', async () => {
    const { ZeekConnParser, OUTSIDE_WINDOW } = await import('../../src/records/zeek-conn.js');
    const flows: number[] = [];
    let id = 0;
    const p = new ZeekConnParser('w.log', 0, { nextId: () => id++, flow: (f) => flows.push(f.clientPort) }, 3, { from: 1710252010, to: 1710252020 });
    const log = tsvLog([
      row({ 'id.orig_p': '1', ts: '1710252000.000000', duration: '5' }),
      row({ 'id.orig_p': '2', ts: '1710252008.000000', duration: '5' }),
      row({ 'id.orig_p': '3', ts: '1710252015.000000' }),
      row({ 'id.orig_p': '4', ts: '1710252021.000000' }),
      row({ 'id.orig_p': '5', ts: '-' }),
    ]);
    log.split('\n').forEach((l, i) => p.line(l, i + 1));
    p.finish();
    expect(flows.sort()).toEqual([2, 3, 5]);
    expect(p.counts.other).toEqual({ [OUTSIDE_WINDOW]: 2 });
  });
});

describe('JSON lines', () => {
  it('read the same as the TSV they were made from (unset fields left out, ISO times too)', () => {
    const tsv = tsvLog([
      row({}), row({ conn_state: 'REJ', history: 'Sr', 'id.orig_p': '50001', duration: '-', orig_bytes: '-', resp_bytes: '-' }),
      row({ proto: 'udp', conn_state: 'S0', history: 'D', resp_pkts: '0', 'id.orig_p': '50002' }),
    ]);
    const t = parseConn(tsv), j = parseConn(tsvToJson(tsv));
    expect(j.parser.format).toBe('zeek-json');
    expect(t.parser.format).toBe('zeek-tsv');
    expect(j.flows).toEqual(t.flows);
    const iso = parseConn(tsvToJson(tsv).replace('"ts":1710252000', '"ts":"2024-03-12T14:00:00.000000Z"'));
    expect(iso.flows[0]!.first).toBe(1710252000);
  });
});

describe('rows that are not flows, and damaged lines', () => {
  it('counts unknown_transport rows by kind and bad lines with file:line, never throws', () => {
    const log = tsvLog([row({}), row({ proto: 'unknown_transport', 'id.orig_p': '0', 'id.resp_p': '0' })])
      + 'x\ty\n'
      + tsvLog([row({ 'id.orig_h': 'not-an-address' }), row({ 'id.orig_p': '70000' })]).split('\n').slice(8).join('\n')
      + '{"id.orig_h": 1\n{"ts": 1}\n[1,2]\n';
    const { flows, parser } = parseConn(log, 'bad.log');
    expect(flows).toHaveLength(1);
    expect(parser.counts.other).toEqual({ unknown_transport: 1 });
    expect(parser.counts.bad).toBe(6);
    expect(parser.counts.badSamples[0]).toMatch(/^bad\.log:12: 2 fields, the #fields header names 22$/);
    expect(parser.counts.badSamples[1]).toMatch(/^bad\.log:\d+: "not-an-address" is not an IP address$/);
    expect(parser.counts.rows).toBe(flows.length + 1 + parser.counts.bad);
  });

  it('input text quoted in counts and messages has its control characters escaped', () => {
    const { parser } = parseConn(tsvLog([row({ proto: 'x\u001b[31m', 'id.orig_h': '\u009b1;1H' })]));
    expect(parser.counts.other).toEqual({ 'x\\x1b[31m': 1 });
    const b = parseConn(tsvLog([row({ 'id.orig_h': 'a\u001bb' })]));
    expect(b.parser.counts.badSamples[0]).toBe('conn.log:9: "a\\x1bb" is not an IP address');
  });

  it('data before any #fields header is a bad line; a #fields without the id columns is not a conn log', () => {
    const a = parseConn('10.0.0.1\t1\n');
    expect(a.parser.counts.badSamples).toEqual(['conn.log:1: data line before a #fields header']);
    const b = parseConn('#separator \\x09\n#fields\tts\tquery\n1\tx\n');
    expect(b.parser.counts.badSamples[0]).toMatch(/#fields has no id\.orig_h, id\.orig_p, id\.resp_h, id\.resp_p, proto column/);
    expect(b.flows).toHaveLength(0);
  });

  it('random damage to a log is counted, never thrown', () => {
    const rnd = rng(15);
    const base = tsvLog([row({}), row({ proto: 'udp' }), row({ conn_state: 'S0', history: 'S' })]);
    for (let k = 0; k < 300; k++) {
      const chars = base.split('');
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) chars[Math.floor(rnd() * chars.length)] = String.fromCharCode(Math.floor(rnd() * 128));
      const { flows, parser } = parseConn(chars.join(''));
      const c = parser.counts;
      expect(c.flows).toBe(flows.length);
      const dataLines = chars.join('').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '' && !l.startsWith('#'));
      expect(c.rows).toBe(dataLines.length);
      expect(c.flows + Object.values(c.other).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(c.rows);
    }
  });
});

describe('numbers parsed in place', () => {
  it('give exactly the doubles Number() gives', async () => {
    const { rng } = await import('../support/prng.js');
    const rnd = rng(7);
    for (let i = 0; i < 2000; i++) {
      const ts = `${1700000000 + Math.floor(rnd() * 1e8)}.${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`;
      const dur = (rnd() * 1000).toFixed(Math.floor(rnd() * 7));
      const f = parseConn(tsvLog([row({ ts, duration: dur })])).flows[0]!;
      expect(f.first).toBe(Number(ts));
      expect(f.last).toBe(Number(ts) + Number(dur));
    }
  });
});
