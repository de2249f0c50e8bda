import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, holdSlot } from '../../../rag/gemini/rate-limiter.ts';
import { redisServer, startRedis } from '../../helpers/redis-server.ts';

describe('holdSlot', () => {
  it('keeps the slot until released, so maxConcurrent bounds long-lived work', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 100, maxConcurrent: 1 });
    const first = await holdSlot(limiter);
    let secondGranted = false;
    const second = holdSlot(limiter).then((release) => {
      secondGranted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondGranted).toBe(false);
    first();
    first(); // releasing twice is harmless
    (await second)();
    expect(secondGranted).toBe(true);
    await limiter.stop();
  });

  it('gives the slot back when the waiter was aborted', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 100, maxConcurrent: 1 });
    const first = await holdSlot(limiter);
    const controller = new AbortController();
    const abandoned = holdSlot(limiter, controller.signal);
    controller.abort(new Error('gave up'));
    first();
    await expect(abandoned).rejects.toThrow('gave up');
    const third = await Promise.race([holdSlot(limiter), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
    expect(third).toBeTypeOf('function');
    third?.();
    await limiter.stop();
  });

  it('starts no more than requestsPerMinute in a minute', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 2, maxConcurrent: 5 });
    const granted: number[] = [];
    for (let i = 0; i < 3; i++) {
      // The third is still waiting when the limiter stops, which rejects it.
      holdSlot(limiter).then(
        (release) => (granted.push(i), release()),
        () => undefined,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(granted).toEqual([0, 1]);
    await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  });
});

redisServer.describe('a shared quota (two processes on Redis)', () => {
  it('starts no more than requestsPerMinute across both, while each bounds only its own streams in flight', async () => {
    const redis = await startRedis();
    const connections = [0, 1].map(() => new Bottleneck.IORedisConnection({ client: new Redis(redis.url), Redis }));
    const [a, b] = connections.map((connection) =>
      createRateLimiter({ requestsPerMinute: 3, maxConcurrent: 1, shared: { id: 'test-gemini', datastore: { datastore: 'ioredis', connection } } }),
    );
    try {
      // Each holds its one local slot: the other process is not blocked by it.
      const releaseA = await holdSlot(a!);
      const releaseB = await holdSlot(b!);
      releaseA();
      releaseB();
      (await holdSlot(a!))();
      // The quota of 3 is spent across both: the fourth waits for the next minute.
      let fourth = false;
      holdSlot(b!).then(
        (release) => ((fourth = true), release()),
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fourth).toBe(false);
    } finally {
      // A shared limiter ends with its connection (stop() would wait for the request still waiting on the quota).
      await Promise.all(connections.map((connection) => connection.disconnect(false)));
      await redis.stop();
    }
  });
});
