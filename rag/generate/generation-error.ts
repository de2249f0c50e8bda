// Why a generator gave up, in a form the pipeline can turn into a visible note ("Gemini timed out, so this
// answer is extractive") without parsing messages. The message is for the log; `userNote` is what people see.
import type { TokenUsage } from '../types.ts';
import { LoreError } from '../errors.ts';

export type GenerationFailure =
  /** No answer within the time limit (after retries, when the first attempt timed out). */
  | 'timeout'
  /** 429 after every retry, or a Retry-After longer than we wait. */
  | 'rate-limited'
  /** 5xx after every retry. */
  | 'server'
  /** The prompt or the answer was blocked (safety, recitation, blocklist…), also after some text had streamed. */
  | 'blocked'
  /** The answer hit the output token limit (finishReason MAX_TOKENS): what arrived is not the whole answer. */
  | 'truncated'
  /** The model returned no text. */
  | 'empty'
  /** The stream broke or stalled after text had been sent (never retried: the reader has seen it). */
  | 'interrupted'
  /** The caller cancelled. */
  | 'aborted'
  /** Anything else: a bad key, a bad request, a network failure that retries did not cure. */
  | 'failed';

export interface GenerationErrorOptions {
  cause?: unknown;
  /** Tokens the provider reported for the attempts made, answered or not: they are billed all the same. */
  usage?: TokenUsage;
  /** The model those tokens were spent on. */
  model?: string;
  /** HTTP status of the last failure, when there was one (named in the note; the body stays in the log). */
  status?: number;
}

export class GenerationError extends LoreError {
  override readonly code: string = 'generation_failed';
  readonly usage: TokenUsage | undefined;
  readonly model: string | undefined;
  readonly status: number | undefined;

  constructor(
    message: string,
    readonly failure: GenerationFailure,
    options: GenerationErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GenerationError';
    this.usage = options.usage;
    this.model = options.model;
    this.status = options.status;
  }
}

const WHAT_FAILED: Record<GenerationFailure, string> = {
  timeout: 'no answer in time',
  'rate-limited': 'quota used up for now',
  server: 'server error',
  blocked: 'answer withheld by its safety or recitation filter',
  truncated: 'answer cut short by its output limit',
  empty: 'empty answer',
  interrupted: 'answer broke off midway',
  aborted: 'cancelled',
  failed: 'request refused or unreachable',
};

/**
 * One line for people: what failed and what Lore did. Never the provider's error body (it can hold account or
 * key details); only the HTTP status, so an operator knows where to look in the log.
 */
export function userNote(error: unknown): string {
  const failure = error instanceof GenerationError ? error.failure : 'failed';
  const status = error instanceof GenerationError && error.status !== undefined ? `, HTTP ${error.status}` : '';
  return `The language model failed (${WHAT_FAILED[failure]}${status}); this answer is extractive, quoted from the sources.`;
}
