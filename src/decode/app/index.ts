/**
 * Application protocol identification for a flow, from the first payload bytes
 * each side sent. Runs once per flow (not per packet).
 *
 * Every identifier whose transport fits is tried on both sides; what the bytes say
 * decides. The server port only breaks ties: when several protocols match, the one
 * whose usual port is the server port wins (otherwise the first in IDENTIFIERS order),
 * and a bare "220" greeting counts as SMTP only on an SMTP port. Bytes that match
 * nothing stay `unknown`: the port alone never names a protocol.
 *
 * For speed, an identifier that cannot match is not called: its first-byte list
 * excludes the bytes, or it is blind to the side and already said no the other way
 * round. test/decode/app/shortcuts.test.ts checks that this never changes an answer.
 */
import type { AppProto } from '../../classify/types.js';
import type { AppIdentifier, AppMatch } from './bytes.js';
import { identifyAmqp } from './amqp.js';
import { identifyDns, identifyDnsTcp } from './dns.js';
import { HTTP_METHODS, identifyHttp } from './http.js';
import { identifyRdp } from './rdp.js';
import { identifySilverlight } from './silverlight.js';
import { SIP_METHODS, identifySip } from './sip.js';
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
  /**
   * The byte values a match can start with (256 flags, from `firstBytes`), so that
   * identifiers are skipped without being called when neither side can be theirs.
   * Absent: any first byte. test/decode/app/shortcuts.test.ts checks each list.
   */
  first?: Uint8Array;
  /** true when the identifier reads `fromClient` (absent: it answers the same for both sides). */
  sided?: boolean;
}

/** Flags for the 256 byte values, set for the bytes and the first characters of the strings given. */
export function firstBytes(...values: (number | string)[]): Uint8Array {
  const flags = new Uint8Array(256);
  for (const v of values) flags[typeof v === 'number' ? v : v.charCodeAt(0)] = 1;
  return flags;
}

/**
 * The identifiers in tie-break order: distinctive binary magic first, then text
 * protocols (SIP before HTTP because both have OPTIONS), then the loose binary
 * formats (DNS, SNMP) last. SMB2 precedes SMB because a client's SMB1 negotiate is
 * answered in SMB2 when the dialect is upgraded.
 */
export const IDENTIFIERS: readonly AppIdentifierEntry[] = [
  // Handshake record (content type 22).
  { app: 'tls', tcp: identifyTls, udp: null, first: firstBytes(0x16) },
  // NetBIOS session message (type 0).
  { app: 'smb2', tcp: identifySmb2, udp: null, first: firstBytes(0x00) },
  // NetBIOS session message, request, positive or negative response.
  { app: 'smb', tcp: identifySmb, udp: null, first: firstBytes(0x00, 0x81, 0x82, 0x83) },
  // "AMQP" protocol header, method frame (1), heartbeat frame (8).
  { app: 'amqp', tcp: identifyAmqp, udp: null, first: firstBytes('A', 0x01, 0x08), sided: true },
  // TPKT version 3.
  { app: 'rdp', tcp: identifyRdp, udp: null, first: firstBytes(0x03), sided: true },
  // TDS packet types: SQL batch, RPC, response, Login7, pre-login.
  { app: 'tds', tcp: identifyTds, udp: null, first: firstBytes(0x01, 0x03, 0x04, 0x10, 0x12), sided: true },
  // "SIP/2.0" status line or a request method.
  { app: 'sip', tcp: identifySip, udp: identifySip, first: firstBytes('S', ...SIP_METHODS) },
  // "HTTP/1.x" status line or a request method.
  { app: 'http', tcp: identifyHttp, udp: null, first: firstBytes('H', ...HTTP_METHODS) },
  // The request's '<', or a response's '<', UTF-8 BOM or leading white space.
  { app: 'silverlight-policy', tcp: identifySilverlight, udp: null, first: firstBytes('<', 0xef, ' ', '\t', '\r', '\n'), sided: true },
  // EHLO/HELO in either case, or a "220" banner.
  { app: 'smtp', tcp: identifySmtp, udp: null, first: firstBytes('E', 'e', 'H', 'h', '2'), sided: true },
  // The message ID or the TCP length prefix: any byte.
  { app: 'dns', tcp: identifyDnsTcp, udp: identifyDns },
  // BER SEQUENCE.
  { app: 'snmp', tcp: null, udp: identifySnmp, first: firstBytes(0x30) },
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
  const i = pick(client, server, proto, serverPort, table, true);
  if (i === GREETING) return { app: 'smtp', detail: 'greeting' };
  if (i === NONE) return { app: 'unknown', detail: null };
  return { app: table[i]!.app, detail: joinDetail(pickedC?.detail ?? null, pickedS?.detail ?? null) };
}

/**
 * The protocol alone, as `identifyApp` names it, without building the detail: what
 * classification needs for every flow.
 */
