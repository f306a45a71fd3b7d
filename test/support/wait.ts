/**
 * Waiting on conditions, not clocks: a test that waits for something polls for it with a
 * generous bound, so a busy machine makes it slower, never wrong.
 */
import type { Writable } from 'node:stream';
import { readdirSync, readlinkSync } from 'node:fs';

/** Resolves once `test()` holds, polling every `everyMs`; rejects naming `what` after `seconds`. */
export async function waitUntil(test: () => boolean, what: string, seconds = 30, everyMs = 20): Promise<void> {
  const tries = Math.ceil((seconds * 1000) / everyMs);
  for (let i = 0; i < tries; i++) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  if (!test()) throw new Error(`gave up after ${seconds} s waiting for ${what}`);
}

/**
 * Writes `bytes` to a pipe and resolves once all were accepted. With more bytes than the
 * pipe holds (64 KiB for a FIFO, about 200 KiB for a socketpair) that means the reader
 * has taken all but the pipe's capacity: a condition for "it has read something", not a guess.
 */
export function written(w: Writable, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => w.write(bytes, (e) => (e ? reject(e) : resolve())));
}

/**
 * The demo capture (classic pcap, little-endian, µs) with its packets repeated `copies`
 * times, each copy `shiftSec` later than the one before: a long input of real flows.
 */
export function repeatedCapture(pcap: Uint8Array, copies: number, shiftSec = 100): Buffer {
  const src = Buffer.from(pcap);
  if (src.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('repeatedCapture takes a little-endian µs pcap');
  const body = src.subarray(24);
  const out = Buffer.alloc(24 + body.length * copies);
  src.copy(out, 0, 0, 24);
  for (let c = 0; c < copies; c++) {
    const at = 24 + c * body.length;
    body.copy(out, at);
    for (let o = at; o < at + body.length;) {
      out.writeUInt32LE(out.readUInt32LE(o) + c * shiftSec, o);
      o += 16 + out.readUInt32LE(o + 8);
    }
  }
  return out;
}

/** Whether this process has `path` open (a FIFO reader that is waiting for its writer, say). */
export function processHasOpen(path: string, pid: number | 'self' = 'self'): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === path; } catch { return false; }
    });
  } catch {
    return false;
  }
}
