// Production generator: Gemini through `@google/genai`, streamed, rate limited, with a first-byte timeout and
// bounded retries for failures that happen before the reader has seen any text. An answer is only posted as
// complete when Gemini says it is (finishReason STOP, or a clean end after a whole sentence): a cut or withheld
// answer fails, so the pipeline restarts with the extractive fallback instead of posting half a sentence.
import type Bottleneck from 'bottleneck';
import type { GenerateContentResponse, GoogleGenAI } from '@google/genai';
import type { Deadline } from '../deadline.ts';
import { AttemptTimeoutError, RetryError, errorStatus, isTransientError, withRetry, withTimeout } from '../retry.ts';
import { createGeminiClient } from '../gemini/gemini-client.ts';
import { redactKey } from '../gemini/gemini-http-error.ts';
import { createRateLimiter, holdSlot } from '../gemini/rate-limiter.ts';
import { addUsage, usageFromMetadata } from '../gemini/usage.ts';
import type { GenerationEvent, GenerationRequest, Generator, TokenUsage } from '../types.ts';
import { GenerationError, type GenerationFailure } from './generation-error.ts';
import { SYSTEM_INSTRUCTION, buildUserPrompt } from './prompt.ts';
import { errorMessage, LoreError } from '../errors.ts';

export interface GeminiGeneratorOptions {
  apiKey: string;
  /** API root, e.g. a local fake in tests; defaults to Google's. */
  baseUrl?: string;
  /** Default `gemini-2.5-flash`. */
  model?: string;
  /** Default 0.2: answers should restate the passages, not vary. */
  temperature?: number;
  /**
   * Tokens for the answer itself; default 1024. Gemini counts thinking against `maxOutputTokens`, so the request
   * asks for this plus the thinking budget: thinking cannot eat the answer's share.
   */
  maxOutputTokens?: number;
  /**
   * Thinking tokens allowed. Default 512 on 2.5 Flash and Pro (enough to weigh a few passages, without delaying
   * the first token much), 0 on Flash-Lite (off, as Google ships it); other models keep their own default and
   * get `THINKING_HEADROOM` extra output tokens instead.
   */
  thinkingBudget?: number;
  /** Requests started per minute; default 60. */
  requestsPerMinute?: number;
  /** Streams open at once; default 4. */
  maxConcurrent?: number;
  /** A shared limiter (e.g. Bottleneck on Redis for many replicas); replaces the two above. */
  limiter?: Bottleneck;
  /** Limit for an attempt to answer at all (response headers and the first event); default 6 s. */
  firstByteTimeoutMs?: number;
  /** Limit for an attempt to deliver its first text; default 15 s. */
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

/** Extra output tokens for thinking on models whose thinking budget is left to the model. */
const THINKING_HEADROOM = 1024;

/** 2.5 Flash-Lite does not think unless asked; 2.5 Flash and Pro think by default (Pro cannot go below 128). */
function defaultThinkingBudget(model: string): number | undefined {
  if (/2\.5-flash-lite/.test(model)) return 0;
  if (/2\.5-(flash|pro)/.test(model)) return 512;
  return undefined;
}

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

/**
 * A 200 whose body ended before any text, block or finish reason: nothing was shown and nothing was said, so
 * another attempt is worth making (Google sends these now and then under load).
 */
class EmptyStreamError extends LoreError {
  override readonly code: string = 'empty_stream';
  constructor(readonly events: number) {
    super(`the stream ended after ${events} event(s) without text or a finish reason`);
    this.name = 'EmptyStreamError';
  }
}

/**
 * A stream that ends cleanly without a finish reason is kept when its text ends like a finished answer (a
 * sentence end, optionally followed by citation markers): some Gemini versions omit the reason on the last event.
 * Text ending mid-sentence was cut.
 */
function looksComplete(text: string): boolean {
  return /[.!?。…)"'`\]](\s*\[\d+(,\s*\d+)*\])*\s*$/u.test(text);
}

function textOf(chunk: GenerateContentResponse): string {
  const parts = chunk.candidates?.[0]?.content?.parts ?? [];
  // Thought summaries are the model's working, not the answer.
  return parts.map((part) => (typeof part.text === 'string' && !part.thought ? part.text : '')).join('');
}

/** The usage of an attempt: every event carries the running total, so the last one seen counts. */
function usageOf(chunks: readonly GenerateContentResponse[]): TokenUsage | undefined {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const usage = usageFromMetadata(chunks[i]?.usageMetadata);
    if (usage) return usage;
  }
  return undefined;
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
  private readonly firstByteTimeoutMs: number;
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
    this.thinkingBudget = options.thinkingBudget ?? defaultThinkingBudget(this.model);
    this.firstByteTimeoutMs = options.firstByteTimeoutMs ?? 6_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
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
    const { signal, deadline } = request;
    // Tokens Gemini reported for attempts that were then discarded (an empty 200, a stall after some events):
    // Google bills them, so they count in the answer's usage and cost.
    let discarded: TokenUsage | undefined;

