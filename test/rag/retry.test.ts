import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptTimeoutError, RetryError, isTransientError, retryAfterMs, withRetry } from '../../rag/retry.ts';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** A function that fails with the given errors in turn, then returns 'ok'; records when it was called. */
function scripted(failures: unknown[]): { fn: () => Promise<string>; calls: number[] } {
  const calls: number[] = [];
  let i = 0;
  return {
    calls,
    fn: async () => {
      calls.push(Date.now());
      const failure = failures[i++];
      if (failure !== undefined) throw failure;
      return 'ok';
    },
  };
}

describe('withRetry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('returns the first success without waiting', async () => {
    const { fn, calls } = scripted([]);
    await expect(withRetry(fn)).resolves.toBe('ok');
    expect(calls).toHaveLength(1);
  });

  it('backs off exponentially with jitter between transient failures', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fn, calls } = scripted([new HttpError(503), new HttpError(500), new HttpError(429)]);
    const delays: number[] = [];
    const result = withRetry(fn, { attempts: 4, baseDelayMs: 100, onRetry: ({ delayMs }) => delays.push(delayMs) });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    expect(calls).toHaveLength(4);
    // Equal jitter with random() = 0.5: three quarters of 100, 200, 400 ms.
    expect(delays).toEqual([75, 150, 300]);
    expect(calls.slice(1).map((t, i) => t - (calls[i] as number))).toEqual([75, 150, 300]);
  });

  it('keeps every delay between half and all of the exponential step, capped by maxDelayMs', async () => {
    const delays: number[] = [];
    const { fn } = scripted(Array.from({ length: 7 }, () => new HttpError(502)));
    const result = withRetry(fn, { attempts: 8, baseDelayMs: 100, maxDelayMs: 1_000, onRetry: ({ delayMs }) => delays.push(delayMs) });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    delays.forEach((delay, i) => {
      const step = Math.min(1_000, 100 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(step);
    });
  });

  it('waits at least the Retry-After seconds the error carries', async () => {
    const { fn, calls } = scripted([new HttpError(429, { 'Retry-After': '3' })]);
    const result = withRetry(fn, { baseDelayMs: 10 });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await expect(result).resolves.toBe('ok');
  });

  it('understands Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 5_000).toUTCString();
    const { fn, calls } = scripted([new HttpError(503, { 'retry-after': at })]);
    const result = withRetry(fn, { baseDelayMs: 10 });
    await vi.advanceTimersByTimeAsync(4_990);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(2);
    await expect(result).resolves.toBe('ok');
  });

  it('gives up at once when Retry-After is longer than maxDelayMs', async () => {
    const { fn, calls } = scripted([new HttpError(429, { 'retry-after': '3600' })]);
    const result = withRetry(fn, { maxDelayMs: 60_000, label: 'Gemini batchEmbedContents' });
    await expect(result).rejects.toThrow(/Gemini batchEmbedContents failed after 1 attempt: the server asked to retry after 3600 s/);
    expect(calls).toHaveLength(1);
  });

  it('rethrows a non-retryable failure unchanged, after one call', async () => {
    const failure = new HttpError(400);
    const { fn, calls } = scripted([failure]);
    await expect(withRetry(fn)).rejects.toBe(failure);
    expect(calls).toHaveLength(1);
  });

  it('stops after the given attempts with an error naming the operation, the count and the last failure', async () => {
    const { fn, calls } = scripted(Array.from({ length: 10 }, (_, i) => new HttpError(500 + i)));
    const result = withRetry(fn, { attempts: 3, baseDelayMs: 10, label: 'Notion search' });
    const assertion = expect(result).rejects.toSatisfy((error: unknown) => {
      expect(error).toBeInstanceOf(RetryError);
      const retryError = error as RetryError;
      expect(retryError.message).toBe('Notion search failed after 3 attempts: HTTP 502');
      expect(retryError.attempts).toBe(3);
      expect(retryError.status).toBe(502);
      expect((retryError.cause as HttpError).status).toBe(502);
      return true;
    });
    await vi.runAllTimersAsync();
    await assertion;
    expect(calls).toHaveLength(3);
  });

  it('times out each attempt, aborts its signal and retries', async () => {
    const signals: AbortSignal[] = [];
    let call = 0;
    const result = withRetry(
      ({ signal }) => {
        signals.push(signal);
        call++;
        // First attempt hangs forever; the second answers.
        return call === 1 ? new Promise<string>(() => undefined) : Promise.resolve('late but fine');
      },
      { timeoutMs: 1_000, baseDelayMs: 10 },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(call).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + 10);
    await expect(result).resolves.toBe('late but fine');
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('reports timeouts in the final error when every attempt hangs', async () => {
    const result = withRetry(() => new Promise<string>(() => undefined), { attempts: 2, timeoutMs: 50, baseDelayMs: 10, label: 'GitHub tree' });
    const assertion = expect(result).rejects.toThrow('GitHub tree failed after 2 attempts: timed out after 50 ms');
    await vi.runAllTimersAsync();
    await assertion;
  });

  it('stops waiting as soon as the caller aborts', async () => {
    const controller = new AbortController();
    const { fn, calls } = scripted([new HttpError(503, { 'retry-after': '30' })]);
    const result = withRetry(fn, { signal: controller.signal });
    const assertion = expect(result).rejects.toThrow('shutting down');
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new Error('shutting down'));
    await assertion;
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads seconds, dates and milliseconds from the usual places', () => {
    expect(retryAfterMs({ headers: new Headers({ 'Retry-After': '2' }) }, now)).toBe(2_000);
    expect(retryAfterMs({ headers: { 'retry-after': ['1.5'] } }, now)).toBe(1_500);
    expect(retryAfterMs({ response: { headers: new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }) } }, now)).toBe(7_000);
    expect(retryAfterMs({ retryAfter: 4 }, now)).toBe(4_000);
    expect(retryAfterMs({ retryAfter: '5' }, now)).toBe(5_000);
    expect(retryAfterMs({ retryAfterMs: 250 }, now)).toBe(250);
  });

  it('treats a past date as no wait and ignores junk', () => {
    expect(retryAfterMs({ retryAfter: 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ headers: { 'retry-after': 'soon' } }, now)).toBeUndefined();
    expect(retryAfterMs(new Error('plain'), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('isTransientError', () => {
  it('retries throttling, server errors, timeouts and dropped connections only', () => {
    expect(isTransientError({ status: 429 })).toBe(true);
    expect(isTransientError({ statusCode: 503 })).toBe(true);
    expect(isTransientError({ response: { status: 408 } })).toBe(true);
    expect(isTransientError(new AttemptTimeoutError(10))).toBe(true);
    expect(isTransientError(new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isTransientError({ status: 400 })).toBe(false);
    expect(isTransientError({ status: 401 })).toBe(false);
    expect(isTransientError(new Error('bad input'))).toBe(false);
  });
});
