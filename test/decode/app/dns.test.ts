import { describe, expect, it } from 'vitest';
import { identifyDns, identifyDnsTcp } from '../../../src/decode/app/dns.js';
import { bytes, dnsMessage, dnsNxdomain, dnsQuery, dnsQueryTcp, mdnsResponse } from './support/samples.js';

describe('identifyDns', () => {
  it('reads query name and type', () => {
    expect(identifyDns(dnsQuery, true)).toEqual({ detail: 'query db01.wfo.example A' });
  });

  it('reports an error rcode of a response', () => {
    expect(identifyDns(dnsNxdomain, false)).toEqual({ detail: 'response db01.wfo.example AAAA NXDOMAIN' });
  });

  it('accepts the root name, other opcodes and mDNS answers without a question', () => {
    expect(identifyDns(dnsMessage({ flags: 0, name: '', qtype: 2 }), true)).toEqual({ detail: 'query . NS' });
    expect(identifyDns(dnsMessage({ flags: 0x2000, qtype: 6 }), true)).toEqual({ detail: 'notify wfo.example.com SOA' });
    expect(identifyDns(mdnsResponse, false)).toEqual({ detail: 'response printer.local A' });
  });

  it('accepts a name cut by the end of the kept bytes after a whole label', () => {
    const long = dnsMessage({ flags: 0x0100, name: 'media.recording-archive-node-0001.site-a.wfo.example.com' });
    expect(identifyDns(long.subarray(0, 64), true)).toEqual({ detail: 'query media.recording-archive-node-0001.site-a.wfo...' });
    const bad = long.slice(0, 64);
    bad[60] = 0x01;
    expect(identifyDns(bad, true)).toBeNull();
  });

  it('reads a message over TCP after its length prefix', () => {
    expect(identifyDnsTcp(dnsQueryTcp, true)).toEqual({ detail: 'query db01.wfo.example A' });
    expect(identifyDnsTcp(dnsQuery, true)).toBeNull();
  });

  it('rejects broken headers and names', () => {
    expect(identifyDns(dnsMessage({ flags: 0x0100, qd: 0 }), true)).toBeNull(); // query without question
    expect(identifyDns(dnsMessage({ flags: 0x1800 }), true)).toBeNull(); // opcode 3
    expect(identifyDns(dnsMessage({ flags: 0x0140 }), true)).toBeNull(); // Z bit
    expect(identifyDns(dnsMessage({ flags: 0x0100, qd: 9 }), true)).toBeNull();
    expect(identifyDns(dnsMessage({ flags: 0x0101 }), true)).toBeNull(); // query with an error code
    expect(identifyDns(dnsMessage({ flags: 0x0100, qclass: 2 }), true)).toBeNull(); // class CSNET
    expect(identifyDns(bytes(0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1), true)).toBeNull(); // pointer first
    expect(identifyDns(bytes(0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64, 'a'), true)).toBeNull(); // label > 63
    expect(identifyDns(bytes(0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', 0, 'b', 0, 0, 1, 0, 1), true)).toBeNull(); // NUL in label
    expect(identifyDns(dnsMessage({ flags: 0x0100, name: 'wfo.example' }).subarray(0, 15), true)).toBeNull(); // cut in the first label
  });

  it('rejects NetBIOS name service queries, which only borrow the format', () => {
    const nbName = 'E'.repeat(2) + 'C'.repeat(30);
    expect(identifyDns(dnsMessage({ flags: 0x0110, name: nbName, qtype: 0x20 }), true)).toBeNull();
    expect(identifyDns(dnsMessage({ flags: 0x0100, name: nbName, qtype: 1 }), true)).not.toBeNull();
  });
});
