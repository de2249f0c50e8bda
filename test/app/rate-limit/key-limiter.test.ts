import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BottleneckKeyLimiter, KeyLimiterUnavailableError, type KeyLimiter, type LimitDecision } from '../../../app/rate-limit/key-limiter.ts';
import { redisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { unhandledRejectionsDuring } from '../../helpers/unhandled-rejections.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// In process, bottleneck adds tokens on a 250 ms heartbeat that checks whether an interval has passed, so a token
// can arrive up to two heartbeats after its interval (one when a beat lands a millisecond short of it).
const HEARTBEATS_MS = 2 * 250 + 100;

async function takeMany(limiters: KeyLimiter[], key: string, n: number): Promise<LimitDecision[]> {
  const decisions: LimitDecision[] = [];
  for (let i = 0; i < n; i++) decisions.push(await limiters[i % limiters.length]!.take(key));
  return decisions;
}
const allowedCount = (decisions: LimitDecision[]) => decisions.filter((d) => d.allowed).length;

describe('BottleneckKeyLimiter in one process', () => {
  it('allows a burst of the per-minute figure, refuses the next with a retry time, and refills', async () => {
    const limiter = new BottleneckKeyLimiter({ perMinute: 3, windowMs: 1_500 });
    const burst = await takeMany([limiter], 'k', 4);
    expect(burst.slice(0, 3).every((d) => d.allowed)).toBe(true);
    expect(burst[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take('other')).toEqual({ allowed: true });
    // One token every 1500 / 3 = 500 ms.
    await sleep(500 + HEARTBEATS_MS);
    expect(await limiter.take('k')).toEqual({ allowed: true });
    await limiter.close();
  });
});

describe('BottleneckKeyLimiter with a burst', () => {
  it('allows only the burst at once, then the per-minute rate', async () => {
    const limiter = new BottleneckKeyLimiter({ perMinute: 6, burst: 2, windowMs: 1_200 });
    expect(allowedCount(await takeMany([limiter], 'k', 3))).toBe(2);
    // One token every 1200 / 6 = 200 ms, never more than two held.
    await sleep(2 * 200 + HEARTBEATS_MS);
    expect(allowedCount(await takeMany([limiter], 'k', 3))).toBe(2);
    await limiter.close();
  });
});

redisServer.describe('BottleneckKeyLimiter on Redis, as two replicas', () => {
  let redis: TestRedis;
  const opened: { limiter: KeyLimiter; connection: Bottleneck.IORedisConnection }[] = [];
  let ids = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const { limiter, connection } of opened.splice(0)) {
      await limiter.close();
      await connection.disconnect(false);
    }
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** Each replica has its own connection; they meet in Redis under one id. */
  function replicas(count: number, options: { perMinute: number; windowMs: number; timeoutMs?: number }): KeyLimiter[] {
    const id = `test-api-${++ids}`;
    return Array.from({ length: count }, () => {
      const connection = new Bottleneck.IORedisConnection({ client: new Redis(redis.url, { maxRetriesPerRequest: 1 }), Redis });
      const limiter = new BottleneckKeyLimiter({ ...options, id, datastore: { datastore: 'ioredis', connection } });
      opened.push({ limiter, connection });
      return limiter;
    });
  }

  it('draws from one bucket: the request after the burst is refused on either replica, and allowed after the refill', async () => {
    const [a, b] = replicas(2, { perMinute: 5, windowMs: 2_500 });
    const burst = await takeMany([a!, b!], 'key-1', 6);
    expect(allowedCount(burst.slice(0, 5))).toBe(5);
    expect(burst[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await a!.take('key-1')).toMatchObject({ allowed: false });
    // Another key has its own bucket.
    expect(await b!.take('key-2')).toEqual({ allowed: true });
    // One token every 2500 / 5 = 500 ms.
    await sleep(600);
    expect(await b!.take('key-1')).toEqual({ allowed: true });
    expect(await a!.take('key-1')).toMatchObject({ allowed: false });
  });

  it('allows no more than the burst after the bucket has sat full for a while', async () => {
    const [a, b] = replicas(2, { perMinute: 4, windowMs: 1_000 });
    expect(allowedCount(await takeMany([a!, b!], 'idle', 5))).toBe(4);
    // Refilled, then full for several more intervals: bottleneck's Redis scripts add those tokens lazily.
    await sleep(1_600);
    expect(allowedCount(await takeMany([b!, a!], 'idle', 6))).toBe(4);
  });

  it('keeps the rate across replicas under concurrent requests', async () => {
    const [a, b, c] = replicas(3, { perMinute: 10, windowMs: 60_000 });
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => [a!, b!, c!][i % 3]!.take('busy')));
    expect(allowedCount(decisions)).toBe(10);
    for (const d of decisions) if (!d.allowed) expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(6);
  });

  it('reports an unavailable store instead of hanging when Redis does not answer', async () => {
    const [a] = replicas(1, { perMinute: 5, windowMs: 60_000, timeoutMs: 300 });
    expect(await a!.take('k')).toEqual({ allowed: true });
    redis.pause();
    try {
      const started = performance.now();
      await expect(a!.take('k')).rejects.toBeInstanceOf(KeyLimiterUnavailableError);
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      redis.resume();
    }
    // The command that timed out is still queued on the connection; once Redis answers again it completes, rather
    // than being failed by the disconnect after this test.
    expect(await a!.take('k')).toMatchObject({ allowed: true });
  });
});

redisServer.describe('BottleneckKeyLimiter closing on Redis', () => {
  it('leaves no command in flight: its replica can close the shared connection at once', async () => {
    const redis = await startRedis();
    const connection = new Bottleneck.IORedisConnection({ client: new Redis(redis.url), Redis });
    const limiter = new BottleneckKeyLimiter({ perMinute: 5, id: 'test-api-closing', datastore: { datastore: 'ioredis', connection } });
    try {
      expect(await limiter.take('k')).toEqual({ allowed: true });
      // Redis stops answering: whatever close() sends is still unanswered when the connection closes.
      redis.pause();
      const unhandled = await unhandledRejectionsDuring(async () => {
        await limiter.close();
        await connection.disconnect(false);
        await redis.crash();
      });
      expect(unhandled).toEqual([]);
    } finally {
      await redis.stop();
    }
  });
});
