/**
 * Identification on real captures from ../shared/corpus ("app" category, plus DNS
 * and TLS found in others). Flows and their first payloads come from the test-only
 * walk in support/first-payloads.ts (see there for why).
 */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { identifyApp } from '../../../src/decode/app/index.js';
import { firstPayloads } from './support/first-payloads.js';
import { CORPUS_DIR, needsCorpus } from '../../support/requires.js';

const CORPUS = pathToFileURL(`${CORPUS_DIR}captures/`);
const withCorpus = needsCorpus();

interface Row { proto: string; serverPort: number; app: string; detail: string | null }

function identify(file: string): Row[] {
  return firstPayloads(new URL(file, CORPUS)).map((f) => {
    const r = identifyApp(f.clientFirst, f.serverFirst, f.proto, f.serverPort);
    return { proto: f.proto, serverPort: f.serverPort, app: r.app, detail: r.detail };
  });
}

function apps(rows: Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.app] = (out[r.app] ?? 0) + 1;
  return out;
}

describe.runIf(withCorpus)('identification on the capture corpus', () => {
  it('SIP over UDP 5060 (zeek sip/wireshark.pcap)', () => {
    const rows = identify('zeek__sip__wireshark.pcap');
    expect(rows.map((r) => [r.app, r.detail])).toEqual([
      ['sip', 'REGISTER / 401 REGISTER'],
      ['sip', 'INVITE / 100 INVITE'],
    ]);
  });

  it('SMB3 over 445 (zeek smb/smb3.pcap)', () => {
    expect(identify('zeek__smb__smb3.pcap')).toEqual([
      { proto: 'tcp', serverPort: 445, app: 'smb2', detail: 'negotiate / negotiate dialect=3.0' },
    ]);
  });

  it('SMB1 smbclient session (arkime smb-smbclient.pcap)', () => {
    expect(identify('arkime__smb-smbclient.pcap')).toEqual([
      { proto: 'tcp', serverPort: 445, app: 'smb', detail: 'negotiate / negotiate' },
    ]);
  });

  it('MS-SQL TDS on 1433, all 12 connections captured midstream (nDPI mssql_tds.pcap)', () => {
    const rows = identify('ndpi__mssql_tds.pcap');
    expect(rows).toHaveLength(12);
    expect(apps(rows)).toEqual({ tds: 12 });
    expect(rows.filter((r) => r.detail!.includes('rpc'))).toHaveLength(9);
  });

  it('AMQP 0-9-1 on 5672, midstream method frames (nDPI amqp.pcap)', () => {
    const rows = identify('ndpi__amqp.pcap');
    expect(rows.map((r) => [r.serverPort, r.app, r.detail])).toEqual([
      [5672, 'amqp', 'basic.publish'],
      [5672, 'amqp', 'basic.ack / basic.deliver'],
      [5672, 'amqp', 'basic.publish'],
    ]);
  });

  it('SNMPv1 on UDP 161, 30 exchanges (zeek snmp/snmpv1_get.pcap)', () => {
    const rows = identify('zeek__snmp__snmpv1_get.pcap');
    expect(rows).toHaveLength(30);
    expect(apps(rows)).toEqual({ snmp: 30 });
    expect(rows.every((r) => r.detail!.startsWith('v1 '))).toBe(true);
    expect(rows.filter((r) => r.detail === 'v1 set-request / v1 response')).toHaveLength(5);
  });

  it('SMTP, DNS and TLS, leaving other traffic unknown (zeek smtp.pcap)', () => {
    const rows = identify('zeek__smtp.pcap');
    expect(rows.map((r) => `${r.proto}/${r.serverPort} ${r.app}`)).toEqual([
      'udp/53 dns',
      'tcp/25 smtp',
      'udp/138 unknown', // NetBIOS datagram service
      'tcp/5050 unknown', // Yahoo Messenger
      'tcp/25 smtp',
      'tcp/443 unknown', // TLS already running: no hello to read
      'tcp/5223 unknown',
      'tcp/443 tls',
    ]);
    expect(rows[1]!.detail).toBe('EHLO / banner');
    expect(rows[7]!.detail).toBe('ClientHello TLS1.2 sni=p31-keyvalueservice.icloud.com / ServerHello TLS1.2');
  });

  it('HTTP and DNS while browsing (zeek wikipedia.pcap)', () => {
    const rows = identify('zeek__wikipedia.pcap');
    const web = rows.filter((r) => r.proto === 'tcp' && r.serverPort === 80);
    // One of the 10 TCP flows on 80 carried no payload and stays unknown.
    expect(apps(web)).toEqual({ http: 9, unknown: 1 });
    expect(web[0]!.detail).toBe('GET www.wikipedia.org / 304');
    const dns = rows.filter((r) => r.serverPort === 53);
    expect(dns.length).toBe(14);
    expect(apps(dns)).toEqual({ dns: 14 });
    expect(dns.filter((r) => r.detail!.endsWith('NXDOMAIN'))).toHaveLength(4);
    // NetBIOS name service borrows the DNS format but is not DNS.
    expect(apps(rows.filter((r) => r.serverPort === 137))).toEqual({ unknown: 2 });
  });

  it('TLS 1.3 with PSK (zeek tls/tls13_psk_succesfull.pcap)', () => {
    expect(identify('zeek__tls__tls13_psk_succesfull.pcap')).toEqual([
      { proto: 'tcp', serverPort: 443, app: 'tls', detail: 'ClientHello TLS1.3 / ServerHello TLS1.3' },
    ]);
  });

  it('FTP is not mistaken for SMTP despite its 220 greeting (zeek ftp/ipv6-retr-samba.pcap)', () => {
    expect(identify('zeek__ftp__ipv6-retr-samba.pcap').map((r) => r.app)).toEqual(['unknown']);
  });
});

describe.runIf(withCorpus)('identification from the 64 bytes per side the flow table keeps', () => {
  const FILES = [
    'zeek__sip__wireshark.pcap', 'zeek__smb__smb3.pcap', 'arkime__smb-smbclient.pcap', 'ndpi__mssql_tds.pcap',
    'ndpi__amqp.pcap', 'zeek__snmp__snmpv1_get.pcap', 'zeek__smtp.pcap', 'zeek__wikipedia.pcap',
    'zeek__tls__tls13_psk_succesfull.pcap', 'zeek__ftp__ipv6-retr-samba.pcap',
  ];
  it.each(FILES)('%s: same app for every flow as from the whole first payload', (file) => {
    const flows = firstPayloads(new URL(file, CORPUS));
    const cut = (b: Uint8Array | null): Uint8Array | null => (b === null ? null : b.subarray(0, 64));
    const full = flows.map((f) => identifyApp(f.clientFirst, f.serverFirst, f.proto, f.serverPort).app);
    const kept = flows.map((f) => identifyApp(cut(f.clientFirst), cut(f.serverFirst), f.proto, f.serverPort).app);
    expect(kept).toEqual(full);
    expect(full.some((a) => a !== 'unknown') || file.includes('ftp')).toBe(true);
  });
});
