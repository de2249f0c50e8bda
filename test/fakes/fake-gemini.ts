// A local stand-in for the Gemini API (embeddings and text generation), on 127.0.0.1 and a random port, so the
// real `@google/genai` SDK can be tested offline. Vectors are deterministic functions of the text; generated
// answers are scripted by the test (or a fixed cited sentence), streamed as server-sent events like Google's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEmbedRequest {
  content?: { parts?: Array<{ text?: string }> };
  taskType?: string;
  outputDimensionality?: number;
  model?: string;
}

export interface FakeGenerateRequest {
  contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
  systemInstruction?: { parts?: Array<{ text?: string }> };
  generationConfig?: Record<string, unknown>;
}

export interface RecordedRequest {
  path: string;
  model: string;
  method: 'batchEmbedContents' | 'embedContent' | 'generateContent' | 'streamGenerateContent';
  apiKey: string | undefined;
  /** The texts, in order (for generation: the text of each content turn). */
  texts: string[];
  /** Embedding requests (empty for generation). */
  requests: FakeEmbedRequest[];
  /** The generation request body (generation only). */
  generate?: FakeGenerateRequest;
  /** The system instruction's text (generation only). */
  systemInstruction?: string;
  receivedAt: number;
}

/** How the fake answers one generation request. */
export interface FakeGeneration {
  /** Text pieces: one SSE event each when streaming, concatenated for `generateContent`. */
  chunks: string[];
  /** Default `STOP`; e.g. `SAFETY`, `MAX_TOKENS`. */
  finishReason?: string;
  /** `promptFeedback.blockReason`: the prompt was blocked, no candidate is sent. */
  blockReason?: string;
  /** `usageMetadata` of the last event; default: word counts of the prompt and the answer. */
  usage?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number; totalTokenCount?: number };
  /** Pause before each streamed event after the first. */
  chunkDelayMs?: number;
  /** Drop the connection after sending this many events (a failure mid-stream). */
  dropAfterChunks?: number;
}

/** A canned answer for one request instead of the normal one. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  /** Answer only once this settles (after `delayMs`): a test holds a request in flight for as long as it needs. */
  heldUntil?: Promise<unknown>;
  /** The body sent verbatim instead of `body` (a recorded error body). */
  raw?: string;
  /** A recorded 200 stream: each string is one SSE event's data, sent verbatim (generation only). */
  sse?: string[];
  /** `before-headers`: never answer; `after-headers`: send 200 headers (and `sse`), then go silent. */
  hang?: 'before-headers' | 'after-headers';
}

/** Which calls a `queueFor` response is for. */
export type FakeCallKind = 'embed' | 'generateContent' | 'streamGenerateContent';

/** One recorded response of `test/fixtures/gemini/*.json` (a shape of the shared real-traffic recordings). */
export interface RecordedResponse {
  status?: number;
  raw?: string;
  headers?: Record<string, string>;
  sse?: string[];
  after?: string;
  hangBeforeHeaders?: boolean;
}

export interface RecordedFixture {
  id: string;
  /** Where the recording comes from. */
  source: string;
  stream: RecordedResponse[];
  generate: RecordedResponse[];
  embed: RecordedResponse[];
}

/** A recorded Gemini response from `test/fixtures/gemini/<name>.json` (its source is in the file and the README there). */
export function recordedGemini(name: string): RecordedFixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/gemini/${name}.json`, import.meta.url), 'utf8')) as RecordedFixture;
}

/** A recorded fixture's responses for one kind of call, as canned responses for `queue()` / `always()`. */
export function fixtureResponses(fixture: RecordedFixture, kind: 'stream' | 'generate' | 'embed'): FakeResponse[] {
  return fixture[kind].map((recorded) => {
    if (recorded.hangBeforeHeaders) return { status: 200, hang: 'before-headers' };
    return {
      status: recorded.status ?? 200,
      ...(recorded.headers ? { headers: recorded.headers } : {}),
      ...(recorded.raw !== undefined ? { raw: recorded.raw } : {}),
      ...(recorded.sse ? { sse: recorded.sse } : {}),
      ...(recorded.after === 'hang' ? { hang: 'after-headers' as const } : {}),
    };
  });
}

export interface FakeGemini {
  /** Base URL to give the SDK as `httpOptions.baseUrl`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers the next requests with these, one each, before going back to normal. */
  queue(...responses: FakeResponse[]): void;
  /** Like `queue`, for one kind of call only (`embed`: both embedding methods); these come before `queue`'s. */
  queueFor(kind: FakeCallKind, ...responses: FakeResponse[]): void;
  /** Answers every request with this until cleared with `undefined`. */
  always(response: FakeResponse | undefined): void;
  /** Delay for normal answers, to observe concurrency. */
  setLatency(ms: number): void;
  /** Most requests seen in flight at once. */
  readonly maxInFlight: number;
  /** Answers the next generation requests with these, one each, before going back to `generator`. */
  queueGeneration(...generations: FakeGeneration[]): void;
  /** Decides the normal generation answer; default `defaultGeneration`. */
  setGenerator(generator: ((request: RecordedRequest) => FakeGeneration) | undefined): void;
  close(): Promise<void>;
}

/** Deterministic pseudo-embedding: a hash-seeded sequence, deliberately not unit length. */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const values: number[] = [];
  let block = 0;
  while (values.length < dimension) {
    const digest = createHash('sha256').update(`${block++}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && values.length < dimension; i += 2) {
      values.push((digest.readUInt16BE(i) / 65535) * 4 - 2);
    }
  }
  return values;
}

