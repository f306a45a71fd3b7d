/**
 * `live --write`: every captured packet to pcapng, in one file or, with a size, in a ring of
 * files as dumpcap's `-b filesize:… -b files:…` keeps them (`FILE_00001_20261203161500.pcapng`:
 * the file's number, then the UTC time it was started). A packet tap: it sees every packet
 * beside the engine, and copies it into the writer's buffer before the callback returns.
 */
import { fchownSync, openSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { PcapngWriter } from './writer.js';
import type { PacketTap } from '../pipeline/tap.js';

/** How --write keeps the packets. */
export interface RingOptions {
  /** The --write path. */
  path: string;
  /** Start a new file before one would grow past this many bytes (undefined: one file, the path itself). */
  sizeBytes?: number;
  /** Keep only the newest this many files, deleting older ones (undefined: keep all). */
  files?: number;
}

/** Bytes of the section header and the one interface description (with if_tsresol) each file starts with. */
const HEADER_BYTES = 28 + 32;

/** `YYYYMMDDHHMMSS` of a Unix time, UTC. */
function stamp(sec: number): string {
  return new Date(Math.floor(sec) * 1000).toISOString().slice(0, 19).replace(/[-:T]/g, '');
}

/** The name of ring file `n` (1-based) started at `sec`: `dir/name_00001_20261203161500.ext`, as dumpcap names them. */
export function ringFileName(path: string, n: number, sec: number): string {
  const ext = extname(path);
  const stem = basename(path, ext);
  return join(dirname(path), `${stem}_${String(n).padStart(5, '0')}_${stamp(sec)}${ext}`);
}

/** Writes the packets of a live capture to pcapng, rotating by size and keeping the last N files. */
export class PacketRing implements PacketTap {
  /** Files written and still on disk, oldest first. */
  readonly kept: string[] = [];
  /** Files deleted because --write-files was reached. */
  deleted = 0;
  /** Packets written into all files (deleted ones included). */
  packets = 0;
  /** The error that stopped the writing (creating or writing a file), or null. */
  error: { path: string; cause: unknown } | null = null;

  private fd: number;
  private writer: PcapngWriter | null = null;
  private bytes = 0;
  private n = 1;
  private closed = false;

  /**
   * Opens the first file now (before the capture starts and before privileges are dropped).
   * @throws the system error when it cannot be created
   */
  constructor(private readonly opts: RingOptions, now: number = Date.now() / 1000) {
    const first = this.rotating ? ringFileName(opts.path, 1, now) : opts.path;
    this.fd = openSync(first, 'w');
    this.kept.push(first);
  }

  private get rotating(): boolean {
    return this.opts.sizeBytes !== undefined;
  }

  /**
   * Gives the first file (opened as root) to the account the process drops to, so that the
   * ring can delete it later from a sticky directory such as /tmp; later files are created by that account.
   */
  giveTo(owner: { uid: number; gid: number }): void {
    fchownSync(this.fd, owner.uid, owner.gid);
  }

  startInput(): void { /* one live interface */ }

  packet(buf: Uint8Array, offset: number, caplen: number, origLen: number, tsSec: number, tsNsec: number, linkType: number): void {
    if (this.error !== null || this.closed) return;
    const block = 32 + ((caplen + 3) & ~3);
    try {
      if (this.writer === null) this.begin(linkType);
      else if (this.rotating && this.bytes + block > this.opts.sizeBytes! && this.bytes > HEADER_BYTES) this.rotate(tsSec, linkType);
      this.writer!.write({ tsSec, tsNsec, data: buf.subarray(offset, offset + caplen), origLen });
    } catch (e) {
      this.error = { path: this.kept.at(-1) ?? this.opts.path, cause: e };
      return;
    }
    this.bytes += block;
    this.packets++;
  }

  /** Writes the section header on the open file: cap stamps packets in nanoseconds (if_tsresol 9). */
  private begin(linkType: number): void {
    this.writer = new PcapngWriter({ interfaces: [{ linkType, snaplen: 262144, tsresol: 9 }] }, this.fd);
    this.bytes = HEADER_BYTES;
  }

  private rotate(sec: number, linkType: number): void {
    this.writer!.close();
    this.writer = null;
    this.n++;
    const next = ringFileName(this.opts.path, this.n, sec);
    this.kept.push(next);
    this.fd = openSync(next, 'w');
    this.begin(linkType);
    const max = this.opts.files;
    while (max !== undefined && this.kept.length > max) {
      unlinkSync(this.kept.shift()!);
      this.deleted++;
    }
  }

  /** Writes what is buffered to the current file (called on the capture's timer). */
  flush(): void {
    if (this.error !== null || this.writer === null) return;
    try { this.writer.flush(); } catch (e) { this.error = { path: this.kept.at(-1)!, cause: e }; }
  }

  /** Ends the current file; a capture with no packet still gets a valid file of `linkType`. Once only: later calls do nothing. */
  close(linkType: number): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.writer === null && this.error === null) this.begin(linkType);
      this.writer?.close();
    } catch (e) {
      this.error ??= { path: this.kept.at(-1)!, cause: e };
    }
    this.writer = null;
  }
}
