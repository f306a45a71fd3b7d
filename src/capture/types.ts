/**
 * The contract between capture sources and everything downstream.
 *
 * A source walks records in place and calls `PacketSink.packet` synchronously for
 * each one. The bytes are only valid during the call (chunk buffers and cap's
 * buffer are reused), so the sink decodes or copies before returning.
 */

import type { SourceFigures } from '../records/merge.js';
import type { RecordCounts, RecordFormat } from '../records/source.js';

/** Receives every packet record of a source, synchronously, in file order. */
export interface PacketSink {
  /**
   * @param buf      bytes holding the record (valid only during this call)
   * @param offset   start of the packet data in `buf`
   * @param caplen   captured bytes available at `offset`
   * @param origLen  original on-wire length (>= caplen normally; may be anything in damaged files)
   * @param tsSec    timestamp, whole seconds since the epoch (may be negative or 0 when unknown)
   * @param tsNsec   timestamp fraction in nanoseconds, 0 <= tsNsec < 1e9 (normalised by the reader)
   * @param linkType LINKTYPE_* value of the interface the packet came from (low 16 bits)
   * @param iface    interface index (pcapng: per section, offset by the input; pcap: 0)
   */
  packet(buf: Uint8Array, offset: number, caplen: number, origLen: number,
    tsSec: number, tsNsec: number, linkType: number, iface: number): void;
  /**
   * The input says when its capture stopped (pcapng Interface Statistics isb_endtime),
   * seconds since the epoch. Part of the end of the input; optional for sinks.
   */
  endTime?(ts: number): void;
  /**
   * An interface was declared (pcapng IDB, the pcap file header): its index as given to
   * `packet`, link type, timestamp resolution (the if_tsresol byte: 6 µs, 9 ns, 0x80|n
   * 2^-n) and snap length. Optional for sinks (the evidence writer keeps them).
   */
  interfaceAdded?(iface: number, linkType: number, tsresol: number, snaplen: number): void;
}

/** Container format as detected from the first bytes. */
export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng' | 'live';

/** What one input (file, stdin or interface) delivered; part of the JSON report's `inputs`. */
export interface InputInfo {
  /** The path as given ('-' for stdin, the interface name for live). */
  path: string;
  format: CaptureFormat | RecordFormat | 'unknown';
  /** true when the file was gzip-compressed and decompressed on the fly. */
  gzip: boolean;
  /** Distinct link types seen (from the header / IDBs), ascending. */
  linkTypes: number[];
  /** Packets delivered to the sink. */
  packets: number;
  /** Sum of original lengths of delivered packets. */
  bytes: number;
  /** null when the input was read to its end cleanly; otherwise the one-line reason reading stopped. */
  error: string | null;
  /**
   * Live capture only: packets the kernel dropped, as the capture engine reported them
   * (`--engine tcpdump`); null when the engine cannot know (cap). Absent for files.
   */
  kernelDrops?: number | null;
  /** Flow-record inputs only (Zeek conn logs, nfdump stores): rows, flows, rows that are not flows, bad lines. */
  records?: RecordCounts;
  /** Audits of several inputs with flow records: how this input's connections overlap the others' (src/records/merge.ts). */
  overlap?: SourceFigures;
}

/** Progress of a file read, for the progress bar. */
export interface ReadProgress {
  /** Bytes of the (possibly compressed) file consumed so far. */
  bytesRead: number;
  /** File size in bytes, or 0 when unknown (stdin, pipes). */
  totalBytes: number;
  packets: number;
}

/** Options common to the file readers. */
export interface ReadOptions {
  /** Called after each chunk; cheap to ignore. */
  onProgress?: (p: ReadProgress) => void;
  /** Chunk size for reads (default 4 MiB). */
  chunkSize?: number;
  /** Added to interface indices so that several inputs do not collide. */
  ifaceBase?: number;
  /** Stop early (live UI quit, tests). Checked between chunks. */
  signal?: AbortSignal;
}
