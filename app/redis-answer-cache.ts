import type { Redis } from 'ioredis';
import { withTimeout } from '../rag/retry.ts';
import type { Answer } from '../rag/types.ts';
import type { AnswerCache } from './answer-cache.ts';
import { errorMessage } from '../rag/errors.ts';

// The answer cache every replica shares (REDIS_URL). A cache exists to make answers faster: when Redis is slow
// a read gives up after a short deadline and the caller answers afresh (answer-service.ts treats a throw as a
// miss), rather than making the reader wait on the cache.

export interface RedisAnswerCacheOptions {
  /** Namespaces the keys; the version in it changes when the stored shape of an answer does. */
  prefix?: string;
  /** How long one command may take before it counts as a miss; default 250 ms. */
  timeoutMs?: number;
}

export const ANSWER_KEY_PREFIX = 'lore:answer:v1:';

export class RedisAnswerCache implements AnswerCache {
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisAnswerCacheOptions = {},
  ) {
    this.prefix = options.prefix ?? ANSWER_KEY_PREFIX;
    this.timeoutMs = options.timeoutMs ?? 250;
  }

  async get(key: string): Promise<Answer | undefined> {
    const stored = await this.command('GET', () => this.redis.get(this.prefix + key));
    if (stored === null) return undefined;
    // Another replica (perhaps another release) wrote this: anything that does not look like an answer is a miss.
    let value: unknown;
    try {
      value = JSON.parse(stored);
    } catch {
      return undefined;
    }
    return isAnswer(value) ? value : undefined;
  }

  async set(key: string, answer: Answer, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.round(ttlMs));
    await this.command('SET', () => this.redis.set(this.prefix + key, JSON.stringify(answer), 'PX', ttl));
  }

  /** The Redis client belongs to whoever opened it (shared-state.ts). */
  async close(): Promise<void> {}

  private async command<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(() => run(), this.timeoutMs);
    } catch (error) {
      throw new Error(`Redis ${name} for the answer cache failed: ${errorMessage(error)}`, { cause: error });
    }
  }
}

function isAnswer(value: unknown): value is Answer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Record<string, unknown>;
  return (
    typeof answer.answer === 'string' &&
    typeof answer.mode === 'string' &&
    typeof answer.abstained === 'boolean' &&
    typeof answer.confidence === 'number' &&
    Array.isArray(answer.citations) &&
    Array.isArray(answer.contexts) &&
    Array.isArray(answer.notes)
  );
}
