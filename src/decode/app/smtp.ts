/**
 * SMTP identification from the greeting or the client's first command.
 *
 * RFC 5321 §4.2 reply lines: 3 digits then SP (last line) or '-' (more lines follow);
 * §4.3.1 greeting: "220" SP domain [SP text] CRLF; §4.1.1.1 client greeting:
 * "EHLO" SP domain CRLF / "HELO" SP domain CRLF (commands are case-insensitive, §2.4).
 * FTP (RFC 959 §4.2) also greets with "220", so a 220 banner counts only when it
 * names (E)SMTP; a bare 220 greeting is left to the caller's port tie-breaker
 * (`isTwoTwentyGreeting`).
 */
import { type AppMatch, asciiText, hasAscii, hasAsciiNoCase, isVisible, lineEnd } from './bytes.js';

/**
 * true when `b` starts with a 220 reply line ("220 " or "220-") whose first line is
 * printable text that does not name FTP: a greeting SMTP could have sent.
 */
export function isTwoTwentyGreeting(b: Uint8Array): boolean {
  if (!(hasAscii(b, 0, '220 ') || hasAscii(b, 0, '220-'))) return false;
  const end = lineEnd(b, 4);
  const stop = end < 0 ? b.length : end;
  for (let i = 4; i < stop; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && !isVisible(c)) return false;
  }
  return !/FTP/i.test(asciiText(b, 4, stop, 512));
}

/**
 * Identifies the client's EHLO/HELO (detail: the command) or a server 220 greeting
 * whose first line contains the word SMTP (detail: "banner") and not FTP.
 */
export function identifySmtp(b: Uint8Array, fromClient: boolean): AppMatch | null {
  if (fromClient) {
    const ehlo = hasAsciiNoCase(b, 0, 'ehlo');
    if (!ehlo && !hasAsciiNoCase(b, 0, 'helo')) return null;
    // "EHLO" SP domain, or a bare EHLO line (tolerated by most servers), or the bytes end there.
    if (b.length > 4 && b[4] !== 0x20 && b[4] !== 0x0d && b[4] !== 0x0a) return null;
    const end = lineEnd(b, 4);
    const stop = end < 0 ? b.length : end;
    for (let i = 5; i < stop; i++) if (!isVisible(b[i]!) && b[i] !== 0x20) return null;
    return { detail: ehlo ? 'EHLO' : 'HELO' };
  }
  if (!isTwoTwentyGreeting(b)) return null;
  const end = lineEnd(b, 4);
  const text = asciiText(b, 4, end < 0 ? b.length : end, 512).toUpperCase();
  if (!/\bE?SMTP\b/.test(text)) return null;
  return { detail: 'banner' };
}
