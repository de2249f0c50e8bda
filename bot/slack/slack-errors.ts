import { webApi } from '@slack/bolt';
import { isTimeout } from '../../rag/errors.ts';
import { PlatformUnavailableError } from '../conversation/platform-unavailable.ts';

// Web API failures sorted by what they mean for the person waiting: Slack could not answer now (rate limited,
// unreachable, a 5xx, a timeout: worth trying again shortly) or Slack answered with an error code (`file_not_found`:
// final). Only the first kind is translated here; the caller knows what a code means for its method.

/** The error as PlatformUnavailableError when Slack could not answer, or undefined when it did. */
export function slackUnavailable(error: unknown): PlatformUnavailableError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === webApi.ErrorCode.RateLimitedError) return new PlatformUnavailableError('Slack', 'rate-limited', { cause: error });
  if (code === webApi.ErrorCode.RequestError) return new PlatformUnavailableError('Slack', 'unavailable', { cause: error });
  if (code === webApi.ErrorCode.HTTPError) {
    const status = (error as { statusCode?: number }).statusCode ?? 0;
    return new PlatformUnavailableError('Slack', status === 429 ? 'rate-limited' : 'unavailable', { cause: error });
  }
  // A timeout is told by its class or code (ours, the platform's AbortSignal.timeout, a socket's ETIMEDOUT), never
  // by the wording of its message.
  if (isTimeout(error) || (error instanceof Error && error.name === 'AbortError')) {
    return new PlatformUnavailableError('Slack', 'unavailable', { cause: error });
  }
  const slackError = (error as { data?: { error?: unknown } } | undefined)?.data?.error;
  if (slackError === 'ratelimited') return new PlatformUnavailableError('Slack', 'rate-limited', { cause: error });
  if (slackError === 'service_unavailable' || slackError === 'internal_error' || slackError === 'fatal_error' || slackError === 'request_timeout') {
    return new PlatformUnavailableError('Slack', 'unavailable', { cause: error });
  }
  return undefined;
}

/** Slack's error code (`file_not_found`, `user_not_found`) when Slack answered with one. */
export function slackErrorCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}
