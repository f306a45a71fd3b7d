/**
 * Shared pieces of the application identifiers: the match record and a few
 * bounds-checked byte helpers. Identifiers run once per flow on the first payload
 * bytes of each direction, so they may build a detail string, but every read is
 * checked against the slice length: garbage yields null, never an exception.
 */

/** What an identifier reports when the bytes are its protocol; `detail` is a short human summary or null. */
export interface AppMatch {
  detail: string | null;
}

/**
 * An identifier: the first payload bytes of one direction, and whether they came from
 * the client. With `detail` false only match or no match counts: the identifier may
 * return NO_DETAIL instead of building its summary (the answer must not change).
 */
export type AppIdentifier = (b: Uint8Array, fromClient: boolean, detail?: boolean) => AppMatch | null;

/** A match whose summary was not asked for (shared, never changed). */
export const NO_DETAIL: AppMatch = Object.freeze({ detail: null });

/** true when `b` holds exactly the ASCII string `s` at `off` (case-sensitive). */
export function hasAscii(b: Uint8Array, off: number, s: string): boolean {
  if (off < 0 || off + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) {
    if (b[off + i] !== s.charCodeAt(i)) return false;
  }
  return true;
}

/** true when `b` holds the ASCII string `lower` at `off`, ignoring ASCII case; `lower` must be lower case. */
export function hasAsciiNoCase(b: Uint8Array, off: number, lower: string): boolean {
  if (off < 0 || off + lower.length > b.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = b[off + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** true when `b` starts with `s` as far as `b` goes (a prefix of `s` counts, since captures cut segments short). */
export function startsWithAsciiPartial(b: Uint8Array, off: number, s: string): boolean {
  const n = Math.min(s.length, b.length - off);
  if (n <= 0) return false;
  for (let i = 0; i < n; i++) {
    if (b[off + i] !== s.charCodeAt(i)) return false;
  }
  return true;
}

/** Index of the first CR or LF at or after `from`, or -1 when the bytes end first. */
export function lineEnd(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x0d || c === 0x0a) return i;
  }
  return -1;
}

/** Index of the start of the next line after the line end at `end` (skips CRLF or a lone LF/CR). */
export function nextLine(b: Uint8Array, end: number): number {
  if (b[end] === 0x0d && b[end + 1] === 0x0a) return end + 2;
  return end + 1;
}

/** true for printable ASCII without space (0x21-0x7e): the characters of tokens, URIs and host names. */
export function isVisible(c: number): boolean {
  return c >= 0x21 && c <= 0x7e;
}

/** true for an ASCII decimal digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The bytes [start, end) as text for a detail string: printable ASCII is kept,
 * anything else becomes '?', and long values are cut at `max` characters.
 */
export function asciiText(b: Uint8Array, start: number, end: number, max = 128): string {
  const stop = Math.min(end, b.length, start + max);
  let s = '';
  for (let i = start; i < stop; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '?';
  }
  return s;
}

/** Integer reads, shared with the capture readers and decoders; the caller checks the bounds. */
export { u16be, u24be, u32be, u32le } from '../../bytes.js';
