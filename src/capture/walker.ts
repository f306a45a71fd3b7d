/**
 * The contract between the chunked byte pump (open.ts) and the container
 * readers (pcap-reader.ts, pcapng-reader.ts), plus the byte-order helpers they
 * share. A walker parses complete units (file header, records, blocks) in place
 * and says how many bytes it needs to make progress; it never copies packet data.
 */

/** A container reader fed with successive windows of one byte stream. */
export interface RecordWalker {
  /**
   * Walks every complete unit in `buf[pos, end)` and returns the position after
   * the last one consumed. `base` is the stream offset of `buf[0]`, for messages.
   * Sets `need` (bytes required at the returned position) or `error` (stop).
   * @throws CaptureError when the input must be rejected before any packet
   */
  walk(buf: Uint8Array, pos: number, end: number, base: number): number;
  /** Called once at end of input with the unconsumed tail `buf[pos, end)`. */
  finish(buf: Uint8Array, pos: number, end: number, base: number): void;
  /** Bytes the unit at the last returned position needs in total. */
  need: number;
  /** One-line reason reading stopped, or null. */
  error: string | null;
  /** Packets delivered and the sum of their original lengths. */
  packets: number;
  bytes: number;
  /** Distinct link types declared by headers/IDBs, in order of appearance. */
  linkTypes: number[];
}

/** Adds a link type to the list unless it is already there. */
export function noteLinkType(list: number[], lt: number): void {
  if (!list.includes(lt)) list.push(lt);
}
