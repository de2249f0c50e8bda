import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GeminiGenerator, type GeminiGeneratorOptions } from '../../../rag/generate/gemini-generator.ts';
import { GenerationError } from '../../../rag/generate/generation-error.ts';
import { SYSTEM_INSTRUCTION } from '../../../rag/generate/prompt.ts';
import { costOf } from '../../../rag/cost/cost-of.ts';
import { Deadline } from '../../../rag/deadline.ts';
import type { GenerationEvent, GenerationRequest, Passage } from '../../../rag/types.ts';
import {
  DEFAULT_ANSWER_CHUNKS,
  fixtureResponses,
  rateLimited,
  serverError,
  startFakeGemini,
  type FakeGemini,
  recordedGemini as recorded,
} from '../../fakes/fake-gemini.ts';

const API_KEY = 'AIzaSy-generator-test-key-0123456789';

const passage: Passage = {
  n: 1,
  docId: 'files:deploy.md',
  chunkIds: ['c1'],
  title: 'Deploy guide',
  url: 'file:///kb/deploy.md',
  source: 'files',
  text: 'Production deploys happen on Tuesdays after the 10:00 stand-up.',
  score: 0.9,
};

const request: GenerationRequest = { question: 'When do production deploys happen?', passages: [passage] };

interface Outcome {
  events: GenerationEvent[];
  error?: unknown;
}

async function run(generator: GeminiGenerator, req: GenerationRequest = request): Promise<Outcome> {
  const events: GenerationEvent[] = [];
  try {
    for await (const event of generator.generate(req)) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

function deltas(events: GenerationEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'delta' ? [event.text] : []));
}

