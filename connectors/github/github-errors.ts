// Octokit throws RequestError (status, response headers); it is read structurally here so the connector
// does not depend on @octokit/request-error directly.
import { DocumentGoneError } from '../../rag/index/indexer.ts';

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

/** What went wrong, in words that tell the user what to check; never contains the token. */
export function describeGithubError(error: unknown, what: string): string {
  const status = httpStatus(error);
  const detail = error instanceof Error ? error.message : String(error);
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
  override readonly name = 'UpstreamGoneError';

  constructor(
    readonly documentId: string,
    message: string,
  ) {
    super(message);
  }
}
