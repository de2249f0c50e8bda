import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatBytes } from '../../connectors/files/file-limits.ts';
import { codeForStatus, HttpError, type ErrorBody } from './http-error.ts';

// Turns whatever went wrong into the API's one error shape. Client mistakes say what to fix, naming the field;
// server failures say only that it failed and which request it was (the log holds the rest): never an HTML
// page, a stack trace or an internal message.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The content type a route takes, when not JSON: named in a 415's message. */
    accepts?: string;
  }
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Words for `pattern` failures, which Ajv can only describe as a regular expression. */
export type PatternHints = Readonly<Record<string, string>>;

export interface ErrorHandlingOptions {
  bodyLimitBytes: number;
  patternHints?: PatternHints;
}

export function installErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, headers } = describeError(error, request, options);
    const route = request.routeOptions.url ?? 'unmatched';
    if (status >= 500) request.log.error({ err: error, route, method: request.method }, 'request failed');
    else request.log.warn({ route, method: request.method, status, error: body.error, message: body.message }, 'request refused');
    // A refused body is not read to its end: closing the connection stops the client from sending the rest.
    if (status === 413) headers.connection = 'close';
    return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '/').slice(0, 200);
    const body: ErrorBody = { error: 'not_found', message: `no route for ${request.method} ${path}` };
    return reply.code(404).type('application/json; charset=utf-8').send(body);
  });
}

function describeError(
  error: FastifyError,
  request: FastifyRequest,
  options: ErrorHandlingOptions,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof HttpError) return { status: error.statusCode, body: error.body(), headers: { ...error.headers } };
  if (Array.isArray(error.validation) && error.validation.length > 0) {
    const { field, message } = describeValidation(
      error.validation[0] as ValidationIssue,
      error.validationContext ?? 'body',
      options.patternHints ?? {},
    );
    return { status: 400, body: { error: 'invalid_request', message, ...(field ? { field } : {}) }, headers: {} };
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    return {
      status,
      body: { error: codeForStatus(status), message: `the request failed on the server (request ${request.id}); the server log has the details` },
      headers: {},
    };
  }
  return { status, body: { error: codeForStatus(status), message: clientMessage(error, request, options) }, headers: {} };
}

/** Fastify's and @fastify/multipart's client errors, in words that say what to change. */
function clientMessage(error: FastifyError, request: FastifyRequest, options: ErrorHandlingOptions): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is over the ${formatBytes(options.bodyLimitBytes)} limit`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `${request.method} ${request.routeOptions.url ?? request.url} does not take ${request.headers['content-type'] ?? 'this content type'}: send ${acceptedType(request)}`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty: send a JSON object';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_FILES_LIMIT':
      return 'too many files in one upload';
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return 'too many parts in the multipart body';
    case 'FST_MP_PREMATURE_CLOSE':
      return 'the upload ended before the multipart body was complete';
    default:
      // Fastify's own client-error messages are written for API users (and carry no internals).
      return error.message;
  }
}

/** What a route takes (its `config.accepts`); JSON unless it says otherwise. */
export function acceptedType(request: FastifyRequest): string {
  return request.routeOptions.config?.accepts ?? 'application/json';
}

/** `/filters/repository` → `filters.repository`, `/history/2/role` → `history[2].role`. */
function fieldName(instancePath: string, child?: unknown): string {
  const segments = instancePath.split('/').slice(1);
  if (typeof child === 'string') segments.push(child);
  return segments.reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment), '');
}

function describeValidation(issue: ValidationIssue, context: string, hints: PatternHints): { field: string; message: string } {
  const { keyword, params } = issue;
  if (keyword === 'required') {
    const field = fieldName(issue.instancePath, params.missingProperty);
    return { field, message: `${field} is required` };
  }
  if (keyword === 'additionalProperties') {
    const field = fieldName(issue.instancePath, params.additionalProperty);
    return { field, message: `${field} is not a known field` };
  }
  const field = fieldName(issue.instancePath);
  const subject = field || `the ${context}`;
  switch (keyword) {
    case 'type': {
      const type = String(params.type);
      const wanted =
        type === 'integer'
          ? 'a whole number'
          : type === 'object'
            ? field
              ? 'an object'
              : 'a JSON object'
            : type === 'array'
              ? 'an array'
              : `a ${type}`;
      return { field, message: `${subject} must be ${wanted}` };
    }
    case 'minLength':
      return {
        field,
        message: params.limit === 1 ? `${subject} must not be empty` : `${subject} must be at least ${String(params.limit)} characters long`,
      };
    case 'maxLength':
      return { field, message: `${subject} must be at most ${String(params.limit)} characters long` };
    case 'minimum':
      return { field, message: `${subject} must be at least ${String(params.limit)}` };
    case 'maximum':
      return { field, message: `${subject} must be at most ${String(params.limit)}` };
    case 'minItems':
      return { field, message: `${subject} must hold at least ${String(params.limit)} item(s)` };
    case 'maxItems':
      return { field, message: `${subject} must hold at most ${String(params.limit)} items` };
    case 'uniqueItems':
      return { field, message: `${subject} must not repeat an item` };
    case 'enum':
      return { field, message: `${subject} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'pattern': {
      const generic = field.replace(/\[\d+\]/g, '[]');
      return { field, message: `${subject} ${hints[generic] ?? 'is not in the expected format'}` };
    }
    default:
      return { field, message: `${subject} ${issue.message ?? 'is invalid'}` };
  }
}
