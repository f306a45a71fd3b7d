/**
 * MS-SQL Tabular Data Stream identification from the first TDS packet of a direction.
 *
 * [MS-TDS] §2.2.3.1 packet header: Type(1) Status(1) Length(2, big-endian, header
 * included) SPID(2) PacketID(1) Window(1, "currently ignored", sent as 0).
 * §2.2.3.1.1 types: 0x12 PRELOGIN, 0x10 TDS7 LOGIN, 0x04 tabular result (the server's
 * answer, including the PRELOGIN response). §2.2.3.1.2 status bits: 0x01 EOM,
 * 0x02 ignore, 0x08 RESETCONNECTION, 0x10 RESETCONNECTIONSKIPTRAN (0x04, event
 * notification in older revisions, is seen in real captures and tolerated).
 * §2.2.6.5 PRELOGIN: option tokens (token(1) offset(2) length(2)) ending in 0xFF,
 * VERSION (0x00, 6 bytes) first; ENCRYPTION is option 0x01.
 * §2.2.6.4 LOGIN7: Length(4, LE) TDSVersion(4) ...; fixed part 94 bytes.
 * §2.2.6.7 SQLBatch (0x01) and §2.2.6.6 RPCRequest (0x03), seen first on connections
 * captured midstream: TDS 7.2+ start with ALL_HEADERS (§2.2.5.3: TotalLength(4 LE),
 * then HeaderLength(4 LE) HeaderType(2 LE) 1-3); older ones with UCS-2 text (batch)
 * or a procedure name length/0xFFFF ProcID (RPC).
 * §2.2.7 token stream types seen first in a server response (LOGINACK 0xAD,
 * ENVCHANGE 0xE3, ERROR 0xAA, INFO 0xAB, DONE 0xFD, COLMETADATA 0x81).
 */
import { type AppMatch, NO_DETAIL, u16be, u32le } from './bytes.js';

const TYPE_SQL_BATCH = 0x01;
const TYPE_RPC = 0x03;
const TYPE_RESPONSE = 0x04;
const TYPE_LOGIN7 = 0x10;
const TYPE_PRELOGIN = 0x12;
const HEADER = 8;
/** Largest negotiable packet size ([MS-TDS] §2.2.6.4 PacketSize, 32767) plus slack for the header. */
const MAX_PACKET = 32768;
const PL_VERSION = 0x00;
const PL_ENCRYPTION = 0x01;
const PL_TERMINATOR = 0xff;
const ENCRYPTION_NAMES = ['off', 'on', 'not-supported', 'required'];
const RESPONSE_FIRST_TOKENS = new Set([0xad, 0xe3, 0xaa, 0xab, 0xfd, 0x81]);

/**
 * Identifies a TDS PRELOGIN, LOGIN7, SQL batch or RPC (client), or a server response
 * (PRELOGIN response or a token stream). The header length must be consistent
 * (8 < length <= 32768) and the body must parse as far as the bytes go.
 */
export function identifyTds(b: Uint8Array, fromClient: boolean, detail = true): AppMatch | null {
  if (b.length < HEADER) return null;
  const type = b[0]!;
  const status = b[1]!;
  const len = u16be(b, 2);
  if ((status & ~0x1f) !== 0 || len <= HEADER || len > MAX_PACKET || b[7] !== 0) return null;
  const end = Math.min(b.length, len);
  if (fromClient) {
    if (type === TYPE_PRELOGIN) return prelogin(b, end, len, 'prelogin', detail);
    if (type === TYPE_LOGIN7) return login7(b, end, len, detail);
    if (type === TYPE_SQL_BATCH) return request(b, end, len, 'sql-batch');
    if (type === TYPE_RPC) return request(b, end, len, 'rpc');
    return null;
  }
  if (type !== TYPE_RESPONSE) return null;
  const pl = prelogin(b, end, len, 'prelogin-response', detail);
  if (pl !== null) return pl;
  if (end > HEADER && RESPONSE_FIRST_TOKENS.has(b[HEADER]!)) return { detail: 'response' };
  return null;
}

