// Octokit throws RequestError (status, response headers); it is read structurally here so the connector
// does not depend on @octokit/request-error directly.
import { DocumentGoneError } from '../../rag/index/indexer.ts';
import { errorMessage } from '../../rag/errors.ts';

interface ErrorWithResponse {
  status?: unknown;
  response?: { headers?: Record<string, unknown> };
}

export function httpStatus(error: unknown): number | undefined {
  const status = (error as ErrorWithResponse | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function responseHeader(error: unknown, name: string): string | undefined {
  const value = (error as ErrorWithResponse | undefined)?.response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** A 304 answer to a conditional request: Octokit throws it, but it means "unchanged". */
export function isNotModified(error: unknown): boolean {
  return httpStatus(error) === 304;
}

/**
 * When a rate-limited request may be sent again, or `undefined` when the answer is no rate limit. GitHub answers a
 * primary limit with 403 or 429 and `x-ratelimit-remaining: 0` (until `x-ratelimit-reset`, epoch seconds), a
 * secondary one with 403 or 429, `retry-after` seconds or a message naming it; a rate limit is not a permissions
 * problem, and reading it as one sends people to check a token that is fine.
 */
export function rateLimitedUntil(error: unknown, now = Date.now()): { until?: Date } | undefined {
  const status = httpStatus(error);
  if (status !== 403 && status !== 429) return undefined;
  const message = error instanceof Error ? error.message : '';
  const secondary = /secondary rate limit/i.test(message);
  const retryAfter = Number(responseHeader(error, 'retry-after') ?? Number.NaN);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return { until: new Date(now + retryAfter * 1000) };
  if (responseHeader(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(responseHeader(error, 'x-ratelimit-reset') ?? Number.NaN);
    return { until: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined };
  }
  return secondary || status === 429 ? {} : undefined;
}

/** What went wrong, in words that tell the user what to check; never contains the token. */
export function describeGithubError(error: unknown, what: string): string {
  const status = httpStatus(error);
  const detail = errorMessage(error);
  const limited = rateLimitedUntil(error);
  if (limited) {
    const when = limited.until ? ` until ${limited.until.toISOString()}` : '';
    return `${what}: rate limited${when} (${status} ${detail})`;
  }
  switch (status) {
    case 401:
      return `${what}: GitHub rejected GITHUB_TOKEN (401 ${detail})`;
    case 403:
      return `${what}: forbidden (403 ${detail}); check that GITHUB_TOKEN can read it`;
    case 404:
      return `${what}: not found (404); check the name and that GITHUB_TOKEN can read it`;
    default:
      return status === undefined || status === 500 ? `${what}: ${detail}` : `${what}: ${detail} (HTTP ${status})`;
  }
}

/** The upstream document no longer exists where it was listed (deleted, or transferred to another repository). */
export class UpstreamGoneError extends DocumentGoneError {
  override readonly code: string = 'upstream_gone';
  override readonly name = 'UpstreamGoneError';

  constructor(
    readonly documentId: string,
    message: string,
  ) {
    super(message);
  }
}
