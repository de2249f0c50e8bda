import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../../app/commands/ingest.ts';
import { loadConfig, type Config } from '../../../app/config.ts';
import { createAnswerService } from '../../../app/create-answer-service.ts';
import { keyIdOf } from '../../../app/http/api-keys.ts';
import { createHttpServer, type HttpServerOptions } from '../../../app/http/create-server.ts';
import { createLogger } from '../../../app/logger.ts';
import { Metrics } from '../../../app/metrics.ts';
import { BottleneckKeyLimiter } from '../../../app/rate-limit/key-limiter.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { ChromaStore } from '../../../rag/store/chroma-store.ts';
import type { Answer } from '../../../rag/types.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// The HTTP API over a real runtime: the sample knowledge base indexed into Chroma and SQLite (embeddings from the
// fake Gemini, so indexing is quick), answers extractive offline, or from Gemini (the real SDK against the fake)
// for streaming. Most of the contract goes through Fastify's inject(); streaming goes over a real socket.

const KEY_A = 'key-alpha-0123456789';
const KEY_B = 'key-bravo-9876543210';
const BACKUPS = 'How long are backups of the data directory kept?';

const tmp = tempDir('lore-http-');
const logLines: string[] = [];
let gemini: FakeGemini;
let runtime: Runtime;
let config: Config;
let offlineConfig: Config;
let metrics: Metrics;
let api: FastifyInstance;
const servers: FastifyInstance[] = [];

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function server(options: Partial<HttpServerOptions> & { config?: Config } = {}): Promise<FastifyInstance> {
  const serverConfig = options.config ?? offlineConfig;
  const app = await createHttpServer({
    answers: createAnswerService({ ...runtime, config: serverConfig }, { metrics }),
    metrics,
    limiter: new BottleneckKeyLimiter({ perMinute: 1_000 }),
    ...options,
    runtime: { ...runtime, config: serverConfig, ...options.runtime },
  });
  servers.push(app);
  return app;
}

async function ask(app: FastifyInstance, key: string, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/query', headers: auth(key), payload: body });
}

/** A multipart body as a browser or `curl -F` would send it. */
async function multipart(
  files: Array<{ name: string; content: string | Uint8Array }>,
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([file.content]), file.name);
  const request = new Request('http://localhost/ingest', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}

async function upload(app: FastifyInstance, key: string, files: Array<{ name: string; content: string | Uint8Array }>) {
  const { payload, headers } = await multipart(files);
  return app.inject({ method: 'POST', url: '/ingest', headers: { ...headers, ...auth(key) }, payload });
}

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    LORE_API_KEYS: `${KEY_A},${KEY_B}`,
    LORE_CACHE_TTL_SECONDS: '0',
  });
  // Generation offline (extractive); embeddings still from the fake, as the index was built with them.
  offlineConfig = { ...config, gemini: { ...config.gemini, apiKey: undefined } };
  const log = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  runtime = await openRuntime(config, log);
  await ingestPaths(runtime, ['datasets/sample-kb'], false);
  metrics = new Metrics({ processMetrics: false });
  api = await server();
}, 180_000);

afterAll(async () => {
  for (const app of servers) await app.close();
  await runtime?.close();
  await gemini?.close();
  tmp.cleanup();
});

