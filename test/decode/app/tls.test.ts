import { describe, expect, it } from 'vitest';
import { identifyTls, tlsVersionName } from '../../../src/decode/app/tls.js';
import { bytes, tlsClientHello, tlsServerHello } from './support/samples.js';

describe('identifyTls', () => {
  it('reads SNI and the legacy version of a TLS 1.2 ClientHello', () => {
    expect(identifyTls(tlsClientHello({ sni: 'wfo.incontact.example' }), true))
      .toEqual({ detail: 'ClientHello TLS1.2 sni=wfo.incontact.example' });
  });

  it('takes the highest supported_versions entry, skipping GREASE', () => {
    expect(identifyTls(tlsClientHello({ sni: 'a.example', versions: [0x3a3a, 0x0304, 0x0303] }), true))
      .toEqual({ detail: 'ClientHello TLS1.3 sni=a.example' });
  });

  it('reports a ClientHello without SNI', () => {
    expect(identifyTls(tlsClientHello({ legacy: 0x0301 }), true)).toEqual({ detail: 'ClientHello TLS1.0' });
  });

  it('reads the selected version of a ServerHello', () => {
    expect(identifyTls(tlsServerHello(), false)).toEqual({ detail: 'ServerHello TLS1.2' });
    expect(identifyTls(tlsServerHello(0x0304), false)).toEqual({ detail: 'ServerHello TLS1.3' });
  });

  it('drops the SNI when the capture cuts it, but still identifies TLS', () => {
    const full = tlsClientHello({ sni: 'portal.wfo.example' });
    const cut = full.subarray(0, full.length - 12);
    expect(identifyTls(cut, true)).toEqual({ detail: 'ClientHello TLS1.2' });
  });

  it('names versions', () => {
    expect(tlsVersionName(0x0300)).toBe('SSL3.0');
    expect(tlsVersionName(0x7f1c)).toBe('0x7f1c');
  });

  it('rejects other records and implausible headers', () => {
    const ch = tlsClientHello({ sni: 'x.example' });
    const alter = (i: number, v: number): Uint8Array => { const c = ch.slice(); c[i] = v; return c; };
    expect(identifyTls(alter(0, 23), true)).toBeNull(); // application data
    expect(identifyTls(alter(1, 2), true)).toBeNull(); // record version 2.x
    expect(identifyTls(alter(2, 9), true)).toBeNull(); // record version 3.9
    expect(identifyTls(alter(5, 11), true)).toBeNull(); // Certificate first
    expect(identifyTls(alter(9, 2), true)).toBeNull(); // client_version 2.x
    expect(identifyTls(bytes(22, 3, 1, 0, 0, 1, 0, 0, 0x30), true)).toBeNull(); // record length 0
    expect(identifyTls(bytes(22, 3, 1, 0, 60, 1, 0, 0, 10, 3, 3), true)).toBeNull(); // hello too short
    expect(identifyTls(bytes(22, 3, 1), true)).toBeNull();
  });
});
