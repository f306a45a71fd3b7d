/**
 * Never-throws: every identifier over seeded random buffers, over random mutations
 * of every positive sample, and over every truncation of every positive sample
 * (both directions). Truncations must also never change the protocol into an
 * exception: they return a match or null, and the full sample still matches.
 */
import { describe, expect, it } from 'vitest';
import { identifyAmqp } from '../../../src/decode/app/amqp.js';
import type { AppIdentifier } from '../../../src/decode/app/bytes.js';
import { identifyDns, identifyDnsTcp } from '../../../src/decode/app/dns.js';
import { identifyHttp } from '../../../src/decode/app/http.js';
import { identifyApp } from '../../../src/decode/app/index.js';
import { identifyRdp } from '../../../src/decode/app/rdp.js';
import { identifySilverlight } from '../../../src/decode/app/silverlight.js';
import { identifySip } from '../../../src/decode/app/sip.js';
import { identifySmb, identifySmb2 } from '../../../src/decode/app/smb.js';
import { identifySmtp } from '../../../src/decode/app/smtp.js';
import { identifySnmp } from '../../../src/decode/app/snmp.js';
import { identifyTds } from '../../../src/decode/app/tds.js';
import { identifyTls } from '../../../src/decode/app/tls.js';
import * as s from './support/samples.js';
import { rng } from '../../support/prng.js';

/** Each identifier with its positive samples and the direction each sample comes from. */
const CASES: [string, AppIdentifier, [Uint8Array, boolean][]][] = [
  ['http', identifyHttp, [[s.httpGet, true], [s.httpResponse, false], [s.httpPostNoHost, true]]],
  ['tls', identifyTls, [[s.tlsClientHello({ sni: 'portal.wfo.example', versions: [0x0304, 0x0303] }), true], [s.tlsServerHello(0x0304), false]]],
  ['tds', identifyTds, [[s.tdsPrelogin, true], [s.tdsPreloginResponse, false], [s.tdsLogin7, true], [s.tdsSqlBatch, true], [s.tdsDone, false]]],
  ['smb', identifySmb, [[s.smb1Negotiate, true], [s.nbssSessionRequest(), true]]],
  ['smb2', identifySmb2, [[s.smb2NegotiateRequest, true], [s.smb2NegotiateResponse, false], [s.smb3Encrypted, true]]],
  ['amqp', identifyAmqp, [[s.amqpHeader, true], [s.amqpConnectionStart, false], [s.amqpBasicPublish, true], [s.amqpHeartbeat, true]]],
  ['sip', identifySip, [[s.sipInvite, true], [s.sipRinging, false], [s.sipOptions, true]]],
  ['snmp', identifySnmp, [[s.snmpMessage(1, 0xa0), true], [s.snmpV1Trap, true], [s.snmpV3(0x04), true], [s.snmpV3(0x07), true]]],
  ['smtp', identifySmtp, [[s.smtpBanner, false], [s.smtpMultiBanner, false], [s.smtpEhlo, true]]],
  ['silverlight', identifySilverlight, [[s.policyRequest, true], [s.accessPolicy, false], [s.flashPolicy, false]]],
  ['dns', identifyDns, [[s.dnsQuery, true], [s.dnsNxdomain, false], [s.mdnsResponse, false]]],
  ['dns-tcp', identifyDnsTcp, [[s.dnsQueryTcp, true]]],
  ['rdp', identifyRdp, [[s.rdpConnectionRequest, true], [s.rdpConnectionConfirm, false], [s.rdpBareRequest, true]]],
];

const RANDOM_BUFFERS = 3000;
const MUTATIONS_PER_SAMPLE = 300;

describe.each(CASES)('%s identifier', (_name, identify, samples) => {
  it('matches each full positive sample', () => {
    for (const [b, fromClient] of samples) expect(identify(b, fromClient)).not.toBeNull();
  });

  it('matches each positive sample from the first 64 bytes the flow table keeps', () => {
    for (const [b, fromClient] of samples) expect(identify(b.subarray(0, 64), fromClient)).not.toBeNull();
  });

  it(`never throws on ${RANDOM_BUFFERS} seeded random buffers`, () => {
    const r = rng(0x7e57 + _name.length);
    let matched = 0;
    for (let n = 0; n < RANDOM_BUFFERS; n++) {
      const len = Math.floor(r() * 300);
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
      // Half the buffers start with a sample's first bytes so the deeper checks run.
      if (n % 2 === 1 && samples.length > 0) {
        const [src] = samples[n % samples.length]!;
        b.set(src.subarray(0, Math.min(len, 1 + Math.floor(r() * 12))));
      }
      const m = identify(b, (n & 2) === 0);
      if (m !== null && n % 2 === 0) matched++;
    }
    // Pure noise is (almost) never a protocol.
    expect(matched).toBeLessThanOrEqual(2);
  });

  it(`never throws on ${MUTATIONS_PER_SAMPLE} byte mutations of each sample`, () => {
    const r = rng(0xbeef);
    let calls = 0;
    for (const [src, fromClient] of samples) {
      for (let n = 0; n < MUTATIONS_PER_SAMPLE; n++) {
        const b = src.slice();
        const flips = 1 + Math.floor(r() * 4);
        for (let k = 0; k < flips; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        // A throw here fails the test by itself.
        identify(b, fromClient);
        identify(b, !fromClient);
        calls += 2;
      }
    }
    expect(calls).toBe(samples.length * MUTATIONS_PER_SAMPLE * 2);
  });

  it('never throws on any truncation of each sample, in either direction', () => {
    let calls = 0;
    for (const [src, fromClient] of samples) {
      for (let len = 0; len <= src.length; len++) {
        const cut = src.subarray(0, len);
        const m = identify(cut, fromClient);
        expect(m === null || typeof m.detail === 'string' || m.detail === null).toBe(true);
        identify(cut, !fromClient);
        // Also as a view into a larger buffer: identifiers must respect the slice, not the ArrayBuffer.
        const padded = new Uint8Array(len + 16).fill(0x41);
        padded.set(cut, 8);
        identify(padded.subarray(8, 8 + len), fromClient);
        calls += 3;
      }
    }
    expect(calls).toBeGreaterThan(0);
  });
});

describe('identifyApp over noise', () => {
  it('never throws and never names a protocol for pure noise on designed ports', () => {
    const r = rng(42);
    const ports = [80, 443, 1433, 445, 5672, 5060, 162, 25, 943, 53, 3389];
    let named = 0;
    for (let n = 0; n < 2000; n++) {
      const mk = (): Uint8Array => {
        const b = new Uint8Array(Math.floor(r() * 200));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
        return b;
      };
      const res = identifyApp(mk(), mk(), n % 3 === 0 ? 'udp' : 'tcp', ports[n % ports.length]!);
      if (res.app !== 'unknown') named++;
    }
    expect(named).toBeLessThanOrEqual(2);
  });
});