describe('POST /query', () => {
  it('answers as JSON, exactly the Answer `lore ask --json` prints, citing the right document', async () => {
    const response = await ask(api, KEY_A, { question: BACKUPS });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const answer = response.json<Answer>();
    expect(answer.answer).toMatch(/30 days/);
    expect(answer.citations[0]).toMatchObject({ n: 1, title: 'data-handling-policy.txt', source: 'files' });
    expect(Object.keys(answer)).toEqual(
      expect.arrayContaining([
        'id',
        'question',
        'answer',
        'citations',
        'contexts',
        'mode',
        'abstained',
        'confidence',
        'latencyMs',
        'costUsd',
        'usage',
      ]),
    );
    expect(response.body).toBe(JSON.stringify(answer));
  });

  it('stores every answer it serves under the caller key id, so it can be rated', async () => {
    const answer = (await ask(api, KEY_B, { question: 'How long is the query log kept?', k: 5, sources: ['files'] })).json<Answer>();
    const row = runtime.db!.prepare('SELECT platform, channel_id, message_id, user_id, question FROM answers WHERE id = ?').get(answer.id);
    expect(row).toEqual({
      platform: 'http',
      channel_id: 'http',
      message_id: answer.id,
      user_id: keyIdOf(KEY_B),
      question: 'How long is the query log kept?',
    });
  });

  it('refuses invalid bodies with a 400 naming the field', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{}, 'question', /question is required/],
      [{ question: '   ' }, 'question', /question must not be blank/],
      [{ question: '' }, 'question', /question must not be empty/],
      [{ question: 'x'.repeat(4_001) }, 'question', /question must be at most 4000 characters/],
      [{ question: 42 }, 'question', /question must be a string/],
      [{ question: 'ok?', k: '5' }, 'k', /k must be a whole number/],
      [{ question: 'ok?', k: 21 }, 'k', /k must be at most 20/],
      [{ question: 'ok?', sources: ['slack'] }, 'sources[0]', /sources\[0\] must be one of: files, upload, notion, github, web/],
      [{ question: 'ok?', history: Array.from({ length: 21 }, () => ({ role: 'user', text: 'hi' })) }, 'history', /at most 20 items/],
      [{ question: 'ok?', history: [{ role: 'system', text: 'hi' }] }, 'history[0].role', /must be one of: user, assistant/],
      [{ question: 'ok?', filters: { modifiedAfter: 'last tuesday' } }, 'filters.modifiedAfter', /must be an ISO date/],
      [{ question: 'ok?', filters: { repository: 'not a repo' } }, 'filters.repository', /must be owner\/repo/],
      [{ question: 'ok?', filters: { owner: 'me' } }, 'filters.owner', /filters\.owner is not a known field/],
      [{ question: 'ok?', debug: true }, 'debug', /debug is not a known field/],
      [['question'], '', /the body must be a JSON object/],
    ];
    for (const [body, field, message] of cases) {
      const response = await ask(api, KEY_A, body as Record<string, unknown>);
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(message) });
      if (field) expect(response.json().field).toBe(field);
    }
  });

  it('refuses what is not JSON: malformed JSON (400), another media type (415), a body over 64 KB (413)', async () => {
    const malformed = await api.inject({
      method: 'POST',
      url: '/query',
      headers: { ...auth(KEY_A), 'content-type': 'application/json' },
      payload: '{"question": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ error: 'invalid_request', message: 'the body is not valid JSON' });

    const text = await api.inject({ method: 'POST', url: '/query', headers: { ...auth(KEY_A), 'content-type': 'text/plain' }, payload: 'How long?' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: 'unsupported_media_type', message: expect.stringMatching(/send application\/json/) });

    const large = await ask(api, KEY_A, { question: 'ok?', history: [{ role: 'user', text: 'x'.repeat(70 * 1024) }] });
    expect(large.statusCode).toBe(413);
    expect(large.json()).toEqual({ error: 'payload_too_large', message: 'the request body is over the 64 KB limit' });
  });
});

