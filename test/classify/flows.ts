/** Hand-built FlowRecords for classification tests. */
import type { FlowRecord } from '../../src/flow/types.js';

export function v4(ip: string): number[] {
  const p = ip.split('.').map(Number);
  return [((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0];
}

let nextId = 1;

/** A TCP flow "client:port -> server:port", established unless overridden. */
export function flow(client: string, server: string, over: Partial<FlowRecord> = {}): FlowRecord {
  const [cip, cport] = client.split(':');
  const [sip, sport] = server.split(':');
  return {
    id: nextId++, proto: 'tcp', family: 4,
    clientIp: cip!, serverIp: sip!, clientWords: v4(cip!), serverWords: v4(sip!),
    clientPort: Number(cport ?? 0), serverPort: Number(sport ?? 0),
    outcome: 'established', end: 'fin', guessed: false,
    packets: { client: 5, server: 5 }, bytes: { client: 500, server: 500 },
    first: 1700000000, last: 1700000010, history: 'ShADadFf', flags: { client: 0x1b, server: 0x1b },
    payloadClient: null, payloadServer: null, icmpErrors: [], vlans: [], input: 0,
    oneSided: false, ackedUnseen: 0, acked: 0, final: true,
    ...over,
  };
}
