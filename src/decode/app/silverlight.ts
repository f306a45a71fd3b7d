/**
 * Silverlight (and Flash) socket policy identification.
 *
 * Microsoft "Network Security Access Restrictions in Silverlight": before opening a
 * socket, the Silverlight runtime connects to TCP 943 and sends the 22 bytes
 * `<policy-file-request/>`; the server answers with an XML policy document
 * (`<?xml ...?><access-policy>...`, the clientaccesspolicy.xml format). Flash sends
 * the same request followed by a NUL and expects `<cross-domain-policy>` (Adobe
 * "Setting up a socket policy file server").
 */
import { type AppMatch, hasAscii, startsWithAsciiPartial } from './bytes.js';

const REQUEST = '<policy-file-request/>';
/** How far into the answer we look for the root element (the XML declaration and comments come first). */
const ROOT_SCAN_LIMIT = 512;

/**
 * Identifies the client's policy-file request (the whole request, or its first
 * 8+ bytes when the capture cut it) or the server's policy document (detail: its root element).
 */
export function identifySilverlight(b: Uint8Array, fromClient: boolean): AppMatch | null {
  if (fromClient) {
    if (b.length >= 8 && startsWithAsciiPartial(b, 0, REQUEST)) {
      if (b.length <= REQUEST.length) return { detail: 'policy-file-request' };
      // Only the request itself, optionally NUL- or newline-terminated (Flash), may follow.
      const c = b[REQUEST.length];
      return c === 0x00 || c === 0x0d || c === 0x0a ? { detail: 'policy-file-request' } : null;
    }
    return null;
  }
  let i = 0;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0d || b[i] === 0x0a)) i++;
  if (!hasAscii(b, i, '<?xml') && !hasAscii(b, i, '<access-policy') && !hasAscii(b, i, '<cross-domain-policy')
    && !hasAscii(b, i, '<!DOCTYPE cross-domain-policy')) return null;
  const stop = Math.min(b.length, i + ROOT_SCAN_LIMIT);
  for (let k = i; k < stop; k++) {
    if (b[k] !== 0x3c) continue;
    if (hasAscii(b, k, '<access-policy')) return { detail: 'access-policy' };
    if (hasAscii(b, k, '<cross-domain-policy')) return { detail: 'cross-domain-policy' };
  }
  return null;
}
