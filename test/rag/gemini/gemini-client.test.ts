import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeminiClient } from '../../../rag/gemini/gemini-client.ts';
import { GeminiHttpError, toGeminiHttpError } from '../../../rag/gemini/gemini-http-error.ts';
import { errorStatus, retryAfterMs } from '../../../rag/retry.ts';
import { rateLimited, startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';

const API_KEY = 'AIzaSy-client-test-key-0123456789abc';

describe('toGeminiHttpError', () => {
  it('takes Retry-After from the header, in seconds or as a date', async () => {
    const seconds = await toGeminiHttpError(new Response('{}', { status: 429, headers: { 'retry-after': '3' } }), API_KEY);
    expect(seconds).toMatchObject({ status: 429, retryAfterMs: 3000 });
    const date = await toGeminiHttpError(
      new Response('{}', { status: 503, headers: { 'retry-after': new Date(Date.now() + 5_000).toUTCString() } }),
      API_KEY,
    );
    expect(date.retryAfterMs).toBeGreaterThan(3_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(5_000);
  });

  it('falls back to the RetryInfo delay in a 429 body and names Google’s status', async () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'Quota exceeded',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
      },
    });
    const error = await toGeminiHttpError(new Response(body, { status: 429 }), API_KEY);
    expect(error.message).toBe('HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded');
    // The retry helper reads both fields without knowing about Gemini.
    expect(errorStatus(error)).toBe(429);
    expect(retryAfterMs(error)).toBe(7_000);
  });

  it('keeps a non-JSON body, shortened, and never the key', async () => {
    const error = await toGeminiHttpError(new Response(`<html>bad gateway for key=${API_KEY}</html>${'x'.repeat(1000)}`, { status: 502 }), API_KEY);
    expect(error.message).toMatch(/^HTTP 502 <html>bad gateway for key=\[redacted\]/);
    expect(error.message).not.toContain(API_KEY);
    expect(error.message.length).toBeLessThan(520);
  });
});

describe('createGeminiClient against the fake', () => {
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: API_KEY });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('answers generateContent in one response with usageMetadata', async () => {
    fake.queueGeneration({ chunks: ['Deploys are ', 'on Tuesdays [1].'], usage: { promptTokenCount: 50, candidatesTokenCount: 7 } });
    const client = createGeminiClient({ apiKey: API_KEY, baseUrl: fake.url });
    const response = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'When are deploys?',
      config: { systemInstruction: 'Be brief.' },
    });
    expect(response.text).toBe('Deploys are on Tuesdays [1].');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 50, candidatesTokenCount: 7 });
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'generateContent', systemInstruction: 'Be brief.', texts: ['When are deploys?'] });
  });

  it('surfaces HTTP failures as GeminiHttpError with Retry-After', async () => {
    fake.queue(rateLimited(2));
    const client = createGeminiClient({ apiKey: API_KEY, baseUrl: fake.url });
    const error = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'q' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GeminiHttpError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2_000 });
  });
});
