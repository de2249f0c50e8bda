import type { Redis } from 'ioredis';
import { withTimeout } from '../rag/retry.ts';
import type { SpendLedger } from './spend-ledger.ts';
import { errorMessage } from '../rag/errors.ts';

// The daily spend every replica adds to (REDIS_URL): one counter per UTC day, incremented atomically, so the
// budget holds for the whole deployment. A day's counter outlives the day by a little (late additions, clock
// skew between replicas) and then expires on its own.

export interface RedisSpendLedgerOptions {
  prefix?: string;
  /** How long a day's counter is kept after its last addition; default 3 days. */
  keepSeconds?: number;
  /** How long one command may take; default 500 ms (the budget check is on the answer path). */
  timeoutMs?: number;
}

export const SPEND_KEY_PREFIX = 'lore:spend:';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class RedisSpendLedger implements SpendLedger {
  private readonly prefix: string;
  private readonly keepSeconds: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisSpendLedgerOptions = {},
  ) {
    this.prefix = options.prefix ?? SPEND_KEY_PREFIX;
    this.keepSeconds = options.keepSeconds ?? 3 * 24 * 3600;
    this.timeoutMs = options.timeoutMs ?? 500;
  }

  async add(day: string, usd: number): Promise<void> {
    if (!(usd > 0) || !Number.isFinite(usd)) return;
    const key = this.key(day);
    const results = await this.command('INCRBYFLOAT', () => this.redis.multi().incrbyfloat(key, usd).expire(key, this.keepSeconds).exec());
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw new Error(`Redis INCRBYFLOAT for the daily spend failed: ${failed.message}`);
  }

  async total(day: string): Promise<number> {
    const stored = await this.command('GET', () => this.redis.get(this.key(day)));
    if (stored === null) return 0;
    const usd = Number(stored);
    if (!Number.isFinite(usd)) throw new Error(`the daily spend in Redis (${this.key(day)}) is not a number`);
    return usd;
  }

  /** The Redis client belongs to whoever opened it (shared-state.ts). */
  async close(): Promise<void> {}

  private key(day: string): string {
    if (!DAY.test(day)) throw new Error(`a budget day must look like 2025-01-31 (got "${day.slice(0, 40)}")`);
    return this.prefix + day;
  }

  private async command<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(() => run(), this.timeoutMs);
    } catch (error) {
      throw new Error(`Redis ${name} for the daily spend failed: ${errorMessage(error)}`, { cause: error });
    }
  }
}
