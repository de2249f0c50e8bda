// A local stand-in for an OpenAI-compatible API (what Gemini's `/v1beta/openai/` endpoint speaks), on 127.0.0.1 and a
// random port, so the real `openai` SDK and autoevals' scorers can be tested offline. It answers `chat/completions`
// the way autoevals needs (a forced function call whose arguments the test scripts per tool) and `embeddings` with
// deterministic vectors, base64-encoded float32 when asked (the SDK asks by default).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema };
}

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: string[];
  [key: string]: unknown;
}

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  tools?: ChatTool[];
  tool_choice?: { type: 'function'; function: { name: string } } | string;
  temperature?: number;
  max_tokens?: number;
}

export interface EmbeddingRequest {
  model: string;
  input: string | string[];
  encoding_format?: 'base64' | 'float';
}

export interface RecordedOpenAiRequest {
  path: string;
  /** The bearer token sent. */
  apiKey: string | undefined;
  kind: 'chat' | 'embeddings';
  chat?: ChatRequest;
  embeddings?: EmbeddingRequest;
  /** For chat: the function the request forces. */
  tool?: string;
}

/** The arguments the fake's model "calls" the forced function with. */
export type ToolHandler = (tool: string, request: ChatRequest) => Record<string, unknown>;

export interface FakeOpenAiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeOpenAi {
  /** The base URL to give the SDK (`baseURL`), like Gemini's `…/v1beta/openai/`. */
  readonly url: string;
  readonly requests: RecordedOpenAiRequest[];
  /** Decides the function-call arguments per tool; default `defaultToolArguments`. */
  setToolHandler(handler: ToolHandler | undefined): void;
  /** Answers the next requests with these, one each, before going back to normal. */
  queue(...responses: FakeOpenAiResponse[]): void;
  close(): Promise<void>;
}

export const FAKE_EMBEDDING_DIMENSION = 16;

/** Deterministic unit vector for a text: the same text always embeds the same, different texts differ. */
export function fakeOpenAiEmbedding(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const values = Array.from({ length: FAKE_EMBEDDING_DIMENSION }, (_, i) => digest.readUInt16BE(i * 2) / 65535 - 0.5);
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
  return values.map((v) => v / norm);
}

function base64Float32(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** The question `generate_question` returns unless a test scripts another (AnswerRelevancy's prompt omits the original). */
export const DEFAULT_GENERATED_QUESTION = 'What does the answer say?';

/** Plausible arguments for each function autoevals forces: every statement supported, the factual choice that scores 1. */
export const defaultToolArguments: ToolHandler = (tool, request) => {
  const parameters = request.tools?.find((t) => t.function.name === tool)?.function.parameters;
  switch (tool) {
    case 'select_choice': {
      const choices = parameters?.properties?.choice?.enum ?? [];
      return { reasons: 'The fake grader agrees.', choice: choices.includes('C') ? 'C' : (choices[0] ?? 'Y') };
    }
    case 'extract_statements':
      // Faithfulness asks for plain strings, ContextRecall for judged objects: told apart by the schema.
      return parameters?.properties?.statements?.items?.type === 'object'
        ? { statements: [{ statement: 'The reference is backed.', attributed: 1, reason: 'fake' }] }
        : { statements: ['The answer states one thing.'] };
    case 'judge_statements':
      return { faithfulness: [{ statement: 'The answer states one thing.', verdict: 1, reason: 'fake' }] };
    case 'extract_sentences':
      return { sentences: [] };
    case 'generate_question':
      return { question: DEFAULT_GENERATED_QUESTION, noncommittal: 0 };
    default:
      return {};
  }
};

export async function startFakeOpenAi(options: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  const requests: RecordedOpenAiRequest[] = [];
  const queued: FakeOpenAiResponse[] = [];
  let handler: ToolHandler = defaultToolArguments;
  let calls = 0;

  const send = (res: ServerResponse, response: FakeOpenAiResponse): void => {
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(JSON.stringify(response.body ?? {}));
  };
  const error = (status: number, message: string, type: string): FakeOpenAiResponse => ({ status, body: { error: { message, type, code: null } } });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization;
    const apiKey = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const kind = url.pathname.endsWith('/chat/completions') ? 'chat' : url.pathname.endsWith('/embeddings') ? 'embeddings' : undefined;
    if (req.method !== 'POST' || !kind) return send(res, error(404, `no route for ${req.method} ${url.pathname}`, 'invalid_request_error'));
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as ChatRequest & EmbeddingRequest;
    const recorded: RecordedOpenAiRequest =
      kind === 'chat'
        ? { path: url.pathname, apiKey, kind, chat: body, tool: typeof body.tool_choice === 'object' ? body.tool_choice.function.name : undefined }
        : { path: url.pathname, apiKey, kind, embeddings: body };
    requests.push(recorded);

    const canned = queued.shift();
    if (canned) return send(res, canned);
    if (options.apiKey !== undefined && apiKey !== options.apiKey)
      return send(res, error(401, 'Incorrect API key provided.', 'invalid_request_error'));

    if (kind === 'embeddings') {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      if (inputs.some((input) => typeof input !== 'string' || input === ''))
        return send(res, error(400, 'input must be non-empty strings', 'invalid_request_error'));
      const data = inputs.map((input, index) => {
        const vector = fakeOpenAiEmbedding(input);
        return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? base64Float32(vector) : vector };
      });
      const tokens = inputs.join(' ').split(/\s+/).length;
      return send(res, { status: 200, body: { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } });
    }

    if (!recorded.tool) return send(res, error(400, 'the fake only answers requests that force a function call', 'invalid_request_error'));
    calls += 1;
    const args = handler(recorded.tool, body);
    const prompt = body.messages
      .map((m) => m.content)
      .join(' ')
      .split(/\s+/).length;
    return send(res, {
      status: 200,
      body: {
        id: `chatcmpl-fake-${calls}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: `call_${calls}`, type: 'function', function: { name: recorded.tool, arguments: JSON.stringify(args) } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: prompt, completion_tokens: 20, total_tokens: prompt + 20 },
      },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, error(500, String(err), 'server_error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1beta/openai/`,
    requests,
    setToolHandler: (next) => {
      handler = next ?? defaultToolArguments;
    },
    queue: (...responses) => queued.push(...responses),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
