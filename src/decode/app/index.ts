/**
 * Application protocol identification for a flow, from the first payload bytes
 * each side sent. Runs once per flow (not per packet).
 *
 * Every identifier whose transport fits is tried on both sides; what the bytes say
 * decides. The server port only breaks ties: when several protocols match, the one
 * whose usual port is the server port wins (otherwise the first in IDENTIFIERS order),
 * and a bare "220" greeting counts as SMTP only on an SMTP port. Bytes that match
 * nothing stay `unknown`: the port alone never names a protocol.
 */
import type { AppProto } from '../../classify/types.js';
import type { AppIdentifier } from './bytes.js';
import { identifyAmqp } from './amqp.js';
import { identifyDns, identifyDnsTcp } from './dns.js';
import { identifyHttp } from './http.js';
import { identifyRdp } from './rdp.js';
import { identifySilverlight } from './silverlight.js';
import { identifySip } from './sip.js';
import { identifySmb, identifySmb2 } from './smb.js';
import { identifySmtp, isTwoTwentyGreeting } from './smtp.js';
import { identifySnmp } from './snmp.js';
import { identifyTds } from './tds.js';
import { identifyTls } from './tls.js';

export type { AppMatch, AppIdentifier } from './bytes.js';

/** Transport of a flow as the flow table names it. */
export type AppTransport = 'tcp' | 'udp' | 'icmp' | 'icmp6';

/** Result of `identifyApp`: the protocol and a short human summary (null when none). */
export interface AppIdentification {
  app: AppProto;
  detail: string | null;
}

/** One row of the identifier table: which app it names and on which transports it runs. */
export interface AppIdentifierEntry {
  app: Exclude<AppProto, 'unknown'>;
  tcp: AppIdentifier | null;
  udp: AppIdentifier | null;
}

/**
 * The identifiers in tie-break order: distinctive binary magic first, then text
 * protocols (SIP before HTTP because both have OPTIONS), then the loose binary
 * formats (DNS, SNMP) last. SMB2 precedes SMB because a client's SMB1 negotiate is
 * answered in SMB2 when the dialect is upgraded.
 */
export const IDENTIFIERS: readonly AppIdentifierEntry[] = [
  { app: 'tls', tcp: identifyTls, udp: null },
  { app: 'smb2', tcp: identifySmb2, udp: null },
  { app: 'smb', tcp: identifySmb, udp: null },
  { app: 'amqp', tcp: identifyAmqp, udp: null },
  { app: 'rdp', tcp: identifyRdp, udp: null },
  { app: 'tds', tcp: identifyTds, udp: null },
  { app: 'sip', tcp: identifySip, udp: identifySip },
  { app: 'http', tcp: identifyHttp, udp: null },
  { app: 'silverlight-policy', tcp: identifySilverlight, udp: null },
  { app: 'smtp', tcp: identifySmtp, udp: null },
  { app: 'dns', tcp: identifyDnsTcp, udp: identifyDns },
  { app: 'snmp', tcp: null, udp: identifySnmp },
];

/** Usual server ports per protocol, used only to break ties between protocols that all matched. */
export const USUAL_PORTS: Readonly<Record<Exclude<AppProto, 'unknown'>, readonly number[]>> = {
  'http': [80, 8080, 8000, 8008, 81],
  'tls': [443, 8443, 465, 636, 993, 995, 3269, 5061, 5671],
  'tds': [1433],
  'smb': [445, 139],
  'smb2': [445, 139],
  'amqp': [5672],
  'sip': [5060, 5061],
  'snmp': [161, 162],
  'smtp': [25, 587],
  'silverlight-policy': [943],
  'dns': [53],
  'rdp': [3389],
};

/** Ports where a bare "220" greeting (no "SMTP" in it, no client command seen) is taken as SMTP. */
const SMTP_GREETING_PORTS: readonly number[] = [25, 587];

/**
 * Identifies the application protocol of a flow from the first payload bytes of
 * the client and of the server (null or empty when that side sent none).
 * `serverPort` breaks ties only; ICMP flows are always `unknown`. `table` exists for
 * tests; callers use the default.
 */
export function identifyApp(
  client: Uint8Array | null,
  server: Uint8Array | null,
  proto: AppTransport,
  serverPort: number,
  table: readonly AppIdentifierEntry[] = IDENTIFIERS,
): AppIdentification {
  if (proto !== 'tcp' && proto !== 'udp') return { app: 'unknown', detail: null };
  const c = client !== null && client.length > 0 ? client : null;
  const s = server !== null && server.length > 0 ? server : null;
  // When no SYN was seen the flow table may have guessed the roles wrong, so the
  // swapped reading is tried, but only when the bytes say nothing the right way round.
  const best = bestMatch(c, s, proto, serverPort, table) ?? bestMatch(s, c, proto, serverPort, table);
  if (best !== null) return best;
  if (proto === 'tcp' && s !== null && SMTP_GREETING_PORTS.includes(serverPort) && isTwoTwentyGreeting(s)
    && (c === null || !looksLikeOtherClientCommand(c))) {
    return { app: 'smtp', detail: 'greeting' };
  }
  return { app: 'unknown', detail: null };
}

function bestMatch(
  c: Uint8Array | null, s: Uint8Array | null, proto: 'tcp' | 'udp', serverPort: number,
  table: readonly AppIdentifierEntry[],
): AppIdentification | null {
  let best: AppIdentification | null = null;
  let bestOnPort = false;
  for (const entry of table) {
    const fn = proto === 'tcp' ? entry.tcp : entry.udp;
    if (fn === null) continue;
    const cm = c === null ? null : fn(c, true);
    const sm = s === null ? null : fn(s, false);
    if (cm === null && sm === null) continue;
    const onPort = USUAL_PORTS[entry.app].includes(serverPort);
    if (best !== null && (bestOnPort || !onPort)) continue;
    best = { app: entry.app, detail: joinDetail(cm?.detail ?? null, sm?.detail ?? null) };
    bestOnPort = onPort;
  }
  return best;
}

/** Client details first, then the server's, so "GET host / 200" reads in order. */
function joinDetail(c: string | null, s: string | null): string | null {
  if (c !== null && s !== null) return `${c} / ${s}`;
  return c ?? s;
}

/** FTP's first client commands (RFC 959 §4.1, RFC 4217 AUTH TLS): a 220 answered by these is not SMTP. */
function looksLikeOtherClientCommand(c: Uint8Array): boolean {
  const u = (i: number): number => (c[i] ?? 0) & 0xdf;
  const w = String.fromCharCode(u(0), u(1), u(2), u(3));
  return w === 'USER' || w === 'AUTH' || w === 'FEAT' || w === 'SYST' || w === 'OPTS';
}
