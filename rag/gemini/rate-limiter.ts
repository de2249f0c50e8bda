// The in-process limiter for a Gemini quota: requests started per minute and requests in flight.
import Bottleneck from 'bottleneck';

export interface RateLimiterOptions {
  /** Requests started per minute (Gemini quotas are per minute). */
  requestsPerMinute: number;
  /** Requests in flight at once. */
  maxConcurrent: number;
}

export function createRateLimiter(options: RateLimiterOptions): Bottleneck {
  return new Bottleneck({
    maxConcurrent: options.maxConcurrent,
    reservoir: options.requestsPerMinute,
    reservoirRefreshAmount: options.requestsPerMinute,
    reservoirRefreshInterval: 60_000,
  });
}

/**
 * Waits for a slot of `limiter` and keeps it until the returned release function is called. `schedule()` alone
 * frees the slot when its job resolves, which for a streamed answer is long before the stream ends; holding it
 * makes `maxConcurrent` bound the streams actually open. If `signal` aborts while waiting, the slot is given back
 * as soon as it is granted.
 */
export function holdSlot(limiter: Bottleneck, signal?: AbortSignal): Promise<() => void> {
  return new Promise((resolve, reject) => {
    limiter
      .schedule(
        () =>
          new Promise<void>((finished) => {
            if (signal?.aborted) {
              finished();
              reject(signal.reason);
              return;
            }
            let released = false;
            resolve(() => {
              if (released) return;
              released = true;
              finished();
            });
          }),
      )
      .catch(reject);
  });
}
