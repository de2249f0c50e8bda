// The autoevals scorers, graded by the configured model (Gemini by default). The OpenAI client is built here and
// passed to every call, and also installed with `init`, so no scorer can ever fall back to autoevals' hosted proxy.
// The client times out and retries (honouring Retry-After); a limiter bounds calls in flight and per minute.
import type Bottleneck from 'bottleneck';
import { AnswerRelevancy, ContextRecall, ContextRelevancy, Factuality, Faithfulness, init, type Score } from 'autoevals';
import OpenAI from 'openai';
import { createRateLimiter } from '../../rag/gemini/rate-limiter.ts';
import type { GraderConfig } from '../../app/config.ts';

type AutoevalsClient = NonNullable<NonNullable<Parameters<typeof init>[0]>['client']>;

export interface LlmScore {
  score: number;
  /** The grader's own explanation (statements, verdicts, rationale), for the report. */
  metadata: Record<string, unknown>;
}

export interface RagExample {
  question: string;
  answer: string;
  contexts: string[];
  reference?: string;
}

export interface LlmScorers {
  readonly model: string;
  faithfulness(example: RagExample): Promise<LlmScore>;
  answerRelevance(example: RagExample): Promise<LlmScore>;
  contextRecall(example: RagExample & { reference: string }): Promise<LlmScore>;
  contextRelevance(example: RagExample): Promise<LlmScore>;
  factuality(example: RagExample & { reference: string }): Promise<LlmScore>;
}

export interface LlmScorerOptions {
  timeoutMs?: number;
  maxRetries?: number;
  requestsPerMinute?: number;
  maxConcurrent?: number;
  /** Questions AnswerRelevancy generates per answer (autoevals' default is 3). */
  strictness?: number;
}

export function createLlmScorers(config: GraderConfig, options: LlmScorerOptions = {}): LlmScorers {
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseUrl,
    timeout: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 3,
  });
  // autoevals' types name openai's CommonJS declarations and ours the ESM ones: the same class at run time.
  const graderClient = client as unknown as AutoevalsClient;
  init({ client: graderClient, defaultModel: config.model });
  const limiter: Bottleneck = createRateLimiter({
    requestsPerMinute: options.requestsPerMinute ?? 60,
    maxConcurrent: options.maxConcurrent ?? 2,
  });
  const common = { client: graderClient, model: config.model, temperature: 0 };
  const run = async (scorer: () => Score | Promise<Score>, name: string): Promise<LlmScore> => {
    const result = await limiter.schedule(async () => scorer());
    if (typeof result.score !== 'number' || !Number.isFinite(result.score)) {
      throw new Error(`${name} returned no score${result.error ? ` (${String(result.error)})` : ''}`);
    }
    return { score: result.score, metadata: result.metadata ?? {} };
  };
  return {
    model: config.model,
    faithfulness: (e) => run(() => Faithfulness({ ...common, input: e.question, output: e.answer, context: e.contexts }), 'Faithfulness'),
    answerRelevance: (e) =>
      run(
        () =>
          AnswerRelevancy({
            ...common,
            input: e.question,
            output: e.answer,
            context: e.contexts,
            embeddingModel: config.embedModel,
            strictness: options.strictness ?? 3,
          }),
        'AnswerRelevancy',
      ),
    contextRecall: (e) =>
      run(() => ContextRecall({ ...common, input: e.question, output: e.answer, expected: e.reference, context: e.contexts }), 'ContextRecall'),
    contextRelevance: (e) => run(() => ContextRelevancy({ ...common, input: e.question, output: e.answer, context: e.contexts }), 'ContextRelevancy'),
    factuality: (e) => run(() => Factuality({ ...common, input: e.question, output: e.answer, expected: e.reference }), 'Factuality'),
  };
}
