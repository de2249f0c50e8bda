// Bounded retries for every external call (Gemini, Notion, GitHub, …): exponential backoff with jitter, a
// server's Retry-After respected, a timeout per attempt, and one clear error when it gives up.
import { currentDeadline, type Deadline } from './deadline.ts';
import { errorMessage, LoreError } from './errors.ts';

export interface RetryOptions {
  /** Attempts in total, the first included. Default 4. */
  attempts?: number;
  /** Backoff before the first retry; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest wait between attempts; a Retry-After asking for longer ends the retries. Default 60 s. */
  maxDelayMs?: number;
  /** Limit for each attempt; the attempt's signal aborts and it counts as a retryable failure. */
  timeoutMs?: number;
  /** Which failures are worth another attempt. Default: `isTransientError`. */
  isRetryable?: (error: unknown) => boolean;
  /** Cancels the whole operation, including a wait between attempts. */
  signal?: AbortSignal;
  /** Names the operation in the final error, e.g. `Gemini batchEmbedContents`. */
  label?: string;
  /** Observes each retry (for logs and metrics). */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
  /**
   * The time by which the whole operation must be done; default the current step's (`withinDeadline`), if any.
   * Each attempt is cut at it, and a retry that could not start `minAttemptMs` before it is not made.
   */
  deadline?: Deadline;
  /** Shortest attempt worth starting before the deadline; default 500 ms. */
  minAttemptMs?: number;
}

export interface AttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when this attempt times out or the caller's signal aborts: pass it to fetch/SDK calls. */
  signal: AbortSignal;
}

/** An attempt ran past `timeoutMs`. */
export class AttemptTimeoutError extends LoreError {
  override readonly code: string = 'timeout';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** Why retrying stopped: attempts ran out, the server asked for a longer wait, or the deadline came. */
export type RetryStop = 'attempts' | 'retry-after' | 'deadline';

/** Retrying stopped; `cause` is the last failure. */
export class RetryError extends LoreError {
  override readonly code: string = 'retries_exhausted';
  /** HTTP status of the last failure, when it had one. */
  readonly status: number | undefined;

  constructor(
    message: string,
    readonly attempts: number,
    cause: unknown,
    readonly stoppedBy: RetryStop = 'attempts',
  ) {
    super(message, { cause });
    this.name = 'RetryError';
    this.status = errorStatus(cause);
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** HTTP status carried by an error (`status`, `statusCode` or `response.status`), if any. */
export function errorStatus(error: unknown): number | undefined {
  for (const candidate of [field(error, 'status'), field(error, 'statusCode'), field(field(error, 'response'), 'status')]) {
    if (typeof candidate === 'number' && Number.isInteger(candidate)) return candidate;
  }
  return undefined;
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** Timeouts, 408/425/429/5xx, and dropped or refused connections (also when wrapped, as fetch does). */
export function isTransientError(error: unknown): boolean {
  if (error instanceof AttemptTimeoutError) return true;
  const status = errorStatus(error);
  if (status !== undefined) return status === 408 || status === 425 || status === 429 || status >= 500;
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 4; depth++) {
    const code = field(current, 'code');
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    current = field(current, 'cause');
  }
  return false;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = field(headers, 'get');
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long the server asked to wait, in ms: `retryAfterMs` (ms), `retryAfter` (seconds or an HTTP date), or a
 * `Retry-After` header on `headers` / `response.headers` (a Headers object or a plain record).
 */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const direct = field(error, 'retryAfterMs');
  if (typeof direct === 'number' && Number.isFinite(direct) && direct >= 0) return direct;
  return (
    parseRetryAfter(field(error, 'retryAfter'), now) ??
    parseRetryAfter(headerValue(field(error, 'headers'), 'retry-after'), now) ??
    parseRetryAfter(headerValue(field(field(error, 'response'), 'headers'), 'retry-after'), now)
  );
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs` (with an `AttemptTimeoutError`) or when `signal` aborts;
 * the returned promise settles at that moment even if `fn` ignores its signal. Without `timeoutMs`, only the
 * caller's signal applies.
 */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs?: number, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) throw abortReason(signal);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const error = new AttemptTimeoutError(timeoutMs);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    }
    if (signal) {
      onAbort = () => {
        controller.abort(abortReason(signal));
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    // Through a promise so that a synchronous throw is handled like a rejection.
    const running = Promise.resolve().then(() => fn(controller.signal));
    // An abandoned call may still fail later; that failure has been replaced by the timeout or abort.
    running.catch(() => undefined);
    return await Promise.race([running, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Calls `fn` until it succeeds, a failure is not retryable, or the attempts run out. A failure that is not
 * retryable is rethrown as it is (callers may inspect it); running out of attempts, or a Retry-After longer than
 * `maxDelayMs`, throws a `RetryError` naming the operation, the attempts and the last failure.
 */
export async function withRetry<T>(fn: (context: AttemptContext) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? 4));
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const isRetryable = options.isRetryable ?? isTransientError;
  const label = options.label ?? 'operation';
  const { signal } = options;
  const deadline = options.deadline ?? currentDeadline();
  const minAttemptMs = options.minAttemptMs ?? 500;
  const plural = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    // Each attempt ends at the deadline at the latest: its timeout is whichever comes first.
    const leftMs = deadline?.remainingMs();
    const timeoutMs = leftMs === undefined ? options.timeoutMs : Math.min(options.timeoutMs ?? leftMs, leftMs);
    if (timeoutMs !== undefined && timeoutMs <= 0) {
      const error = new AttemptTimeoutError(0);
      throw new RetryError(`${label} was not started: no time left before the deadline`, attempt - 1, error, 'deadline');
    }
    try {
      return await withTimeout((attemptSignal) => fn({ attempt, signal: attemptSignal }), timeoutMs, signal);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (!isRetryable(error)) throw error;
      if (attempt >= attempts) {
        throw new RetryError(`${label} failed after ${plural(attempt)}: ${errorMessage(error)}`, attempt, error);
      }
      const askedMs = retryAfterMs(error);
      if (askedMs !== undefined && askedMs > maxDelayMs) {
        throw new RetryError(
          `${label} failed after ${plural(attempt)}: the server asked to retry after ` +
            `${Math.ceil(askedMs / 1000)} s, longer than the ${Math.ceil(maxDelayMs / 1000)} s limit: ${errorMessage(error)}`,
          attempt,
          error,
          'retry-after',
        );
      }
      // "Equal jitter": at least half the exponential step, so retries spread out without collapsing to zero.
      const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const backoffMs = step / 2 + Math.random() * (step / 2);
      // Retry-After is the earliest the server wants to see us again, so it is a floor, not a replacement.
      const delayMs = Math.max(backoffMs, askedMs ?? 0);
      if (deadline && delayMs + minAttemptMs > deadline.remainingMs()) {
        // Waiting would spend the time the rest of the answer needs, for an attempt that could not finish anyway.
        throw new RetryError(
          `${label} failed after ${plural(attempt)}: a retry in ${(delayMs / 1000).toFixed(1)} s would not fit the ` +
            `${(deadline.remainingMs() / 1000).toFixed(1)} s left before the deadline: ${errorMessage(error)}`,
          attempt,
          error,
          'deadline',
        );
      }
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
