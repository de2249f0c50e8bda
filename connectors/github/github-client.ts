import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import type { Logger } from 'pino';
import { httpStatus, responseHeader } from './github-errors.ts';
import { sleep } from '../../rag/retry.ts';

const ThrottledOctokit = Octokit.plugin(throttling);
type ThrottleOptions = NonNullable<NonNullable<ConstructorParameters<typeof ThrottledOctokit>[0]>['throttle']>;

/** The Octokit instance the connector talks through: REST methods, throttling, timeouts and retries built in. */
export type GithubApi = InstanceType<typeof ThrottledOctokit>;

export interface GithubClientOptions {
  token?: string;
  /** REST API root; GitHub Enterprise uses `https://HOST/api/v3`. */
  apiUrl?: string;
  signal: AbortSignal;
  log: Logger;
  /** Per request, including reading the body. */
  timeoutMs: number;
  /** Retries of one request after a rate limit, a 5xx or a network failure. */
  maxRetries: number;
  /** A rate limit that resets later than this fails the request instead of stalling the sync. */
  maxRetryWaitSeconds: number;
  /** Milliseconds per second of `Retry-After` (tests shrink it; production waits what GitHub says). */
  retryAfterUnitMs?: number;
}

export interface GithubClient {
  api: GithubApi;
  /** HTTP requests sent so far, retries included. */
  readonly calls: number;
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Octokit with GitHub's rate-limit rules: the throttling plugin (bottleneck) queues requests one at a
 * time and retries 403/429 rate-limit answers after `Retry-After` or `x-ratelimit-reset` (a bounded
 * number of times); this file adds a timeout on every request and retries 5xx and network failures
 * with backoff.
 */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const { signal, log, timeoutMs, maxRetries, maxRetryWaitSeconds } = options;
  const unitMs = options.retryAfterUnitMs ?? 1000;
  let calls = 0;

  const timedFetch: typeof fetch = async (input, init) => {
    calls += 1;
    const signals = [signal, AbortSignal.timeout(timeoutMs)];
    if (init?.signal) signals.push(init.signal);
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };

  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
    const retry = !signal.aborted && retryCount < maxRetries && retryAfter <= maxRetryWaitSeconds;
    log.warn({ request: `${request.method} ${request.url}`, retryAfterSeconds: retryAfter, retryCount, retry }, `GitHub ${kind} hit`);
    return retry;
  };

  // The plugin's own bottleneck limiter, made serial: GitHub asks integrators not to send concurrent
  // requests (secondary rate limits). Its type does not declare the `global` group the plugin reads.
  const throttle: ThrottleOptions & { global: Bottleneck.Group } = {
    id: 'lore-github',
    retryAfterBaseValue: unitMs,
    onRateLimit: onLimit('primary rate limit'),
    onSecondaryRateLimit: onLimit('secondary rate limit'),
    global: new Bottleneck.Group({ maxConcurrent: 1 }),
  };

  const api = new ThrottledOctokit({
    auth: options.token,
    baseUrl: options.apiUrl?.replace(/\/+$/, ''),
    userAgent: 'Lore (knowledge bot)',
    request: { fetch: timedFetch },
    // Octokit logs every request at info and every non-2xx answer (304s included) at error; the errors
    // also reach us as exceptions and are reported there, so its own lines are debug detail.
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.debug(message),
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.debug(message),
    },
    throttle,
  });

  api.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const waitMs = transientRetryDelay(error, attempt, unitMs);
        if (signal.aborted || attempt >= maxRetries || waitMs === undefined || waitMs > maxRetryWaitSeconds * 1000) throw error;
        log.warn(
          { request: `${requestOptions.method} ${requestOptions.url}`, status: httpStatus(error), attempt: attempt + 1, waitMs },
          'GitHub request failed, retrying',
        );
        await sleep(waitMs, signal);
      }
    }
  });

  return {
    api,
    get calls() {
      return calls;
    },
  };
}

/**
 * How long to wait before retrying a server error, a network failure or a 429 that the throttling
 * plugin does not treat as a rate limit (a proxy's); `undefined` when retrying cannot help.
 */
function transientRetryDelay(error: unknown, attempt: number, unitMs: number): number | undefined {
  const status = httpStatus(error);
  const rateLimited = status === 429 && !isGithubRateLimit(error);
  if (status === undefined || !(TRANSIENT_STATUSES.has(status) || rateLimited)) return undefined;
  const retryAfter = Number(responseHeader(error, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * unitMs;
  return Math.min(250 * 2 ** attempt, 5_000);
}

/** The answers the throttling plugin already retried (or gave up on): retrying them again would double the wait. */
function isGithubRateLimit(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /secondary rate/i.test(message) || responseHeader(error, 'x-ratelimit-remaining') === '0';
}
