import { expect, it } from 'vitest';
import { ANSWER_KEY_PREFIX, RedisAnswerCache } from '../../app/redis-answer-cache.ts';
import { makeAnswer } from '../helpers/answer.ts';
import { redisServer, useRedisPair } from '../helpers/redis-server.ts';

// Against a real redis-server started for this file: two clients stand for two replicas.

const pair = useRedisPair();

function answer(text: string) {
  return makeAnswer({ answer: text, mode: 'generative', costUsd: 0.0004, usage: { inputTokens: 1000, outputTokens: 20 }, model: 'gemini-2.5-flash' });
}

redisServer.describe('RedisAnswerCache', () => {
  it('serves on one replica what another stored', async () => {
    await new RedisAnswerCache(pair.one).set('v1:q1', answer('Kept for 30 days [1].'), 60_000);
    expect(await new RedisAnswerCache(pair.two).get('v1:q1')).toEqual(answer('Kept for 30 days [1].'));
    expect(await pair.one.pttl(`${ANSWER_KEY_PREFIX}v1:q1`)).toBeGreaterThan(55_000);
  });

  it('misses a key never stored, and one whose time to live is over', async () => {
    const cache = new RedisAnswerCache(pair.one);
    expect(await cache.get('v1:never')).toBeUndefined();
    await cache.set('v1:short', answer('soon gone'), 100);
    expect(await cache.get('v1:short')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await cache.get('v1:short')).toBeUndefined();
  });

  it('treats a value that is not an answer as a miss', async () => {
    await pair.one.set(`${ANSWER_KEY_PREFIX}v1:junk`, '{"answer": 42}');
    await pair.one.set(`${ANSWER_KEY_PREFIX}v1:broken`, 'not json');
    const cache = new RedisAnswerCache(pair.one);
    expect(await cache.get('v1:junk')).toBeUndefined();
    expect(await cache.get('v1:broken')).toBeUndefined();
  });

  it('gives up on a Redis that does not answer within its deadline, and works again once it does', async () => {
    const cache = new RedisAnswerCache(pair.one, { timeoutMs: 200 });
    await cache.set('v1:slow', answer('still here'), 60_000);
    pair.redis.pause();
    try {
      const started = performance.now();
      await expect(cache.get('v1:slow')).rejects.toThrow(/answer cache.*timed out after 200 ms/);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      pair.redis.resume();
    }
    expect((await cache.get('v1:slow'))?.answer).toBe('still here');
  });
});