export function identifyAppProto(client: Uint8Array | null, server: Uint8Array | null, proto: AppTransport,
  serverPort: number): AppProto {
  const i = pick(client, server, proto, serverPort, IDENTIFIERS, false);
  return i === GREETING ? 'smtp' : i === NONE ? 'unknown' : IDENTIFIERS[i]!.app;
}

/** `pick` results besides a table index. */
const NONE = -1;
const GREETING = -2;

/** The matches of the entry `bestEntry` returned (what each side's bytes said). */
let pickedC: AppMatch | null = null;
let pickedS: AppMatch | null = null;

/**
 * An identifier table by first byte: for each transport and byte value, one bit per
 * entry (bit i: table[i]) that runs on the transport and can start with the byte.
 */
interface TableByFirstByte {
  tcp: Int32Array;
  udp: Int32Array;
  /** Bits of the `sided` entries. */
  sided: number;
}

function byFirstByte(table: readonly AppIdentifierEntry[]): TableByFirstByte {
  if (table.length > 31) throw new Error('an identifier table holds at most 31 entries');
  const out: TableByFirstByte = { tcp: new Int32Array(256), udp: new Int32Array(256), sided: 0 };
  table.forEach((e, i) => {
    for (let b = 0; b < 256; b++) {
      if (e.first !== undefined && e.first[b] !== 1) continue;
      if (e.tcp !== null) out.tcp[b]! |= 1 << i;
      if (e.udp !== null) out.udp[b]! |= 1 << i;
    }
    if (e.sided === true) out.sided |= 1 << i;
  });
  return out;
}

const DEFAULT_BY_FIRST_BYTE = byFirstByte(IDENTIFIERS);
/** Other tables (tests), compiled on first use. */
const byFirstByteOf = new WeakMap<readonly AppIdentifierEntry[], TableByFirstByte>();

/** Index in `table` of the flow's protocol, GREETING for a bare SMTP greeting, or NONE. */
function pick(client: Uint8Array | null, server: Uint8Array | null, proto: AppTransport, serverPort: number,
  table: readonly AppIdentifierEntry[], detail: boolean): number {
  if (proto !== 'tcp' && proto !== 'udp') return NONE;
  const c = client !== null && client.length > 0 ? client : null;
  const s = server !== null && server.length > 0 ? server : null;
  if (c === null && s === null) return NONE;
  let compiled = table === IDENTIFIERS ? DEFAULT_BY_FIRST_BYTE : byFirstByteOf.get(table);
  if (compiled === undefined) byFirstByteOf.set(table, compiled = byFirstByte(table));
  const masks = proto === 'tcp' ? compiled.tcp : compiled.udp;
  const cBits = c === null ? 0 : masks[c[0]!]!;
  const sBits = s === null ? 0 : masks[s[0]!]!;
  // When no SYN was seen the flow table may have guessed the roles wrong, so the
  // swapped reading is tried, but only when the bytes say nothing the right way round.
  // Identifiers blind to the side (not `sided`) are not asked again: they already said no.
  let i = bestEntry(c, s, cBits, sBits, proto, serverPort, table, detail);
  if (i === NONE) i = bestEntry(s, c, sBits & compiled.sided, cBits & compiled.sided, proto, serverPort, table, detail);
  if (i !== NONE) return i;
  if (proto === 'tcp' && s !== null && SMTP_GREETING_PORTS.includes(serverPort) && isTwoTwentyGreeting(s)
    && (c === null || !looksLikeOtherClientCommand(c))) {
    return GREETING;
  }
  return NONE;
}

/**
 * The first entry that matches, unless a later one matches whose usual port is the
 * server port; NONE when nothing matches. Only the entries in `cBits` are offered
 * the client's bytes, and only those in `sBits` the server's (their first byte fits).
 */
function bestEntry(
  c: Uint8Array | null, s: Uint8Array | null, cBits: number, sBits: number, proto: 'tcp' | 'udp', serverPort: number,
  table: readonly AppIdentifierEntry[], detail: boolean,
): number {
  let best = NONE;
  pickedC = null;
  pickedS = null;
  for (let todo = cBits | sBits; todo !== 0;) {
    const bit = todo & -todo;
    todo ^= bit;
    const i = 31 - Math.clz32(bit);
    const entry = table[i]!;
    // After a match only a protocol on its usual port can still win.
    if (best !== NONE && !USUAL_PORTS[entry.app].includes(serverPort)) continue;
    const fn = (proto === 'tcp' ? entry.tcp : entry.udp)!;
    const cm = (cBits & bit) !== 0 ? fn(c!, true, detail) : null;
    const sm = (sBits & bit) !== 0 ? fn(s!, false, detail) : null;
    if (cm === null && sm === null) continue;
    best = i;
    pickedC = cm;
    pickedS = sm;
    // Nothing later displaces a match on its usual port.
    if (USUAL_PORTS[entry.app].includes(serverPort)) break;
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
