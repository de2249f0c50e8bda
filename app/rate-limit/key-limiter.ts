import Bottleneck from 'bottleneck';

// Per-key request limits for the HTTP API (LORE_API_RATE_PER_MINUTE): a token bucket per key, a burst of the
// per-minute figure, then one more every minute/figure. A request over the limit is refused at once (429 with
// Retry-After), never queued: an API client retries on its own schedule. With REDIS_URL the buckets live in
// Redis (bottleneck's clustering), so every replica draws from the same bucket.

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface KeyLimiter {
  take(key: string): Promise<LimitDecision>;
  close(): Promise<void>;
}

export interface KeyLimiterOptions {
  perMinute: number;
  /** The "minute" (tests shorten it). */
  windowMs?: number;
  /** bottleneck datastore options for a shared (Redis) bucket; in-process when absent. */
  datastore?: Pick<Bottleneck.ConstructorOptions, 'datastore' | 'connection' | 'clearDatastore' | 'clientOptions' | 'timeout'>;
  /** Names the buckets in a shared datastore. */
  id?: string;
}

export class BottleneckKeyLimiter implements KeyLimiter {
  private readonly group: Bottleneck.Group;
  private readonly intervalMs: number;

  constructor(options: KeyLimiterOptions) {
    const windowMs = options.windowMs ?? 60_000;
    this.intervalMs = windowMs / options.perMinute;
    this.group = new Bottleneck.Group({
      id: options.id ?? 'lore-api',
      reservoir: options.perMinute,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: this.intervalMs,
      reservoirIncreaseMaximum: options.perMinute,
      // A key idle this long is forgotten (its bucket would be full again anyway).
      timeout: Math.max(windowMs * 2, 60_000),
      ...options.datastore,
    });
  }

  async take(key: string): Promise<LimitDecision> {
    const limiter = this.group.key(key);
    // Taking a token is one atomic step in the datastore: whoever empties the bucket first wins, across replicas.
    const left = await limiter.incrementReservoir(-1);
    if (left !== null && left !== undefined && left < 0) {
      await limiter.incrementReservoir(1);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(this.intervalMs / 1000)) };
    }
    return { allowed: true };
  }

  async close(): Promise<void> {
    await Promise.all(this.group.limiters().map(({ limiter }) => limiter.disconnect(false)));
  }
}
