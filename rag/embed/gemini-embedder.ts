// Production embedder: Gemini `gemini-embedding-001` through `@google/genai`, batched, rate limited, retried.
import type Bottleneck from 'bottleneck';
import type { GoogleGenAI } from '@google/genai';
import type { Embedder, EmbeddingPurpose } from '../types.ts';
import { withRetry, withTimeout } from '../retry.ts';
import { createGeminiClient } from '../gemini/gemini-client.ts';
import { redactKey } from '../gemini/gemini-http-error.ts';
import { CircuitBreaker, runOptionalStep } from '../gemini/optional-step.ts';
import { createRateLimiter } from '../gemini/rate-limiter.ts';
import { normalized } from './normalize.ts';
import { errorMessage } from '../errors.ts';

export interface GeminiEmbedderOptions {
  apiKey: string;
  /** API root, e.g. a local fake in tests; defaults to Google's. */
  baseUrl?: string;
  /** Default `gemini-embedding-001`. */
  model?: string;
  /** `outputDimensionality`; default 768. */
  dimensions?: number;
  /** Texts per `batchEmbedContents` request; the API accepts at most 100. */
  batchSize?: number;
  /** Requests started per minute (the API quota is per minute); default 100. */
  requestsPerMinute?: number;
  /** Requests in flight at once; default 4. */
  maxConcurrent?: number;
  /** Limit per HTTP request; default 30 s. */
  timeoutMs?: number;
  /** Attempts per batch, the first included; default 5. */
  attempts?: number;
  /** First backoff step; default 1 s. */
  baseDelayMs?: number;
  /** Longest wait between attempts (and longest Retry-After honoured); default 60 s. */
  maxDelayMs?: number;
  /** A shared limiter (e.g. Bottleneck on Redis when several replicas share one quota); replaces the two above. */
  limiter?: Bottleneck;
}

const MAX_BATCH = 100;

const TASK_TYPES: Record<EmbeddingPurpose, string> = {
  document: 'RETRIEVAL_DOCUMENT',
  query: 'RETRIEVAL_QUERY',
};

export class GeminiEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;

  private readonly client: GoogleGenAI;
  private readonly model: string;
  private readonly apiKey: string;
  private readonly batchSize: number;
  private readonly limiter: Bottleneck;
  private readonly ownsLimiter: boolean;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** Opened by a quota error on a question's embedding: searches go lexical-only for a while instead of waiting. */
  private readonly queryBreaker = new CircuitBreaker();
  private closed = false;

  constructor(options: GeminiEmbedderOptions) {
    if (!options.apiKey) throw new Error('GeminiEmbedder: an API key is required (GEMINI_API_KEY)');
    this.model = options.model ?? 'gemini-embedding-001';
    this.dimension = options.dimensions ?? 768;
    if (!Number.isInteger(this.dimension) || this.dimension < 1) {
      throw new RangeError(`GeminiEmbedder: dimension must be a positive whole number, got ${this.dimension}`);
    }
    this.batchSize = options.batchSize ?? MAX_BATCH;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > MAX_BATCH) {
      throw new RangeError(`GeminiEmbedder: batchSize must be between 1 and ${MAX_BATCH}, got ${this.batchSize}`);
    }
    this.id = `${this.model}-${this.dimension}`;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.attempts = options.attempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;

    const requestsPerMinute = options.requestsPerMinute ?? 100;
    this.ownsLimiter = options.limiter === undefined;
    this.limiter = options.limiter ?? createRateLimiter({ requestsPerMinute, maxConcurrent: options.maxConcurrent ?? 4 });

    this.client = createGeminiClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
  }

  async embed(texts: string[], purpose: EmbeddingPurpose): Promise<number[][]> {
    if (this.closed) throw new Error(`GeminiEmbedder (${this.id}): embed() called after close()`);
    const bad = texts.findIndex((text) => typeof text !== 'string');
    if (bad >= 0) throw new TypeError(`GeminiEmbedder: texts[${bad}] is ${typeof texts[bad]}, not a string`);

    const results: number[][] = new Array(texts.length);
    // The API rejects empty content, and one empty chunk would sink its whole batch: blank texts get a zero
    // vector (similar to nothing) without a request.
    const toSend: number[] = [];
    texts.forEach((text, i) => {
      if (text.trim() === '') results[i] = new Array<number>(this.dimension).fill(0);
      else toSend.push(i);
    });

    // When one batch fails, the call fails: the others are cancelled instead of spending quota.
    const cancel = new AbortController();
    const batches: number[][] = [];
    for (let start = 0; start < toSend.length; start += this.batchSize) batches.push(toSend.slice(start, start + this.batchSize));
    try {
      await Promise.all(
        batches.map(async (positions) => {
          const vectors = await this.embedBatch(
            positions.map((i) => texts[i] as string),
            purpose,
            cancel.signal,
            positions,
          );
          positions.forEach((position, k) => (results[position] = vectors[k] as number[]));
        }),
      );
    } catch (error) {
      cancel.abort(error);
      throw error;
    }
    return results;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsLimiter) await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  private async embedBatch(batch: string[], purpose: EmbeddingPurpose, signal: AbortSignal, positions: number[]): Promise<number[][]> {
    const span = `texts ${positions[0]}–${positions[positions.length - 1]}`;
    // Every attempt is a request against the quota, so each goes through the limiter; the timeout starts when
    // the request does, not while it queues.
    const attempt = ({ signal: attemptSignal }: { signal: AbortSignal }): Promise<number[][]> =>
      this.limiter.schedule(() => withTimeout((requestSignal) => this.request(batch, purpose, requestSignal), this.timeoutMs, attemptSignal));
    const retry = {
      attempts: this.attempts,
      baseDelayMs: this.baseDelayMs,
      maxDelayMs: this.maxDelayMs,
      signal,
      label: `Gemini ${this.model} batchEmbedContents (${batch.length} texts)`,
    };
    try {
      // A question's embedding is optional (search goes on lexically without it) and someone is waiting;
      // documents being indexed are not, and may wait out the quota.
      if (purpose === 'query')
        return await runOptionalStep(attempt, { ...retry, step: 'the question’s Gemini embedding', breaker: this.queryBreaker });
      return await withRetry(attempt, retry);
    } catch (error) {
      if (signal.aborted && error === signal.reason) throw error;
      const message = redactKey(errorMessage(error), this.apiKey);
      throw new Error(`GeminiEmbedder (${this.id}) failed to embed ${span}: ${message}`, { cause: error });
    }
  }

  private async request(batch: string[], purpose: EmbeddingPurpose, signal: AbortSignal): Promise<number[][]> {
    const response = await this.client.models.embedContent({
      model: this.model,
      contents: batch,
      config: { taskType: TASK_TYPES[purpose], outputDimensionality: this.dimension, abortSignal: signal },
    });
    const embeddings = response.embeddings ?? [];
    if (embeddings.length !== batch.length) {
      throw new Error(`Gemini returned ${embeddings.length} embeddings for ${batch.length} texts`);
    }
    return embeddings.map((embedding, i) => {
      const values = embedding.values ?? [];
      if (values.length !== this.dimension) {
        throw new Error(`Gemini returned ${values.length} values for text ${i} of the batch, expected ${this.dimension}`);
      }
      // Only the full 3072-d output is unit length; truncated ones must be renormalised for cosine scores.
      return normalized(values);
    });
  }
}
