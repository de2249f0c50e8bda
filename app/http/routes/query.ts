import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ChatStore } from '../../../bot/conversation/chat-store.ts';
import { finalAnswer, type Answerer } from '../../../rag/contracts/answer-stream.ts';
import { SOURCE_KINDS } from '../../../rag/contracts/sources.ts';
import type { Answer, Question, SourceKind, ThreadMessage } from '../../../rag/types.ts';
import { HttpError } from '../http-error.ts';
import { saveServedAnswer } from '../served-answers.ts';
import { answerEventStream, wantsEventStream } from '../server-sent-events.ts';

// POST /query: one question, answered as JSON (the Answer, as `lore ask --json` prints it) or, with
// `Accept: text/event-stream`, as server-sent events. The caller's key id scopes the uploads it may see, and a key
// limited to some sources is answered from those only.

export const MAX_QUESTION_CHARS = 4_000;
export const MAX_HISTORY = 20;

export interface QueryBody {
  question: string;
  k?: number;
  sources?: SourceKind[];
  history?: ThreadMessage[];
  filters?: { modifiedAfter?: string; modifiedBefore?: string; repository?: string };
}

const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?$';

export const querySchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['question'],
    properties: {
      question: { type: 'string', minLength: 1, maxLength: MAX_QUESTION_CHARS, pattern: '\\S' },
      k: { type: 'integer', minimum: 1, maximum: 20 },
      sources: {
        type: 'array',
        minItems: 1,
        maxItems: 5,
        uniqueItems: true,
        items: { type: 'string', enum: [...SOURCE_KINDS] },
      },
      history: {
        type: 'array',
        maxItems: MAX_HISTORY,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['role', 'text'],
          properties: {
            role: { type: 'string', enum: ['user', 'assistant'] },
            text: { type: 'string', maxLength: MAX_QUESTION_CHARS },
          },
        },
      },
      filters: {
        type: 'object',
        additionalProperties: false,
        properties: {
          modifiedAfter: { type: 'string', maxLength: 40, pattern: ISO_DATE },
          modifiedBefore: { type: 'string', maxLength: 40, pattern: ISO_DATE },
          repository: { type: 'string', maxLength: 200, pattern: '^[\\w.-]+/[\\w.-]+$' },
        },
      },
    },
  },
} as const;

/** How `pattern` failures of this schema read. */
export const QUERY_PATTERN_HINTS = {
  question: 'must not be blank',
  'filters.modifiedAfter': 'must be an ISO date (2024-03-01 or 2024-03-01T12:00:00Z)',
  'filters.modifiedBefore': 'must be an ISO date (2024-03-01 or 2024-03-01T12:00:00Z)',
  'filters.repository': 'must be owner/repo',
} as const;

export interface QueryRouteOptions {
  answers: Answerer;
  store: ChatStore;
  /** Key check and rate limit, in that order. */
  guards: onRequestAsyncHookHandler[];
}

export function registerQueryRoute(app: FastifyInstance, options: QueryRouteOptions): void {
  const { answers, store, guards } = options;

  app.post<{ Body: QueryBody }>('/query', { schema: querySchema, onRequest: guards }, async (request, reply) => {
    const question = toQuestion(request.body, request.keyId, request.keySources);
    const save = (answer: Answer) => saveServedAnswer(store, answer, request.keyId, request.log);
    if (wantsEventStream(request.headers.accept)) {
      const events = answers.stream(question)[Symbol.asyncIterator]();
      // Taken before any byte is sent: a failure this early is still an ordinary JSON error with a status.
      const first = await events.next();
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(answerEventStream({ first, rest: events, onAnswer: save, log: request.log, requestId: request.id }));
    }

    const answer = await finalAnswer(answers.stream(question));
    await save(answer);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer));
  });
}

function toQuestion(body: QueryBody, keyId: string, keySources: readonly SourceKind[] | null): Question {
  const { filters = {} } = body;
  for (const field of ['modifiedAfter', 'modifiedBefore'] as const) {
    const value = filters[field];
    if (value !== undefined && !Number.isFinite(Date.parse(value))) {
      throw new HttpError(400, 'invalid_request', `filters.${field} is not a real date (got ${JSON.stringify(value)})`, {}, `filters.${field}`);
    }
  }
  const questionFilters = {
    ...(body.sources ? { sources: body.sources } : {}),
    ...(filters.modifiedAfter ? { modifiedAfter: filters.modifiedAfter } : {}),
    ...(filters.modifiedBefore ? { modifiedBefore: filters.modifiedBefore } : {}),
    ...(filters.repository ? { repository: filters.repository } : {}),
  };
  return {
    text: body.question.trim(),
    ...(body.history && body.history.length > 0 ? { history: body.history.map(({ role, text }) => ({ role, text })) } : {}),
    ...(Object.keys(questionFilters).length > 0 ? { filters: questionFilters } : {}),
    ...(body.k !== undefined ? { k: body.k } : {}),
    // A key limited to some sources is scoped as a channel is: a hard limit, whatever `sources` asks for.
    ...(keySources ? { allowedSources: [...keySources] } : {}),
    uploadScope: `http:${keyId}`,
    asker: { platform: 'http', userId: keyId },
  };
}
