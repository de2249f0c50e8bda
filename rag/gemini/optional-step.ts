// Optional Gemini steps of an answer (query embedding, reranking, question rewriting): each has a plainer way
// to do without (lexical search, the feature ranking, the heuristic rewrite), so none is worth making someone wait.
// A quota error (429 RESOURCE_EXHAUSTED) opens a short circuit breaker instead of waiting out Google's retry
// delay (often 20–60 s), and a retry that would not fit the answer's deadline is not made: the step is skipped
// at once, with a one-line note on the answer.
import { currentDeadline } from '../deadline.ts';
import { RetryError, errorStatus, isTransientError, retryAfterMs, withRetry, type AttemptContext, type RetryOptions } from '../retry.ts';
import { LoreError } from '../errors.ts';

export interface CircuitBreakerOptions {
  /** Shortest time the breaker stays open after a quota error; default 5 s. */
  minOpenMs?: number;
  /** Longest, whatever the server's retry delay; default 60 s (quotas are per minute). */
  maxOpenMs?: number;
  now?: () => number;
}

/** Open for a while after a quota error: calls made meanwhile are skipped without a request. */
export class CircuitBreaker {
  private openUntil = 0;
  private readonly minOpenMs: number;
  private readonly maxOpenMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.minOpenMs = options.minOpenMs ?? 5_000;
    this.maxOpenMs = options.maxOpenMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until the breaker closes; 0 when closed. */
  openForMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }

  /** Opens for the server's retry delay, within the bounds; returns for how long. */
  trip(retryAfter?: number): number {
    const ms = Math.min(this.maxOpenMs, Math.max(this.minOpenMs, retryAfter ?? 0));
    this.openUntil = Math.max(this.openUntil, this.now() + ms);
    return ms;
  }
}

/** An optional step was skipped; `cause` says why (the last failure), the message says it in one line. */
export class StepSkippedError extends LoreError {
  override readonly code: string = 'step_skipped';
  constructor(
    readonly step: string,
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    // The cause's own message stays in this one (for the log); the note on the answer has only `why`.
    const detail = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(`${step} skipped: ${why}${detail}`, options);
    this.name = 'StepSkippedError';
  }
}

export interface OptionalStepOptions extends RetryOptions {
  /** For people, e.g. `Gemini reranking`: the note reads "Skipped Gemini reranking: …". */
  step: string;
  breaker: CircuitBreaker;
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

/**
 * Runs `fn` with bounded retries (never on a 429), and turns a quota error, an open breaker, a retry that would
 * not fit the deadline or any other failure into a `StepSkippedError`, noted on the current answer's deadline.
 */
export async function runOptionalStep<T>(fn: (context: AttemptContext) => Promise<T>, options: OptionalStepOptions): Promise<T> {
  const { step, breaker, ...retry } = options;
  const skip = (why: string, cause?: unknown): never => {
    currentDeadline()?.note(`Skipped ${step}: ${why}.`);
    throw new StepSkippedError(step, why, { cause });
  };
  const open = breaker.openForMs();
  if (open > 0) skip(`Gemini's quota is used up, paused for ${seconds(open)}`);
  const retryable = retry.isRetryable ?? isTransientError;
  try {
    return await withRetry(fn, { ...retry, isRetryable: (error) => errorStatus(error) !== 429 && retryable(error) });
  } catch (error) {
    if (retry.signal?.aborted) throw error;
    const last = error instanceof RetryError ? error.cause : error;
    if (errorStatus(last) === 429)
      return skip(`Gemini's quota is used up (HTTP 429), paused for ${seconds(breaker.trip(retryAfterMs(last)))}`, error);
    if (error instanceof RetryError && error.stoppedBy === 'deadline') return skip('a retry would not fit the answer deadline', error);
    const status = errorStatus(last);
    return skip(status === undefined ? 'Gemini failed' : `Gemini failed (HTTP ${status})`, error);
  }
}
