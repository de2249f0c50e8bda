import type { onRequestAsyncHookHandler } from 'fastify';
import type { Metrics } from '../metrics.ts';
import type { KeyLimiter } from '../rate-limit/key-limiter.ts';
import { PUBLIC_KEY_ID } from './api-keys.ts';
import { HttpError } from './http-error.ts';
import { errorMessage } from '../../rag/errors.ts';

// Per-key request limits on the routes that cost something (/query, /feedback, /ingest), checked right after the
// key and before the body is read. All of them draw from one bucket per key. Without configured keys every caller
// is `public`, so callers are told apart by address instead: one client cannot spend everyone's allowance.

export interface RateLimitOptions {
  limiter: KeyLimiter;
  /** For the refusal message. */
  perMinute: number;
  metrics?: Metrics;
}

/** onRequest hook (after `requireApiKey`): 429 with Retry-After once the caller's bucket is empty. */
export function limitRequests(options: RateLimitOptions): onRequestAsyncHookHandler {
  const { limiter, perMinute, metrics } = options;
  return async (request) => {
    const bucket = request.keyId === PUBLIC_KEY_ID ? `${PUBLIC_KEY_ID}:${request.ip}` : request.keyId;
    let decision;
    try {
      decision = await limiter.take(bucket);
    } catch (error) {
      // A limiter that cannot be reached (a shared store down) must not take the API down with it.
      request.log.warn({ err: errorMessage(error) }, 'the rate limiter failed; request let through');
      metrics?.increment('lore_errors_total', { kind: 'rate_limiter' });
      return;
    }
    if (decision.allowed) return;
    const route = request.routeOptions.url ?? 'unmatched';
    metrics?.increment('lore_api_rate_limited_total', { route });
    const seconds = String(decision.retryAfterSeconds);
    throw new HttpError(429, 'rate_limited', `too many requests: this API key may make ${perMinute} per minute; retry in ${seconds} s`, {
      'retry-after': seconds,
    });
  };
}