function googleError(status: number, message: string, statusText: string): FakeResponse {
  return { status, body: { error: { code: status, message, status: statusText } } };
}

/** A 429 as Google sends it: RetryInfo in the body, optionally a Retry-After header too. */
export function rateLimited(retryAfterSeconds?: number, retryDelay?: string): FakeResponse {
  return {
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    body: {
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : [],
      },
    },
  };
}

export function serverError(status = 500): FakeResponse {
  return googleError(status, 'An internal error has occurred.', status === 503 ? 'UNAVAILABLE' : 'INTERNAL');
}

/** The answer given when a test scripts none: one cited sentence in three chunks. */
export const DEFAULT_ANSWER_CHUNKS = ['The fake model ', 'answers from passage one ', '[1].'];

function wordCount(texts: string[]): number {
  return texts.join(' ').split(/\s+/).filter(Boolean).length;
}

export function defaultGeneration(): FakeGeneration {
  return { chunks: DEFAULT_ANSWER_CHUNKS };
}

/** A generator for a whole answer: reranking (generateContent) gets no scores, so retrieval's order stands, and the
 * answer streams `chunks`. */
export function answerWith(chunks: string[]): (request: RecordedRequest) => FakeGeneration {
  return (request) => (request.method === 'generateContent' ? { chunks: [JSON.stringify({ scores: [] })] } : { chunks });
}

function generationEvents(generation: FakeGeneration, request: RecordedRequest, model: string): unknown[] {
  const promptTokenCount = generation.usage?.promptTokenCount ?? wordCount([request.systemInstruction ?? '', ...request.texts]);
  const usageAt = (sent: string[]): Record<string, number> => {
    const candidatesTokenCount = wordCount(sent);
    return { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount };
  };
  if (generation.blockReason) {
    return [
      {
        promptFeedback: { blockReason: generation.blockReason },
        usageMetadata: { promptTokenCount, totalTokenCount: promptTokenCount },
        modelVersion: model,
      },
    ];
  }
  const chunks = generation.chunks.length > 0 ? generation.chunks : [''];
  return chunks.map((text, i) => {
    const last = i === chunks.length - 1;
    const candidate: Record<string, unknown> = { content: { role: 'model', parts: text === '' ? [] : [{ text }] }, index: 0 };
    if (last) candidate.finishReason = generation.finishReason ?? 'STOP';
    // Like Google, every event carries the running usage; the last one is the total.
    const usage = last ? { ...usageAt(chunks), ...generation.usage } : usageAt(chunks.slice(0, i + 1));
    return { candidates: [candidate], usageMetadata: usage, modelVersion: model };
  });
}

/** Waits as a response asks before it is sent: its delay (or the standing latency), then until it is released. */
async function waitToAnswer(canned: FakeResponse | undefined, latencyMs: number): Promise<void> {
  const delay = canned ? (canned.delayMs ?? 0) : latencyMs;
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  await canned?.heldUntil;
}

