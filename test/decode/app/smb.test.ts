import { describe, expect, it } from 'vitest';
import { identifySmb, identifySmb2 } from '../../../src/decode/app/smb.js';
import {
  bytes, nbssSessionRequest, smb1Negotiate, smb2, smb2NegotiateRequest, smb2NegotiateResponse, smb3Encrypted,
} from './support/samples.js';

describe('identifySmb2', () => {
  it('names the command and the negotiated dialect', () => {
    expect(identifySmb2(smb2NegotiateRequest, true)).toEqual({ detail: 'negotiate' });
    expect(identifySmb2(smb2NegotiateResponse, false)).toEqual({ detail: 'negotiate dialect=3.1.1' });
    expect(identifySmb2(smb2(1, false, [25, 0, 0, 0]), true)).toEqual({ detail: 'session-setup' });
  });

  it('recognises the SMB3 transform header', () => {
    expect(identifySmb2(smb3Encrypted, true)).toEqual({ detail: 'encrypted' });
  });

  it('rejects SMB1, bad structure sizes and unknown commands', () => {
    expect(identifySmb2(smb1Negotiate, true)).toBeNull();
    const bad = smb2NegotiateRequest.slice();
    bad[8] = 65;
    expect(identifySmb2(bad, true)).toBeNull();
    expect(identifySmb2(smb2(0x40, false, []), true)).toBeNull();
    expect(identifySmb2(bytes(0, 0, 0, 8, 0xfe, 'SMB', 0, 0, 0, 0), true)).toBeNull(); // shorter than a header
  });
});

describe('identifySmb', () => {
  it('recognises SMB1 negotiate, noting an offer of SMB2', () => {
    expect(identifySmb(smb1Negotiate, true)).toEqual({ detail: 'negotiate (offers SMB2)' });
  });

  it('recognises the NetBIOS session request and its answers', () => {
    expect(identifySmb(nbssSessionRequest(), true)).toEqual({ detail: 'netbios-session-request called=FILESRV' });
    expect(identifySmb(bytes(0x82, 0, 0, 0), false)).toEqual({ detail: 'netbios-session-positive' });
    expect(identifySmb(bytes(0x83, 0, 0, 1, 0x82), false)).toEqual({ detail: 'netbios-session-negative' });
  });

  it('rejects other NBSS packets and damaged names', () => {
    expect(identifySmb(bytes(0x85, 0, 0, 0), true)).toBeNull(); // keepalive says nothing
    expect(identifySmb(smb2NegotiateRequest, true)).toBeNull();
    const req = nbssSessionRequest();
    req[10] = 0x5a; // 'Z' is outside the 'A'-'P' half-byte alphabet
    expect(identifySmb(req, true)).toBeNull();
    expect(identifySmb(bytes(0x81, 0, 0, 10, 0x20), true)).toBeNull(); // too short for two names
    expect(identifySmb(bytes(0, 0, 0, 40, 0xff, 'SMX', 0x72), true)).toBeNull();
  });
});
