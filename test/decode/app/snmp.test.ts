import { describe, expect, it } from 'vitest';
import { identifySnmp } from '../../../src/decode/app/snmp.js';
import { snmpMessage, snmpV1Trap, snmpV3, tlv } from './support/samples.js';

describe('identifySnmp', () => {
  it('reads version and PDU type of v1/v2c messages, never the community', () => {
    expect(identifySnmp(snmpMessage(1, 0xa0), true)).toEqual({ detail: 'v2c get-request' });
    expect(identifySnmp(snmpMessage(0, 0xa2), false)).toEqual({ detail: 'v1 response' });
    expect(identifySnmp(snmpMessage(1, 0xa5, 'secret'), true)!.detail).not.toContain('secret');
  });

  it('recognises traps and informs', () => {
    expect(identifySnmp(snmpV1Trap, true)).toEqual({ detail: 'v1 trap' });
    expect(identifySnmp(snmpMessage(1, 0xa7), true)).toEqual({ detail: 'v2c snmpV2-trap' });
    expect(identifySnmp(snmpMessage(1, 0xa6), true)).toEqual({ detail: 'v2c inform-request' });
  });

  it('reads the security level of v3 and the PDU when in clear', () => {
    expect(identifySnmp(snmpV3(0x04), true)).toEqual({ detail: 'v3 noAuthNoPriv get-request' });
    expect(identifySnmp(snmpV3(0x05, 0xa7), true)).toEqual({ detail: 'v3 authNoPriv snmpV2-trap' });
    expect(identifySnmp(snmpV3(0x07), true)).toEqual({ detail: 'v3 authPriv' });
  });

  it('rejects messages that break the structure', () => {
    expect(identifySnmp(snmpMessage(2, 0xa0), true)).toBeNull(); // version 2 does not exist
    expect(identifySnmp(snmpMessage(1, 0xa4), true)).toBeNull(); // v1 trap in v2c
    expect(identifySnmp(snmpMessage(0, 0xa7), true)).toBeNull(); // v2 trap in v1
    expect(identifySnmp(snmpMessage(1, 0xa9), true)).toBeNull(); // no such PDU
    expect(identifySnmp(snmpV3(0x02), true)).toBeNull(); // privacy without authentication
    expect(identifySnmp(Uint8Array.from(tlv(0x30, [2, 1, 1], tlv(0x05, [0x61]))), true)).toBeNull(); // community not OCTET STRING
    const overflow = snmpMessage(1, 0xa0);
    overflow[1] = overflow[1]! - 10; // outer length shorter than its contents
    expect(identifySnmp(overflow, true)).toBeNull();
    expect(identifySnmp(Uint8Array.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 2, 1, 1]), true)).toBeNull();
  });
});
