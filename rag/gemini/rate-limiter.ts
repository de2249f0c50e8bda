// The limiter for a Gemini quota: requests started per minute and requests in flight. In one process both live
// in memory; when several processes share one API key the per-minute quota is shared through a datastore
// (bottleneck on Redis) while the streams in flight stay bounded per process.
import Bottleneck from 'bottleneck';

export interface RateLimiterOptions {
  /** Requests started per minute (Gemini quotas are per minute). */
  requestsPerMinute: number;
  /** Requests in flight at once (in this process). */
  maxConcurrent: number;
  /** Shares the per-minute quota with every limiter of the same id in the same datastore. */
  shared?: { id: string; datastore: Pick<Bottleneck.ConstructorOptions, 'datastore' | 'connection'> };
}

export function createRateLimiter(options: RateLimiterOptions): Bottleneck {
  const quota = {
    reservoir: options.requestsPerMinute,
    reservoirRefreshAmount: options.requestsPerMinute,
    reservoirRefreshInterval: 60_000,
  };
  if (!options.shared) return new Bottleneck({ maxConcurrent: options.maxConcurrent, ...quota });
  // Concurrency stays local: a cluster-wide running count would be held forever by a replica that died
  // mid-stream. A job that is ready here then waits for the shared per-minute reservoir. Such a limiter ends
  // with its datastore connection: stop() would wait for requests still waiting on the shared quota.
  const local = new Bottleneck({ maxConcurrent: options.maxConcurrent });
  local.chain(new Bottleneck({ id: options.shared.id, ...quota, ...options.shared.datastore }));
  return local;
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
