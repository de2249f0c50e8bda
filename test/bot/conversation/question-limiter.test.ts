import { describe, expect, it } from 'vitest';
import { QueueFullError, QuestionLimiter, type QueuedNotice } from '../../../bot/conversation/question-limiter.ts';

describe('QuestionLimiter', () => {
  it('runs a burst up to the per-minute limit at once, then queues and reports the place in line', async () => {
    const limiter = new QuestionLimiter({ userPerMinute: 2, channelPerMinute: 100, windowMs: 400 });
    const notices: (QueuedNotice | undefined)[] = [];
    const started: number[] = [];
    const t0 = Date.now();
    const runs = [1, 2, 3, 4].map(async (n) => {
      let notice: QueuedNotice | undefined;
      const result = await limiter.run('u1', 'c1', (queued) => (notice = queued), async () => {
        started[n - 1] = Date.now() - t0;
        return n;
      });
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
    await limiter.run('a', 'c', () => queued.push('a'), async () => {});
    await limiter.run('b', 'c', () => queued.push('b'), async () => {});
    expect(queued).toEqual([]);
    void limiter.run('c', 'c', () => queued.push('c'), async () => {}).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queued).toEqual(['c']);
    await limiter.stop();
  });

  it('refuses a question when too many are already waiting', async () => {
    const limiter = new QuestionLimiter({ userPerMinute: 1, channelPerMinute: 100, windowMs: 60_000, maxQueued: 1 });
    await limiter.run('u', 'c', () => {}, async () => {});
    const waiting = limiter.run('u', 'c', () => {}, async () => {});
    await expect(limiter.run('u', 'c', () => {}, async () => {})).rejects.toBeInstanceOf(QueueFullError);
    await limiter.stop();
    await expect(waiting).rejects.toThrow(/shutting down/);
  });
});
