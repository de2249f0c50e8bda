import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { QueueFullError, QuestionLimiter, type QueuedNotice } from '../../../bot/conversation/question-limiter.ts';
import { redisServer, startRedis } from '../../helpers/redis-server.ts';
import { unhandledRejectionsDuring } from '../../helpers/unhandled-rejections.ts';

describe('QuestionLimiter', () => {
  it('runs a burst up to the per-minute limit at once, then queues and reports the place in line', async () => {
    const limiter = new QuestionLimiter({ userPerMinute: 2, channelPerMinute: 100, windowMs: 400 });
    const notices: (QueuedNotice | undefined)[] = [];
    const started: number[] = [];
    const t0 = Date.now();
    const runs = [1, 2, 3, 4].map(async (n) => {
      let notice: QueuedNotice | undefined;
      const result = await limiter.run(
        'u1',
        'c1',
        (queued) => (notice = queued),
        async () => {
          started[n - 1] = Date.now() - t0;
          return n;
        },
      );
      notices[n - 1] = notice;
      return result;
    });
    expect(await Promise.all(runs)).toEqual([1, 2, 3, 4]);
    expect(notices[0]).toBeUndefined();
    expect(notices[1]).toBeUndefined();
    expect(notices[2]).toEqual({ position: 1, waitMs: 200 });
    expect(notices[3]).toEqual({ position: 2, waitMs: 400 });
    // One question every windowMs / userPerMinute = 200 ms once the burst is spent.
    // The buckets are created by the first question (after t0) and refill no earlier than every 200 ms.
    expect(started[2]!).toBeGreaterThanOrEqual(195);
    expect(started[3]!).toBeGreaterThanOrEqual(395);
    await limiter.stop();
  });

  it('keeps users apart but shares the channel limit', async () => {
    const limiter = new QuestionLimiter({ userPerMinute: 1, channelPerMinute: 2, windowMs: 10_000 });
    const queued: string[] = [];
    await limiter.run(
      'a',
      'c',
      () => queued.push('a'),
      async () => {},
    );
    await limiter.run(
      'b',
      'c',
      () => queued.push('b'),
      async () => {},
    );
    expect(queued).toEqual([]);
    void limiter
      .run(
        'c',
        'c',
        () => queued.push('c'),
        async () => {},
      )
      .catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queued).toEqual(['c']);
    await limiter.stop();
  });

  it('refuses a question when too many are already waiting', async () => {
    const limiter = new QuestionLimiter({ userPerMinute: 1, channelPerMinute: 100, windowMs: 60_000, maxQueued: 1 });
    await limiter.run(
      'u',
      'c',
      () => {},
      async () => {},
    );
    const waiting = limiter.run(
      'u',
      'c',
      () => {},
      async () => {},
    );
    await expect(
      limiter.run(
        'u',
        'c',
        () => {},
        async () => {},
      ),
    ).rejects.toBeInstanceOf(QueueFullError);
    const dropped = expect(waiting).rejects.toThrow(/shutting down/);
    await limiter.stop();
    await dropped;
  });
});

redisServer.describe('QuestionLimiter with a shared datastore (two replicas on Redis)', () => {
  it('counts a user’s questions on both replicas against one bucket; the one over the limit waits on its own replica', async () => {
    const redis = await startRedis();
    const connections = [0, 1].map(() => new Bottleneck.IORedisConnection({ client: new Redis(redis.url), Redis }));
    const [a, b] = connections.map(
      (connection) =>
        new QuestionLimiter({ userPerMinute: 2, channelPerMinute: 100, windowMs: 1_000, datastore: { datastore: 'ioredis', connection } }),
    );
    try {
      const notices: QueuedNotice[] = [];
      await a!.run(
        'slack:U1',
        'slack:C1',
        (n) => notices.push(n),
        async () => {},
      );
      await b!.run(
        'slack:U1',
        'slack:C2',
        (n) => notices.push(n),
        async () => {},
      );
      expect(notices).toEqual([]);
      // Another user is not held up by U1.
      await b!.run(
        'slack:U2',
        'slack:C2',
        (n) => notices.push(n),
        async () => {},
      );
      expect(notices).toEqual([]);
      const t0 = Date.now();
      let startedAfter = -1;
      await a!.run(
        'slack:U1',
        'slack:C1',
        (n) => notices.push(n),
        async () => {
          startedAfter = Date.now() - t0;
        },
      );
      expect(notices).toEqual([{ position: 1, waitMs: 500 }]);
      // One more every 1000 / 2 = 500 ms, noticed by the next heartbeat.
      expect(startedAfter).toBeGreaterThanOrEqual(250);
      expect(startedAfter).toBeLessThan(2_000);
    } finally {
      await a!.stop();
      await b!.stop();
      await Promise.all(connections.map((connection) => connection.disconnect(false)));
      await redis.stop();
    }
  });

  it('stops without leaving commands in flight: its replica can close the shared connection at once', async () => {
    const redis = await startRedis();
    const connection = new Bottleneck.IORedisConnection({ client: new Redis(redis.url), Redis });
    const limiter = new QuestionLimiter({
      userPerMinute: 2,
      channelPerMinute: 100,
      windowMs: 1_000,
      datastore: { datastore: 'ioredis', connection },
    });
    try {
      await limiter.run(
        'slack:U1',
        'slack:C1',
        () => {},
        async () => {},
      );
      // Redis stops answering: whatever stop() sends is still unanswered when the connection closes.
      redis.pause();
      const unhandled = await unhandledRejectionsDuring(async () => {
        await limiter.stop();
        await connection.disconnect(false);
        await redis.crash();
      });
      expect(unhandled).toEqual([]);
    } finally {
      await redis.stop();
    }
  });
});
