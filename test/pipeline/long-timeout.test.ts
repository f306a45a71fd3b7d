import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, setLongTimeout } from '../../src/pipeline/long-timeout.js';

afterEach(() => { vi.useRealTimers(); });

describe('setLongTimeout', () => {
  it('waits a 30-day delay in steps setTimeout accepts, and fires once at the end', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const month = 30 * 86400 * 1000;
    setLongTimeout(fired, month);
    vi.advanceTimersByTime(month - 1);
    expect(fired).not.toHaveBeenCalled();
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(MAX_TIMEOUT_MS);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(month);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never fires once cancelled, even after the first step', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const cancel = setLongTimeout(fired, 3 * MAX_TIMEOUT_MS);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS + 5);
    cancel();
    vi.advanceTimersByTime(3 * MAX_TIMEOUT_MS);
    expect(fired).not.toHaveBeenCalled();
  });
});
