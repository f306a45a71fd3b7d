import { describe, expect, it } from 'vitest';
import type { AppIdentifierEntry } from '../../../src/decode/app/index.js';
import { IDENTIFIERS, USUAL_PORTS, identifyApp } from '../../../src/decode/app/index.js';
import * as s from './support/samples.js';

describe('identifyApp', () => {
  it('combines client and server details', () => {
    expect(identifyApp(s.httpGet, s.httpResponse, 'tcp', 80)).toEqual({ app: 'http', detail: 'GET portal.wfo.example / 302' });
    expect(identifyApp(s.tdsPrelogin, s.tdsPreloginResponse, 'tcp', 1433).app).toBe('tds');
    expect(identifyApp(s.sipInvite, s.sipRinging, 'udp', 5060)).toEqual({ app: 'sip', detail: 'INVITE / 180 INVITE' });
  });

  it('identifies each protocol from one side alone', () => {
    expect(identifyApp(null, s.smtpBanner, 'tcp', 25)).toEqual({ app: 'smtp', detail: 'banner' });
    expect(identifyApp(s.amqpHeader, null, 'tcp', 5672)).toEqual({ app: 'amqp', detail: 'header 0-9-1' });
    expect(identifyApp(s.policyRequest, null, 'tcp', 943)).toEqual({ app: 'silverlight-policy', detail: 'policy-file-request' });
    expect(identifyApp(s.snmpMessage(1, 0xa7), null, 'udp', 162)).toEqual({ app: 'snmp', detail: 'v2c snmpV2-trap' });
    expect(identifyApp(s.rdpConnectionRequest, null, 'tcp', 3389).app).toBe('rdp');
    expect(identifyApp(s.dnsQueryTcp, null, 'tcp', 53).app).toBe('dns');
    expect(identifyApp(s.dnsQuery, null, 'udp', 53).app).toBe('dns');
    expect(identifyApp(s.tlsClientHello({ sni: 'x.example' }), null, 'tcp', 443).app).toBe('tls');
  });

  it('trusts the bytes over the port', () => {
    // TLS on the "Web Portal on 80" rule, and TDS on a port that is not designed.
    expect(identifyApp(s.tlsClientHello({ sni: 'portal.wfo.example' }), null, 'tcp', 80).app).toBe('tls');
    expect(identifyApp(s.tdsPrelogin, null, 'tcp', 14330).app).toBe('tds');
    expect(identifyApp(s.httpGet, null, 'tcp', 5672).app).toBe('http');
  });

  it('never guesses from the port alone', () => {
    expect(identifyApp(null, null, 'tcp', 443)).toEqual({ app: 'unknown', detail: null });
    expect(identifyApp(new Uint8Array(0), new Uint8Array(0), 'tcp', 80)).toEqual({ app: 'unknown', detail: null });
    expect(identifyApp(s.bytes('hello there\r\n'), null, 'tcp', 1433)).toEqual({ app: 'unknown', detail: null });
    expect(identifyApp(s.dnsQuery, null, 'icmp', 53)).toEqual({ app: 'unknown', detail: null });
  });

  it('keeps each identifier to its transports', () => {
    expect(identifyApp(s.snmpMessage(1, 0xa0), null, 'tcp', 161).app).toBe('unknown');
    expect(identifyApp(s.httpGet, null, 'udp', 80).app).toBe('unknown');
    expect(identifyApp(s.dnsQuery, null, 'tcp', 53).app).toBe('unknown'); // over TCP the length prefix is required
  });

  it('takes a bare 220 greeting as SMTP only on an SMTP port and without an FTP command', () => {
    const bare = s.bytes('220 mx1.wfo.example\r\n');
    expect(identifyApp(null, bare, 'tcp', 25)).toEqual({ app: 'smtp', detail: 'greeting' });
    expect(identifyApp(null, bare, 'tcp', 21).app).toBe('unknown');
    expect(identifyApp(s.bytes('USER anonymous\r\n'), bare, 'tcp', 25).app).toBe('unknown');
    expect(identifyApp(null, s.ftpBanner, 'tcp', 25).app).toBe('unknown');
  });

  it('prefers SMB2 when an SMB1 negotiate is answered in SMB2', () => {
    expect(identifyApp(s.smb1Negotiate, s.smb2NegotiateResponse, 'tcp', 445))
      .toEqual({ app: 'smb2', detail: 'negotiate dialect=3.1.1' });
  });

  it('reads the bytes the other way round when the roles were guessed wrong', () => {
    expect(identifyApp(s.tdsDone, s.tdsSqlBatch, 'tcp', 1433)).toEqual({ app: 'tds', detail: 'sql-batch / response' });
    expect(identifyApp(s.rdpConnectionConfirm, s.rdpConnectionRequest, 'tcp', 3389).app).toBe('rdp');
  });

  it('breaks ties with the server port, then with table order', () => {
    const always = (): { detail: string } => ({ detail: 'x' });
    const table: AppIdentifierEntry[] = [
      { app: 'http', tcp: always, udp: null },
      { app: 'tds', tcp: always, udp: null },
    ];
    const b = s.bytes('anything');
    expect(identifyApp(b, null, 'tcp', 1433, table).app).toBe('tds');
    expect(identifyApp(b, null, 'tcp', 80, table).app).toBe('http');
    expect(identifyApp(b, null, 'tcp', 9999, table).app).toBe('http');
  });

  it('has a usual-port list and one table row per protocol', () => {
    const apps = IDENTIFIERS.map((e) => e.app);
    expect(new Set(apps).size).toBe(apps.length);
    for (const a of apps) expect(USUAL_PORTS[a].length).toBeGreaterThan(0);
    expect(Object.keys(USUAL_PORTS).sort()).toEqual([...apps].sort());
  });
});
