import Bottleneck from 'bottleneck';
import { closeBucketGroups } from '../../rag/close-bucket-groups.ts';
import { withTimeout } from '../../rag/retry.ts';
import { errorMessage, LoreError } from '../../rag/errors.ts';

// Per-key request limits for the HTTP API (LORE_API_RATE_PER_MINUTE): a token bucket per key, a burst of the
// per-minute figure, then one more every minute/figure. A request over the limit is refused at once (429 with
// Retry-After), never queued: an API client retries on its own schedule. With REDIS_URL the buckets live in
// Redis (bottleneck's clustering), so every replica draws from the same bucket.

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface KeyLimiter {
  /** Takes one request from `key`'s bucket. Rejects with KeyLimiterUnavailableError when the shared store does not answer in time. */
  take(key: string): Promise<LimitDecision>;
  close(): Promise<void>;
}

export interface KeyLimiterOptions {
  perMinute: number;
  /** Requests a full bucket allows at once; default the per-minute figure. */
  burst?: number;
  /** The "minute" (tests shorten it). */
  windowMs?: number;
  /** bottleneck datastore options for a shared (Redis) bucket; in-process when absent. */
  datastore?: Pick<Bottleneck.ConstructorOptions, 'datastore' | 'connection' | 'clearDatastore' | 'clientOptions' | 'timeout'>;
  /** Names the buckets in a shared datastore. */
  id?: string;
  /** How long a decision may take before take() gives up; default 1 s. */
  timeoutMs?: number;
}

/** The shared limiter store did not answer: the caller decides whether to serve or refuse. */
export class KeyLimiterUnavailableError extends LoreError {
  override readonly code: string = 'rate_limiter_unavailable';
  override name = 'KeyLimiterUnavailableError';
}

export class BottleneckKeyLimiter implements KeyLimiter {
  private readonly group: Bottleneck.Group;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly inProcess: boolean;

  constructor(options: KeyLimiterOptions) {
    if (!Number.isInteger(options.perMinute) || options.perMinute < 1) {
      throw new Error(`perMinute must be a whole number of at least 1 (got ${options.perMinute})`);
    }
    const windowMs = options.windowMs ?? 60_000;
    this.intervalMs = windowMs / options.perMinute;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.inProcess = (options.datastore?.datastore ?? 'local') === 'local';
    this.group = new Bottleneck.Group({
      id: options.id ?? 'lore-api',
      reservoir: burstOf(options),
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: this.intervalMs,
      reservoirIncreaseMaximum: burstOf(options),
      // A key idle this long is forgotten, in Redis too (its bucket would be full again anyway).
      timeout: Math.max(windowMs * 2, 60_000),
      ...options.datastore,
    });
  }

  async take(key: string): Promise<LimitDecision> {
    try {
      return await withTimeout(() => this.decide(key), this.timeoutMs);
    } catch (error) {
      const reason = errorMessage(error);
      throw new KeyLimiterUnavailableError(`the request limiter did not answer: ${reason}`, { cause: error });
    }
  }

  private async decide(key: string): Promise<LimitDecision> {
    const limiter = this.group.key(key);
    // In Redis, bottleneck adds the tokens of elapsed intervals lazily, in the script of the next call, and
    // incrementReservoir subtracts before it adds: a full bucket would absorb the subtraction and allow one
    // request too many after every idle spell (measured: 6 from a bucket of 5). Reading the reservoir first
    // applies the refill, so the subtraction that follows counts.
    const available = (await limiter.currentReservoir()) ?? 0;
    if (available < 1) return this.refused(available);
    // Taking a token is one atomic step in the datastore: whoever empties the bucket first wins, across replicas.
    const left = await limiter.incrementReservoir(-1);
    if (left !== null && left !== undefined && left < 0) {
      await limiter.incrementReservoir(1);
      return this.refused(left + 1);
    }
    return { allowed: true };
  }

  /** `available` ≤ 0 tokens now: the next one is at most (1 - available) intervals away. */
  private refused(available: number): LimitDecision {
    const waitMs = (1 - Math.min(0, available)) * this.intervalMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  async close(): Promise<void> {
    await closeBucketGroups([this.group], this.inProcess);
  }
}

/** A bucket's size: the burst when given (at least 1), else the per-minute figure. */
export function burstOf(options: { perMinute: number; burst?: number }): number {
  return Math.max(1, Math.floor(options.burst ?? options.perMinute));
}
