import { burstOf, type KeyLimiter, type LimitDecision } from './key-limiter.ts';

// The per-key token bucket of one process (no REDIS_URL): the same rule as BottleneckKeyLimiter — a burst (by
// default the per-minute figure), then one token every minute/figure — computed from the time since the last request instead
// of kept by timers, so a decision costs no timer and no await on the request path.

export interface MemoryKeyLimiterOptions {
  perMinute: number;
  /** Requests a full bucket allows at once; default the per-minute figure. */
  burst?: number;
  /** The "minute" (tests shorten it). */
  windowMs?: number;
  /** Buckets kept at most; the idlest go first (a full bucket carries no information anyway). */
  maxKeys?: number;
  now?: () => number;
}

export class MemoryKeyLimiter implements KeyLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly intervalMs: number;
  private readonly capacity: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryKeyLimiterOptions) {
    if (!Number.isInteger(options.perMinute) || options.perMinute < 1) {
      throw new Error(`perMinute must be a whole number of at least 1 (got ${options.perMinute})`);
    }
    this.capacity = burstOf(options);
    this.intervalMs = (options.windowMs ?? 60_000) / options.perMinute;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async take(key: string): Promise<LimitDecision> {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    this.buckets.delete(key);
    // Whole tokens only, as the shared limiter grants them; the remainder of an interval carries over.
    const earned = Math.floor((now - bucket.at) / this.intervalMs);
    if (earned > 0) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + earned);
      bucket.at = bucket.tokens === this.capacity ? now : bucket.at + earned * this.intervalMs;
    }
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const waitMs = bucket.at + this.intervalMs - now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