describe('API keys', () => {
  it('requires a configured key, by either header, and never logs it', async () => {
    const none = await api.inject({ method: 'POST', url: '/query', payload: { question: BACKUPS } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({ error: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });

    const wrong = await api.inject({ method: 'POST', url: '/query', headers: auth('key-alpha-0123456788'), payload: { question: BACKUPS } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/invalid_token/);

    expect((await api.inject({ method: 'POST', url: '/query', headers: auth(KEY_A), payload: { question: BACKUPS } })).statusCode).toBe(200);
    expect((await api.inject({ method: 'POST', url: '/query', headers: { 'x-api-key': KEY_B }, payload: { question: BACKUPS } })).statusCode).toBe(
      200,
    );
    // Feedback and uploads need a key too; health, readiness, metrics and the playground do not.
    expect((await api.inject({ method: 'POST', url: '/feedback', payload: { answerId: 'x', rating: 'up' } })).statusCode).toBe(401);
    expect((await api.inject({ method: 'POST', url: '/ingest', ...(await multipart([{ name: 'a.md', content: '# A' }])) })).statusCode).toBe(401);
    for (const url of ['/health', '/ready', '/metrics', '/']) expect((await api.inject({ method: 'GET', url })).statusCode, url).toBe(200);

    const logs = logLines.join('');
    expect(logs).toContain('request served');
    expect(logs).not.toContain(KEY_A);
    expect(logs).not.toContain(KEY_B);
  });
});

describe('rate limits', () => {
  it('refuses a key over its limit with 429 and Retry-After, counts it, and serves it again later', async () => {
    const limited = await server({
      config: { ...offlineConfig, api: { ...offlineConfig.api, ratePerMinute: 2 } },
      // Two requests per 2.4 s window here: a token back every 1.2 s.
      limiter: new BottleneckKeyLimiter({ perMinute: 2, windowMs: 2_400 }),
    });
    expect((await ask(limited, KEY_A, { question: BACKUPS })).statusCode).toBe(200);
    expect((await ask(limited, KEY_A, { question: BACKUPS })).statusCode).toBe(200);
    const refused = await ask(limited, KEY_A, { question: BACKUPS });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/2 per minute/) });
    // Another key has its own bucket.
    expect((await ask(limited, KEY_B, { question: BACKUPS })).statusCode).toBe(200);
    const text = (await limited.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/lore_api_rate_limited_total\{route="\/query"\} [1-9]/);

    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers['retry-after']) * 1_000));
    expect((await ask(limited, KEY_A, { question: BACKUPS })).statusCode).toBe(200);
  }, 30_000);

  it('refuses a question at once while the most questions it may answer at once are in progress', async () => {
    // Gemini writes slowly, so the first answer is still in progress when the second question arrives.
    gemini.setGenerator((request) =>
      request.method === 'generateContent'
        ? { chunks: [JSON.stringify({ scores: [] })] }
        : { chunks: ['Backups are kept ', 'for at most ', '30 days [1].'], chunkDelayMs: 300 },
    );
    try {
      const busy = await server({ config: { ...config, api: { ...config.api, maxConcurrentQueries: 1 } } });
      const first = ask(busy, KEY_A, { question: BACKUPS });
      await new Promise((resolve) => setTimeout(resolve, 150));
      const second = await ask(busy, KEY_B, { question: 'Who may trigger a sync from chat?' });
      expect(second.statusCode).toBe(429);
      expect(second.headers['retry-after']).toBe('1');
      expect(second.json()).toMatchObject({ error: 'busy', message: expect.stringMatching(/1 questions at once/) });
      expect((await first).statusCode).toBe(200);
      // The slot is free again once the first answer is out.
      expect((await ask(busy, KEY_B, { question: 'Who may trigger a sync from chat?' })).statusCode).toBe(200);
    } finally {
      gemini.setGenerator(undefined);
    }
  }, 30_000);
});

