// Why a generator gave up, in a form the pipeline can turn into a visible note ("Gemini timed out, so this
// answer is extractive") without parsing messages.

export type GenerationFailure =
  /** No answer within the time limit (after retries, when the first attempt timed out). */
  | 'timeout'
  /** 429 after every retry, or a Retry-After longer than we wait. */
  | 'rate-limited'
  /** 5xx after every retry. */
  | 'server'
  /** The prompt or the answer was blocked (safety, recitation, blocklist…). */
  | 'blocked'
  /** The model returned no text. */
  | 'empty'
  /** The stream broke or stalled after text had been sent (never retried: the reader has seen it). */
  | 'interrupted'
  /** The caller cancelled. */
  | 'aborted'
  /** Anything else: a bad key, a bad request, a network failure that retries did not cure. */
  | 'failed';

export class GenerationError extends Error {
  constructor(
    message: string,
    readonly failure: GenerationFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GenerationError';
  }
}
