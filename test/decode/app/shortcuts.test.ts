/**
 * The shortcuts identifyApp takes for speed must never change an answer: each
 * identifier's first-byte list holds every byte a match can start with, identifiers
 * not marked `sided` answer the same for both sides, asking without the detail
 * never changes match or no match, and identifyAppProto names what identifyApp names.
 * Checked over every positive sample, every truncation of it, every first byte
 * put in front of its remainder, and seeded random buffers.
 */
import { describe, expect, it } from 'vitest';
import type { AppIdentifier } from '../../../src/decode/app/bytes.js';
import { IDENTIFIERS, USUAL_PORTS, identifyApp, identifyAppProto } from '../../../src/decode/app/index.js';
import { isTwoTwentyGreeting } from '../../../src/decode/app/smtp.js';
import type { AppProto } from '../../../src/classify/types.js';
import * as s from './support/samples.js';
import { rng } from '../../support/prng.js';

const SAMPLES: Uint8Array[] = [
  s.httpGet, s.httpResponse, s.httpPostNoHost,
  s.tlsClientHello({ sni: 'portal.wfo.example', versions: [0x0304, 0x0303] }), s.tlsClientHello(), s.tlsServerHello(0x0304), s.tlsServerHello(),
  s.tdsPrelogin, s.tdsPreloginResponse, s.tdsLogin7, s.tdsSqlBatch, s.tdsDone,
  s.smb1Negotiate, s.nbssSessionRequest(), s.smb2NegotiateRequest, s.smb2NegotiateResponse, s.smb3Encrypted,
  s.amqpHeader, s.amqpConnectionStart, s.amqpBasicPublish, s.amqpHeartbeat,
  s.sipInvite, s.sipRinging, s.sipOptions,
  s.snmpMessage(0, 0xa4), s.snmpMessage(1, 0xa0), s.snmpMessage(1, 0xa7), s.snmpV1Trap, s.snmpV3(0x04), s.snmpV3(0x07),
  s.smtpBanner, s.smtpMultiBanner, s.smtpEhlo, s.ftpBanner, s.bytes('220 mx1.wfo.example\r\n'), s.bytes('helo x\r\n'),
  s.policyRequest, s.accessPolicy, s.flashPolicy,
  s.bytes(0xef, 0xbb, 0xbf, '<access-policy>'), s.bytes('\r\n\t <cross-domain-policy>'),
  // connection.start announcing a version no broker sends: only a client's method frame reading accepts it.
  (() => { const b = s.amqpConnectionStart.slice(); b[11] = 1; b[12] = 2; return b; })(),
  s.dnsQuery, s.dnsNxdomain, s.mdnsResponse, s.dnsQueryTcp,
  s.rdpConnectionRequest, s.rdpConnectionConfirm, s.rdpBareRequest, s.cotpS7Request,
];

/** Samples, their truncations (the flow table keeps 64 bytes), every first byte before each, random buffers. */
function inputs(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of SAMPLES) {
    const kept = b.subarray(0, 64);
    for (let n = 1; n <= kept.length; n++) out.push(kept.slice(0, n));
    if (b.length > 64) out.push(b);
    for (let v = 0; v < 256; v++) {
      const c = kept.slice();
      c[0] = v;
      out.push(c);
    }
  }
  const r = rng(0x5eed);
  for (let n = 0; n < 3000; n++) {
    const b = new Uint8Array(1 + Math.floor(r() * 80));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    if (n % 2 === 1) {
      const src = SAMPLES[n % SAMPLES.length]!;
      b.set(src.subarray(0, Math.min(b.length, 1 + Math.floor(r() * 16))));
    }
    out.push(b);
  }
  return out;
}

const INPUTS = inputs();

const FNS: [string, AppIdentifier, (typeof IDENTIFIERS)[number]][] = IDENTIFIERS.flatMap((e) =>
  [['tcp', e.tcp], ['udp', e.udp]].filter(([, fn]) => fn !== null).map(([t, fn]) => [`${e.app}/${t as string}`, fn as AppIdentifier, e] as [string, AppIdentifier, typeof e]));