/** Walks the PRELOGIN option table; offsets are relative to the body and must stay inside it. */
function prelogin(b: Uint8Array, end: number, len: number, what: string, detail: boolean): AppMatch | null {
  const bodyLen = len - HEADER;
  let i = HEADER;
  let first = true;
  // Where the VERSION and ENCRYPTION values lie (-1: not within the bytes); read only for the detail.
  let versionAt = -1;
  let encryptionAt = -1;
  while (i < end) {
    const token = b[i]!;
    if (token === PL_TERMINATOR) break;
    if (i + 5 > end) break;
    const off = u16be(b, i + 1);
    const olen = u16be(b, i + 3);
    if (first && (token !== PL_VERSION || olen !== 6)) return null;
    if (token > 0x08 || off + olen > bodyLen || off < 6) return null;
    const at = HEADER + off;
    if (token === PL_VERSION && at + 4 <= end) versionAt = at;
    else if (token === PL_ENCRYPTION && olen >= 1 && at < end) encryptionAt = at;
    first = false;
    i += 5;
  }
  // Nothing but a header, or a table without its VERSION entry, is no evidence.
  if (first) return null;
  if (!detail) return NO_DETAIL;
  let text = what;
  if (versionAt >= 0) text += ` version=${b[versionAt]}.${b[versionAt + 1]}.${u16be(b, versionAt + 2)}`;
  if (encryptionAt >= 0) text += ` encrypt=${ENCRYPTION_NAMES[b[encryptionAt]!] ?? `0x${b[encryptionAt]!.toString(16)}`}`;
  return { detail: text };
}

/**
 * SQLBatch / RPCRequest body: ALL_HEADERS when its lengths are consistent, else
 * (pre-7.2) printable UCS-2 text for a batch, a name length or 0xFFFF ProcID for an RPC.
 */
function request(b: Uint8Array, end: number, len: number, what: string): AppMatch | null {
  const bodyLen = len - HEADER;
  if (end < HEADER + 6) return null;
  const total = u32le(b, HEADER);
  if (total >= 4 + 6 && total <= bodyLen) {
    const first = u32le(b, HEADER + 4);
    if (end < HEADER + 10) return null;
    const htype = b[HEADER + 8]! | (b[HEADER + 9]! << 8);
    if (first >= 6 && first <= total - 4 && htype >= 1 && htype <= 3) return { detail: what };
    return null;
  }
  let text = HEADER;
  if (what === 'rpc') {
    const nameLen = b[HEADER]! | (b[HEADER + 1]! << 8);
    if (nameLen === 0xffff) {
      const procId = b[HEADER + 2]! | (b[HEADER + 3]! << 8);
      return procId >= 1 && procId <= 15 ? { detail: what } : null;
    }
    if (nameLen < 1 || nameLen > 128 || 2 + nameLen * 2 > bodyLen) return null;
    text = HEADER + 2;
  }
  // Three UCS-2 characters of printable ASCII or whitespace: text, not chance.
  if (end < text + 6) return null;
  for (let k = 0; k < 3; k++) {
    const lo = b[text + 2 * k]!;
    const hi = b[text + 2 * k + 1]!;
    if (hi !== 0 || !(lo >= 0x20 && lo <= 0x7e || lo === 0x09 || lo === 0x0a || lo === 0x0d)) return null;
  }
  return { detail: what };
}

/** LOGIN7: its own Length field covers the login record; TDSVersion's top byte is 0x70-0x74 (7.x) or 0x08 (8.0). */
function login7(b: Uint8Array, end: number, len: number, detail: boolean): AppMatch | null {
  if (end < HEADER + 8) return null;
  const loginLen = u32le(b, HEADER);
  const ver = u32le(b, HEADER + 4);
  const major = ver >>> 24;
  if (loginLen < 94 || loginLen > 0xffff || loginLen < len - HEADER) return null;
  if (!((major >= 0x70 && major <= 0x74) || ver === 0x08000000)) return null;
  if (!detail) return NO_DETAIL;
  return { detail: `login7 tds=${ver === 0x08000000 ? '8.0' : `7.${major - 0x70}`}` };
}