describe('POST /ingest', () => {
  it('indexes an uploaded file (200), then reports it unchanged when uploaded again', async () => {
    const first = await upload(api, KEY_A, [
      { name: 'team-rituals.md', content: '# Team rituals\n\nThe retro happens every second Thursday at 15:00.\n' },
    ]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ added: 1, updated: 0, unchanged: 0, deleted: 0, failed: [] });
    const again = await upload(api, KEY_A, [
      { name: 'team-rituals.md', content: '# Team rituals\n\nThe retro happens every second Thursday at 15:00.\n' },
    ]);
    expect(again.json()).toEqual({ added: 0, updated: 0, unchanged: 1, deleted: 0, failed: [] });
    const doc = await runtime.chunks.getDocument(`upload:http:${keyIdOf(KEY_A)}:team-rituals.md`);
    expect(doc).toMatchObject({ source: 'upload', title: 'team-rituals.md' });
  });

  it('indexes the good files and names the bad one (207)', async () => {
    const response = await upload(api, KEY_A, [
      { name: 'oncall.txt', content: 'The on-call rotation changes every Monday at 09:00.\n' },
      { name: 'broken.pdf', content: 'this is not a PDF at all' },
    ]);
    expect(response.statusCode).toBe(207);
    const report = response.json();
    expect(report).toMatchObject({ added: 1, failed: [{ path: 'broken.pdf', error: expect.stringMatching(/not a PDF/) }] });
    expect(report.failed[0].error).not.toMatch(/lore-upload-|\/tmp\//);
  });

  it('refuses unsupported types (422 when nothing was indexed) and empty files by name', async () => {
    const response = await upload(api, KEY_A, [
      { name: 'tool.exe', content: 'MZ' },
      { name: 'empty.md', content: '' },
    ]);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      added: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      failed: [
        { path: 'tool.exe', error: expect.stringMatching(/^\.exe files are not supported/) },
        { path: 'empty.md', error: 'the file is empty.' },
      ],
    });
  });

  it('refuses a file over LORE_MAX_FILE_MB with 413, indexing nothing from that upload', async () => {
    const small = await server({ config: { ...offlineConfig, limits: { ...offlineConfig.limits, maxFileBytes: 4 * 1024 } } });
    const response = await upload(small, KEY_A, [
      { name: 'fine.md', content: '# Fine\n\nSmall enough.\n' },
      { name: 'huge.md', content: `# Huge\n\n${'lorem ipsum '.repeat(1_000)}` },
    ]);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'payload_too_large', message: 'huge.md: the file is too large: over the 4 KB limit.' });
    expect(await runtime.chunks.getDocument(`upload:http:${keyIdOf(KEY_A)}:fine.md`)).toBeUndefined();
  });

  it('refuses more files in one upload than it takes', async () => {
    const files = Array.from({ length: 21 }, (_, i) => ({ name: `note-${i}.md`, content: `# Note ${i}\n` }));
    const response = await upload(api, KEY_A, files);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'payload_too_large', message: 'too many files in one upload: at most 20' });
    expect(await runtime.chunks.getDocument(`upload:http:${keyIdOf(KEY_A)}:note-0.md`)).toBeUndefined();
  });

  it('refuses a body that is not multipart with 415', async () => {
    const response = await api.inject({ method: 'POST', url: '/ingest', headers: auth(KEY_A), payload: { file: 'x' } });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: 'unsupported_media_type', message: expect.stringMatching(/multipart\/form-data/) });
  });

  it('makes an upload answerable for the key that uploaded it, and for no one else', async () => {
    const note = '# Project Falcon\n\nThe launch code word for Project Falcon is BLUEBERRY-SEVEN.\n';
    expect((await upload(api, KEY_B, [{ name: 'falcon.md', content: note }])).statusCode).toBe(200);
    const question = { question: 'What is the launch code word for Project Falcon?' };
    const mine = (await ask(api, KEY_B, question)).json<Answer>();
    expect(mine.answer).toMatch(/BLUEBERRY-SEVEN/);
    expect(mine.citations.map((c) => c.title)).toContain('falcon.md');
    const theirs = (await ask(api, KEY_A, question)).json<Answer>();
    expect(theirs.answer).not.toMatch(/BLUEBERRY/);
    expect(theirs.contexts.map((c) => c.docId)).not.toContain(`upload:http:${keyIdOf(KEY_B)}:falcon.md`);
  });
});

