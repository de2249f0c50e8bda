import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GeminiEmbedder, type GeminiEmbedderOptions } from '../../../rag/embed/gemini-embedder.ts';
import {
  fakeEmbedding,
  fixtureResponses,
  recordedGemini as recorded,
  rateLimited,
  serverError,
  startFakeGemini,
  type FakeGemini,
} from '../../fakes/fake-gemini.ts';

const API_KEY = 'AIzaSy-test-secret-key-0123456789';

function unit(values: number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

describe('GeminiEmbedder', () => {
  let fake: FakeGemini;
  const embedders: GeminiEmbedder[] = [];

  const make = (options: Partial<GeminiEmbedderOptions> = {}): GeminiEmbedder => {
    // Small backoff so retry tests stay fast; Retry-After still governs when the server sends one.
    const embedder = new GeminiEmbedder({ apiKey: API_KEY, baseUrl: fake.url, baseDelayMs: 20, ...options });
    embedders.push(embedder);
    return embedder;
  };

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: API_KEY });
  });
  afterEach(async () => {
    await Promise.all(embedders.splice(0).map((embedder) => embedder.close()));
    fake.requests.length = 0;
    fake.always(undefined);
    fake.setLatency(0);
  });
  afterAll(async () => {
    await fake.close();
  });

  it('names model and dimension in its id', () => {
    expect(make().id).toBe('gemini-embedding-001-768');
    expect(make({ model: 'text-embedding-005', dimensions: 256 })).toMatchObject({ id: 'text-embedding-005-256', dimension: 256 });
  });

  it('sends at most 100 texts per request and returns normalised vectors in input order', async () => {
    const texts = Array.from({ length: 250 }, (_, i) => `passage number ${i}`);
    const vectors = await make().embed(texts, 'document');
    expect(fake.requests.map((r) => r.texts.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(fake.requests.every((r) => r.method === 'batchEmbedContents' && r.model === 'gemini-embedding-001')).toBe(true);
    expect(vectors).toHaveLength(250);
    vectors.forEach((vector, i) => {
      expect(vector).toHaveLength(768);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
      const expected = unit(fakeEmbedding(`passage number ${i}`, 768));
      expect(Math.max(...vector.map((v, k) => Math.abs(v - (expected[k] as number))))).toBeLessThan(1e-12);
    });
  });

  it('sends the task type for the purpose and the output dimensionality', async () => {
    const embedder = make({ dimensions: 256 });
    await embedder.embed(['a document'], 'document');
    await embedder.embed(['a question?'], 'query');
    const [doc, query] = fake.requests;
    expect(doc?.requests[0]).toMatchObject({ taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 256, model: 'models/gemini-embedding-001' });
    expect(query?.requests[0]).toMatchObject({ taskType: 'RETRIEVAL_QUERY', outputDimensionality: 256 });
    expect(doc?.apiKey).toBe(API_KEY);
  });

  it('waits for Retry-After on 429 while indexing documents, then succeeds', async () => {
    fake.queue(rateLimited(1));
    const started = Date.now();
    const [vector] = await make().embed(['throttled text'], 'document');
    expect(vector).toHaveLength(768);
    expect(fake.requests).toHaveLength(2);
    const waited = (fake.requests[1]?.receivedAt as number) - (fake.requests[0]?.receivedAt as number);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('skips a question’s embedding at once on a recorded 429 with a 26 s RetryInfo delay, and makes no request while the breaker is open', async () => {
    fake.always(fixtureResponses(recorded('embed-429-retrydelay-26s'), 'embed')[0]);
    const embedder = make();
    const started = Date.now();
    await expect(embedder.embed(['how long are backups kept?'], 'query')).rejects.toThrow(
      /question’s Gemini embedding skipped: .*HTTP 429.*paused for 26 s/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(1);
    await expect(embedder.embed(['and restores?'], 'query')).rejects.toThrow(/paused/);
    expect(fake.requests).toHaveLength(1);
  });

  it('uses the RetryInfo delay from a 429 body when there is no header', async () => {
    fake.queue(rateLimited(undefined, '0.6s'));
    await make().embed(['throttled text'], 'document');
    const waited = (fake.requests[1]?.receivedAt as number) - (fake.requests[0]?.receivedAt as number);
    expect(waited).toBeGreaterThanOrEqual(550);
  });

  it('retries a 500, then succeeds', async () => {
    fake.queue(serverError(500), serverError(503));
    const vectors = await make().embed(['x', 'y'], 'document');
    expect(vectors).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after the configured attempts with a clear error', async () => {
    fake.always(serverError(500));
    const error = await make({ attempts: 3 })
      .embed(['a', 'b', 'c'], 'document')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/GeminiEmbedder \(gemini-embedding-001-768\) failed to embed texts 0–2/);
    expect(error?.message).toMatch(/failed after 3 attempts: HTTP 500 INTERNAL: An internal error has occurred/);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a client error', async () => {
    const error = await make({ apiKey: 'wrong-key' })
      .embed(['a'], 'document')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/HTTP 400 INVALID_ARGUMENT: API key not valid/);
    expect(fake.requests).toHaveLength(1);
  });

  it('never puts the API key in an error message, even when the server echoes it', async () => {
    fake.always({ status: 403, body: { error: { code: 403, message: `key ${API_KEY} is blocked`, status: 'PERMISSION_DENIED' } } });
    const error = await make()
      .embed(['a'], 'document')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/PERMISSION_DENIED/);
    for (let current: unknown = error; current instanceof Error; current = current.cause) {
      expect(current.message).not.toContain(API_KEY);
      expect(String(current.stack)).not.toContain(API_KEY);
    }
  });

  it('times out a hanging request and retries it', async () => {
    fake.queue({ status: 200, delayMs: 2_000 });
    const vectors = await make({ timeoutMs: 300 }).embed(['slow'], 'document');
    expect(vectors).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('limits requests in flight', async () => {
    fake.setLatency(50);
    const texts = Array.from({ length: 50 }, (_, i) => `t${i}`);
    await make({ batchSize: 5, maxConcurrent: 2 }).embed(texts, 'document');
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('rejects an answer with the wrong number of embeddings', async () => {
    fake.queue({ status: 200, body: { embeddings: [{ values: fakeEmbedding('only one', 768) }] } });
    await expect(make().embed(['a', 'b'], 'document')).rejects.toThrow(/returned 1 embeddings for 2 texts/);
  });

  it('gives blank texts a zero vector without sending them', async () => {
    const vectors = await make().embed(['', 'real text', '   '], 'document');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.texts).toEqual(['real text']);
    expect(vectors[0]?.every((v) => v === 0)).toBe(true);
    expect(vectors[2]?.every((v) => v === 0)).toBe(true);
    expect(Math.hypot(...(vectors[1] as number[]))).toBeCloseTo(1, 10);
    expect(await make().embed([], 'query')).toEqual([]);
  });

  it('refuses batches over the API limit and calls after close()', async () => {
    expect(() => make({ batchSize: 101 })).toThrow(/batchSize must be between 1 and 100/);
    const embedder = make();
    await embedder.close();
    await expect(embedder.embed(['late'], 'query')).rejects.toThrow(/after close/);
  });
});
