/**
 * HTTP/1.x identification from the first bytes of a direction.
 *
 * RFC 9112 §3: request-line = method SP request-target SP HTTP-version;
 * RFC 9112 §4: status-line = HTTP-version SP status-code SP [reason-phrase];
 * RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT (we accept 1.0 and 1.1);
 * RFC 9110 §9 and RFC 5789 (PATCH) for the methods; RFC 4918 §9 for the WebDAV
 * methods that Windows clients send; RFC 9110 §7.2 for Host.
 */
import {
  type AppMatch, NO_DETAIL, asciiText, hasAscii, hasAsciiNoCase, isDigit, isVisible, lineEnd, nextLine,
} from './bytes.js';

/** Request methods we accept (an unknown token is not evidence of HTTP). */
export const HTTP_METHODS: readonly string[] = [
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH',
];

/** Longest header section we scan for Host (the first segment is rarely longer). */
const HOST_SCAN_LIMIT = 4096;

/**
 * Identifies an HTTP/1.x request (method, Host when the header line is complete
 * within the bytes) or response (status code). Requests are accepted when the
 * request line is cut by the capture after the method and the start of the target.
 */
export function identifyHttp(b: Uint8Array, _fromClient: boolean, detail = true): AppMatch | null {
  if (isHttpVersionAt(b, 0)) {
    // "HTTP/1.1 200": version, one SP, three digits, then SP or the line end.
    if (b.length < 12 || b[8] !== 0x20) return null;
    if (!isDigit(b[9]!) || !isDigit(b[10]!) || !isDigit(b[11]!) || b[9]! < 0x31 || b[9]! > 0x35) return null;
    if (b.length > 12 && b[12] !== 0x20 && b[12] !== 0x0d && b[12] !== 0x0a) return null;
    return detail ? { detail: asciiText(b, 9, 12) } : NO_DETAIL;
  }
  const method = methodAt(b);
  if (method === null) return null;
  let i = method.length + 1;
  // Request targets: origin-form "/...", absolute-form "http://...", authority-form for CONNECT, "*" for OPTIONS.
  if (i >= b.length) return null;
  const first = b[i]!;
  if (!isVisible(first)) return null;
  // SIP shares OPTIONS and its URIs are not HTTP targets (RFC 3261 §19.1).
  if (hasAsciiNoCase(b, i, 'sip:') || hasAsciiNoCase(b, i, 'sips:') || hasAsciiNoCase(b, i, 'tel:')) return null;
  while (i < b.length && isVisible(b[i]!)) i++;
  if (i === b.length) return { detail: method };
  if (b[i] !== 0x20) return null;
  i++;
  if (!partialHttpVersionAt(b, i)) return null;
  if (i + 8 > b.length) return { detail: method };
  i += 8;
  if (i < b.length && b[i] !== 0x0d && b[i] !== 0x0a) return null;
  if (!detail) return NO_DETAIL;
  const host = hostHeader(b, i);
  return { detail: host === null ? method : `${method} ${host}` };
}

function methodAt(b: Uint8Array): string | null {
  for (const m of HTTP_METHODS) {
    if (hasAscii(b, 0, m) && b[m.length] === 0x20) return m;
  }
  return null;
}

function isHttpVersionAt(b: Uint8Array, off: number): boolean {
  return hasAscii(b, off, 'HTTP/1.') && off + 8 <= b.length && (b[off + 7] === 0x30 || b[off + 7] === 0x31);
}

/** "HTTP/1.x" at `off`, or a prefix of it when the bytes end early. */
function partialHttpVersionAt(b: Uint8Array, off: number): boolean {
  const want = 'HTTP/1.';
  for (let k = 0; k < 8; k++) {
    if (off + k >= b.length) return k > 0;
    const c = b[off + k]!;
    if (k < 7 ? c !== want.charCodeAt(k) : c !== 0x30 && c !== 0x31) return false;
  }
  return true;
}

/** Value of the Host header when its whole line lies within the bytes; header lines start at `lineEndAt`. */
function hostHeader(b: Uint8Array, lineEndAt: number): string | null {
  if (lineEndAt >= b.length) return null;
  let i = nextLine(b, lineEndAt);
  const limit = Math.min(b.length, HOST_SCAN_LIMIT);
  while (i < limit) {
    const end = lineEnd(b, i);
    if (end < 0 || end === i) return null; // cut short, or the empty line ending the header section
    if (hasAsciiNoCase(b, i, 'host:')) {
      let s = i + 5;
      while (s < end && (b[s] === 0x20 || b[s] === 0x09)) s++;
      let e = end;
      while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0x09)) e--;
      for (let k = s; k < e; k++) if (!isVisible(b[k]!)) return null;
      return e > s ? asciiText(b, s, e, 255) : null;
    }
    i = nextLine(b, end);
  }
  return null;
}
