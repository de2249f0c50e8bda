import { describe, expect, it } from 'vitest';
import { Deadline, withinDeadline } from '../../../rag/deadline.ts';
import { CircuitBreaker, StepSkippedError, runOptionalStep } from '../../../rag/gemini/optional-step.ts';
import { RetryError, withRetry } from '../../../rag/retry.ts';

function httpError(status: number, retryAfterMs?: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status, retryAfterMs });
}

describe('answer deadline', () => {
  it('gives a step at most its share of the whole deadline, and keeps the reserve back', () => {
    let now = 1_000;
    const deadline = Deadline.after(20_000, () => now);
    expect(deadline.step(0.25).remainingMs()).toBe(5_000);
    now += 18_000;
    expect(deadline.step(0.25, 1_000).remainingMs()).toBe(1_000);
    expect(() => Deadline.after(0)).toThrow(/positive/);
  });

  it('stops retrying when the retry would not fit before the deadline', async () => {
    let calls = 0;
    const started = Date.now();
    const error = await withRetry(
      async () => {
        calls++;
        throw httpError(503, 2_000);
      },
      { attempts: 5, deadline: Deadline.after(1_000) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).stoppedBy).toBe('deadline');
    expect((error as Error).message).toMatch(/would not fit/);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('cuts an attempt at the deadline of the step it runs in', async () => {
    const started = Date.now();
    const error = await withinDeadline(Deadline.after(300), () =>
      withRetry(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), {
        attempts: 3,
        timeoutMs: 10_000,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('runOptionalStep', () => {
  it('skips at once on a 429, with a note on the answer, and opens the breaker for the retry delay', async () => {
    const deadline = Deadline.after(20_000);
    const breaker = new CircuitBreaker();
    let calls = 0;
    const fail = async (): Promise<never> => {
      calls++;
      throw httpError(429, 26_000);
    };
    const error = await withinDeadline(deadline, () =>
      runOptionalStep(fail, { step: 'Gemini reranking', breaker, attempts: 3, baseDelayMs: 10 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepSkippedError);
    expect(calls).toBe(1);
    expect(breaker.openForMs()).toBeGreaterThan(25_000);
    expect(deadline.notes).toEqual(["Skipped Gemini reranking: Gemini's quota is used up (HTTP 429), paused for 26 s."]);

    await withinDeadline(deadline, () => runOptionalStep(fail, { step: 'Gemini reranking', breaker })).catch(() => undefined);
    expect(calls).toBe(1);
    expect(deadline.notes[1]).toMatch(/^Skipped Gemini reranking: Gemini's quota is used up, paused for 2\d s\.$/);
  });

  it('caps how long the breaker stays open, whatever the server asks', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ now: () => now });
    expect(breaker.trip(3_600_000)).toBe(60_000);
    now = 60_001;
    expect(breaker.openForMs()).toBe(0);
  });

  it('still retries a server error that fits in the step’s time', async () => {
    let calls = 0;
    const value = await runOptionalStep(
      async () => {
        calls++;
        if (calls === 1) throw httpError(503);
        return 'ranked';
      },
      { step: 'Gemini reranking', breaker: new CircuitBreaker(), baseDelayMs: 10 },
    );
    expect(value).toBe('ranked');
    expect(calls).toBe(2);
  });
});
