import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slackErrorCode, slackUnavailable } from '../../../bot/slack/slack-errors.ts';
import { AttemptTimeoutError } from '../../../rag/retry.ts';

// Shapes of the errors @slack/web-api throws (its errors carry a `code`, platform errors the API's `data.error`).
const sdkError = (code: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`An API error occurred: ${code}`), { code, ...extra });

describe('slackUnavailable', () => {
  it('reads a rate limit, from the SDK or from an HTTP 429 or from the API, as rate-limited', () => {
    expect(slackUnavailable(sdkError(webApi.ErrorCode.RateLimitedError))?.reason).toBe('rate-limited');
    expect(slackUnavailable(sdkError(webApi.ErrorCode.HTTPError, { statusCode: 429 }))?.reason).toBe('rate-limited');
    expect(slackUnavailable(sdkError('slack_webapi_platform_error', { data: { ok: false, error: 'ratelimited' } }))?.reason).toBe('rate-limited');
  });

  it('reads an unreachable Slack, a 5xx or a Slack-side failure as unavailable', () => {
    expect(slackUnavailable(sdkError(webApi.ErrorCode.RequestError))?.reason).toBe('unavailable');
    expect(slackUnavailable(sdkError(webApi.ErrorCode.HTTPError, { statusCode: 503 }))?.reason).toBe('unavailable');
    expect(slackUnavailable(sdkError('slack_webapi_platform_error', { data: { ok: false, error: 'service_unavailable' } }))?.reason).toBe(
      'unavailable',
    );
  });

  it('tells a timeout by its class or code, its causes included, not by the words of its message', () => {
    expect(slackUnavailable(new AttemptTimeoutError(5_000))?.reason).toBe('unavailable');
    expect(slackUnavailable(new Error('request failed', { cause: Object.assign(new Error('socket'), { code: 'ETIMEDOUT' }) }))?.reason).toBe(
      'unavailable',
    );
    expect(slackUnavailable(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))?.reason).toBe('unavailable');
    // A final answer from Slack whose text happens to say "timed out" is still final.
    expect(slackUnavailable(new Error('the export timed out last week: file_not_found'))).toBeUndefined();
  });

  it('leaves a final answer from Slack to the caller, with its error code', () => {
    const notFound = sdkError('slack_webapi_platform_error', { data: { ok: false, error: 'file_not_found' } });
    expect(slackUnavailable(notFound)).toBeUndefined();
    expect(slackErrorCode(notFound)).toBe('file_not_found');
  });
});
