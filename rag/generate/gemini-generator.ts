// Production generator: Gemini through `@google/genai`, streamed, rate limited, with a timeout and bounded
// retries for failures that happen before the reader has seen any text.
import type Bottleneck from 'bottleneck';
import type { GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { AttemptTimeoutError, RetryError, errorStatus, withRetry, withTimeout } from '../retry.ts';
import { createGeminiClient } from '../gemini/gemini-client.ts';
import { redactKey } from '../gemini/gemini-http-error.ts';
import { createRateLimiter, holdSlot } from '../gemini/rate-limiter.ts';
import type { GenerationEvent, GenerationRequest, Generator, TokenUsage } from '../types.ts';
import { GenerationError, type GenerationFailure } from './generation-error.ts';
import { SYSTEM_INSTRUCTION, buildUserPrompt } from './prompt.ts';

export interface GeminiGeneratorOptions {
  apiKey: string;
  /** API root, e.g. a local fake in tests; defaults to Google's. */
  baseUrl?: string;
  /** Default `gemini-2.5-flash`. */
  model?: string;
  /** Default 0.2: answers should restate the passages, not vary. */
  temperature?: number;
  /** Default 1024; thinking tokens count against it on 2.5 models. */
  maxOutputTokens?: number;
  /** Thinking tokens allowed (2.5 models); unset leaves the model's default. 0 turns thinking off on Flash. */
  thinkingBudget?: number;
  /** Requests started per minute; default 60. */
  requestsPerMinute?: number;
  /** Streams open at once; default 4. */
  maxConcurrent?: number;
  /** A shared limiter (e.g. Bottleneck on Redis for many replicas); replaces the two above. */
  limiter?: Bottleneck;
  /** Limit for an attempt to deliver its first text; default 30 s. */
  timeoutMs?: number;
  /** Longest silence between chunks once text is flowing; default 30 s. */
  idleTimeoutMs?: number;
  /** Attempts before the first text, the first included; default 3. */
  attempts?: number;
  /** First backoff step; default 1 s. */
  baseDelayMs?: number;
  /** Longest wait between attempts (and longest Retry-After honoured); default 20 s: someone is waiting in chat. */
  maxDelayMs?: number;
}

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

/** Finish reasons that mean the model's output was withheld, not that it had nothing to say. */
const BLOCKING_FINISH_REASONS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

interface OpenStream {
  iterator: AsyncIterator<GenerateContentResponse>;
  /** Chunks read while waiting for the first text (or a block). */
  buffered: GenerateContentResponse[];
  ended: boolean;
  /** Aborts the HTTP stream. */
  controller: AbortController;
}

function textOf(chunk: GenerateContentResponse): string {
  const parts = chunk.candidates?.[0]?.content?.parts ?? [];
  // Thought summaries are the model's working, not the answer.
  return parts.map((part) => (typeof part.text === 'string' && !part.thought ? part.text : '')).join('');
}

function usageOf(chunk: GenerateContentResponse): TokenUsage | undefined {
  const metadata = chunk.usageMetadata;
  if (!metadata) return undefined;
  // Thinking is billed as output, so it counts as output for cost.
  return {
    inputTokens: metadata.promptTokenCount ?? 0,
    outputTokens: (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class GeminiGenerator implements Generator {
  readonly id: string;

  private readonly model: string;
  private readonly apiKey: string;
  private readonly client: GoogleGenAI;
  private readonly limiter: Bottleneck;
  private readonly ownsLimiter: boolean;
  private readonly temperature: number;
  private readonly maxOutputTokens: number;
  private readonly thinkingBudget: number | undefined;
  private readonly timeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private closed = false;

  constructor(options: GeminiGeneratorOptions) {
    if (!options.apiKey) throw new Error('GeminiGenerator: an API key is required (GEMINI_API_KEY)');
    this.model = options.model ?? DEFAULT_GEMINI_MODEL;
    this.id = this.model;
    this.apiKey = options.apiKey;
    this.temperature = options.temperature ?? 0.2;
    this.maxOutputTokens = options.maxOutputTokens ?? 1024;
    this.thinkingBudget = options.thinkingBudget;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.attempts = options.attempts ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.ownsLimiter = options.limiter === undefined;
    this.limiter =
      options.limiter ?? createRateLimiter({ requestsPerMinute: options.requestsPerMinute ?? 60, maxConcurrent: options.maxConcurrent ?? 4 });
    this.client = createGeminiClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
  }

  async *generate(request: GenerationRequest): AsyncGenerator<GenerationEvent> {
    if (this.closed) throw new Error(`GeminiGenerator (${this.model}): generate() called after close()`);
    const userPrompt = buildUserPrompt(request);
    const { signal } = request;

    let release: () => void = () => undefined;
    let stream: OpenStream;
    try {
      stream = await withRetry(
        async ({ signal: attemptSignal }) => {
          // The slot is held for the whole stream (released in `finally` below), so `maxConcurrent` bounds open
          // streams; each attempt takes its own slot, so retries count against the per-minute quota too.
          const slot = await holdSlot(this.limiter, attemptSignal);
          try {
            const opened = await withTimeout((requestSignal) => this.open(userPrompt, requestSignal), this.timeoutMs, attemptSignal);
            if (attemptSignal.aborted) {
              opened.controller.abort();
              throw attemptSignal.reason;
            }
            release = slot;
            return opened;
          } catch (error) {
            slot();
            throw error;
          }
        },
        {
          attempts: this.attempts,
          baseDelayMs: this.baseDelayMs,
          maxDelayMs: this.maxDelayMs,
          ...(signal ? { signal } : {}),
          label: `Gemini ${this.model} streamGenerateContent`,
        },
      );
    } catch (error) {
      throw this.failed(error, signal);
    }

    const onAbort = (): void => stream.controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    let usage: TokenUsage | undefined;
    let finishReason: string | undefined;
    try {
      const pending = [...stream.buffered];
      let ended = stream.ended;
      for (;;) {
        let chunk = pending.shift();
        if (chunk === undefined) {
          if (ended) break;
          let next: IteratorResult<GenerateContentResponse>;
          try {
            next = await withTimeout(() => stream.iterator.next(), this.idleTimeoutMs, signal);
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            const why = error instanceof AttemptTimeoutError ? `no data for ${this.idleTimeoutMs} ms` : describe(error);
            throw new GenerationError(
              redactKey(`Gemini ${this.model} stream broke after ${text.length} characters: ${why}`, this.apiKey),
              'interrupted',
              { cause: error },
            );
          }
          if (next.done) {
            ended = true;
            continue;
          }
          chunk = next.value;
        }

        const blockReason = chunk.promptFeedback?.blockReason;
        if (blockReason) {
          throw new GenerationError(`Gemini ${this.model} blocked the prompt (blockReason ${blockReason})`, 'blocked');
        }
        usage = usageOf(chunk) ?? usage;
        finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
        const delta = textOf(chunk);
        if (delta !== '') {
          text += delta;
          yield { type: 'delta', text: delta };
        }
      }

      if (text.trim() === '') {
        if (finishReason !== undefined && BLOCKING_FINISH_REASONS.has(finishReason)) {
          throw new GenerationError(`Gemini ${this.model} withheld its answer (finishReason ${finishReason})`, 'blocked');
        }
        throw new GenerationError(`Gemini ${this.model} returned no text (finishReason ${finishReason ?? 'none'})`, 'empty');
      }
      if (finishReason === undefined) {
        // Gemini always closes a stream with a finish reason; without one the connection was cut mid-answer.
        throw new GenerationError(`Gemini ${this.model} stream ended without a finish reason after ${text.length} characters`, 'interrupted');
      }
      yield { type: 'done', text, model: this.model, ...(usage ? { usage } : {}), finishReason };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Closes the connection when the consumer stops early or a failure left the stream open.
      stream.controller.abort();
      release();
    }
  }

  /** Stops the limiter this generator created; a shared limiter is left to its owner. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsLimiter) await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  /** Opens the stream and reads until the first text, a block, or the end: everything up to there may be retried. */
  private async open(userPrompt: string, signal: AbortSignal): Promise<OpenStream> {
    // The stream outlives this attempt, so it gets its own controller; the attempt's signal aborts it only
    // while the attempt is running.
    const controller = new AbortController();
    const relay = (): void => controller.abort(signal.reason);
    if (signal.aborted) relay();
    else signal.addEventListener('abort', relay, { once: true });
    try {
      const responses = await this.client.models.generateContentStream({
        model: this.model,
        contents: [{ role: 'user', parts: [{ text: userPrompt }] }],
        config: {
          systemInstruction: SYSTEM_INSTRUCTION,
          temperature: this.temperature,
          maxOutputTokens: this.maxOutputTokens,
          ...(this.thinkingBudget !== undefined ? { thinkingConfig: { thinkingBudget: this.thinkingBudget } } : {}),
          abortSignal: controller.signal,
          // The SDK would otherwise re-issue requests itself (continuation hops), behind our retry budget's back.
          automaticContinuation: false,
        },
      });
      const iterator = responses[Symbol.asyncIterator]();
      const buffered: GenerateContentResponse[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done) return { iterator, buffered, ended: true, controller };
        buffered.push(next.value);
        if (textOf(next.value) !== '' || next.value.promptFeedback?.blockReason) return { iterator, buffered, ended: false, controller };
      }
    } catch (error) {
      controller.abort();
      throw error;
    } finally {
      signal.removeEventListener('abort', relay);
    }
  }

  /** One clear `GenerationError` naming the model and the reason; a caller's abort is rethrown as it came. */
  private failed(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    const last = error instanceof RetryError ? error.cause : error;
    const status = errorStatus(last);
    let failure: GenerationFailure = 'failed';
    if (last instanceof AttemptTimeoutError) failure = 'timeout';
    else if (status === 429) failure = 'rate-limited';
    else if (status !== undefined && status >= 500) failure = 'server';
    const message = redactKey(`GeminiGenerator (${this.model}) failed: ${describe(error)}`, this.apiKey);
    return new GenerationError(message, failure, { cause: error });
  }
}
