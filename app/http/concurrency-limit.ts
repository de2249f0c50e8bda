import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Metrics } from '../metrics.ts';
import { HttpError } from './http-error.ts';

// A ceiling on questions being answered at once (LORE_MAX_CONCURRENT_QUERIES), across all keys. Per-key limits
// cap each caller; this caps the process: past it a question would only wait behind the others (seconds, then
// the caller's timeout), so it is refused at once with 429 and a one-second Retry-After instead.

export interface ConcurrencyLimitOptions {
  max: number;
  metrics?: Metrics;
}

/** onRequest hook (after the key and rate-limit guards) for the routes that answer questions. */
export function limitConcurrency(options: ConcurrencyLimitOptions): onRequestAsyncHookHandler {
  let inFlight = 0;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (inFlight >= options.max) {
      options.metrics?.increment('lore_api_rate_limited_total', { route: request.routeOptions.url ?? 'unmatched' });
      throw new HttpError(429, 'busy', `Lore is answering ${options.max} questions at once; retry in 1 s`, { 'retry-after': '1' });
    }
    inFlight += 1;
    // The response's 'close' fires once it is sent or the client went away, whichever comes first.
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
  };
}
