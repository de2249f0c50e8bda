// A local stand-in for the Gemini API (embeddings part), on 127.0.0.1 and a random port, so the real
// `@google/genai` SDK can be tested offline. Vectors are deterministic functions of the text.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEmbedRequest {
  content?: { parts?: Array<{ text?: string }> };
  taskType?: string;
  outputDimensionality?: number;
  model?: string;
}

export interface RecordedRequest {
  path: string;
  model: string;
  method: 'batchEmbedContents' | 'embedContent';
  apiKey: string | undefined;
  /** The texts, in order. */
  texts: string[];
  requests: FakeEmbedRequest[];
  receivedAt: number;
}

/** A canned answer for one request instead of the normal one. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
}

export interface FakeGemini {
  /** Base URL to give the SDK as `httpOptions.baseUrl`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers the next requests with these, one each, before going back to normal. */
  queue(...responses: FakeResponse[]): void;
  /** Answers every request with this until cleared with `undefined`. */
  always(response: FakeResponse | undefined): void;
  /** Delay for normal answers, to observe concurrency. */
  setLatency(ms: number): void;
  /** Most requests seen in flight at once. */
  readonly maxInFlight: number;
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

export async function startFakeGemini(options: { apiKey?: string } = {}): Promise<FakeGemini> {
  const requests: RecordedRequest[] = [];
  const queued: FakeResponse[] = [];
  let standing: FakeResponse | undefined;
  let latencyMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const send = (res: ServerResponse, response: FakeResponse): void => {
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(JSON.stringify(response.body ?? {}));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/v1beta\/models\/([^/:]+):(batchEmbedContents|embedContent)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      send(res, googleError(404, `no route for ${req.method} ${url.pathname}`, 'NOT_FOUND'));
      return;
    }
    const apiKey = (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined;
    const method = match[2] as RecordedRequest['method'];
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { requests?: FakeEmbedRequest[] } & FakeEmbedRequest;
    const embedRequests = method === 'batchEmbedContents' ? (body.requests ?? []) : [body];
    const texts = embedRequests.map((r) => (r.content?.parts ?? []).map((p) => p.text ?? '').join(''));
    requests.push({ path: url.pathname, model: match[1] as string, method, apiKey, texts, requests: embedRequests, receivedAt: Date.now() });

    const canned = queued.shift() ?? standing;
    const delay = canned ? (canned.delayMs ?? 0) : latencyMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (canned && canned.status !== 200) return send(res, canned);
    if (options.apiKey !== undefined && apiKey !== options.apiKey) {
      return send(res, googleError(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'));
    }
    if (texts.some((text) => text === '')) {
      return send(res, googleError(400, 'Request contains an invalid argument: empty text.', 'INVALID_ARGUMENT'));
    }
    const vectors = embedRequests.map((r, i) => fakeEmbedding(texts[i] as string, r.outputDimensionality ?? 3072));
    const payload = canned?.body ?? (method === 'batchEmbedContents' ? { embeddings: vectors.map((values) => ({ values })) } : { embedding: { values: vectors[0] } });
    send(res, { status: 200, body: payload });
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
    always: (response) => {
      standing = response;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
