// Every error the API answers with has one shape, `{ error: '<code>', message: '<what is wrong, in words>' }`
// (plus `field` for a request that failed validation), whatever raised it: a route, a hook, Fastify itself.

import { LoreError } from '../../rag/errors.ts';

export interface ErrorBody {
  /** Stable, machine-readable: `invalid_request`, `unauthorized`, `rate_limited`, `payload_too_large`, … */
  error: string;
  message: string;
  /** The request field at fault (validation errors). */
  field?: string;
}

/** Thrown by routes and hooks for a refusal the client can act on; the error handler sends it as is. */
export class HttpError extends LoreError {
  override name = 'HttpError';

  constructor(
    readonly statusCode: number,
    override readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly field?: string,
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { error: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

const CODES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

/** The error code for a status without a more specific one. */
export function codeForStatus(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
}
