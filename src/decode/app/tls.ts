/**
 * TLS identification from the first record of a direction.
 *
 * RFC 8446 §5.1: TLSPlaintext = type(1) legacy_record_version(2) length(2) fragment;
 * handshake(22); length at most 2^14 (+2048 tolerated for old stacks, RFC 5246 §6.2.3).
 * RFC 8446 §4: Handshake = msg_type(1) length(3); client_hello(1), server_hello(2).
 * RFC 8446 §4.1.2 ClientHello / §4.1.3 ServerHello bodies; §4.2 extensions;
 * §4.2.1 supported_versions (43); RFC 6066 §3 server_name (0), host_name(0);
 * RFC 8701 GREASE values are skipped when picking the version.
 */
import { type AppMatch, asciiText, isVisible, u16be, u24be } from './bytes.js';

const CONTENT_HANDSHAKE = 22;
const HS_CLIENT_HELLO = 1;
const HS_SERVER_HELLO = 2;
const EXT_SERVER_NAME = 0;
const EXT_SUPPORTED_VERSIONS = 43;
/** Smallest ClientHello body: version, random, empty session id, one suite, one compression method. */
const MIN_CLIENT_HELLO = 2 + 32 + 1 + 2 + 2 + 1 + 1;
/** Smallest ServerHello body: version, random, empty session id, suite, compression method. */
const MIN_SERVER_HELLO = 2 + 32 + 1 + 2 + 1;

/** Readable name of a protocol version value (0x0300 SSL 3.0 ... 0x0304 TLS 1.3). */
export function tlsVersionName(v: number): string {
  switch (v) {
    case 0x0300: return 'SSL3.0';
    case 0x0301: return 'TLS1.0';
    case 0x0302: return 'TLS1.1';
    case 0x0303: return 'TLS1.2';
    case 0x0304: return 'TLS1.3';
    default: return `0x${v.toString(16).padStart(4, '0')}`;
  }
}

/**
 * Identifies a TLS handshake record carrying a ClientHello (detail: version and SNI
 * when within the bytes) or a ServerHello (detail: negotiated version).
 */
export function identifyTls(b: Uint8Array, _fromClient: boolean): AppMatch | null {
  if (b.length < 6 || b[0] !== CONTENT_HANDSHAKE || b[1] !== 3 || b[2]! > 4) return null;
  const recLen = u16be(b, 3);
  if (recLen < 4 || recLen > 16384 + 2048) return null;
  const type = b[5];
  if (type !== HS_CLIENT_HELLO && type !== HS_SERVER_HELLO) return null;
  if (b.length < 9) return { detail: type === HS_CLIENT_HELLO ? 'ClientHello' : 'ServerHello' };
  const hsLen = u24be(b, 6);
  if (hsLen < (type === HS_CLIENT_HELLO ? MIN_CLIENT_HELLO : MIN_SERVER_HELLO) || hsLen > 0xffff) return null;
  // The body is parsed only within this record and the captured bytes.
  const end = Math.min(b.length, 5 + recLen, 9 + hsLen);
  if (end >= 11 && (b[9] !== 3 || b[10]! > 4)) return null;
  return type === HS_CLIENT_HELLO ? clientHello(b, end) : serverHello(b, end);
}

function clientHello(b: Uint8Array, end: number): AppMatch {
  let version = end >= 11 ? u16be(b, 9) : -1;
  let sni: string | null = null;
  let i = 9 + 2 + 32;
  if (i + 1 <= end) {
    i += 1 + b[i]!;
    if (i + 2 <= end) {
      i += 2 + u16be(b, i);
      if (i + 1 <= end) {
        i += 1 + b[i]!;
        if (i + 2 <= end) {
          const extEnd = Math.min(end, i + 2 + u16be(b, i));
          i += 2;
          while (i + 4 <= extEnd) {
            const t = u16be(b, i);
            const len = u16be(b, i + 2);
            const body = i + 4;
            if (body + len > extEnd) {
              if (t === EXT_SERVER_NAME && sni === null) sni = serverName(b, body, extEnd);
              break;
            }
            if (t === EXT_SERVER_NAME) sni = serverName(b, body, body + len);
            else if (t === EXT_SUPPORTED_VERSIONS) version = highestVersion(b, body, body + len, version);
            i = body + len;
          }
        }
      }
    }
  }
  let detail = 'ClientHello';
  if (version >= 0) detail += ` ${tlsVersionName(version)}`;
  if (sni !== null) detail += ` sni=${sni}`;
  return { detail };
}

/** RFC 6066 §3: ServerNameList = list length(2), then name_type(1) length(2) name; only complete names count. */
function serverName(b: Uint8Array, start: number, end: number): string | null {
  let i = start + 2;
  while (i + 3 <= end) {
    const nameType = b[i]!;
    const len = u16be(b, i + 1);
    const s = i + 3;
    if (s + len > end) return null;
    if (nameType === 0 && len > 0 && len <= 255) {
      for (let k = s; k < s + len; k++) if (!isVisible(b[k]!)) return null;
      return asciiText(b, s, s + len, 255);
    }
    i = s + len;
  }
  return null;
}

/** RFC 8446 §4.2.1 in a ClientHello: versions length(1) then 2-byte versions; the highest real one wins. */
function highestVersion(b: Uint8Array, start: number, end: number, fallback: number): number {
  if (start >= end) return fallback;
  const listEnd = Math.min(end, start + 1 + b[start]!);
  let best = -1;
  for (let i = start + 1; i + 2 <= listEnd; i += 2) {
    const v = u16be(b, i);
    if ((v & 0x0f0f) === 0x0a0a) continue; // GREASE, RFC 8701 §2
    if (v > best && v >= 0x0300 && v <= 0x03ff) best = v;
  }
  return best >= 0 ? best : fallback;
}

function serverHello(b: Uint8Array, end: number): AppMatch {
  let version = end >= 11 ? u16be(b, 9) : -1;
  let i = 9 + 2 + 32;
  if (i + 1 <= end) {
    i += 1 + b[i]! + 2 + 1;
    if (i + 2 <= end) {
      const extEnd = Math.min(end, i + 2 + u16be(b, i));
      i += 2;
      while (i + 4 <= extEnd) {
        const t = u16be(b, i);
        const len = u16be(b, i + 2);
        const body = i + 4;
        if (body + len > extEnd) break;
        // RFC 8446 §4.2.1: in a ServerHello the extension is the selected version itself.
        if (t === EXT_SUPPORTED_VERSIONS && len === 2) version = u16be(b, body);
        i = body + len;
      }
    }
  }
  return { detail: version >= 0 ? `ServerHello ${tlsVersionName(version)}` : 'ServerHello' };
}
