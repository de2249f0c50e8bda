import { describe, expect, it } from 'vitest';
import { MemoryKeyLimiter } from '../../../app/rate-limit/memory-key-limiter.ts';

describe('MemoryKeyLimiter', () => {
  it('allows a burst of the per-minute figure, then refuses with the wait until the next token', async () => {
    let now = 0;
    const limiter = new MemoryKeyLimiter({ perMinute: 3, windowMs: 30_000, now: () => now });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('key'));
    expect(decisions.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    // One token every 10 s.
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: 10 });
    now = 4_000;
    expect(await limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    now = 10_000;
    expect(await limiter.take('key')).toEqual({ allowed: true });
    expect(await limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('allows only the burst at once when one is set, refilling at the per-minute rate', async () => {
    let now = 0;
    const limiter = new MemoryKeyLimiter({ perMinute: 60, burst: 2, now: () => now });
    const burst = [await limiter.take('k'), await limiter.take('k'), await limiter.take('k')];
    expect(burst.map((d) => d.allowed)).toEqual([true, true, false]);
    now = 1_000;
    expect((await limiter.take('k')).allowed).toBe(true);
    now = 60_000;
    // Never more than the burst, however long the key was idle.
    expect([await limiter.take('k'), await limiter.take('k'), await limiter.take('k')].map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('keeps keys apart and never fills a bucket past its size', async () => {
    let now = 0;
    const limiter = new MemoryKeyLimiter({ perMinute: 2, windowMs: 2_000, now: () => now });
    await limiter.take('a');
    await limiter.take('a');
    expect((await limiter.take('a')).allowed).toBe(false);
    expect((await limiter.take('b')).allowed).toBe(true);
    now = 60_000;
    const burst = [await limiter.take('a'), await limiter.take('a'), await limiter.take('a')];
    expect(burst.map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('carries part of an interval over to the next token', async () => {
    let now = 0;
    const limiter = new MemoryKeyLimiter({ perMinute: 3, windowMs: 3_000, now: () => now });
    for (let i = 0; i < 3; i++) await limiter.take('a');
    now = 1_500;
    expect((await limiter.take('a')).allowed).toBe(true);
    now = 2_000;
    expect((await limiter.take('a')).allowed).toBe(true);
  });
});