describe('GeminiGenerator', () => {
  let fake: FakeGemini;
  const generators: GeminiGenerator[] = [];

  const make = (options: Partial<GeminiGeneratorOptions> = {}): GeminiGenerator => {
    // A small backoff keeps retry tests fast; Retry-After still governs when the server sends one.
    const generator = new GeminiGenerator({ apiKey: API_KEY, baseUrl: fake.url, baseDelayMs: 20, ...options });
    generators.push(generator);
    return generator;
  };

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: API_KEY });
  });
  afterEach(async () => {
    await Promise.all(generators.splice(0).map((generator) => generator.close()));
    fake.requests.length = 0;
    fake.always(undefined);
    fake.setGenerator(undefined);
    fake.setLatency(0);
  });
  afterAll(async () => {
    await fake.close();
  });

  it('streams deltas in order that concatenate to the final text', async () => {
    fake.queueGeneration({ chunks: ['Deploys ', 'happen on ', 'Tuesdays [1].'], chunkDelayMs: 20 });
    const { events, error } = await run(make());
    expect(error).toBeUndefined();
    expect(deltas(events)).toEqual(['Deploys ', 'happen on ', 'Tuesdays [1].']);
    const done = events.at(-1);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    expect(done).toMatchObject({ type: 'done', text: 'Deploys happen on Tuesdays [1].', model: 'gemini-2.5-flash', finishReason: 'STOP' });
  });

  it('sends the system instruction, the delimited passages and the configured model', async () => {
    await run(make({ model: 'gemini-2.5-flash-lite' }));
    const [sent] = fake.requests;
    expect(sent?.path).toBe('/v1beta/models/gemini-2.5-flash-lite:streamGenerateContent');
    expect(sent?.systemInstruction).toBe(SYSTEM_INSTRUCTION);
    expect(sent?.texts[0]).toContain('<passage n="1" title="Deploy guide" source="files">');
    expect(sent?.texts[0]).toContain(passage.text);
    expect(sent?.texts[0]).toContain(request.question);
    expect(sent?.generate?.generationConfig).toMatchObject({ temperature: 0.2, maxOutputTokens: 1024 });
  });

  it('reports usage from usageMetadata, counting thinking as output, and prices it', async () => {
    fake.queueGeneration({ chunks: ['Tuesdays [1].'], usage: { promptTokenCount: 1200, candidatesTokenCount: 40, thoughtsTokenCount: 60 } });
    const { events } = await run(make());
    const done = events.at(-1);
    expect(done?.type === 'done' && done.usage).toEqual({ inputTokens: 1200, outputTokens: 100 });
    if (done?.type !== 'done' || !done.usage) throw new Error('no usage');
    // gemini-2.5-flash: $0.30 per 1M input, $2.50 per 1M output.
    expect(costOf(done.model, done.usage).usd).toBeCloseTo((1200 * 0.3 + 100 * 2.5) / 1e6, 12);
  });

  it('waits for Retry-After on 429, then streams the answer', async () => {
    fake.queue(rateLimited(1));
    const { events, error } = await run(make());
    expect(error).toBeUndefined();
    expect(deltas(events).join('')).toBe(DEFAULT_ANSWER_CHUNKS.join(''));
    expect(fake.requests).toHaveLength(2);
    const waited = (fake.requests[1]?.receivedAt as number) - (fake.requests[0]?.receivedAt as number);
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a persistent 500 after the configured attempts with a clear error', async () => {
    fake.always(serverError(500));
    const { events, error } = await run(make({ attempts: 3 }));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(GenerationError);
    expect((error as GenerationError).failure).toBe('server');
    expect((error as Error).message).toMatch(/GeminiGenerator \(gemini-2\.5-flash\) failed: .*failed after 3 attempts: HTTP 500 INTERNAL/);
    expect(fake.requests).toHaveLength(3);
  });

  it('reports 429 after every retry as rate-limited', async () => {
    fake.always(rateLimited(undefined, '0.01s'));
    const { error } = await run(make({ attempts: 2 }));
    expect((error as GenerationError).failure).toBe('rate-limited');
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry a client error and keeps the key out of the message', async () => {
    fake.always({ status: 400, body: { error: { code: 400, message: `bad key ${API_KEY}`, status: 'INVALID_ARGUMENT' } } });
    const { error } = await run(make());
    expect((error as GenerationError).failure).toBe('failed');
    expect((error as Error).message).toMatch(/HTTP 400 INVALID_ARGUMENT/);
    expect((error as Error).message).not.toContain(API_KEY);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a hanging request and retries it', async () => {
    fake.queue({ status: 200, delayMs: 2_000 });
    const { events, error } = await run(make({ timeoutMs: 300 }));
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('done');
    expect(fake.requests).toHaveLength(2);
  });

  it('fails with a timeout when every attempt hangs', async () => {
    fake.always({ status: 200, delayMs: 2_000 });
    const started = Date.now();
    const { error } = await run(make({ timeoutMs: 200, attempts: 2 }));
    expect((error as GenerationError).failure).toBe('timeout');
    expect((error as Error).message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('raises a clear error when the prompt is blocked, without retrying', async () => {
    fake.queueGeneration({ chunks: [], blockReason: 'SAFETY' });
    const { events, error } = await run(make());
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(GenerationError);
    expect((error as GenerationError).failure).toBe('blocked');
    expect((error as Error).message).toMatch(/blocked the prompt \(blockReason SAFETY\)/);
    expect(fake.requests).toHaveLength(1);
  });

  it('raises a clear error when the answer is withheld for safety', async () => {
    fake.queueGeneration({ chunks: [], finishReason: 'SAFETY' });
    const { error } = await run(make());
    expect((error as GenerationError).failure).toBe('blocked');
    expect((error as Error).message).toMatch(/withheld its answer \(finishReason SAFETY\)/);
  });

  it('does not retry once text has been streamed: a dropped stream is an interruption', async () => {
    fake.queueGeneration({ chunks: ['Deploys ', 'happen ', 'on Tuesdays.'], dropAfterChunks: 1 });
    const { events, error } = await run(make());
    expect(deltas(events)).toEqual(['Deploys ']);
    expect((error as GenerationError).failure).toBe('interrupted');
    expect(fake.requests).toHaveLength(1);
  });

  it('treats a stream that closes without a finish reason as cut short', async () => {
    fake.queue({ status: 200, body: { candidates: [{ content: { role: 'model', parts: [{ text: 'Deploys happen' }] }, index: 0 }] } });
    const { events, error } = await run(make());
    expect(deltas(events)).toEqual(['Deploys happen']);
    expect((error as GenerationError).failure).toBe('interrupted');
    expect((error as Error).message).toMatch(/without a finish reason/);
  });

  it('ends a stream that stalls between chunks', async () => {
    fake.queueGeneration({ chunks: ['Deploys ', 'happen on Tuesdays.'], chunkDelayMs: 1_500 });
    const { events, error } = await run(make({ idleTimeoutMs: 200 }));
    expect(deltas(events)).toEqual(['Deploys ']);
    expect((error as GenerationError).failure).toBe('interrupted');
    expect((error as Error).message).toMatch(/no data for 200 ms/);
  });

  it('keeps at most maxConcurrent streams open', async () => {
    // Its own fake: `maxInFlight` counts from the server's start.
    const own = await startFakeGemini({ apiKey: API_KEY });
    try {
      own.setGenerator(() => ({ chunks: ['a ', 'b ', 'c [1].'], chunkDelayMs: 60 }));
      const generator = new GeminiGenerator({ apiKey: API_KEY, baseUrl: own.url, maxConcurrent: 2 });
      generators.push(generator);
      const outcomes = await Promise.all([run(generator), run(generator), run(generator), run(generator)]);
      expect(outcomes.every((o) => o.error === undefined)).toBe(true);
      expect(own.requests).toHaveLength(4);
      expect(own.maxInFlight).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    fake.queueGeneration({ chunks: ['one ', 'two ', 'three.'], chunkDelayMs: 500 });
    const controller = new AbortController();
    const reason = new Error('user left');
    const generator = make();
    const events: GenerationEvent[] = [];
    const error = await (async () => {
      for await (const event of generator.generate({ ...request, signal: controller.signal })) {
        events.push(event);
        controller.abort(reason);
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBe(reason);
    expect(deltas(events)).toEqual(['one ']);
  });

  describe('recorded Gemini responses', () => {
    it('never completes an answer cut by MAX_TOKENS: it fails as truncated after the partial text', async () => {
      fake.queue(...fixtureResponses(recorded('max-tokens-partial-text'), 'stream'));
      const { events, error } = await run(make());
      expect(deltas(events).join('')).toBe('Backups of the data directory are kept for');
      expect(events.some((e) => e.type === 'done')).toBe(false);
      expect((error as GenerationError).failure).toBe('truncated');
      expect((error as Error).message).toMatch(/finishReason MAX_TOKENS/);
      expect(fake.requests).toHaveLength(1);
    });

    it.each(['finish-safety-after-text', 'finish-recitation-after-text'])(
      'never completes an answer withheld after text arrived (%s)',
      async (name) => {
        fake.queue(...fixtureResponses(recorded(name), 'stream'));
        const { events, error } = await run(make());
        expect(deltas(events).length).toBe(2);
        expect(events.some((e) => e.type === 'done')).toBe(false);
        expect((error as GenerationError).failure).toBe('blocked');
        // The tokens of the withheld answer were billed: they travel with the error.
        expect((error as GenerationError).usage).toEqual({ inputTokens: 1850, outputTokens: 38 });
      },
    );

    it('gives thinking its own budget on top of the answer’s output tokens', async () => {
      await run(make({ model: 'gemini-2.5-flash', maxOutputTokens: 1024 }));
      expect(fake.requests[0]?.generate?.generationConfig).toMatchObject({ maxOutputTokens: 1024 + 512, thinkingConfig: { thinkingBudget: 512 } });
    });

    it('keeps a whole answer whose stream ends cleanly without a finish reason', async () => {
      fake.queue(...fixtureResponses(recorded('no-finish-reason'), 'stream'));
      const { events, error } = await run(make());
      expect(error).toBeUndefined();
      expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Backups of the data directory are kept for at most 30 days [1].\n' });
    });

    it('fails an answer that ends mid-sentence without a finish reason as interrupted', async () => {
      fake.queue(...fixtureResponses(recorded('eof-after-text-no-finish'), 'stream'));
      const { error } = await run(make());
      expect((error as GenerationError).failure).toBe('interrupted');
    });

    it('retries a 200 whose body is empty, since nothing was shown yet', async () => {
      fake.queue(...fixtureResponses(recorded('eof-before-text-then-ok'), 'stream'));
      const { events, error } = await run(make());
      expect(error).toBeUndefined();
      expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Backups of the data directory are kept for at most 30 days [1].' });
      expect(fake.requests).toHaveLength(2);
    });

    it.each(['stall-before-headers', 'stall-after-headers-no-data'])(
      'gives up on a server that sends nothing within the first-byte timeout (%s)',
      async (name) => {
        fake.always(fixtureResponses(recorded(name), 'stream')[0]);
        const started = Date.now();
        const { error } = await run(make({ firstByteTimeoutMs: 250, attempts: 2 }));
        expect((error as GenerationError).failure).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(fake.requests).toHaveLength(2);
      },
    );

    it('has a first-byte timeout of a few seconds by default, not the whole answer’s', async () => {
      fake.always(fixtureResponses(recorded('stall-before-headers'), 'stream')[0]);
      const started = Date.now();
      const { error } = await run(make({ attempts: 1 }));
      expect((error as GenerationError).failure).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(8_000);
    }, 12_000);

    it('gives up when the answer deadline comes before the first byte, however long the attempt limits are', async () => {
      fake.always(fixtureResponses(recorded('stall-before-headers'), 'stream')[0]);
      const started = Date.now();
      const { error } = await run(make({ firstByteTimeoutMs: 10_000, timeoutMs: 10_000 }), { ...request, deadline: Deadline.after(400) });
      expect((error as GenerationError).failure).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(fake.requests).toHaveLength(1);
    });

    it('counts cached and tool-use prompt tokens from a usage-only final event, and prices cached tokens lower', async () => {
      fake.queue(...fixtureResponses(recorded('usage-only-final-event-cached-tooluse'), 'stream'));
      const { events } = await run(make());
      const done = events.at(-1);
      if (done?.type !== 'done' || !done.usage) throw new Error('no usage');
      expect(done.usage).toEqual({ inputTokens: 12 + 65, outputTokens: 71 + 89, cachedInputTokens: 4 });
      // gemini-2.5-flash: $0.30 per 1M input, $0.03 per 1M cached input, $2.50 per 1M output.
      expect(costOf(done.model, done.usage).usd).toBeCloseTo((73 * 0.3 + 4 * 0.03 + 160 * 2.5) / 1e6, 12);
    });

    it('counts the tokens of a discarded attempt in the answer’s usage', async () => {
      const usageOnly = recorded('usage-only-final-event-cached-tooluse').stream[0]?.sse?.[1] as string;
      // An attempt that reported usage but ended without text or a finish reason, then one that answers.
      fake.queue({ status: 200, sse: [usageOnly] }, ...fixtureResponses(recorded('eof-before-text-then-ok'), 'stream').slice(1));
      const { events, error } = await run(make());
      expect(error).toBeUndefined();
      const done = events.at(-1);
      expect(done?.type === 'done' && done.usage).toEqual({ inputTokens: 77 + 15, outputTokens: 160 + 24, cachedInputTokens: 4 });
    });
  });
});