export async function startFakeGemini(options: { apiKey?: string } = {}): Promise<FakeGemini> {
  const requests: RecordedRequest[] = [];
  const queued: FakeResponse[] = [];
  const queuedFor: Record<FakeCallKind, FakeResponse[]> = { embed: [], generateContent: [], streamGenerateContent: [] };
  const queuedGenerations: FakeGeneration[] = [];
  let generator: (request: RecordedRequest) => FakeGeneration = defaultGeneration;
  let standing: FakeResponse | undefined;
  let latencyMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const send = (res: ServerResponse, response: FakeResponse): void => {
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(response.raw ?? JSON.stringify(response.body ?? {}));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/v1beta\/models\/([^/:]+):(batchEmbedContents|embedContent|generateContent|streamGenerateContent)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      send(res, googleError(404, `no route for ${req.method} ${url.pathname}`, 'NOT_FOUND'));
      return;
    }
    const apiKey = (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined;
    const method = match[2] as RecordedRequest['method'];
    if (method === 'generateContent' || method === 'streamGenerateContent') {
      return generate(res, url, match[1] as string, method, apiKey, Buffer.concat(chunks).toString('utf8'));
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { requests?: FakeEmbedRequest[] } & FakeEmbedRequest;
    const embedRequests = method === 'batchEmbedContents' ? (body.requests ?? []) : [body];
    const texts = embedRequests.map((r) => (r.content?.parts ?? []).map((p) => p.text ?? '').join(''));
    requests.push({ path: url.pathname, model: match[1] as string, method, apiKey, texts, requests: embedRequests, receivedAt: Date.now() });

    const canned = queuedFor.embed.shift() ?? queued.shift() ?? standing;
    await waitToAnswer(canned, latencyMs);
    if (canned?.hang === 'before-headers') return;
    if (canned && canned.status !== 200) return send(res, canned);
    if (options.apiKey !== undefined && apiKey !== options.apiKey) {
      return send(res, googleError(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'));
    }
    if (texts.some((text) => text === '')) {
      return send(res, googleError(400, 'Request contains an invalid argument: empty text.', 'INVALID_ARGUMENT'));
    }
    const vectors = embedRequests.map((r, i) => fakeEmbedding(texts[i] as string, r.outputDimensionality ?? 3072));
    const payload =
      canned?.body ??
      (method === 'batchEmbedContents' ? { embeddings: vectors.map((values) => ({ values })) } : { embedding: { values: vectors[0] } });
    send(res, { status: 200, body: payload });
  };

  const generate = async (
    res: ServerResponse,
    url: URL,
    model: string,
    method: 'generateContent' | 'streamGenerateContent',
    apiKey: string | undefined,
    raw: string,
  ): Promise<void> => {
    const body = JSON.parse(raw || '{}') as FakeGenerateRequest;
    const texts = (body.contents ?? []).map((content) => (content.parts ?? []).map((p) => p.text ?? '').join(''));
    const systemInstruction = (body.systemInstruction?.parts ?? []).map((p) => p.text ?? '').join('');
    const recorded: RecordedRequest = {
      path: url.pathname,
      model,
      method,
      apiKey,
      texts,
      requests: [],
      generate: body,
      systemInstruction,
      receivedAt: Date.now(),
    };
    requests.push(recorded);

    const canned = queuedFor[method].shift() ?? queued.shift() ?? standing;
    await waitToAnswer(canned, latencyMs);
    if (res.destroyed) return;
    // A stalled server: the client's own timeout has to end the request.
    if (canned?.hang === 'before-headers') return;
    if (canned && canned.status !== 200) return send(res, canned);
    if (options.apiKey !== undefined && apiKey !== options.apiKey) {
      return send(res, googleError(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'));
    }
    if (canned?.sse !== undefined || canned?.hang === 'after-headers') {
      // A recorded stream, replayed event by event as Google sent it.
      res.writeHead(200, { 'content-type': 'text/event-stream', ...canned.headers });
      for (const data of canned.sse ?? []) {
        if (res.destroyed) return;
        await new Promise<void>((resolve) => res.write(`data: ${data}\r\n\r\n`, () => resolve()));
      }
      if (canned.hang !== 'after-headers') res.end();
      return;
    }
    if (texts.length === 0 || texts.every((text) => text === '')) {
      return send(res, googleError(400, 'Request contains an invalid argument: contents is not specified.', 'INVALID_ARGUMENT'));
    }
    const generation = queuedGenerations.shift() ?? generator(recorded);
    if (method === 'generateContent') {
      const whole = generationEvents({ ...generation, chunks: [generation.chunks.join('')] }, recorded, model)[0];
      return send(res, { status: 200, body: canned?.body ?? whole });
    }
    const events = canned?.body !== undefined ? [canned.body] : generationEvents(generation, recorded, model);
    if (url.searchParams.get('alt') !== 'sse') {
      return send(res, googleError(400, 'the fake only streams server-sent events (alt=sse)', 'INVALID_ARGUMENT'));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [i, event] of events.entries()) {
      if (generation.dropAfterChunks !== undefined && i >= generation.dropAfterChunks) {
        res.destroy();
        return;
      }
      if (i > 0 && generation.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, generation.chunkDelayMs));
      if (res.destroyed) return;
      // Waiting for the flush makes a later drop happen after the client has the event, not instead of it.
      await new Promise<void>((resolve) => res.write(`data: ${JSON.stringify(event)}\r\n\r\n`, () => resolve()));
    }
    res.end();
  };

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, googleError(500, String(error), 'INTERNAL'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (...responses) => queued.push(...responses),
    queueFor: (kind, ...responses) => queuedFor[kind].push(...responses),
    always: (response) => {
      standing = response;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    queueGeneration: (...generations) => queuedGenerations.push(...generations),
    setGenerator: (next) => {
      generator = next ?? defaultGeneration;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
