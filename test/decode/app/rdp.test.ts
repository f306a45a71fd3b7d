import { describe, expect, it } from 'vitest';
import { identifyRdp } from '../../../src/decode/app/rdp.js';
import { bytes, cotpS7Request, rdpBareRequest, rdpConnectionConfirm, rdpConnectionRequest } from './support/samples.js';

describe('identifyRdp', () => {
  it('reads the requested protocols of a connection request with a cookie', () => {
    expect(identifyRdp(rdpConnectionRequest, true)).toEqual({ detail: 'connection-request requested=ssl+hybrid' });
    expect(identifyRdp(rdpBareRequest, true)).toEqual({ detail: 'connection-request' });
  });

  it('reads the selected protocol of a connection confirm', () => {
    expect(identifyRdp(rdpConnectionConfirm, false)).toEqual({ detail: 'connection-confirm selected=ssl' });
    expect(identifyRdp(bytes(3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0), false)).toEqual({ detail: 'connection-confirm' });
  });

  it('rejects other X.224 users, wrong directions and inconsistent lengths', () => {
    expect(identifyRdp(cotpS7Request, true)).toBeNull();
    expect(identifyRdp(rdpConnectionRequest, false)).toBeNull();
    expect(identifyRdp(rdpConnectionConfirm, true)).toBeNull();
    const badLi = rdpConnectionRequest.slice();
    badLi[4] = 6;
    expect(identifyRdp(badLi, true)).toBeNull();
    const tpkt2 = rdpBareRequest.slice();
    tpkt2[0] = 2;
    expect(identifyRdp(tpkt2, true)).toBeNull();
    expect(identifyRdp(bytes(3, 0, 0, 11, 6, 0xf0, 0x80, 0, 0, 0, 0), true)).toBeNull(); // X.224 data TPDU
  });
});
