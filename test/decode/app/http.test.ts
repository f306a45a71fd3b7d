import { describe, expect, it } from 'vitest';
import { identifyHttp } from '../../../src/decode/app/http.js';
import { bytes, httpGet, httpPostNoHost, httpResponse } from './support/samples.js';

describe('identifyHttp', () => {
  it('reads the method and the Host header of a request', () => {
    expect(identifyHttp(httpGet, true)).toEqual({ detail: 'GET portal.wfo.example' });
    expect(identifyHttp(httpPostNoHost, true)).toEqual({ detail: 'POST' });
  });

  it('reads the status code of a response', () => {
    expect(identifyHttp(httpResponse, false)).toEqual({ detail: '302' });
    expect(identifyHttp(bytes('HTTP/1.0 404\r\n'), false)).toEqual({ detail: '404' });
  });

  it('accepts a request line cut by the capture after the target started', () => {
    expect(identifyHttp(bytes('GET /very/long/pa'), true)).toEqual({ detail: 'GET' });
    expect(identifyHttp(bytes('GET /x HTT'), true)).toEqual({ detail: 'GET' });
  });

  it('leaves out a Host header whose line is cut', () => {
    expect(identifyHttp(bytes('GET / HTTP/1.1\r\nHost: portal.wf'), true)).toEqual({ detail: 'GET' });
  });

  it.each([
    ['no target', 'GET '],
    ['unknown method', 'FETCH / HTTP/1.1\r\n'],
    ['lower-case method', 'get / HTTP/1.1\r\n'],
    ['HTTP/2 version', 'GET / HTTP/2.0\r\n'],
    ['two spaces', 'GET  / HTTP/1.1\r\n'],
    ['SIP OPTIONS', 'OPTIONS sip:bob@example.com SIP/2.0\r\n'],
    ['text after the version', 'GET / HTTP/1.1x\r\n'],
    ['status out of range', 'HTTP/1.1 999 Nope\r\n'],
    ['status not digits', 'HTTP/1.1 2OO OK\r\n'],
    ['HTTP/2 preface-ish', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['empty', ''],
  ])('rejects %s', (_name, text) => {
    expect(identifyHttp(bytes(text), true)).toBeNull();
  });
});
