import { describe, expect, it } from 'vitest';
import { identifyTds } from '../../../src/decode/app/tds.js';
import {
  bytes, preloginBody, tdsDone, tdsLogin7, tdsPacket, tdsPrelogin, tdsPreloginResponse, tdsSqlBatch,
} from './support/samples.js';

describe('identifyTds', () => {
  it('reads version and encryption from a PRELOGIN', () => {
    expect(identifyTds(tdsPrelogin, true)).toEqual({ detail: 'prelogin version=16.0.1000 encrypt=off' });
  });

  it('reads the server PRELOGIN response', () => {
    expect(identifyTds(tdsPreloginResponse, false)).toEqual({ detail: 'prelogin-response version=16.0.1000 encrypt=on' });
  });

  it('reads the TDS version of a LOGIN7', () => {
    expect(identifyTds(tdsLogin7, true)).toEqual({ detail: 'login7 tds=7.4' });
  });

  it('recognises midstream batches and server token streams', () => {
    expect(identifyTds(tdsSqlBatch, true)).toEqual({ detail: 'sql-batch' });
    const oldBatch = tdsPacket(0x01, 0x01, Array.from('COMMIT', (c) => [c.charCodeAt(0), 0]).flat());
    expect(identifyTds(oldBatch, true)).toEqual({ detail: 'sql-batch' });
    const rpcByName = tdsPacket(0x03, 0x01, [4, 0, ...Array.from('sp_x', (c) => [c.charCodeAt(0), 0]).flat(), 0, 0]);
    expect(identifyTds(rpcByName, true)).toEqual({ detail: 'rpc' });
    expect(identifyTds(tdsPacket(0x03, 0x01, [0xff, 0xff, 10, 0, 0, 0]), true)).toEqual({ detail: 'rpc' });
    expect(identifyTds(tdsDone, false)).toEqual({ detail: 'response' });
  });

  it('checks the direction of each packet type', () => {
    expect(identifyTds(tdsPrelogin, false)).toBeNull();
    expect(identifyTds(tdsDone, true)).toBeNull();
  });

  it('rejects inconsistent headers', () => {
    const alter = (src: Uint8Array, i: number, v: number): Uint8Array => { const c = src.slice(); c[i] = v; return c; };
    expect(identifyTds(alter(tdsPrelogin, 7, 1), true)).toBeNull(); // window not 0
    expect(identifyTds(alter(tdsPrelogin, 1, 0x41), true)).toBeNull(); // unknown status bit
    expect(identifyTds(bytes(0x12, 1, 0, 8, 0, 0, 1, 0), true)).toBeNull(); // header only
    expect(identifyTds(bytes(0x12, 1, 0x90, 0, 0, 0, 1, 0, 0), true)).toBeNull(); // length > 32768
    expect(identifyTds(alter(tdsPrelogin, 8, 0x01), true)).toBeNull(); // VERSION not first
    expect(identifyTds(alter(tdsPrelogin, 10, 0x7f), true)).toBeNull(); // option offset past the body
    expect(identifyTds(alter(tdsLogin7, 15, 0x60), true)).toBeNull(); // TDS version 6.x
    expect(identifyTds(tdsPacket(0x12, 1, preloginBody(0), 0).subarray(0, 8), true)).toBeNull();
    expect(identifyTds(tdsPacket(0x01, 1, [0x41, 0x41, 0x41, 0x41, 0x41, 0x41]), true)).toBeNull(); // not UCS-2
    expect(identifyTds(tdsPacket(0x04, 1, [0x42, 0, 0]), false)).toBeNull(); // unknown first token
    expect(identifyTds(tdsPacket(0x07, 1, [0, 0, 0, 0]), true)).toBeNull(); // bulk load is not a first packet we accept
  });
});
