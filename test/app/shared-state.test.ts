import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.ts';
import { BottleneckKeyLimiter } from '../../app/rate-limit/key-limiter.ts';
import { openSharedState, redactRedisUrl } from '../../app/shared-state.ts';
import { freePort, redisServer, startRedis, type TestRedis } from '../helpers/redis-server.ts';

const PASSWORD = 's3cret-pass';

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger('debug', stream) };
}

let redis: TestRedis;
let admin: Redis;

beforeAll(async () => {
  if (!redisServer.run) return;
  redis = await startRedis({ password: PASSWORD });
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

describe('openSharedState', () => {
  it('opens nothing without REDIS_URL', async () => {
    const shared = await openSharedState({ redisUrl: undefined }, createLogger('silent'));
    expect(shared.cache).toBeUndefined();
    expect(shared.ledger).toBeUndefined();
    expect(shared.bottleneck).toBeUndefined();
    await shared.close();
  });

  redisServer.it('shares the cache, the spend and the limiters through one Redis, and logs no password', async () => {
    const { lines, log } = capturedLogger();
    const clientsBefore = String(await admin.client('LIST'))
      .trim()
      .split('\n').length;
    const shared = await openSharedState({ redisUrl: redis.url }, log);
    await shared.ledger!.add('2025-05-01', 0.5);
    expect(Number(await admin.get('lore:spend:2025-05-01'))).toBe(0.5);
    const limiter = new BottleneckKeyLimiter({ perMinute: 1, id: 'shared-state-test', datastore: shared.bottleneck });
    expect(await limiter.take('k')).toEqual({ allowed: true });
    expect(await limiter.take('k')).toMatchObject({ allowed: false });
    expect(await admin.exists('b_shared-state-test-k_settings')).toBe(1);
    await limiter.close();
    await shared.close();
    const clientsAfter = String(await admin.client('LIST'))
      .trim()
      .split('\n').length;
    expect(clientsAfter).toBe(clientsBefore);
    expect(lines.join('')).toContain(`127.0.0.1:${redis.port}`);
    expect(lines.join('')).not.toContain(PASSWORD);
  });

  it('fails at once, naming REDIS_URL and not the password, when Redis is unreachable', async () => {
    const port = await freePort();
    const { lines, log } = capturedLogger();
    const started = performance.now();
    const error = await openSharedState({ redisUrl: `redis://:${PASSWORD}@127.0.0.1:${port}` }, log, { connectTimeoutMs: 1_000 }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`could not connect to Redis at REDIS_URL \\(redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\).*ECONNREFUSED`),
    );
    expect((error as Error).message).not.toContain(PASSWORD);
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  redisServer.it('fails with the reason when the password is wrong', async () => {
    const url = `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`;
    const error = await openSharedState({ redisUrl: url }, createLogger('silent'), { connectTimeoutMs: 1_000 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/REDIS_URL.*(WRONGPASS|invalid)/);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  redisServer.it('fails within the connect timeout when Redis accepts but does not answer', async () => {
    redis.pause();
    try {
      const started = performance.now();
      const error = await openSharedState({ redisUrl: redis.url }, createLogger('silent'), { connectTimeoutMs: 500 }).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/REDIS_URL/);
      expect(performance.now() - started).toBeLessThan(2_500);
    } finally {
      redis.resume();
    }
  });
});

describe('redactRedisUrl', () => {
  it('masks the password and keeps where Redis is', () => {
    expect(redactRedisUrl('rediss://lore:p%40ss@redis.example:6380/2')).toBe('rediss://lore:***@redis.example:6380/2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
