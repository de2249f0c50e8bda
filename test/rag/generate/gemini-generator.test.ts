import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GeminiGenerator, type GeminiGeneratorOptions } from '../../../rag/generate/gemini-generator.ts';
import { GenerationError } from '../../../rag/generate/generation-error.ts';
import { SYSTEM_INSTRUCTION } from '../../../rag/generate/prompt.ts';
import { costOf } from '../../../rag/cost/cost-of.ts';
import type { GenerationEvent, GenerationRequest, Passage } from '../../../rag/types.ts';
import { DEFAULT_ANSWER_CHUNKS, rateLimited, serverError, startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';

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
    })().then(() => undefined, (e: unknown) => e);
    expect(error).toBe(reason);
    expect(deltas(events)).toEqual(['one ']);
  });
});
