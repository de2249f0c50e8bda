import { expect, it } from 'vitest';
import { RedisSpendLedger, SPEND_KEY_PREFIX } from '../../app/redis-spend-ledger.ts';
import { redisServer, useRedisPair } from '../helpers/redis-server.ts';

const pair = useRedisPair();

redisServer.describe('RedisSpendLedger', () => {
  it('adds what two replicas spend to one total per day, kept for a few days', async () => {
    const a = new RedisSpendLedger(pair.one);
    const b = new RedisSpendLedger(pair.two);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).add('2025-03-01', 0.05)));
    await b.add('2025-03-02', 0.25);
    expect(await a.total('2025-03-01')).toBeCloseTo(1.0, 10);
    expect(await b.total('2025-03-01')).toBeCloseTo(1.0, 10);
    expect(await a.total('2025-03-02')).toBeCloseTo(0.25, 10);
    expect(await a.total('2025-03-03')).toBe(0);
    const ttl = await pair.one.ttl(`${SPEND_KEY_PREFIX}2025-03-01`);
    expect(ttl).toBeGreaterThan(2 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(3 * 24 * 3600);
  });

  it('ignores nothing-spent and rejects a malformed day', async () => {
    const ledger = new RedisSpendLedger(pair.one);
    await ledger.add('2025-04-01', 0);
    await ledger.add('2025-04-01', Number.NaN);
    expect(await pair.one.exists(`${SPEND_KEY_PREFIX}2025-04-01`)).toBe(0);
    await expect(ledger.add('2025-04-01*', 1)).rejects.toThrow(/budget day/);
  });

  it('fails within its deadline when Redis does not answer', async () => {
    const ledger = new RedisSpendLedger(pair.one, { timeoutMs: 200 });
    pair.redis.pause();
    try {
      await expect(ledger.total('2025-03-01')).rejects.toThrow(/daily spend.*timed out/);
    } finally {
      pair.redis.resume();
    }
    expect(await ledger.total('2025-03-01')).toBeCloseTo(1.0, 10);
  });
});
