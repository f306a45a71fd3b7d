/**
 * A timer for any delay: setTimeout takes at most 2^31-1 ms (about 24.8 days) and fires at
 * once with a TimeoutOverflowWarning beyond that, so a long delay is waited in chained steps.
 */

/** The longest delay setTimeout accepts, in milliseconds. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Calls `fn` once `ms` milliseconds have passed (on the wall clock); returns the function that cancels it. */
export function setLongTimeout(fn: () => void, ms: number, now: () => number = Date.now): () => void {
  const due = now() + ms;
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = due - now();
    if (left <= 0) { fn(); return; }
    timer = setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * Runs `tick` every `everyMs` until the signal aborts or `durationSec` (wall clock) has
 * passed; resolves with what stopped it (`q`, `ctrl-c`, `sigterm` from the abort reason,
 * any other reason counts as `ctrl-c`; `duration`). The loop of `live` and `collect`.
 */
export function runUntilStopped(signal: AbortSignal, durationSec: number | undefined, everyMs: number,
  tick: () => void): Promise<'q' | 'ctrl-c' | 'sigterm' | 'duration'> {
  return new Promise((resolve) => {
    const timer = setInterval(tick, everyMs);
    const cancel = durationSec !== undefined ? setLongTimeout(() => stop('duration'), durationSec * 1000) : null;
    function stop(by?: 'duration'): void {
      const why: unknown = signal.aborted ? signal.reason : null;
      clearInterval(timer);
      cancel?.();
      signal.removeEventListener('abort', onAbort);
      resolve(why === 'q' || why === 'ctrl-c' || why === 'sigterm' ? why : by ?? 'ctrl-c');
    }
    function onAbort(): void { stop(); }
    if (signal.aborted) stop();
    else signal.addEventListener('abort', onAbort);
  });
}