    let release: () => void = () => undefined;
    let stream: OpenStream;
    try {
      stream = await withRetry(
        async ({ signal: attemptSignal }) => {
          // The slot is held for the whole stream (released in `finally` below), so `maxConcurrent` bounds open
          // streams; each attempt takes its own slot, so retries count against the per-minute quota too.
          const slot = await holdSlot(this.limiter, attemptSignal);
          const seen: GenerateContentResponse[] = [];
          try {
            const opened = await this.open(userPrompt, attemptSignal, seen);
            if (attemptSignal.aborted) {
              opened.controller.abort();
              throw attemptSignal.reason;
            }
            release = slot;
            return opened;
          } catch (error) {
            slot();
            discarded = addUsage(discarded, usageOf(seen));
            throw error;
          }
        },
        {
          attempts: this.attempts,
          baseDelayMs: this.baseDelayMs,
          maxDelayMs: this.maxDelayMs,
          timeoutMs: this.timeoutMs,
          isRetryable: (error) => error instanceof EmptyStreamError || isTransientError(error),
          ...(signal ? { signal } : {}),
          ...(deadline ? { deadline } : {}),
          label: `Gemini ${this.model} streamGenerateContent`,
        },
      );
    } catch (error) {
      throw this.failed(error, signal, discarded, deadline);
    }