describe.each(FNS)('%s', (_name, fn, entry) => {
  it('matches only bytes that start with a byte of its first-byte list', () => {
    if (entry.first === undefined) return;
    const bad: string[] = [];
    for (const b of INPUTS) {
      for (const side of [true, false]) {
        if (fn(b, side) !== null && entry.first[b[0]!] !== 1) bad.push(`0x${b[0]!.toString(16)} ${side}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('answers the same for both sides unless marked sided', () => {
    if (entry.sided === true) return;
    const differ = INPUTS.filter((b) => (fn(b, true) === null) !== (fn(b, false) === null));
    expect(differ).toEqual([]);
  });

  it('is marked sided only when some bytes match on one side alone', () => {
    if (entry.sided !== true) return;
    expect(INPUTS.some((b) => (fn(b, true) === null) !== (fn(b, false) === null))).toBe(true);
  });

  it('matches the same with and without the detail', () => {
    const differ = INPUTS.filter((b) => (fn(b, true, false) === null) !== (fn(b, true) === null)
      || (fn(b, false, false) === null) !== (fn(b, false) === null));
    expect(differ).toEqual([]);
  });
});

/** identifyApp's rule written the plain way: every identifier on both sides, no shortcut. */
function slowApp(client: Uint8Array | null, server: Uint8Array | null, proto: string, port: number): AppProto {
  if (proto !== 'tcp' && proto !== 'udp') return 'unknown';
  const c = client !== null && client.length > 0 ? client : null;
  const sv = server !== null && server.length > 0 ? server : null;
  const best = (a: Uint8Array | null, b: Uint8Array | null): AppProto | null => {
    let found: AppProto | null = null;
    let onPort = false;
    for (const e of IDENTIFIERS) {
      const fn = proto === 'tcp' ? e.tcp : e.udp;
      if (fn === null || ((a === null || fn(a, true) === null) && (b === null || fn(b, false) === null))) continue;
      const usual = USUAL_PORTS[e.app].includes(port);
      if (found !== null && (onPort || !usual)) continue;
      found = e.app;
      onPort = usual;
    }
    return found;
  };
  const app = best(c, sv) ?? best(sv, c);
  if (app !== null) return app;
  const ftp = c !== null && ['USER', 'AUTH', 'FEAT', 'SYST', 'OPTS'].includes(String.fromCharCode(...[0, 1, 2, 3].map((i) => (c[i] ?? 0) & 0xdf)));
  return proto === 'tcp' && sv !== null && [25, 587].includes(port) && isTwoTwentyGreeting(sv) && !ftp ? 'smtp' : 'unknown';
}

describe('identifyApp', () => {
  it('names what trying every identifier names, on random pairs of samples, truncations and noise', () => {
    const r = rng(0xb0b);
    const differ: string[] = [];
    const ports = [21, 25, 53, 80, 139, 161, 162, 443, 445, 587, 943, 1433, 3389, 5060, 5672, 9999];
    for (let n = 0; n < 20000; n++) {
      const c = n % 7 === 0 ? null : INPUTS[Math.floor(r() * INPUTS.length)]!;
      const sv = n % 5 === 0 ? null : INPUTS[Math.floor(r() * INPUTS.length)]!;
      const proto = n % 4 === 0 ? 'udp' : 'tcp';
      const port = ports[n % ports.length]!;
      const want = slowApp(c, sv, proto, port);
      if (identifyApp(c, sv, proto, port).app !== want || identifyAppProto(c, sv, proto, port) !== want) differ.push(`${n}: ${want}`);
    }
    expect(differ).toEqual([]);
  });
});

describe('identifyAppProto', () => {
  it('names what identifyApp names, for every pair of samples, both transports and every usual port', () => {
    const ports = [...new Set([...Object.values(USUAL_PORTS).flat(), 21, 9999])];
    const sides: (Uint8Array | null)[] = [null, new Uint8Array(0), ...SAMPLES.map((b) => b.subarray(0, 64))];
    const differ: string[] = [];
    for (const [ci, c] of sides.entries()) {
      for (const [si, sv] of sides.entries()) {
        for (const proto of ['tcp', 'udp', 'icmp'] as const) {
          for (const port of ports) {
            const want = identifyApp(c, sv, proto, port).app;
            if (identifyAppProto(c, sv, proto, port) !== want) differ.push(`${ci} ${si} ${proto}/${port}: ${want}`);
          }
        }
      }
    }
    expect(differ).toEqual([]);
  });

  it('names what identifyApp names on random and mangled bytes', () => {
    const r = rng(0xa11);
    const differ: string[] = [];
    for (let n = 0; n < 4000; n++) {
      const c = INPUTS[Math.floor(r() * INPUTS.length)]!;
      const sv = n % 3 === 0 ? null : INPUTS[Math.floor(r() * INPUTS.length)]!;
      const proto = n % 4 === 0 ? 'udp' : 'tcp';
      const port = [25, 53, 80, 443, 445, 1433, 5060, 5672, 9999][n % 9]!;
      const want = identifyApp(c, sv, proto, port).app;
      if (identifyAppProto(c, sv, proto, port) !== want) differ.push(`${n}: ${want}`);
    }
    expect(differ).toEqual([]);
  });
});
