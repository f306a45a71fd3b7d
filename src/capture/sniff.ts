/**
 * Format detection from the first bytes of an input, never from its name.
 * Magic numbers: libpcap savefile (draft-ietf-opsawg-pcap §4), pcapng Section
 * Header Block (draft-ietf-opsawg-pcapng §4.1), gzip (RFC 1952 §2.3.1).
 */
import { CaptureError } from '../errors.js';

/** What the first bytes say. `le` is the byte order of the pcap header (pcapng decides per section). */
export type Sniffed =
  | { kind: 'pcap'; nanos: boolean; le: boolean }
  | { kind: 'pcapng' }
  | { kind: 'gzip' };

/** Bytes needed to tell every recognised format apart. */
export const SNIFF_BYTES = 8;

/** Look-alike formats we recognise by name so the error can say what the file is. */
const LOOKALIKES: ReadonlyArray<[number[], string]> = [
  [[0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00, 0x00, 0x00], 'a Solaris snoop file; convert it with `editcap -F pcap`'],
  [[0xa1, 0xb2, 0xcd, 0x34], 'a Kuznetzov modified pcap (magic a1b2cd34), not supported; convert it with `editcap -F pcap`'],
  [[0x34, 0xcd, 0xb2, 0xa1], 'a Kuznetzov modified pcap (magic a1b2cd34), not supported; convert it with `editcap -F pcap`'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed; decompress it first (only gzip is read directly)'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed; decompress it first (only gzip is read directly)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed; decompress it first (only gzip is read directly)'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive; extract the capture first'],
];

/** Formats the first bytes as `aa bb cc ...` for error messages. */
export function hexBytes(b: Uint8Array, start: number, end: number): string {
  const out: string[] = [];
  for (let i = start; i < end; i++) out.push(b[i]!.toString(16).padStart(2, '0'));
  return out.join(' ');
}

/**
 * Identifies the container from up to SNIFF_BYTES bytes at `start`.
 * @param name  file name for the error message
 * @throws CaptureError naming the file and the bytes found when the format is not readable
 */
export function sniffFormat(b: Uint8Array, start: number, end: number, name: string): Sniffed {
  const n = end - start;
  if (n === 0) throw new CaptureError(`${name}: empty file, not a pcap or pcapng capture`);
  if (n >= 2 && b[start] === 0x1f && b[start + 1] === 0x8b) return { kind: 'gzip' };
  if (n >= 4) {
    const be = ((b[start]! << 24) | (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!) >>> 0;
    switch (be) {
      case 0xa1b2c3d4: return { kind: 'pcap', nanos: false, le: false };
      case 0xd4c3b2a1: return { kind: 'pcap', nanos: false, le: true };
      case 0xa1b23c4d: return { kind: 'pcap', nanos: true, le: false };
      case 0x4d3cb2a1: return { kind: 'pcap', nanos: true, le: true };
      case 0x0a0d0d0a: return { kind: 'pcapng' };
    }
  }
  const shown = hexBytes(b, start, start + Math.min(n, SNIFF_BYTES));
  for (const [magic, what] of LOOKALIKES) {
    if (n >= magic.length && magic.every((v, i) => b[start + i] === v)) {
      throw new CaptureError(`${name}: not a pcap or pcapng file: ${what} (starts with ${shown})`);
    }
  }
  throw new CaptureError(`${name}: not a pcap or pcapng file (starts with ${shown})`);
}
