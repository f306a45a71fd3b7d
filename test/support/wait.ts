/**
 * Waiting on conditions, not clocks: a test that waits for something polls for it with a
 * generous bound, so a busy machine makes it slower, never wrong.
 */
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
