/**
 * SIP identification from the start line.
 *
 * RFC 3261 §7.1 Request-Line = Method SP Request-URI SP SIP-Version CRLF;
 * §7.2 Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF; SIP-Version "SIP/2.0";
 * §19.1 sip:/sips: URIs (RFC 3966 tel: is also allowed as a Request-URI); §20.16 CSeq.
 * Methods: RFC 3261 (INVITE ACK OPTIONS BYE CANCEL REGISTER), RFC 3262 PRACK,
 * RFC 6665 SUBSCRIBE NOTIFY, RFC 3903 PUBLISH, RFC 6086 INFO, RFC 3515 REFER,
 * RFC 3428 MESSAGE, RFC 3311 UPDATE.
 */
import {
  type AppMatch, asciiText, hasAscii, hasAsciiNoCase, isDigit, isVisible, lineEnd, nextLine,
} from './bytes.js';

/** The SIP request methods we accept. */
export const SIP_METHODS: readonly string[] = [
  'INVITE', 'ACK', 'OPTIONS', 'BYE', 'CANCEL', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY',
  'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
];

const HEADER_SCAN_LIMIT = 4096;

/**
 * Identifies a SIP request (detail: method) or response (detail: status code and
 * the CSeq method when that header line is complete within the bytes). A request
 * line cut short by the capture still counts once the URI scheme is seen.
 */
export function identifySip(b: Uint8Array, _fromClient: boolean): AppMatch | null {
  if (hasAscii(b, 0, 'SIP/2.0 ')) {
    if (b.length < 11 || !isDigit(b[8]!) || !isDigit(b[9]!) || !isDigit(b[10]!)) return null;
    if (b[8]! < 0x31 || b[8]! > 0x36) return null;
    if (b.length > 11 && b[11] !== 0x20 && b[11] !== 0x0d && b[11] !== 0x0a) return null;
    const status = asciiText(b, 8, 11);
    const cseq = cseqMethod(b);
    return { detail: cseq === null ? status : `${status} ${cseq}` };
  }
  let method: string | null = null;
  for (const m of SIP_METHODS) {
    if (hasAscii(b, 0, m) && b[m.length] === 0x20) { method = m; break; }
  }
  if (method === null) return null;
  let i = method.length + 1;
  if (!(hasAsciiNoCase(b, i, 'sip:') || hasAsciiNoCase(b, i, 'sips:') || hasAsciiNoCase(b, i, 'tel:'))) return null;
  while (i < b.length && isVisible(b[i]!)) i++;
  if (i === b.length) return { detail: method };
  if (b[i] !== 0x20) return null;
  i++;
  const want = 'SIP/2.0';
  for (let k = 0; k < want.length; k++) {
    if (i + k >= b.length) return { detail: method };
    if (b[i + k] !== want.charCodeAt(k)) return null;
  }
  const after = i + want.length;
  if (after < b.length && b[after] !== 0x0d && b[after] !== 0x0a) return null;
  return { detail: method };
}

/** Method of the CSeq header ("CSeq: 1 INVITE"), when its line is complete within the bytes. */
function cseqMethod(b: Uint8Array): string | null {
  let end = lineEnd(b, 0);
  const limit = Math.min(b.length, HEADER_SCAN_LIMIT);
  while (end >= 0 && end < limit) {
    const i = nextLine(b, end);
    end = lineEnd(b, i);
    if (end < 0 || end === i) return null;
    if (hasAsciiNoCase(b, i, 'cseq:')) {
      let e = end;
      while (e > i && b[e - 1] === 0x20) e--;
      let s = e;
      while (s > i && isVisible(b[s - 1]!)) s--;
      for (const m of SIP_METHODS) {
        if (e - s === m.length && hasAscii(b, s, m)) return m;
      }
      return null;
    }
  }
  return null;
}
