/**
 * Client addresses summarised for the draft: a /24 (IPv6: /64) where two or more clients
 * share it and it covers no address of another role, single hosts otherwise.
 */
import { Address6 } from 'ip-address';
import { compareIp } from './evidence.js';

/** One summarised entry: the address or network written, and the client hosts it stands for. */
export interface ClientBlock {
  text: string;
  hosts: string[];
}

/** The /24 (IPv4) or /64 (IPv6) network an address lies in, as text. */
export function networkOf(ip: string): string {
  if (!ip.includes(':')) {
    const o = ip.split('.');
    return `${o[0]}.${o[1]}.${o[2]}.0/24`;
  }
  const full = new Address6(ip).canonicalForm().split(':').slice(0, 4).join(':');
  return `${new Address6(`${full}::`).correctForm()}/64`;
}

/**
 * Summarises `clients`; `others` are the addresses of every other role (and the cloud
 * range test), which no block may cover; `groupable` says which clients may share a block.
 */
export function summariseClients(clients: readonly string[], others: readonly string[],
  coversOther: (network: string) => boolean = () => false, groupable: (ip: string) => boolean = () => true): ClientBlock[] {
  const byNet = new Map<string, string[]>();
  for (const ip of clients) {
    // An address that may not be grouped (a public one: the rest of its /24 is someone else's) stands alone.
    const net = groupable(ip) ? networkOf(ip) : `${ip}/single`;
    let list = byNet.get(net);
    if (!list) byNet.set(net, (list = []));
    list.push(ip);
  }
  const otherNets = new Set(others.map(networkOf));
  const out: ClientBlock[] = [];
  for (const [net, hosts] of byNet) {
    hosts.sort(compareIp);
    if (hosts.length >= 2 && !otherNets.has(net) && !coversOther(net)) out.push({ text: net, hosts });
    else for (const h of hosts) out.push({ text: h, hosts: [h] });
  }
  return out.sort((a, b) => compareIp(a.text.split('/')[0]!, b.text.split('/')[0]!));
}
