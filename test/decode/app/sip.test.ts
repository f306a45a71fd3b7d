import { describe, expect, it } from 'vitest';
import { identifySip } from '../../../src/decode/app/sip.js';
import { bytes, sipInvite, sipOptions, sipRinging } from './support/samples.js';

describe('identifySip', () => {
  it('reads the method of a request', () => {
    expect(identifySip(sipInvite, true)).toEqual({ detail: 'INVITE' });
    expect(identifySip(sipOptions, true)).toEqual({ detail: 'OPTIONS' });
    expect(identifySip(bytes('REGISTER sips:pbx.example SIP/2.0\r\n'), true)).toEqual({ detail: 'REGISTER' });
  });

  it('reads status and CSeq method of a response', () => {
    expect(identifySip(sipRinging, false)).toEqual({ detail: '180 INVITE' });
    expect(identifySip(bytes('SIP/2.0 200 OK\r\n'), false)).toEqual({ detail: '200' });
  });

  it('accepts a request line cut after the URI scheme', () => {
    expect(identifySip(bytes('INVITE sip:20'), true)).toEqual({ detail: 'INVITE' });
  });

  it.each([
    ['an HTTP URI', 'INVITE http://x SIP/2.0\r\n'],
    ['SIP/3.0', 'INVITE sip:x SIP/3.0\r\n'],
    ['an unknown method', 'FOO sip:x SIP/2.0\r\n'],
    ['status 099', 'SIP/2.0 099 Odd\r\n'],
    ['an HTTP request', 'OPTIONS * HTTP/1.1\r\n'],
    ['junk after the version', 'BYE sip:x SIP/2.0x\r\n'],
  ])('rejects %s', (_n, text) => {
    expect(identifySip(bytes(text), true)).toBeNull();
  });
});
