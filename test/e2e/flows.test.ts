/**
 * The flow scenarios of issue 3, end to end: the built CLI reads each scenario
 * capture (fixtures/captures/flows/, written by src/synth) and reports the outcome.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

interface Row {
  proto: string; client: string; server: string; state: string; end: string; guessed: boolean;
  packets: { client: number; server: number }; history: string; vlans: number[]; icmp: { type: number; code: number }[];
}

/** Captures whose only designed flow is inconclusive: nothing judged, so exit 2 (whatever --fail-on says). */
const NOTHING_JUDGED = new Set(['syn-at-end.pcap']);

function flows(file: string): Row[] {
  const r = runCli(['audit', '--format', 'json', '--all', '--fail-on', 'none', `fixtures/captures/flows/${file}`]);
  expect(r.code, r.stderr).toBe(NOTHING_JUDGED.has(file) ? 2 : 0);
  return (JSON.parse(r.stdout) as { flows: Row[] }).flows;
}

/** The one flow of a given transport in a scenario. */
function only(file: string, proto = 'tcp'): Row {
  const fs = flows(file).filter((f) => f.proto === proto);
  expect(fs).toHaveLength(1);
  return fs[0]!;
}

describe('flow scenarios through the CLI', () => {
  it('handshake then FIN: established, ended by FIN both ways', () => {
    const f = only('handshake-fin.pcap');
    expect([f.state, f.end, f.guessed]).toEqual(['established', 'fin', false]);
    expect(f.client).toBe('10.1.0.100:50001');
    expect(f.history).toContain('F');
    expect(f.history).toContain('f');
  });

  it('handshake then RST: established, ended by reset', () => {
    const f = only('handshake-rst.pcap');
    expect([f.state, f.end]).toEqual(['established', 'reset']);
  });

  it('SYN then RST: rejected', () => {
    const f = only('syn-rst.pcap');
    expect([f.state, f.end]).toEqual(['rejected', 'reset']);
    expect(f.packets).toEqual({ client: 1, server: 1 });
  });

  it('SYN retried twice, never answered: one unanswered attempt, not three flows', () => {
    const f = only('syn-retried-unanswered.pcap');
    expect(f.state).toBe('unanswered');
    expect(f.packets).toEqual({ client: 3, server: 0 });
  });

  it('SYN at the very end of the capture: no reply yet, not unanswered', () => {
    expect(only('syn-at-end.pcap').state).toBe('no-reply-yet');
    expect((only('syn-at-end.pcap') as Row & { verdict: string }).verdict).toBe('inconclusive');
    // with no grace period the same SYN is unanswered
    const r = runCli(['audit', '--format', 'json', '--all', '--syn-grace', '0', 'fixtures/captures/flows/syn-at-end.pcap']);
    const tcp = (JSON.parse(r.stdout) as { flows: Row[] }).flows.filter((x) => x.proto === 'tcp');
    expect(tcp.map((x) => x.state)).toEqual(['unanswered']);
  });

  it('midstream start: partial, direction guessed from the well-known port', () => {
    const f = only('midstream.pcap');
    expect([f.state, f.guessed]).toEqual(['partial', true]);
    expect(f.server).toBe('10.1.0.20:1433');
    expect(f.history.startsWith('^')).toBe(true);
  });

  it('one-sided capture: ACKs for unseen data make it one-sided, not unanswered', () => {
    const f = only('one-sided.pcap');
    expect(f.state).toBe('one-sided');
    expect(f.packets.server).toBe(0);
    const r = runCli(['audit', '--format', 'json', 'fixtures/captures/flows/one-sided.pcap']);
    const stats = (JSON.parse(r.stdout) as { stats: { oneSidedShare: number; lossEstimate: number } }).stats;
    expect(stats.oneSidedShare).toBe(1);
    expect(stats.lossEstimate).toBeGreaterThan(0);
  });

  it('UDP answered: replied', () => {
    expect(only('udp-replied.pcap', 'udp').state).toBe('replied');
  });

  it.each([
    ['udp-icmp-port-unreachable.pcap', 3, 3],
    ['udp-icmp-admin-prohibited.pcap', 3, 13],
    ['udp-icmp-host-unreachable.pcap', 3, 1],
    ['udp-icmp6-port-unreachable.pcap', 1, 4],
    ['udp-icmp6-admin-prohibited.pcap', 1, 1],
  ])('%s: unreachable, the ICMP error attached with its code, no flow of its own', (file, type, code) => {
    const all = flows(file);
    expect(all.filter((f) => f.proto.startsWith('icmp'))).toHaveLength(0);
    const f = only(file, 'udp');
    expect(f.state).toBe('unreachable');
    expect(f.icmp.map((i) => [i.type, i.code])).toEqual([[type, code]]);
  });

  it('VLAN-tagged in one direction only: still one flow, VLAN id recorded', () => {
    const f = only('vlan-one-direction.pcap');
    expect(f.state).toBe('established');
    expect(f.vlans).toEqual([100]);
    expect(f.packets.client + f.packets.server).toBe(10);
  });

  it('IPv6 with extension headers: RFC 5952 endpoints in brackets', () => {
    const f = only('ipv6-ext-headers.pcap');
    expect(f.client).toBe('[2001:db8:1::100]:50009');
    expect(f.state).toBe('established');
  });

  it('port reuse after close: two flows on the same 5-tuple', () => {
    const fs = flows('port-reuse.pcap').filter((f) => f.proto === 'tcp');
    expect(fs).toHaveLength(2);
    expect(fs.every((f) => f.state === 'established' && f.end === 'fin')).toBe(true);
    expect(fs[0]!.client).toBe(fs[1]!.client);
  });
});
