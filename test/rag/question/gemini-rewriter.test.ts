import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GeminiRewriter, type GeminiRewriterOptions } from '../../../rag/question/gemini-rewriter.ts';
import type { ThreadMessage } from '../../../rag/types.ts';

const API_KEY = 'AIzaSy-rewriter-test-key-0123456789';
const THREAD: ThreadMessage[] = [
  { role: 'user', text: 'How do I install the Slack app?' },
  { role: 'assistant', text: 'Open the App Directory and pick Lore [1].' },
];

interface Seen {
  path: string;
  apiKey: string | undefined;
  body: {
    contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
    systemInstruction?: { parts?: Array<{ text?: string }> };
    generationConfig?: Record<string, unknown>;
  };
}

/** What the tiny Gemini stand-in does with one request. */
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

function answer(text: string, usage: Record<string, number> = { promptTokenCount: 57, candidatesTokenCount: 9, totalTokenCount: 66 }): Reply {
  return {
    status: 200,
    body: { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage },
  };
}

describe('GeminiRewriter', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  let replies: Reply[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const header = request.headers['x-goog-api-key'];
        seen.push({
          path: request.url ?? '',
          apiKey: typeof header === 'string' ? header : undefined,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Seen['body'],
        });
        const match = /^\/v1beta\/models\/([^/:]+):generateContent/.exec(request.url ?? '');
        const reply =
          request.method === 'POST' && match ? (replies.shift() ?? answer('How do I install the Discord app?')) : { status: 404, body: {} };
        const send = (): void => {
          if (response.destroyed) return;
          response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          response.end(JSON.stringify(reply.body ?? {}));
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    seen.length = 0;
    replies = [];
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const make = (options: Partial<GeminiRewriterOptions> = {}): GeminiRewriter =>
    new GeminiRewriter({ apiKey: API_KEY, baseUrl, baseDelayMs: 10, timeoutMs: 2_000, ...options });

  it('asks the model for a standalone question and reports model and usage', async () => {
    const result = await make().rewrite('and for Discord?', THREAD);
    expect(result).toEqual({
      text: 'How do I install the Discord app?',
      model: 'gemini-2.5-flash',
      usage: { inputTokens: 57, outputTokens: 9 },
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.path).toMatch(/^\/v1beta\/models\/gemini-2\.5-flash:generateContent/);
    expect(request?.apiKey).toBe(API_KEY);
    const prompt = request?.body.contents?.[0]?.parts?.[0]?.text ?? '';
    expect(prompt).toContain('User: How do I install the Slack app?');
    expect(prompt).toContain('Lore: Open the App Directory and pick Lore [1].');
    expect(prompt).toContain('Last message: and for Discord?');
    expect(request?.body.systemInstruction?.parts?.[0]?.text).toMatch(/standalone/);
    expect(request?.body.generationConfig).toMatchObject({ temperature: 0, thinkingConfig: { thinkingBudget: 0 } });
  });

  it('uses the configured model and counts thinking tokens as output', async () => {
    replies.push(
      answer('How do I install the Discord app?', { promptTokenCount: 40, candidatesTokenCount: 8, thoughtsTokenCount: 30, totalTokenCount: 78 }),
    );
    const result = await make({ model: 'gemini-2.5-pro' }).rewrite('and for Discord?', THREAD);
    expect(seen[0]?.path).toMatch(/models\/gemini-2\.5-pro:generateContent/);
    expect(seen[0]?.body.generationConfig?.thinkingConfig).toBeUndefined();
    expect(result).toMatchObject({ model: 'gemini-2.5-pro', usage: { inputTokens: 40, outputTokens: 38 } });
  });

  it('makes no call when there is no earlier question to resolve against', async () => {
    const result = await make().rewrite('How do I rotate API keys?', [{ role: 'assistant', text: 'Hi!' }]);
    expect(result).toEqual({ text: 'How do I rotate API keys?', rule: 'no-history' });
    expect(seen).toHaveLength(0);
  });

  it('retries a transient failure', async () => {
    replies.push({ status: 503, body: { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } } });
    const result = await make().rewrite('and for Discord?', THREAD);
    expect(seen).toHaveLength(2);
    expect(result).toMatchObject({ text: 'How do I install the Discord app?', model: 'gemini-2.5-flash' });
  });

  it('falls back at once on a 429 and opens the circuit breaker instead of waiting out the retry delay', async () => {
    replies.push({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } } });
    const rewriter = make({ attempts: 3 });
    const started = Date.now();
    const result = await rewriter.rewrite('and for Discord?', THREAD);
    expect(Date.now() - started).toBeLessThan(900);
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ text: 'How do I install the Discord app?', rule: 'slot' });
    expect(result.fallbackReason).toMatch(/quota is used up \(HTTP 429\), paused for 5 s/);
    // While the breaker is open the next rewrite makes no request at all.
    const next = await rewriter.rewrite('and for Discord?', THREAD);
    expect(seen).toHaveLength(1);
    expect(next.fallbackReason).toMatch(/paused/);
  });

  it('falls back to the heuristic rewrite after the retries run out, saying why', async () => {
    const failure = { status: 500, body: { error: { code: 500, message: 'internal', status: 'INTERNAL' } } };
    replies.push(failure, failure);
    const result = await make({ attempts: 2 }).rewrite('and for Discord?', THREAD);
    expect(seen).toHaveLength(2);
    expect(result.text).toBe('How do I install the Discord app?');
    expect(result.rule).toBe('slot');
    expect(result.model).toBeUndefined();
    expect(result.fallbackReason).toMatch(/failed after 2 attempts/);
    expect(result.fallbackReason).not.toContain(API_KEY);
  });

  it('does not retry a request the API rejects, and falls back', async () => {
    replies.push({ status: 400, body: { error: { code: 400, message: 'API key not valid', status: 'INVALID_ARGUMENT' } } });
    const result = await make({ attempts: 3 }).rewrite('and for Discord?', THREAD);
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ text: 'How do I install the Discord app?', rule: 'slot' });
    expect(result.fallbackReason).toBeDefined();
  });

  it('falls back when the model is too slow', async () => {
    replies.push({ ...answer('late'), delayMs: 1_000 });
    const started = Date.now();
    const result = await make({ timeoutMs: 100, attempts: 1 }).rewrite('and for Discord?', THREAD);
    expect(Date.now() - started).toBeLessThan(900);
    expect(result).toMatchObject({ text: 'How do I install the Discord app?', rule: 'slot' });
    expect(result.fallbackReason).toMatch(/timed out/);
  });

  it('falls back on an empty or rambling reply but still reports the tokens spent', async () => {
    replies.push(answer('   '));
    const empty = await make().rewrite('and for Discord?', THREAD);
    expect(empty).toMatchObject({ text: 'How do I install the Discord app?', rule: 'slot', usage: { inputTokens: 57, outputTokens: 9 } });
    expect(empty.fallbackReason).toMatch(/no usable rewrite/);

    replies.push(answer('To install the Discord app, '.repeat(40)));
    const rambling = await make().rewrite('and for Discord?', THREAD);
    expect(rambling.rule).toBe('slot');
  });

  it('takes the first line and drops labels and quotes around it', async () => {
    replies.push(answer('Standalone question: "How do I install the Discord app?"\n\n(rewritten from the thread)'));
    expect((await make().rewrite('and for Discord?', THREAD)).text).toBe('How do I install the Discord app?');
  });

  it('sends only the most recent messages of a long thread', async () => {
    const long: ThreadMessage[] = Array.from({ length: 20 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', text: `message ${i}` }));
    await make({ maxHistoryMessages: 4 }).rewrite('and for Discord?', long);
    const prompt = seen[0]?.body.contents?.[0]?.parts?.[0]?.text ?? '';
    expect(prompt).toContain('message 19');
    expect(prompt).toContain('message 16');
    expect(prompt).not.toContain('message 15');
  });

  it('refuses to start without a key or a client', () => {
    expect(() => new GeminiRewriter({})).toThrow(/API key/);
  });
});
