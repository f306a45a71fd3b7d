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