describe('POST /feedback', () => {
  it('records a rating with its reason in the feedback table, replaces it, withdraws it, and counts it', async () => {
    const answer = (await ask(api, KEY_A, { question: BACKUPS })).json<Answer>();
    const down = await api.inject({
      method: 'POST',
      url: '/feedback',
      headers: auth(KEY_A),
      payload: { answerId: answer.id, rating: 'down', reason: '  too   vague ' },
    });
    expect(down.statusCode).toBe(200);
    expect(down.json()).toEqual({ answerId: answer.id, rating: 'down', recorded: true });
    const rows = () =>
      runtime.db!.prepare('SELECT platform, user_id, rating, reason, retracted_at FROM feedback WHERE answer_id = ? ORDER BY rating').all(answer.id);
    expect(rows()).toEqual([{ platform: 'http', user_id: keyIdOf(KEY_A), rating: 'down', reason: 'too vague', retracted_at: null }]);

    await api.inject({ method: 'POST', url: '/feedback', headers: auth(KEY_A), payload: { answerId: answer.id, rating: 'up' } });
    expect(rows()).toMatchObject([
      { rating: 'down', retracted_at: expect.any(String) },
      { rating: 'up', retracted_at: null },
    ]);

    const retract = await api.inject({
      method: 'POST',
      url: '/feedback',
      headers: auth(KEY_A),
      payload: { answerId: answer.id, rating: 'up', retract: true },
    });
    expect(retract.json()).toEqual({ answerId: answer.id, rating: 'up', retracted: true });
    expect(rows()).toMatchObject([
      { rating: 'down', retracted_at: expect.any(String) },
      { rating: 'up', retracted_at: expect.any(String) },
    ]);

    const text = (await api.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('lore_feedback_total{platform="http",rating="down"} 1');
    expect(text).toContain('lore_feedback_total{platform="http",rating="up"} 1');
  });

  it('answers 404 for an unknown answer, or one served to another key', async () => {
    const unknown = await api.inject({
      method: 'POST',
      url: '/feedback',
      headers: auth(KEY_A),
      payload: { answerId: 'no-such-answer', rating: 'up' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found', field: 'answerId' });
    const answer = (await ask(api, KEY_A, { question: BACKUPS })).json<Answer>();
    const other = await api.inject({ method: 'POST', url: '/feedback', headers: auth(KEY_B), payload: { answerId: answer.id, rating: 'up' } });
    expect(other.statusCode).toBe(404);
    const invalid = await api.inject({ method: 'POST', url: '/feedback', headers: auth(KEY_A), payload: { answerId: answer.id, rating: 'meh' } });
    expect(invalid.json()).toMatchObject({ error: 'invalid_request', field: 'rating' });
  });
});

describe('GET /health, /ready, /metrics and unknown routes', () => {
  it('reports liveness with the index size, and readiness of Chroma and SQLite', async () => {
    const health = await api.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ status: 'ok', ...(await runtime.chunks.counts()) });
    const ready = await api.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { chroma: 'ok', sqlite: 'ok' } });
  });

  it('is not ready (503, naming Chroma) when Chroma is unreachable or does not answer in time', async () => {
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise((resolve) => dead.close(resolve));
    const refused = await server({ runtime: { ...runtime, vectors: ChromaStore.fromUrl(`http://127.0.0.1:${deadPort}`) } });
    const response = await refused.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'unavailable',
      checks: { chroma: 'failed', sqlite: 'ok' },
      error: 'not_ready',
      message: expect.stringMatching(/^not ready: Chroma/),
    });

    // Accepts connections, never answers: the check gives up after its timeout.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const hung = await server({
        runtime: { ...runtime, vectors: ChromaStore.fromUrl(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`) },
        readyTimeoutMs: 300,
      });
      const started = Date.now();
      const timedOut = await hung.inject({ method: 'GET', url: '/ready' });
      expect(timedOut.statusCode).toBe(503);
      expect(timedOut.json().message).toMatch(/Chroma: no answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it('serves Prometheus metrics with HTTP and answer counters moving', async () => {
    const before = (await api.inject({ method: 'GET', url: '/metrics' })).body;
    await ask(api, KEY_A, { question: BACKUPS });
    const after = await api.inject({ method: 'GET', url: '/metrics' });
    expect(after.headers['content-type']).toMatch(/^text\/plain/);
    const count = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}.]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const http = 'lore_http_requests_total{method="POST",route="/query",status="200"}';
    const answers = 'lore_answers_total{cached="false",mode="extractive",platform="http"}';
    expect(count(after.body, http)).toBe(count(before, http) + 1);
    expect(count(after.body, answers)).toBe(count(before, answers) + 1);
    expect(after.body).toMatch(/lore_http_request_duration_seconds_count\{route="\/query"\} \d+/);
  });

  it('answers unknown routes with a JSON 404, counted under one route label', async () => {
    const response = await api.inject({ method: 'GET', url: '/wp-admin/setup.php?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: 'not_found', message: 'no route for GET /wp-admin/setup.php' });
    const text = (await api.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('lore_http_requests_total{method="GET",route="unmatched",status="404"}');
    expect(text).not.toContain('wp-admin');
  });

  it('serves the playground page with a strict Content-Security-Policy', async () => {
    const page = await api.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).toMatch(/<html/i);
    for (const [url, type] of [
      ['/playground.js', /^text\/javascript/],
      ['/playground.css', /^text\/css/],
    ] as const) {
      if (!fs.existsSync(path.join('app/http/playground', url.slice(1)))) continue;
      const asset = await api.inject({ method: 'GET', url });
      expect(asset.headers['content-type']).toMatch(type);
    }
  });
});

describe('streaming over a real socket', () => {
  let url: string;
  let streaming: FastifyInstance;

  beforeAll(async () => {
    // Answers from Gemini (the fake): the reranker's call, then a streamed answer.
    streaming = await server({ config, answers: createAnswerService(runtime, { metrics }) });
    await streaming.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(streaming.server.address() as AddressInfo).port}`;
  });

  async function* events(response: Response): AsyncGenerator<{ event: string; data: unknown }> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        yield { event, data: data === undefined ? undefined : JSON.parse(data) };
      }
    }
  }

  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(`${url}/query`, {
      method: 'POST',
      headers: { ...auth(KEY_A), 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  it('streams delta events as the text is written, then the answer', async () => {
    gemini.setGenerator((request) =>
      request.method === 'generateContent'
        ? { chunks: [JSON.stringify({ scores: [] })] }
        : { chunks: ['Backups of the data directory ', 'are kept for at most ', '30 days [1].'], chunkDelayMs: 50 },
    );
    try {
      const response = await post({ question: BACKUPS });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const seen: Array<{ event: string; data: unknown }> = [];
      for await (const event of events(response)) seen.push(event);
      // Several deltas as the model writes (the citation marker may come as a piece of its own), then one answer.
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(seen.map((e) => e.event)).toEqual([...seen.slice(0, -1).map(() => 'delta'), 'answer']);
      const answer = seen.at(-1)!.data as Answer;
      expect(
        seen
          .slice(0, -1)
          .map((e) => (e.data as { text: string }).text)
          .join(''),
      ).toBe(answer.answer);
      expect(answer).toMatchObject({ mode: 'generative', answer: 'Backups of the data directory are kept for at most 30 days [1].' });
      expect(runtime.db!.prepare('SELECT platform FROM answers WHERE id = ?').pluck().get(answer.id)).toBe('http');
      expect(runtime.db!.prepare('SELECT platform FROM query_log WHERE answer_id = ?').pluck().get(answer.id)).toBe('http');
    } finally {
      gemini.setGenerator(undefined);
    }
  });

  it('says when the text so far is void (restart) and still ends with an answer', async () => {
    gemini.setGenerator((request) =>
      request.method === 'generateContent'
        ? { chunks: [JSON.stringify({ scores: [] })] }
        : { chunks: ['Backups are ', 'kept for ', 'ever.'], dropAfterChunks: 1 },
    );
    try {
      const seen: string[] = [];
      let answer: Answer | undefined;
      for await (const event of events(await post({ question: BACKUPS }))) {
        seen.push(event.event);
        if (event.event === 'answer') answer = event.data as Answer;
      }
      expect(seen).toContain('restart');
      expect(seen.indexOf('restart')).toBeGreaterThan(seen.indexOf('delta'));
      expect(seen.at(-1)).toBe('answer');
      expect(answer!.mode).toBe('extractive');
      expect(answer!.answer).toMatch(/30 days/);
    } finally {
      gemini.setGenerator(undefined);
    }
  });

  it('lets an answer in flight finish when the server closes, and takes no new requests', async () => {
    const closing = await server({ config, answers: createAnswerService(runtime, { metrics }) });
    await closing.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(closing.server.address() as AddressInfo).port}`;
    gemini.setGenerator((request) =>
      request.method === 'generateContent'
        ? { chunks: [JSON.stringify({ scores: [] })] }
        : { chunks: ['Backups of the data directory ', 'are kept for at most ', '30 days [1].'], chunkDelayMs: 300 },
    );
    try {
      const response = await fetch(`${base}/query`, {
        method: 'POST',
        headers: { ...auth(KEY_A), 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ question: BACKUPS }),
      });
      const seen: string[] = [];
      let closed: Promise<void> | undefined;
      for await (const event of events(response)) {
        seen.push(event.event);
        // Shut down as soon as the answer has begun.
        closed ??= closing.close();
      }
      expect(seen.at(-1)).toBe('answer');
      const answered = Date.now();
      await closed;
      // Not held open by the (now idle) keep-alive connection until its timeout.
      expect(Date.now() - answered).toBeLessThan(2_000);
      await expect(fetch(`${base}/health`)).rejects.toThrow();
    } finally {
      gemini.setGenerator(undefined);
    }
  });

  it('survives a client that leaves mid-stream: no crash, no unhandled rejection, the next request is served', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    gemini.setGenerator((request) =>
      request.method === 'generateContent'
        ? { chunks: [JSON.stringify({ scores: [] })] }
        : { chunks: ['one ', 'two ', 'three ', 'four ', 'five [1].'], chunkDelayMs: 200 },
    );
    try {
      const controller = new AbortController();
      const response = await post({ question: 'How long are backups kept, in days?' }, controller.signal);
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.read().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(unhandled).toEqual([]);
      // The answer was stopped with the stream: it never finished, so it was never logged or stored.
      const question = 'How long are backups kept, in days?';
      expect(runtime.db!.prepare('SELECT count(*) FROM query_log WHERE question = ?').pluck().get(question)).toBe(0);
      expect(runtime.db!.prepare('SELECT count(*) FROM answers WHERE question = ?').pluck().get(question)).toBe(0);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      gemini.setGenerator(undefined);
    }
  });
});