    const onAbort = (): void => stream.controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const chunks: GenerateContentResponse[] = [];
    let text = '';
    let finishReason: string | undefined;
    const spent = (): TokenUsage | undefined => addUsage(discarded, usageOf(chunks));
    const fail = (message: string, failure: GenerationFailure, cause?: unknown): GenerationError =>
      new GenerationError(redactKey(message, this.apiKey), failure, { cause, model: this.model, usage: spent() });
    try {
      const pending = [...stream.buffered];
      let ended = stream.ended;
      for (;;) {
        let chunk = pending.shift();
        if (chunk === undefined) {
          if (ended) break;
          let next: IteratorResult<GenerateContentResponse>;
          try {
            // Once text flows the reader sees progress, so only silence ends the stream, not the answer deadline.
            next = await withTimeout(() => stream.iterator.next(), this.idleTimeoutMs, signal);
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            const why = error instanceof AttemptTimeoutError ? `no data for ${this.idleTimeoutMs} ms` : errorMessage(error);
            throw fail(`Gemini ${this.model} stream broke after ${text.length} characters: ${why}`, 'interrupted', error);
          }
          if (next.done) {
            ended = true;
            continue;
          }
          chunk = next.value;
        }
        chunks.push(chunk);

        const blockReason = chunk.promptFeedback?.blockReason;
        if (blockReason) throw fail(`Gemini ${this.model} blocked the prompt (blockReason ${blockReason})`, 'blocked');
        finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
        const delta = textOf(chunk);
        if (delta !== '') {
          text += delta;
          yield { type: 'delta', text: delta };
        }
      }

      const blocking = finishReason !== undefined && BLOCKING_FINISH_REASONS.has(finishReason);
      if (blocking) {
        // Text already shown is void too: the model stopped because of what it was saying.
        throw fail(`Gemini ${this.model} withheld its answer (finishReason ${finishReason}) after ${text.length} characters`, 'blocked');
      }
      if (finishReason === 'MAX_TOKENS') {
        throw fail(
          `Gemini ${this.model} hit its output limit after ${text.length} characters (finishReason MAX_TOKENS, ` +
            `maxOutputTokens ${this.requestedOutputTokens()})`,
          'truncated',
        );
      }
      if (text.trim() === '') throw fail(`Gemini ${this.model} returned no text (finishReason ${finishReason ?? 'none'})`, 'empty');
      if (finishReason === undefined && !looksComplete(text)) {
        // Gemini closes a finished answer with a finish reason or, at least, at a sentence end.
        throw fail(`Gemini ${this.model} stream ended without a finish reason mid-sentence after ${text.length} characters`, 'interrupted');
      }
      if (finishReason !== undefined && finishReason !== 'STOP') {
        throw fail(
          `Gemini ${this.model} stopped for an unexpected reason (finishReason ${finishReason}) after ${text.length} characters`,
          'interrupted',
        );
      }
      const usage = spent();
      yield { type: 'done', text, model: this.model, ...(usage ? { usage } : {}), finishReason: finishReason ?? 'STOP' };
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

  /** Output tokens asked for: the answer's own budget plus room for thinking. */
  private requestedOutputTokens(): number {
    return this.maxOutputTokens + (this.thinkingBudget ?? THINKING_HEADROOM);
  }

  /**
   * Opens the stream and reads until the first text, a block, or the end: everything up to there may be retried.
   * Response headers and the first event must come within `firstByteTimeoutMs`: a server that says nothing for
   * that long is stalled, and another attempt is worth more than waiting. Events read go into `seen` (for usage).
   */
  private async open(userPrompt: string, signal: AbortSignal, seen: GenerateContentResponse[]): Promise<OpenStream> {
    // The stream outlives this attempt, so it gets its own controller; the attempt's signal aborts it only
    // while the attempt is running.
    const controller = new AbortController();
    const relay = (): void => controller.abort(signal.reason);
    if (signal.aborted) relay();
    else signal.addEventListener('abort', relay, { once: true });
    try {
      const { iterator, first } = await withTimeout(
        async (firstByteSignal) => {
          firstByteSignal.addEventListener('abort', () => controller.abort(firstByteSignal.reason), { once: true });
          const responses = await this.client.models.generateContentStream({
            model: this.model,
            contents: [{ role: 'user', parts: [{ text: userPrompt }] }],
            config: {
              systemInstruction: SYSTEM_INSTRUCTION,
              temperature: this.temperature,
              maxOutputTokens: this.requestedOutputTokens(),
              ...(this.thinkingBudget !== undefined ? { thinkingConfig: { thinkingBudget: this.thinkingBudget } } : {}),
              abortSignal: controller.signal,
              // The SDK would otherwise re-issue requests itself (continuation hops), behind our retry budget's back.
              automaticContinuation: false,
            },
          });
          const it = responses[Symbol.asyncIterator]();
          return { iterator: it, first: await it.next() };
        },
        this.firstByteTimeoutMs,
        signal,
      );
      const buffered: GenerateContentResponse[] = [];
      for (let next = first; ; next = await iterator.next()) {
        if (next.done) {
          const finished = buffered.some((chunk) => chunk.candidates?.[0]?.finishReason !== undefined);
          if (!finished) throw new EmptyStreamError(buffered.length);
          return { iterator, buffered, ended: true, controller };
        }
        buffered.push(next.value);
        seen.push(next.value);
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
  private failed(error: unknown, signal: AbortSignal | undefined, usage: TokenUsage | undefined, deadline: Deadline | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    const last = error instanceof RetryError ? error.cause : error;
    const status = errorStatus(last);
    let failure: GenerationFailure = 'failed';
    if (last instanceof AttemptTimeoutError || (error instanceof RetryError && error.stoppedBy === 'deadline')) failure = 'timeout';
    else if (status === 429) failure = 'rate-limited';
    else if (status !== undefined && status >= 500) failure = 'server';
    else if (last instanceof EmptyStreamError) failure = 'empty';
    const within = deadline ? ` (${(deadline.totalMs / 1000).toFixed(0)} s answer deadline)` : '';
    const message = redactKey(`GeminiGenerator (${this.model}) failed${within}: ${errorMessage(error)}`, this.apiKey);
    return new GenerationError(message, failure, {
      cause: error,
      model: this.model,
      ...(usage ? { usage } : {}),
      ...(status !== undefined ? { status } : {}),
    });
  }
}
