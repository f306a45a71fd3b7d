/**
 * Who opened a connection, where the flows cannot tell: the same port at both ends (SIP
 * 5060 <-> 5060) with no SYN. Decided by which end behaves more like a WFO server.
 */
import type { Tuple } from './evidence.js';
import { DEPENDENCY_PORTS, SERVER_PORTS, serversOnly } from './ports.js';
import { keyOf } from './draft.js';

/** The tuple the other way round (opener and listener swapped). */
function swapped(t: Tuple): Tuple {
  return { ...t, client: t.server, server: t.client, clientWords: t.serverWords, serverWords: t.clientWords };
}

/**
 * Tuples whose every flow used the same port at both ends with no SYN to tell who opened (SIP
 * 5060 <-> 5060, above all from flow records) are turned round when the listener shows less
 * server behaviour than the opener: WFO ports it accepts, dependency or server-only ports it opens.
 */
export function orient(tuples: readonly Tuple[]): Tuple[] {
  const score = new Map<string, number>();
  const add = (ip: string): void => { score.set(ip, (score.get(ip) ?? 0) + 1); };
  const counts = (t: Tuple): { listener: boolean; opener: boolean } => {
    const k = keyOf(t);
    const sp = SERVER_PORTS.get(k);
    return { listener: !!sp, opener: (!sp && DEPENDENCY_PORTS.has(k)) || (!!sp && serversOnly(sp)) };
  };
  for (const t of tuples) {
    const c = counts(t);
    if (c.listener) add(t.server);
    if (c.opener) add(t.client);
  }
  return tuples.map((t) => {
    if (t.samePort < t.flows) return t;
    const c = counts(t);
    const listener = (score.get(t.server) ?? 0) - (c.listener ? 1 : 0);
    const opener = (score.get(t.client) ?? 0) - (c.opener ? 1 : 0);
    return opener > listener ? swapped(t) : t;
  });
}
